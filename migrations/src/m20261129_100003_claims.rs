//! Settlement claims (SPEC §4): an official's written reason on a decision, and a
//! finance user's written override to approve a claim beyond what is left of the
//! fund source's appropriation (who and why); an index for reading a quarter's
//! unclaimed ledger rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns added to `settlement_claims`.
fn added_columns() -> Vec<ColumnDef> {
    vec![
        text_null("decision_note").to_owned(),
        text_null("override_reason").to_owned(),
        big_integer_null("override_by").to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in added_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("settlement_claims")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_claims_quarter_state")
                    .table("settlement_claims")
                    .col("year")
                    .col("quarter")
                    .col("state")
                    .to_owned(),
            )
            .await?;
        // A generation reads the unclaimed rows of a few months.
        manager
            .create_index(
                Index::create()
                    .name("ix_ledger_claim_month")
                    .table("ledger_rows")
                    .col("claim_id")
                    .col("month")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_ledger_claim_month")
                    .table("ledger_rows")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_claims_quarter_state")
                    .table("settlement_claims")
                    .to_owned(),
            )
            .await?;
        for column in added_columns().into_iter().rev() {
            let name = column.get_column_name();
            manager
                .alter_table(
                    Table::alter()
                        .table("settlement_claims")
                        .drop_column(Alias::new(name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
