//! Opening the system of record: configuration → store → migrations → parameters.

use std::path::Path;

use fuhua_core::ParameterSet;
use fuhua_store::repo::reference;
use fuhua_store::{Checkpoint, Store, StoreConfig, StoreError, Verification};

/// A URL with its password replaced, fit for logs and `Debug`.
pub use fuhua_store::config::redact_url;

/// The open platform: the store behind the use cases. Nothing outside this crate
/// reaches the store through it: the portal and the command line act through the
/// use cases, and what runs beside them (the demo's seeding, the outbox sender) is
/// handed the store where the process is put together (`Store::open`).
#[derive(Debug, Clone)]
pub struct System {
    store: Store,
}

/// Where to find the data (the `FUHUA_*` settings). `Debug` hides the database
/// password and the data key.
#[derive(Clone)]
pub struct Settings<'a> {
    pub database_url: Option<&'a str>,
    pub data_dir: &'a Path,
    /// `FUHUA_DATA_KEY` from the environment (never from the command line).
    pub data_key: Option<&'a str>,
}

impl std::fmt::Debug for Settings<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &self.database_url.map(redact_url))
            .field("data_dir", &self.data_dir)
            .field("data_key", &self.data_key.map(|_| "<redacted>"))
            .finish()
    }
}

/// Opens the store the settings name; with `migrate`, applies pending migrations.
/// For what is put together beside the use cases (the demo's seeding, the outbox
/// sender); everything else goes through a [`System`].
pub async fn open_store(settings: &Settings<'_>, migrate: bool) -> Result<Store, StoreError> {
    let config = StoreConfig::new(settings.database_url, settings.data_dir, settings.data_key)?;
    tracing::info!(database = ?config.database, "opening the store");
    let store = Store::open(&config).await?;
    if migrate {
        store.migrate().await?;
    }
    Ok(store)
}

impl System {
    /// Opens the store; with `migrate`, applies pending migrations (the embedded
    /// default and `fuhua serve` do; `fuhua migrate` does it explicitly).
    pub async fn open(settings: &Settings<'_>, migrate: bool) -> Result<System, StoreError> {
        Ok(System {
            store: open_store(settings, migrate).await?,
        })
    }

    pub fn from_store(store: Store) -> System {
        System { store }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The applied migrations' names, oldest first (`fuhua migrate`).
    pub async fn applied_migrations(&self) -> Result<Vec<String>, StoreError> {
        self.store.applied_migrations().await
    }

    /// Checks the audit chain from its first row (`fuhua audit verify`, SPEC §6);
    /// with `expected`, also that a head recorded earlier is still in it.
    pub async fn verify_audit(
        &self,
        expected: Option<&Checkpoint>,
    ) -> Result<Verification, StoreError> {
        match expected {
            None => self.store.verify_audit().await,
            Some(head) => self.store.verify_audit_against(head).await,
        }
    }

    /// The dated parameters as officials have set them.
    pub async fn parameters(&self) -> Result<ParameterSet, StoreError> {
        reference::load_parameters(&self.store).await
    }

    /// A cheap check that the database answers (for `/healthz`).
    pub async fn health(&self) -> Result<&'static str, StoreError> {
        self.store.ping().await?;
        Ok(self.store.backend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_print_without_the_database_password_or_the_data_key() {
        let settings = Settings {
            database_url: Some("postgres://fuhua:pg-s3cret@db/fuhua"),
            data_dir: Path::new("data"),
            data_key: Some("a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleSE="),
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("pg-s3cret"), "{shown}");
        assert!(!shown.contains("a2V5LWtleS"), "{shown}");
        assert!(shown.contains("fuhua:***@db"), "{shown}");
    }
}
