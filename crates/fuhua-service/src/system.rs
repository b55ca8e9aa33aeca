//! Opening the system of record: configuration → store → migrations → parameters.

use std::path::Path;

use fuhua_core::ParameterSet;
use fuhua_store::repo::reference;
use fuhua_store::{Store, StoreConfig, StoreError};

/// The open platform: the store and what the portal needs from it.
#[derive(Debug, Clone)]
pub struct System {
    store: Store,
}

/// Where to find the data (the `FUHUA_*` settings).
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    pub database_url: Option<&'a str>,
    pub data_dir: &'a Path,
    pub data_key: Option<&'a str>,
}

impl System {
    /// Opens the store; with `migrate`, applies pending migrations (the embedded
    /// default and `fuhua serve` do; `fuhua migrate` does it explicitly).
    pub async fn open(settings: &Settings<'_>, migrate: bool) -> Result<System, StoreError> {
        let config = StoreConfig::new(settings.database_url, settings.data_dir, settings.data_key)?;
        tracing::info!(database = ?config.database, "opening the store");
        let store = Store::open(&config).await?;
        if migrate {
            store.migrate().await?;
        }
        Ok(System { store })
    }

    pub fn from_store(store: Store) -> System {
        System { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
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
