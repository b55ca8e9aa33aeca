//! Signing in: login attempts (for throttling) and the credentials of an account.
//!
//! An attempt is recorded with the keyed hash of the normalised username — never the
//! username in clear, which may be a mistyped password — the client address and the
//! outcome, and audited in the same transaction. Password hashes never reach an
//! audit row.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::people::{RoleGrant, User};
use crate::entities::{login_attempt, user, user_role};
use crate::error::StoreError;
use crate::{Store, Write};

/// The purpose of the keyed hash of a username in `login_attempts`.
pub const LOGIN_USERNAME: &str = "login_username";

fuhua_core::vocabulary! {
    /// What a login attempt came to.
    Outcome {
        Success = "success", "成功", "success";
        /// Wrong password, unknown or inactive account.
        Failure = "failure", "失败", "failure";
        /// Refused without checking the password: too many recent failures.
        Locked = "locked", "已锁定", "locked";
    }
}

/// One login attempt to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// `Crypto::keyed_hash(LOGIN_USERNAME, normalised username)`.
    pub username_hash: &'a str,
    pub client_addr: &'a str,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
}

/// Records a login attempt, audited as `login:<outcome>` on `login_attempts` (hash,
/// address, outcome). Returns its id.
pub async fn record_attempt(w: &Write, attempt: &Attempt<'_>) -> Result<i64, StoreError> {
    let row = login_attempt::ActiveModel {
        username_hash: Set(attempt.username_hash.to_owned()),
        client_addr: Set(attempt.client_addr.to_owned()),
        outcome: Set(attempt.outcome.as_str().to_owned()),
        at: Set(attempt.at),
        ..Default::default()
    };
    let model = sea_orm::ActiveModelTrait::insert(row, w.conn()).await?;
    let after = json!({
        "username_hash": attempt.username_hash,
        "client_addr": attempt.client_addr,
        "outcome": attempt.outcome,
    });
    let action = format!("login:{}", attempt.outcome.as_str());
    w.audit_change(&action, "login_attempts", model.id, None, Some(&after))
        .await?;
    // Throttling looks back 15 minutes; the audit log keeps every attempt, so the
    // table itself holds only the last day.
    let horizon = attempt.at - chrono::TimeDelta::days(ATTEMPTS_KEPT_DAYS);
    let pruned = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lt(horizon))
        .exec(w.conn())
        .await?
        .rows_affected;
    if pruned > 0 {
        let after = json!({ "deleted": pruned, "older_than": horizon });
        w.audit_change("prune", "login_attempts", 0, None, Some(&after))
            .await?;
    }
    Ok(model.id)
}

/// Days a login attempt stays in `login_attempts` (its audit row stays for good).
pub const ATTEMPTS_KEPT_DAYS: i64 = 1;

async fn failure_times(
    store: &Store,
    column: login_attempt::Column,
    value: &str,
    after: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    Ok(login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::At)
        .filter(column.eq(value))
        .filter(login_attempt::Column::Outcome.eq(Outcome::Failure.as_str()))
        .filter(login_attempt::Column::At.gt(after))
        .order_by_desc(login_attempt::Column::At)
        .limit(limit)
        .into_tuple::<DateTime<Utc>>()
        .all(store.db())
        .await?)
}

/// The times of the newest failed attempts (at most `limit`, newest first) for a
/// username hash, after `after` and after the account's last successful login.
pub async fn failures_for_username(
    store: &Store,
    username_hash: &str,
    after: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    let last_success: Option<DateTime<Utc>> = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::At)
        .filter(login_attempt::Column::UsernameHash.eq(username_hash))
        .filter(login_attempt::Column::Outcome.eq(Outcome::Success.as_str()))
        .filter(login_attempt::Column::At.gt(after))
        .order_by_desc(login_attempt::Column::At)
        .into_tuple::<DateTime<Utc>>()
        .one(store.db())
        .await?;
    let after = last_success.map_or(after, |s| s.max(after));
    failure_times(
        store,
        login_attempt::Column::UsernameHash,
        username_hash,
        after,
        limit,
    )
    .await
}

/// The times of the newest failed attempts (at most `limit`, newest first) from a
/// client address after `after`, whichever accounts they named.
pub async fn failures_from_address(
    store: &Store,
    client_addr: &str,
    after: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    failure_times(
        store,
        login_attempt::Column::ClientAddr,
        client_addr,
        after,
        limit,
    )
    .await
}

