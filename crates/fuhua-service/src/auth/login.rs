//! Login and logout.

use chrono::{DateTime, Duration, Utc};
use fuhua_core::Problem;
use fuhua_store::repo::people;
use fuhua_store::repo::sessions::{self, NewSession as SessionRow};
use fuhua_store::repo::signin::{self, Attempt, LOGIN_USERNAME, Outcome};

use super::{LOCK_MINUTES, MAX_FAILURES, NewSession, SessionPolicy, hashing, random_token, rules};
use crate::error::{ServiceError, ServiceResult};
use crate::system::System;

/// Who audit rows name for attempts that did not sign anybody in.
pub(super) const ANONYMOUS: &str = "anonymous";

/// The one answer to a wrong password, an unknown account and an inactive account.
pub fn wrong_credentials() -> ServiceError {
    ServiceError::invalid(Problem::new(
        "password",
        "wrong_credentials",
        "用户名或密码不正确",
        "The username or password is incorrect",
    ))
}

/// Whether the newest failures (newest first) lock until a moment after `now`:
/// [`MAX_FAILURES`] of them within [`LOCK_MINUTES`] of each other lock for
/// [`LOCK_MINUTES`] from the newest.
fn locked_until(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let lock = Duration::minutes(LOCK_MINUTES);
    let (newest, oldest) = (failures.first()?, failures.get(MAX_FAILURES - 1)?);
    let until = *newest + lock;
    (*newest - *oldest <= lock && now < until).then_some(until)
}

/// Signs a user in from `client_addr` and opens a new session (never reusing one
/// the browser had: the caller ends that one). Every attempt is recorded and
/// audited.
///
/// Errors: `Invalid` naming `username`/`password` when one is empty, and
/// [`wrong_credentials`] — the same for an unknown account, a wrong password and an
/// inactive account; `Throttled` after [`MAX_FAILURES`] failures within
/// [`LOCK_MINUTES`] for this username (whether or not it exists) or this address,
/// for [`LOCK_MINUTES`].
pub async fn login(
    system: &System,
    policy: &SessionPolicy,
    username: &str,
    password: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> ServiceResult<NewSession> {
    let name = rules::normalise_username(username);
    let mut missing = Vec::new();
    if name.is_empty() {
        missing.push(rules::required("username", "用户名", "username"));
    }
    if password.is_empty() {
        missing.push(rules::required("password", "密码", "password"));
    }
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(missing));
    }
    let store = system.store();
    let username_hash = store.crypto().keyed_hash(LOGIN_USERNAME, &name);
    let attempt = |outcome| Attempt {
        username_hash: &username_hash,
        client_addr,
        outcome,
        at: now,
    };

    // Failures that can still lock lie within two lock spans of now.
    let horizon = now - Duration::minutes(2 * LOCK_MINUTES);
    let limit = MAX_FAILURES as u64;
    let by_account = signin::failures_for_username(store, &username_hash, horizon, limit).await?;
    let by_address = signin::failures_from_address(store, client_addr, horizon, limit).await?;
    if locked_until(&by_account, now).is_some() || locked_until(&by_address, now).is_some() {
        let w = store.write(&fuhua_store::Actor::user(ANONYMOUS)).await?;
        signin::record_attempt(&w, &attempt(Outcome::Locked)).await?;
        w.commit().await?;
        return Err(ServiceError::Throttled);
    }

    let account = people::find_user_for_login(store, &name).await?;
    let (user, stored) = match account {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = hashing::verify(password, stored).await?;
    let user = match user {
        Some(user) if matches && user.active => user,
        _ => {
            let w = store.write(&fuhua_store::Actor::user(ANONYMOUS)).await?;
            signin::record_attempt(&w, &attempt(Outcome::Failure)).await?;
            w.commit().await?;
            return Err(wrong_credentials());
        }
    };

    let token = random_token();
    let opened = NewSession {
        csrf_token: random_token(),
        user_id: user.id,
        expires_at: now + policy.absolute,
        token,
    };
    // Sessions left behind by closed browsers go when anyone signs in.
    sessions::remove_expired_sessions(store, now, now - policy.idle).await?;
    let w = store
        .write(&fuhua_store::Actor::user(&user.username))
        .await?;
    signin::record_attempt(&w, &attempt(Outcome::Success)).await?;
    signin::note_login(&w, user.id, now).await?;
    sessions::open_session(
        &w,
        &SessionRow {
            id: sessions::session_id_of(&opened.token),
            user_id: user.id,
            csrf_token: opened.csrf_token.clone(),
            created_at: now,
            expires_at: opened.expires_at,
            client_addr: Some(client_addr.to_owned()),
        },
    )
    .await?;
    w.commit().await?;
    Ok(opened)
}

/// Ends the session whose cookie holds `token`, on the server: the token opens
/// nothing afterwards. Nothing happens for an unknown token.
pub async fn logout(system: &System, token: &str) -> ServiceResult<()> {
    let store = system.store();
    let id = sessions::session_id_of(token);
    let Some(row) = sessions::find_session(store, &id).await? else {
        return Ok(());
    };
    let username = signin::account_by_id(store, row.user_id)
        .await?
        .map_or_else(|| ANONYMOUS.to_owned(), |(user, _)| user.username);
    let w = store.write(&fuhua_store::Actor::user(&username)).await?;
    sessions::end_session(&w, &id).await?;
    w.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minute)
    }

    #[test]
    fn five_failures_within_fifteen_minutes_lock_for_fifteen_minutes_from_the_last() {
        let five = [at(14), at(10), at(5), at(1), at(0)];
        assert_eq!(locked_until(&five, at(14)), Some(at(29)));
        assert_eq!(locked_until(&five, at(28)), Some(at(29)));
        assert_eq!(locked_until(&five, at(29)), None);
        assert_eq!(locked_until(&five[..4], at(14)), None, "four do not lock");
        let spread = [at(20), at(10), at(5), at(1), at(0)];
        assert_eq!(locked_until(&spread, at(20)), None, "not within 15 minutes");
    }
}
