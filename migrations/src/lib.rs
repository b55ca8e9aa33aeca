//! Fuhua's database migrations, for SQLite (the embedded default) and PostgreSQL.
//!
//! Append-only: a migration that has shipped is never edited; a change is a new file
//! `mYYYYMMDD_HHMMSS_verb_noun.rs` with both `up` and `down`. Migrations describe
//! tables with sea-query and never import entities, so they stay a frozen record of
//! the schema's history. Money is integer fen (`*_fen`), JSON is stored as text,
//! dates as `DATE`, times as timestamps with time zone (UTC).

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_schema;
mod m20261129_000001_add_sign_in;
mod m20261129_000002_add_case_notes;
mod m20261129_100002_reports;
mod m20261129_100003_claims;
mod m20261129_100004_tenant_roll;
mod m20261129_100005_occupancy;

/// Every migration, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_schema::Migration),
            Box::new(m20261129_000001_add_sign_in::Migration),
            Box::new(m20261129_000002_add_case_notes::Migration),
            Box::new(m20261129_100002_reports::Migration),
            Box::new(m20261129_100003_claims::Migration),
            Box::new(m20261129_100004_tenant_roll::Migration),
            Box::new(m20261129_100005_occupancy::Migration),
        ]
    }
}
