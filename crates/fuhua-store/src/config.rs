//! Where the data lives: the embedded SQLite file by default, PostgreSQL by URL.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::crypto::DataKey;
use crate::error::StoreError;

/// The database file of the embedded default, inside the data directory.
pub const DATABASE_FILE: &str = "fuhua.db";

/// Which database to use.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded default: a SQLite file (WAL mode, foreign keys on).
    Sqlite { path: PathBuf },
    /// Production: a PostgreSQL URL (`postgres://…`).
    Postgres { url: String },
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite { path } => write!(f, "Sqlite({})", path.display()),
            Database::Postgres { url } => write!(f, "Postgres({})", redact_url(url)),
        }
    }
}

/// A URL with its password replaced by `***`, fit for logs and `Debug`: the
/// password of `scheme://user:password@host/…` and the value of a `password`
/// (or `pass`, `passwd`, `pwd`, `sslpassword`) query parameter. Used for database
/// and SMTP URLs alike; when unsure, it hides more rather than less.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let rest = match rest.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => rest.to_owned(),
        },
        None => rest.to_owned(),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_query(query)),
        None => rest,
    };
    match scheme {
        Some(scheme) => format!("{scheme}://{rest}"),
        None => rest,
    }
}

/// Query parameters whose value is a secret.
const SECRET_PARAMETERS: [&str; 5] = ["password", "pass", "passwd", "pwd", "sslpassword"];

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMETERS.contains(&name.to_ascii_lowercase().as_str()) => {
                format!("{name}=***")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub database: Database,
    pub data_dir: PathBuf,
    /// `FUHUA_DATA_KEY`, base64 of 32 bytes. Required on PostgreSQL; generated into
    /// the data directory for the embedded default.
    pub data_key: Option<DataKeySource>,
}

/// A data key given by the operator (redacted in `Debug`).
#[derive(Clone)]
pub struct DataKeySource(String);

impl fmt::Debug for DataKeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl DataKeySource {
    pub fn new(base64: impl Into<String>) -> DataKeySource {
        DataKeySource(base64.into())
    }
}

impl StoreConfig {
    /// From the values of `FUHUA_DATABASE_URL`, `FUHUA_DATA_DIR` and `FUHUA_DATA_KEY`.
    pub fn new(
        database_url: Option<&str>,
        data_dir: &Path,
        data_key: Option<&str>,
    ) -> Result<StoreConfig, StoreError> {
        let database = match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Database::Sqlite {
                path: data_dir.join(DATABASE_FILE),
            },
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres {
                    url: url.to_owned(),
                }
            }
            Some(url) if url.starts_with("sqlite:") => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                Database::Sqlite {
                    path: PathBuf::from(path),
                }
            }
            Some(url) => {
                return Err(StoreError::Config(format!(
                    "FUHUA_DATABASE_URL must start with postgres:// or sqlite:, got {}",
                    redact_url(url)
                )));
            }
        };
        Ok(StoreConfig {
            database,
            data_dir: data_dir.to_owned(),
            data_key: data_key
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(DataKeySource::new),
        })
    }

    /// The data key: given, or for the embedded default read from (or generated
    /// into) the data directory. PostgreSQL without a key is a start-up error.
    pub fn resolve_key(&self) -> Result<DataKey, StoreError> {
        match (&self.data_key, &self.database) {
            (Some(key), _) => DataKey::from_base64(&key.0),
            (None, Database::Sqlite { path }) => {
                let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(&self.data_dir);
                DataKey::load_or_create(dir)
            }
            (None, Database::Postgres { .. }) => Err(StoreError::Key(
                "FUHUA_DATA_KEY is required when running on PostgreSQL (32 random bytes, base64; e.g. `openssl rand -base64 32`). Every server of the district must use the same key, kept apart from database backups.".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_file_in_the_data_dir() {
        let config = StoreConfig::new(None, Path::new("./data"), None).unwrap();
        assert_eq!(
            config.database,
            Database::Sqlite {
                path: PathBuf::from("./data/fuhua.db")
            }
        );
    }

    #[test]
    fn postgres_urls_print_without_the_password() {
        let config = StoreConfig::new(
            Some("postgres://fuhua:s3cret@db.internal:5432/fuhua"),
            Path::new("d"),
            Some("k"),
        )
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://fuhua:***@db.internal:5432/fuhua"));
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn passwords_are_taken_out_of_urls() {
        for (url, shown) in [
            (
                "postgres://fuhua:s3cret@db:5432/fuhua",
                "postgres://fuhua:***@db:5432/fuhua",
            ),
            (
                "postgresql://fuhua:p@ss:w?rd@db/fuhua",
                "postgresql://fuhua:***@db/fuhua",
            ),
            (
                "postgres://db/fuhua?user=fuhua&password=s3cret&sslmode=require",
                "postgres://db/fuhua?user=fuhua&password=***&sslmode=require",
            ),
            (
                "smtps://mailer:s3cret@smtp.example.org:465?tls=required",
                "smtps://mailer:***@smtp.example.org:465?tls=required",
            ),
            (
                "postgres://postgres@127.0.0.1/fuhua",
                "postgres://postgres@127.0.0.1/fuhua",
            ),
            ("fuhua:s3cret@db", "fuhua:***@db"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
        let config = StoreConfig::new(
            Some("postgres://db/fuhua?Password=s3cret"),
            Path::new("d"),
            None,
        )
        .unwrap();
        assert!(!format!("{config:?}").contains("s3cret"));
        assert!(!format!("{:?}", config.database).contains("s3cret"));
    }

    #[test]
    fn the_data_key_is_never_printed() {
        let key = crate::crypto::DataKey::generate().to_base64();
        let config = StoreConfig::new(None, Path::new("d"), Some(&key)).unwrap();
        let shown = format!("{config:?} {:?}", config.data_key);
        assert!(!shown.contains(&key), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let error = StoreConfig::new(Some("mysql://root:s3cret@db/x"), Path::new("d"), None)
            .unwrap_err()
            .to_string();
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn postgres_without_a_key_is_refused_with_a_clear_message() {
        let config = StoreConfig::new(
            Some("postgres://postgres@127.0.0.1/fuhua"),
            Path::new("d"),
            None,
        )
        .unwrap();
        let error = config.resolve_key().unwrap_err().to_string();
        assert!(
            error.contains("FUHUA_DATA_KEY is required when running on PostgreSQL"),
            "{error}"
        );
    }

    #[test]
    fn other_urls_are_refused() {
        assert!(StoreConfig::new(Some("mysql://x"), Path::new("d"), None).is_err());
    }
}
