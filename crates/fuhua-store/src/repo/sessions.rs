//! Sessions, kept in the database so that several servers share them (SPEC §6).
//!
//! A session is found by the SHA-256 of the random token in the browser's cookie:
//! the token itself is never stored, so a copy of the database opens no session.
//! Opening and ending a session are audited; noting that a session was seen
//! (`touch`) and removing expired rows are housekeeping and are not.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::first;
use crate::crypto::hex;
use crate::entities::session;
use crate::error::StoreError;
use crate::{Store, Write};

/// The stored id of a session: lowercase hex SHA-256 of the cookie's token.
pub fn session_id_of(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The part of a stored id that audit rows name (enough to tell sessions apart,
/// useless for finding one).
fn audit_id(id: &str) -> String {
    id.chars().take(12).collect()
}

/// A session to open.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// [`session_id_of`] the token.
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    /// The absolute end: no request after this moment uses the session.
    pub expires_at: DateTime<Utc>,
    pub client_addr: Option<String>,
}

impl std::fmt::Debug for NewSession {
    /// Leaves out the CSRF token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("id", &audit_id(&self.id))
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A stored session.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub client_addr: Option<String>,
}

impl std::fmt::Debug for SessionRow {
    /// Leaves out the CSRF token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("id", &audit_id(&self.id))
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

fn row_of(m: session::Model) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        id: m.id.into_exposed(),
        user_id: m.user_id,
        csrf_token: m.csrf_token.into_exposed(),
        created_at: m.created_at,
        expires_at: m.expires_at,
        last_seen_at: m.last_seen_at,
        client_addr: m.client_addr,
    })
}

/// Opens a session, audited as `create` on `sessions` (user, address, end; never
/// the token or the CSRF token).
pub async fn open_session(w: &Write, new: &NewSession) -> Result<SessionRow, StoreError> {
    let row = session::ActiveModel {
        id: Set(new.id.clone().into()),
        user_id: Set(new.user_id),
        csrf_token: Set(new.csrf_token.clone().into()),
        created_at: Set(new.created_at),
        expires_at: Set(new.expires_at),
        last_seen_at: Set(new.created_at),
        client_addr: Set(new.client_addr.clone()),
    };
    let audit = json!({
        "user_id": new.user_id,
        "client_addr": new.client_addr,
        "expires_at": new.expires_at,
    });
    let id = audit_id(&new.id);
    let model = sea_orm::ActiveModelTrait::insert(row, w.conn()).await?;
    w.audit_change("create", "sessions", id, None, Some(&audit))
        .await?;
    row_of(model)
}

/// The session with this stored id, whatever its age (the caller decides whether
/// it is still good).
pub async fn find_session(store: &Store, id: &str) -> Result<Option<SessionRow>, StoreError> {
    first(
        store,
        session::Entity::find().filter(session::Column::Id.eq(id)),
        row_of,
    )
    .await
}

/// Notes that a session was used at `at`.
pub async fn touch_session(store: &Store, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, at.into())
        .filter(session::Column::Id.eq(id))
        .exec(store.db())
        .await?;
    Ok(())
}

/// Removes a session found expired (housekeeping: its end was already decided by
/// the clock, so nothing is recorded).
pub async fn remove_expired_session(store: &Store, id: &str) -> Result<(), StoreError> {
    session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .exec(store.db())
        .await?;
    Ok(())
}

/// Removes every session past its absolute end, or unused since `idle_cutoff`.
/// Returns how many were removed.
pub async fn remove_expired_sessions(
    store: &Store,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let result = session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lte(now)
                .or(session::Column::LastSeenAt.lte(idle_cutoff)),
        )
        .exec(store.db())
        .await?;
    Ok(result.rows_affected)
}

/// Ends a session (logout), audited as `delete` on `sessions`. False when there was
/// no such session.
pub async fn end_session(w: &Write, id: &str) -> Result<bool, StoreError> {
    let Some(model) = session::Entity::find_by_id(id.to_owned())
        .one(w.conn())
        .await?
    else {
        return Ok(false);
    };
    session::Entity::delete_by_id(id.to_owned())
        .exec(w.conn())
        .await?;
    let before = json!({"user_id": model.user_id, "client_addr": model.client_addr});
    w.audit_change("delete", "sessions", audit_id(id), Some(&before), None)
        .await?;
    Ok(true)
}

/// Ends every session of a user except `keep` (after a password change), audited
/// as `end_other_sessions` on `users`. Returns how many were ended.
pub async fn end_other_sessions(
    w: &Write,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::Id.ne(keep));
    }
    let ended = delete.exec(w.conn()).await?.rows_affected;
    let after = json!({"sessions_ended": ended, "kept_current": keep.is_some()});
    w.audit_change("end_other_sessions", "users", user_id, None, Some(&after))
        .await?;
    Ok(ended)
}

/// How many sessions a user has open (for tests and the account page).
pub async fn count_sessions(store: &Store, user_id: i64) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .count(store.db())
        .await?)
}
