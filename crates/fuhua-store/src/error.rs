//! What can go wrong in the store, each variant saying which rule was broken.

use sea_orm::{DbErr, SqlErr};

/// A store failure. Messages never contain personal data: stored identifiers are
/// encrypted, and values are not echoed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else changed the case since it was read (optimistic locking).
    #[error("{entity} {id} was changed by someone else in the meantime; reload it and try again")]
    Conflict { entity: &'static str, id: i64 },
    #[error("{entity} {id} does not exist")]
    NotFound { entity: &'static str, id: String },
    /// SPEC §3: stays of one entity must not overlap (also refused by the database).
    #[error("the stay overlaps another stay of the same entity")]
    OverlappingStay,
    /// A unique rule of the schema, e.g. one payment per award step, ever.
    #[error("this would duplicate an existing record ({constraint})")]
    Duplicate { constraint: String },
    /// A row points to something that does not exist, or something still in use.
    #[error("a referenced record is missing or still in use ({0})")]
    Reference(String),
    /// Input that breaks a rule of the record (named in the message).
    #[error("{0}")]
    Invalid(String),
    /// Stored data that does not read back (a bug or tampering, never user input).
    #[error("stored data: {0}")]
    Corrupt(String),
    /// A case may not move this way (SPEC §4).
    #[error("{0}")]
    Transition(String),
    #[error("the data key: {0}")]
    Key(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("stored personal data could not be decrypted with this data key")]
    Decrypt,
    /// The cipher refused to seal a value; nothing was written.
    #[error("personal data ({purpose}) could not be encrypted; nothing was saved")]
    Encrypt { purpose: String },
    #[error("the audit log is append-only")]
    AuditAppendOnly,
    #[error("file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("database: {0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    /// Sorts database errors into the rules they enforce.
    fn from(error: DbErr) -> StoreError {
        let text = error.to_string();
        if text.contains("overlapping_stay") {
            return StoreError::OverlappingStay;
        }
        if text.contains("audit_log_is_append_only") {
            return StoreError::AuditAppendOnly;
        }
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(constraint)) => {
                StoreError::Duplicate { constraint }
            }
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => StoreError::Reference(detail),
            _ => StoreError::Db(error),
        }
    }
}

impl StoreError {
    /// True when retrying the same change later might succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
