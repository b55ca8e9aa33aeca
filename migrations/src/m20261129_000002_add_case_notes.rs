//! Case pages (issue: the rent-relief journey): internal notes and messages on a
//! case, the emails of a case and of a user (for the case timeline and "my
//! notices"), and the facts of a relief application's steps.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASE_TABLES: &str = "'accreditation_applications', 'relief_applications', \
    'extension_requests', 'monthly_reports', 'settlement_claims', 'award_cases', \
    'evaluation_rounds'";

/// Columns added to existing tables: (table, column definition).
fn added_columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("mail_outbox", string_null("case_table").to_owned()),
        ("mail_outbox", big_integer_null("case_id").to_owned()),
        (
            "mail_outbox",
            big_integer_null("recipient_user_id").to_owned(),
        ),
        (
            "relief_applications",
            timestamp_with_time_zone_null("submitted_at").to_owned(),
        ),
        (
            "relief_applications",
            big_integer_null("confirmed_by").to_owned(),
        ),
        (
            "relief_applications",
            timestamp_with_time_zone_null("confirmed_at").to_owned(),
        ),
        (
            "relief_applications",
            string_null("decision_reason").to_owned(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create()
            .table("case_notes")
            .col(big_pk_auto("id"))
            .col(
                string("case_table")
                    .check(Expr::cust(format!("case_table IN ({CASE_TABLES})")))
                    .to_owned(),
            )
            .col(big_integer("case_id"))
            .col(big_integer("author_user_id"))
            .col(
                string("visibility")
                    .check(Expr::cust("visibility IN ('internal', 'applicant')"))
                    .to_owned(),
            )
            .col(text("body"))
            .col(timestamp_with_time_zone("created_at"))
            .to_owned();
        t.foreign_key(
            ForeignKey::create()
                .from("case_notes", "author_user_id")
                .to("users", "id")
                .on_delete(ForeignKeyAction::Restrict),
        );
        manager.create_table(t).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_case_notes_case")
                    .table("case_notes")
                    .col("case_table")
                    .col("case_id")
                    .to_owned(),
            )
            .await?;
        // SQLite alters one column per statement.
        for (table, column) in added_columns() {
            manager
                .alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        for (name, columns) in [
            ("ix_mail_outbox_case", &["case_table", "case_id"][..]),
            ("ix_mail_outbox_recipient", &["recipient_user_id"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("mail_outbox");
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_relief_applications_state")
                    .table("relief_applications")
                    .col("state")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_mail_outbox_case", "ix_mail_outbox_recipient"] {
            manager
                .drop_index(Index::drop().name(name).table("mail_outbox").to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_relief_applications_state")
                    .table("relief_applications")
                    .to_owned(),
            )
            .await?;
        for (table, column) in added_columns().into_iter().rev() {
            let name = column.get_column_name();
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Alias::new(name))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("case_notes").to_owned())
            .await?;
        Ok(())
    }
}
