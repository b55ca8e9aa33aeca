//! A secret column: a password hash, a session-token hash, a CSRF token. Stored as
//! text; `Debug` never shows it — also not the `Debug` that sea-orm derives for the
//! `ActiveModel`s of the tables that hold one (SPEC §6: secrets never reach logs).

use sea_orm::DeriveValueType;
use sea_orm::TryFromU64;
use sea_orm::error::DbErr;

/// Text that is a secret; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, DeriveValueType)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret text, for the one place that needs it (verifying, comparing).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret text, moved out.
    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Secret {
        Secret(text.to_owned())
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Secret {
        Secret(text)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A secret is never an auto-incremented key (sessions' key is the token's hash).
impl TryFromU64 for Secret {
    fn try_from_u64(_: u64) -> Result<Self, DbErr> {
        Err(DbErr::ConvertFromU64("Secret"))
    }
}
