//! What a use case answers when it cannot do what was asked.

use fuhua_core::{Lang, Problem};
use fuhua_store::StoreError;

/// A use case's failure. The portal maps each variant to one status and page; the
/// CLI to one exit code and message.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such record, or one outside the actor's scope (404: never reveal which).
    #[error("not found")]
    NotFound,
    /// The actor's role may not do this at all (403).
    #[error("forbidden")]
    Forbidden,
    /// Input breaks a rule; every bad field is named (400 on the API, the form
    /// again with messages on pages).
    #[error("invalid input: {}", .0.iter().map(|p| p.field.as_str()).collect::<Vec<_>>().join(", "))]
    Invalid(Vec<Problem>),
    /// The case moved on since it was read, or the action is not allowed in its
    /// state (409); the message says why, in both languages.
    #[error("{en}")]
    Conflict { zh: String, en: String },
    /// Too many failed attempts (429); says nothing about whether an account exists.
    #[error("too many attempts")]
    Throttled,
    /// Anything else: logged, and shown as a generic error (500).
    #[error(transparent)]
    Store(StoreError),
}

impl ServiceError {
    /// A conflict message in both languages.
    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> ServiceError {
        ServiceError::Conflict {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// One bad field.
    pub fn invalid(problem: Problem) -> ServiceError {
        ServiceError::Invalid(vec![problem])
    }

    /// The conflict message in `lang`, if this is a conflict.
    pub fn conflict_text(&self, lang: Lang) -> Option<&str> {
        match self {
            ServiceError::Conflict { zh, en } => Some(lang.pick(zh, en)),
            _ => None,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> ServiceError {
        match error {
            StoreError::Conflict { .. } => ServiceError::conflict(
                "该记录已被他人更新，请刷新后重试。",
                "Someone else changed this record in the meantime; reload it and try again.",
            ),
            StoreError::NotFound { .. } => ServiceError::NotFound,
            other => ServiceError::Store(other),
        }
    }
}

/// A use case's result.
pub type ServiceResult<T> = Result<T, ServiceError>;