/// Every recorded attempt for a username hash, oldest first (tests and reports).
pub async fn attempts_for_username(
    store: &Store,
    username_hash: &str,
) -> Result<Vec<(String, Outcome)>, StoreError> {
    login_attempt::Entity::find()
        .filter(login_attempt::Column::UsernameHash.eq(username_hash))
        .order_by_asc(login_attempt::Column::Id)
        .all(store.db())
        .await?
        .into_iter()
        .map(|m| Ok((m.client_addr, super::parse_code("outcome", &m.outcome)?)))
        .collect()
}

/// The roles of a user, oldest first.
async fn roles_of<C: ConnectionTrait>(
    conn: &C,
    user_id: i64,
) -> Result<Vec<RoleGrant>, StoreError> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| RoleGrant {
            role: r.role,
            jurisdiction_id: r.jurisdiction_id,
            organisation_id: r.organisation_id,
        })
        .collect())
}

/// An account by id with its roles and its password hash (sessions and password
/// changes).
pub async fn account_by_id(
    store: &Store,
    user_id: i64,
) -> Result<Option<(User, String)>, StoreError> {
    let Some(model) = user::Entity::find_by_id(user_id).one(store.db()).await? else {
        return Ok(None);
    };
    let roles = roles_of(store.db(), model.id).await?;
    Ok(Some((
        User {
            id: model.id,
            username: model.username,
            display_name: model.display_name,
            email: model.email,
            person_id: model.person_id,
            organisation_id: model.organisation_id,
            active: model.active,
            roles,
        },
        model.password_hash.into_exposed(),
    )))
}

/// Replaces a user's password hash, audited as `change_password` on `users`
/// (without the hash).
pub async fn set_password_hash(w: &Write, user_id: i64, hash: &str) -> Result<(), StoreError> {
    let result = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash.to_owned()))
        .filter(user::Column::Id.eq(user_id))
        .exec(w.conn())
        .await?;
    if result.rows_affected != 1 {
        return Err(StoreError::NotFound {
            entity: "users",
            id: user_id.to_string(),
        });
    }
    w.audit_change("change_password", "users", user_id, None, None)
        .await?;
    Ok(())
}

/// Notes a successful login on the account (`last_login_at`); the attempt's own
/// audit row records it.
pub async fn note_login(w: &Write, user_id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(Some(at)))
        .filter(user::Column::Id.eq(user_id))
        .exec(w.conn())
        .await?;
    Ok(())
}

/// Sets the person an account stands for, once the link is proven; audited as
/// `link_person` on `users`.
pub(crate) async fn set_person(w: &Write, user_id: i64, person_id: i64) -> Result<(), StoreError> {
    let before = user::Entity::find_by_id(user_id)
        .one(w.conn())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "users",
            id: user_id.to_string(),
        })?;
    user::Entity::update_many()
        .col_expr(user::Column::PersonId, Expr::value(Some(person_id)))
        .filter(user::Column::Id.eq(user_id))
        .exec(w.conn())
        .await?;
    w.audit_change(
        "link_person",
        "users",
        user_id,
        Some(&json!({"person_id": before.person_id})),
        Some(&json!({"person_id": person_id})),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Actor;
    use crate::testing::TestDb;

    #[tokio::test]
    async fn attempts_older_than_a_day_leave_the_table_when_the_next_is_recorded() {
        for db in TestDb::every().await.unwrap() {
            let now = Utc::now();
            for (hash, at) in [
                ("old", now - chrono::TimeDelta::days(2)),
                ("recent", now - chrono::TimeDelta::hours(2)),
                ("new", now),
            ] {
                let w = db.store.write(&Actor::cli()).await.unwrap();
                record_attempt(
                    &w,
                    &Attempt {
                        username_hash: hash,
                        client_addr: "127.0.0.1",
                        outcome: Outcome::Failure,
                        at,
                    },
                )
                .await
                .unwrap();
                w.commit().await.unwrap();
            }
            assert!(
                attempts_for_username(&db.store, "old")
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(
                attempts_for_username(&db.store, "recent")
                    .await
                    .unwrap()
                    .len(),
                1
            );
            assert_eq!(
                attempts_for_username(&db.store, "new").await.unwrap().len(),
                1
            );
            // The audit log keeps all three.
            assert!(db.store.verify_audit().await.unwrap().rows >= 3);
        }
    }
}
