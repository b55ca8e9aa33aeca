//! The operators' tenant roll (issue: operators run their carriers): the waiver
//! window's end kept on the stay (set when a relief is approved or extended), and
//! the indexes the roll's search, filters and keyset pages walk, so that a district
//! of 100,000 tenants is never scanned whole.
//!
//! Name prefixes are searched as ranges over code-point order: SQLite's BINARY
//! collation is that order; on PostgreSQL the name indexes are built `COLLATE "C"`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table, columns) of the plain indexes.
const PLAIN: &[(&str, &str, &[&str])] = &[
    ("ix_stays_move_in", "stays", &["move_in", "id"]),
    ("ix_stays_window_end", "stays", &["window_end", "id"]),
    ("ix_stays_carrier_id", "stays", &["carrier_id", "id"]),
];

/// (index, table, column) of the name indexes searched by prefix.
const NAMES: &[(&str, &str, &str)] = &[
    ("ix_entities_name", "entities", "name"),
    ("ix_people_name", "people", "name"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("stays")
                    .add_column(date_null("window_end"))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in PLAIN {
            let mut index = Index::create();
            index.name(*name).table(*table);
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        for (name, table, column) in NAMES {
            let collate = if postgres { " COLLATE \"C\"" } else { "" };
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX {name} ON {table} ({column}{collate}, id)"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in NAMES {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        for (name, table, _) in PLAIN {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("stays")
                    .drop_column("window_end")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
