//! What can go wrong in sending mail, each variant naming the broken rule.

use fuhua_store::StoreError;

/// A mail failure. Messages never carry a recipient's address or a context value:
/// they reach logs.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A setting (`FUHUA_SMTP_URL`, `FUHUA_MAIL_FROM`, `FUHUA_PUBLIC_URL`) is unusable.
    #[error("mail setting {setting}: {reason}")]
    Config {
        setting: &'static str,
        reason: String,
    },
    /// No email of that name is registered (a folder under `web/templates/email/`).
    #[error("there is no email template named {0:?}")]
    UnknownTemplate(String),
    /// The context does not fit the template (a missing field, a `url` that is not a
    /// site path) or the template itself is broken.
    #[error("email {template} ({lang}): {reason}")]
    Render {
        template: String,
        lang: &'static str,
        reason: String,
    },
    /// The recipient's address does not parse as an email address.
    #[error("the recipient address is not a valid email address")]
    Address,
    /// lettre refused to assemble the message.
    #[error("the message could not be built: {0}")]
    Build(String),
    /// The SMTP server or the mail directory did not take the message.
    #[error("delivery: {0}")]
    Transport(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MailError {
    /// Whether trying again later cannot help (the row is then marked `failed` at
    /// once instead of being retried with backoff).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::UnknownTemplate(_)
                | MailError::Render { .. }
                | MailError::Address
                | MailError::Build(_)
        )
    }
}
