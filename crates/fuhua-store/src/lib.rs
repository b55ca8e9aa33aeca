//! Fuhua's system of record: sea-orm entities, repositories, transactions, the audit
//! chain, the mail outbox and encryption of personal data at rest. The only crate
//! (with `migrations/`) that names sea-orm; others see `Store`, `Write` and the
//! repository functions.
//!
//! Every change goes through a [`Write`]: one transaction (IMMEDIATE on SQLite, so
//! writers queue instead of failing), in which the change and its audit row are
//! written together, then committed — or nothing is.

pub mod audit;
pub mod config;
pub mod crypto;
pub mod entities;
pub mod error;
pub mod outbox;
pub mod password;
#[cfg(test)]
mod redaction_tests;
pub mod repo;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database as SeaDatabase, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use serde_json::Value;

pub use audit::{Broken, Change, Checkpoint, Verification};
pub use config::{Database, StoreConfig};
pub use crypto::{Crypto, DataKey};
pub use error::StoreError;

/// Who makes a change: a user's name, or `system:cli` for unattended work from the
/// command line (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub const CLI: &'static str = "system:cli";

    pub fn user(username: &str) -> Actor {
        Actor(username.to_owned())
    }

    pub fn cli() -> Actor {
        Actor(Actor::CLI.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The open database with its crypto. Cheap to clone; share one per process.
/// `Debug` shows the backend only: no URL, no key.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    crypto: Arc<Crypto>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the configured database (creating the SQLite file and its directory on
    /// first start) and resolves the data key. Does not migrate.
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        let key = config.resolve_key()?;
        let db = match &config.database {
            Database::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                        path: dir.display().to_string(),
                        source,
                    })?;
                }
                connect_sqlite(&path.display().to_string()).await?
            }
            Database::Postgres { url } => connect_postgres(url).await?,
        };
        Ok(Store {
            db,
            crypto: Arc::new(Crypto::new(&key)),
        })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        fuhua_migrations::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Rolls every migration back (tests and `fuhua migrate --down`).
    pub async fn migrate_down_all(&self) -> Result<(), StoreError> {
        fuhua_migrations::Migrator::down(&self.db, None).await?;
        Ok(())
    }

    /// Names of the applied migrations, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>, StoreError> {
        Ok(fuhua_migrations::Migrator::get_applied_migrations(&self.db)
            .await?
            .into_iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Postgres => "postgres",
            _ => "sqlite",
        }
    }

    pub fn crypto(&self) -> &Crypto {
        &self.crypto
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Begins a write transaction (IMMEDIATE on SQLite).
    pub(crate) async fn begin_write_tx(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }

    /// Begins a change made by `actor`.
    pub async fn write(&self, actor: &Actor) -> Result<Write, StoreError> {
        Ok(Write {
            tx: self.begin_write_tx().await?,
            actor: actor.clone(),
            crypto: Arc::clone(&self.crypto),
        })
    }

    /// Checks the audit chain (`fuhua audit verify`) under this store's data key.
    pub async fn verify_audit(&self) -> Result<Verification, StoreError> {
        audit::verify(&self.db, self.crypto.chain_key(), None).await
    }

    /// Checks the audit chain and that it still holds `expected`, a head recorded
    /// outside the database (`fuhua audit verify --expect SEQ:HASH`).
    pub async fn verify_audit_against(
        &self,
        expected: &Checkpoint,
    ) -> Result<Verification, StoreError> {
        audit::verify(&self.db, self.crypto.chain_key(), Some(expected)).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await?;
        Ok(())
    }

    /// Audit rows after `after_seq`, oldest first (at most `limit`).
    pub async fn audit_rows(
        &self,
        after_seq: i64,
        limit: u64,
    ) -> Result<Vec<audit::AuditRow>, StoreError> {
        audit::page(&self.db, after_seq, limit).await
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }
}

async fn connect_sqlite(path: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(format!("sqlite://{path}?mode=rwc"));
    options
        .max_connections(4)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
            o.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(60))
                .create_if_missing(true)
        });
    Ok(SeaDatabase::connect(options).await?)
}

async fn connect_postgres(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    SeaDatabase::connect(options).await.map_err(|e| {
        StoreError::Config(format!(
            "cannot connect to {}: {e}",
            config::redact_url(url)
        ))
    })
}

/// One change in progress: a transaction that also knows its actor. Dropping it
/// without `commit` rolls everything back. `Debug` shows the actor only.
pub struct Write {
    tx: DatabaseTransaction,
    actor: Actor,
    crypto: Arc<Crypto>,
}

impl std::fmt::Debug for Write {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Write")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Write {
    pub(crate) fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn crypto(&self) -> &Crypto {
        &self.crypto
    }

    /// Writes the audit row of a change, in this transaction.
    pub async fn audit(&self, change: &Change<'_>) -> Result<i64, StoreError> {
        audit::append(
            &self.tx,
            self.crypto.chain_key(),
            self.actor.as_str(),
            change,
        )
        .await
    }

    /// Shorthand for the common case.
    pub async fn audit_change(
        &self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Result<i64, StoreError> {
        self.audit(&Change {
            action,
            entity,
            entity_id: entity_id.to_string(),
            before,
            after,
        })
        .await
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}
