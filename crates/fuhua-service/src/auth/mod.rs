//! Signing in (issue 6, points 2 and 3): login with throttling, sessions kept in the
//! database with an idle and an absolute timeout, logout, password changes,
//! self-registration of entrepreneurs, and proving the link between an account and
//! a person on record.
//!
//! Rules every function here keeps:
//! - Passwords are checked and hashed with argon2 on the blocking pool
//!   (`tokio::task::spawn_blocking`), so a burst of logins does not stall pages.
//! - A login answers the same, in about the same time, for an unknown account as
//!   for a wrong password (an unknown username costs one verification against a
//!   fixed dummy hash); a lock says nothing about whether the account exists.
//! - 5 failures lock for 15 minutes, per account (the keyed hash of the normalised
//!   username, whether or not it exists) and per client address.
//! - Every attempt is audited with the username's keyed hash and the client
//!   address, never the password.
//! - A session's token lives only in the browser; the database holds its SHA-256.
//! - An account registered with a resident ID already on record is linked to that
//!   person only once the link is proven (`Actor.person_id` stays `None` until then).

mod hashing;
mod link;
mod login;
mod password;
mod register;
pub mod rules;
mod session;

use std::fmt;

use chrono::{DateTime, Duration, Utc};

pub use link::{
    LinkDelivery, LinkStatus, PendingLink, confirm_link, link_status, pending_links_for_operator,
    prove_link, request_link_code,
};
pub use login::{login, logout};
pub use password::change_password;
pub use register::{Registered, Registration, register_entrepreneur};
pub use session::{actor_for_username, session_actor};

/// Failed logins that lock an account or a client address.
pub const MAX_FAILURES: usize = 5;
/// How long a lock lasts, counted from the failure that completed it; the failures
/// must also fall within this span of each other.
pub const LOCK_MINUTES: i64 = 15;
/// How long a link code is good for.
pub const LINK_CODE_MINUTES: i64 = 15;
/// Wrong codes accepted for one link code before a new one must be asked for.
pub const LINK_CODE_TRIES: i32 = 5;
/// Link codes sent for one link request before it must wait for an operator.
pub const LINK_CODES_MAX: i32 = 5;

/// How long sessions last (settings `FUHUA_SESSION_IDLE_MINUTES` and
/// `FUHUA_SESSION_ABSOLUTE_HOURS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long ends (default 30 minutes).
    pub idle: Duration,
    /// A session ends this long after login however busy (default 12 hours).
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> SessionPolicy {
        SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// A session just opened by [`login`]. The token goes into the cookie and nowhere
/// else; `Debug` hides both tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The cookie's value: 32 random bytes, base64url without padding.
    pub token: String,
    /// The CSRF token of this session (hidden field of every form).
    pub csrf_token: String,
    pub user_id: i64,
    /// The absolute end of the session.
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What a request learns about its session besides the actor.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    /// The absolute end.
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl fmt::Debug for SessionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionInfo")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

/// 32 random bytes as base64url without padding (43 characters).
fn random_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Equality that takes the same time wherever the inputs differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests;
