//! Throwaway databases for tests (feature `testing`): a SQLite file in a fresh
//! temporary directory, and — when `FUHUA_TEST_PG` names a PostgreSQL server — a
//! uniquely named database created for the test and dropped afterwards.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng as _;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database as SeaDatabase};

use crate::config::{DataKeySource, Database, StoreConfig};
use crate::crypto::DataKey;
use crate::entities::{carrier, jurisdiction};
use crate::{Store, StoreError};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The PostgreSQL server for tests, if the environment names one.
pub fn postgres_server() -> Option<String> {
    std::env::var("FUHUA_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

fn unique_name() -> String {
    let mut salt = [0u8; 4];
    rand::rng().fill_bytes(&mut salt);
    format!(
        "fuhua_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        crate::crypto::hex(&salt)
    )
}

/// One throwaway database with a migrated store on it.
#[derive(Debug)]
pub struct TestDb {
    pub config: StoreConfig,
    pub store: Store,
    /// The SQLite directory to remove, or the PostgreSQL database to drop.
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Dir(PathBuf),
    Postgres { server: String, name: String },
}

impl TestDb {
    /// A migrated SQLite store in a new temporary directory (the key file is
    /// generated there, as for the embedded default).
    pub async fn sqlite() -> Result<TestDb, StoreError> {
        let dir = std::env::temp_dir().join(unique_name());
        let config = StoreConfig::new(None, &dir, None)?;
        let store = Store::open(&config).await?;
        store.migrate().await?;
        Ok(TestDb {
            config,
            store,
            cleanup: Cleanup::Dir(dir),
        })
    }

    /// A migrated store on a fresh PostgreSQL database, when `FUHUA_TEST_PG` is set.
    pub async fn postgres() -> Result<Option<TestDb>, StoreError> {
        let Some(server) = postgres_server() else {
            return Ok(None);
        };
        let name = unique_name();
        let admin = SeaDatabase::connect(server.as_str()).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        admin.close().await?;
        let url = with_database(&server, &name);
        let dir = std::env::temp_dir().join(&name);
        let key = DataKey::generate().to_base64();
        let config = StoreConfig::new(Some(&url), &dir, Some(&key))?;
        let store = Store::open(&config).await?;
        store.migrate().await?;
        Ok(Some(TestDb {
            config,
            store,
            cleanup: Cleanup::Postgres { server, name },
        }))
    }

    /// SQLite, and PostgreSQL too when configured.
    pub async fn every() -> Result<Vec<TestDb>, StoreError> {
        let mut all = vec![TestDb::sqlite().await?];
        if let Some(pg) = TestDb::postgres().await? {
            all.push(pg);
        }
        Ok(all)
    }

    /// A second, independent connection pool to the same database.
    pub async fn second_pool(&self) -> Result<Store, StoreError> {
        Store::open(&self.config).await
    }

    /// The SQLite file, when this is SQLite.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match &self.config.database {
            Database::Sqlite { path } => Some(path),
            Database::Postgres { .. } => None,
        }
    }

    pub fn key(&self) -> Option<&DataKeySource> {
        self.config.data_key.as_ref()
    }

    /// Runs SQL directly, bypassing the application (to simulate tampering).
    pub async fn raw(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(self
            .store
            .db()
            .execute_unprepared(sql)
            .await?
            .rows_affected())
    }

    /// Removes the database.
    pub async fn drop_db(self) -> Result<(), StoreError> {
        self.store.close().await?;
        match self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { server, name } => {
                let admin = SeaDatabase::connect(server.as_str()).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                admin.close().await?;
            }
        }
        Ok(())
    }
}

/// What [`TestDb::seed_carriers`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// A street/town (长江路街道, code 370211001).
    pub jurisdiction_id: i64,
    /// Government-invested, self-operated incubation bases, in the order named.
    pub carrier_ids: Vec<i64>,
}

/// Rows most tests stand on: a street/town and one carrier per name, inserted
/// directly — without audit rows, so a test's audit counts are its own.
pub async fn seed_carriers(store: &Store, names: &[&str]) -> Result<Seed, StoreError> {
    {
        let at = crate::repo::now();
        let db = store.db();
        let town = jurisdiction::ActiveModel {
            code: Set("370211001".to_owned()),
            name: Set("长江路街道".to_owned()),
            kind: Set("street_town".to_owned()),
            parent_id: Set(None),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let mut carrier_ids = Vec::with_capacity(names.len());
        for name in names {
            let row = carrier::ActiveModel {
                name: Set((*name).to_owned()),
                kind: Set("incubation_base".to_owned()),
                founding: Set("gov_invested".to_owned()),
                operation: Set("self_operated".to_owned()),
                jurisdiction_id: Set(town.id),
                address: Set("长江中路1号".to_owned()),
                floor_area_centi: Set(500_000),
                workstations: Set(80),
                operator_org_id: Set(None),
                waives_rent: Set(true),
                base_operating_subsidy_fen: Set(None),
                contact_name: Set(None),
                contact_phone_enc: Set(None),
                contact_phone_hash: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
                ..Default::default()
            }
            .insert(db)
            .await?;
            carrier_ids.push(row.id);
        }
        Ok(Seed {
            jurisdiction_id: town.id,
            carrier_ids,
        })
    }
}

/// The server URL with its database name replaced.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
