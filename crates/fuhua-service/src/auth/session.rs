//! From a session cookie (or a `--as` username) to the acting user.

use chrono::{DateTime, Duration, Utc};
use fuhua_store::StoreError;
use fuhua_store::repo::people::{self, User};
use fuhua_store::repo::{sessions, signin};

use super::{SessionInfo, SessionPolicy, rules};
use crate::actor::{Actor, Grant, Role};
use crate::error::ServiceResult;
use crate::system::System;

/// A session's `last_seen_at` is written at most this often, so a busy page does
/// not write on every request; the idle timeout is therefore exact to this much.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The longest token a cookie may carry (ours have 43 characters).
const MAX_TOKEN_CHARS: usize = 128;

/// The acting user of a stored account. Roles are read from the database, which
/// allows only the roles of SPEC §1.
pub(crate) fn actor_of(user: User) -> ServiceResult<Actor> {
    let grants = user
        .roles
        .iter()
        .map(|g| {
            let role: Role = g.role.parse().map_err(|_| {
                StoreError::Corrupt(format!("user {} has an unknown role {}", user.id, g.role))
            })?;
            Ok(Grant {
                role,
                jurisdiction_id: g.jurisdiction_id,
                organisation_id: g.organisation_id,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Actor {
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        email: user.email,
        person_id: user.person_id,
        grants,
    })
}

/// Whether a session is over at `now`: past its absolute end (as stored, or as
/// the policy now says), or unused for the idle time.
fn is_over(row: &sessions::SessionRow, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    now >= row.expires_at
        || now >= row.created_at + policy.absolute
        || now >= row.last_seen_at + policy.idle
}

/// The actor and session of the cookie token `token` at `now`, or `None` when there
/// is no such session, it is over (idle for [`SessionPolicy::idle`], or older than
/// [`SessionPolicy::absolute`]) or its account is inactive. An ended session is
/// removed. A good one is noted as seen (at most once a minute).
pub async fn session_actor(
    system: &System,
    policy: &SessionPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Option<(Actor, SessionInfo)>> {
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Ok(None);
    }
    let store = system.store();
    let id = sessions::session_id_of(token);
    let Some(row) = sessions::find_session(store, &id).await? else {
        return Ok(None);
    };
    if is_over(&row, policy, now) {
        sessions::remove_expired_session(store, &id).await?;
        return Ok(None);
    }
    let user = match signin::account_by_id(store, row.user_id).await? {
        Some((user, _)) if user.active => user,
        _ => {
            sessions::remove_expired_session(store, &id).await?;
            return Ok(None);
        }
    };
    let mut last_seen_at = row.last_seen_at;
    if now - row.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECONDS) {
        sessions::touch_session(store, &id, now).await?;
        last_seen_at = now;
    }
    let info = SessionInfo {
        csrf_token: row.csrf_token,
        created_at: row.created_at,
        expires_at: row.expires_at.min(row.created_at + policy.absolute),
        last_seen_at,
    };
    Ok(Some((actor_of(user)?, info)))
}

/// The acting user for the command line's `--as USERNAME`: `None` when there is no
/// such active account.
pub async fn actor_for_username(system: &System, username: &str) -> ServiceResult<Option<Actor>> {
    let name = rules::normalise_username(username);
    match people::find_user(system.store(), &name).await? {
        Some(user) if user.active => Ok(Some(actor_of(user)?)),
        _ => Ok(None),
    }
}
