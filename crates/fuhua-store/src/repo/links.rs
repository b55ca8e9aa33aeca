//! Account links: an account asks to stand for a person on record (a founder), and
//! gets to see that person's records only once the link is proven — by a one-time
//! code mailed to the email on record, or by the operator of a carrier where the
//! person's entity has a stay confirming it (issue 6: an ID number is no secret).
//!
//! The code is stored only as a keyed hash; audit rows never carry it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{by_id, first, insert, parse_code};
use crate::entities::{account_link, carrier, entity, person, stay, user};
use crate::error::StoreError;
use crate::{Store, Write};

fuhua_core::vocabulary! {
    /// How a link is proven.
    LinkMethod {
        EmailCode = "email_code", "邮箱验证码", "code by email";
        Operator = "operator", "运营机构确认", "confirmed by the operator";
    }
}

fuhua_core::vocabulary! {
    /// Where a link request stands.
    LinkState {
        Pending = "pending", "待验证", "waiting for proof";
        Proven = "proven", "已验证", "proven";
        Cancelled = "cancelled", "已取消", "cancelled";
    }
}

/// A link request to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub user_id: i64,
    pub person_id: i64,
    pub method: LinkMethod,
    /// The person was recorded by this account's own registration.
    pub created_person: bool,
    /// The phone given at registration matches the person's on record.
    pub phone_matches: bool,
}

/// A stored link request.
#[derive(Clone, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub user_id: i64,
    pub person_id: i64,
    pub method: LinkMethod,
    pub state: LinkState,
    pub created_person: bool,
    pub phone_matches: bool,
    /// The keyed hash of the current one-time code, if one is out.
    pub code_hash: Option<String>,
    pub code_expires_at: Option<DateTime<Utc>>,
    /// Wrong codes entered since the current code was sent.
    pub code_attempts: i32,
    /// Codes sent for this request so far.
    pub codes_sent: i32,
    pub created_at: DateTime<Utc>,
    pub proven_at: Option<DateTime<Utc>>,
    /// The operator's user who confirmed it, for `operator` links.
    pub confirmed_by: Option<i64>,
}

impl std::fmt::Debug for Link {
    /// Leaves out the code's hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("person_id", &self.person_id)
            .field("method", &self.method)
            .field("state", &self.state)
            .field("code_attempts", &self.code_attempts)
            .field("codes_sent", &self.codes_sent)
            .finish_non_exhaustive()
    }
}

fn link_of(m: account_link::Model) -> Result<Link, StoreError> {
    Ok(Link {
        id: m.id,
        user_id: m.user_id,
        person_id: m.person_id,
        method: parse_code("method", &m.method)?,
        state: parse_code("state", &m.state)?,
        created_person: m.created_person,
        phone_matches: m.phone_matches,
        code_hash: m.code_hash,
        code_expires_at: m.code_expires_at,
        code_attempts: m.code_attempts,
        codes_sent: m.codes_sent,
        created_at: m.created_at,
        proven_at: m.proven_at,
        confirmed_by: m.confirmed_by,
    })
}

/// Records a pending link request, audited as `create` on `account_links`.
pub async fn add_link(w: &Write, new: &NewLink, at: DateTime<Utc>) -> Result<Link, StoreError> {
    let row = account_link::ActiveModel {
        user_id: Set(new.user_id),
        person_id: Set(new.person_id),
        method: Set(new.method.as_str().to_owned()),
        state: Set(LinkState::Pending.as_str().to_owned()),
        created_person: Set(new.created_person),
        phone_matches: Set(new.phone_matches),
        code_hash: Set(None),
        code_expires_at: Set(None),
        code_attempts: Set(0),
        codes_sent: Set(0),
        created_at: Set(at),
        proven_at: Set(None),
        confirmed_by: Set(None),
        ..Default::default()
    };
    let audit = json!({
        "user_id": new.user_id,
        "person_id": new.person_id,
        "method": new.method,
        "created_person": new.created_person,
        "phone_matches": new.phone_matches,
    });
    link_of(insert(w, "account_links", row, |m| m.id, audit).await?)
}

pub async fn find_link(store: &Store, id: i64) -> Result<Option<Link>, StoreError> {
    by_id::<account_link::Entity, _>(store, id, link_of).await
}

/// The newest pending link request of an account.
pub async fn pending_link_of_user(store: &Store, user_id: i64) -> Result<Option<Link>, StoreError> {
    first(
        store,
        account_link::Entity::find()
            .filter(account_link::Column::UserId.eq(user_id))
            .filter(account_link::Column::State.eq(LinkState::Pending.as_str()))
            .order_by_desc(account_link::Column::Id),
        link_of,
    )
    .await
}

/// Sends a link request down `method`: with a code (its keyed hash and expiry) for
/// `email_code`, or without for `operator`. Resets the wrong-code count; counts
/// the code sent. Audited as `send_code` or `await_operator` on `account_links`.
pub async fn issue_code(
    w: &Write,
    link_id: i64,
    method: LinkMethod,
    code_hash: Option<&str>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let sent = i32::from(code_hash.is_some());
    let result = account_link::Entity::update_many()
        .col_expr(account_link::Column::Method, Expr::value(method.as_str()))
        .col_expr(
            account_link::Column::CodeHash,
            Expr::value(code_hash.map(str::to_owned)),
        )
        .col_expr(account_link::Column::CodeExpiresAt, Expr::value(expires_at))
        .col_expr(account_link::Column::CodeAttempts, Expr::value(0))
        .col_expr(
            account_link::Column::CodesSent,
            Expr::col(account_link::Column::CodesSent).add(sent),
        )
        .filter(account_link::Column::Id.eq(link_id))
        .filter(account_link::Column::State.eq(LinkState::Pending.as_str()))
        .exec(w.conn())
        .await?;
    if result.rows_affected != 1 {
        return Err(StoreError::Conflict {
            entity: "account_links",
            id: link_id,
        });
    }
    let action = match method {
        LinkMethod::EmailCode => "send_code",
        LinkMethod::Operator => "await_operator",
    };
    let after = json!({"method": method, "code_expires_at": expires_at});
    w.audit_change(action, "account_links", link_id, None, Some(&after))
        .await?;
    Ok(())
}

/// Counts a wrong code, audited as `wrong_code` on `account_links`; returns the
/// wrong codes entered so far for the current code.
pub async fn count_wrong_code(w: &Write, link_id: i64) -> Result<i32, StoreError> {
    account_link::Entity::update_many()
        .col_expr(
            account_link::Column::CodeAttempts,
            Expr::col(account_link::Column::CodeAttempts).add(1),
        )
        .filter(account_link::Column::Id.eq(link_id))
        .exec(w.conn())
        .await?;
    let attempts = account_link::Entity::find_by_id(link_id)
        .one(w.conn())
        .await?
        .map_or(0, |m| m.code_attempts);
    w.audit_change(
        "wrong_code",
        "account_links",
        link_id,
        None,
        Some(&json!({"code_attempts": attempts})),
    )
    .await?;
    Ok(attempts)
}

/// Marks a pending link proven (by code when `confirmed_by` is `None`, else by that
/// operator's user) and sets the account's person, in the caller's transaction.
/// `Conflict` when the link is no longer pending.
pub async fn prove_link(
    w: &Write,
    link: &Link,
    at: DateTime<Utc>,
    confirmed_by: Option<i64>,
) -> Result<(), StoreError> {
    let result = account_link::Entity::update_many()
        .col_expr(
            account_link::Column::State,
            Expr::value(LinkState::Proven.as_str()),
        )
        .col_expr(account_link::Column::ProvenAt, Expr::value(Some(at)))
        .col_expr(account_link::Column::ConfirmedBy, Expr::value(confirmed_by))
        .col_expr(
            account_link::Column::CodeHash,
            Expr::value(Option::<String>::None),
        )
        .filter(account_link::Column::Id.eq(link.id))
        .filter(account_link::Column::State.eq(LinkState::Pending.as_str()))
        .exec(w.conn())
        .await?;
    if result.rows_affected != 1 {
        return Err(StoreError::Conflict {
            entity: "account_links",
            id: link.id,
        });
    }
    w.audit_change(
        "prove",
        "account_links",
        link.id,
        Some(&json!({"state": LinkState::Pending})),
        Some(&json!({
            "state": LinkState::Proven,
            "method": link.method,
            "confirmed_by": confirmed_by,
        })),
    )
    .await?;
    super::signin::set_person(w, link.user_id, link.person_id).await
}

/// Whether `phone` (digits) is the phone on record for a person.
pub async fn phone_matches(store: &Store, person_id: i64, phone: &str) -> Result<bool, StoreError> {
    let digits = super::people::normalise_phone(phone);
    let hash = store.crypto().keyed_hash(super::people::PHONE, &digits);
    Ok(person::Entity::find_by_id(person_id)
        .one(store.db())
        .await?
        .and_then(|p| p.phone_hash)
        .is_some_and(|stored| stored == hash))
}

/// Where a link code goes: the name and email of the oldest active account already
/// proven to stand for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailOnRecord {
    pub display_name: String,
    pub email: String,
}

/// The email on record for a person, if any proven account of theirs has one.
pub async fn email_on_record(
    store: &Store,
    person_id: i64,
) -> Result<Option<EmailOnRecord>, StoreError> {
    let found = user::Entity::find()
        .filter(user::Column::PersonId.eq(person_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Email.is_not_null())
        .order_by_asc(user::Column::Id)
        .all(store.db())
        .await?;
    Ok(found.into_iter().find_map(|u| {
        u.email
            .filter(|e| !e.trim().is_empty())
            .map(|email| EmailOnRecord {
                display_name: u.display_name,
                email,
            })
    }))
}

/// A pending link as the confirming operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorLink {
    pub link: Link,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub person_name: String,
    pub person_resident_id_masked: String,
    /// The person's entities with a stay in one of the operator's carriers.
    pub entities: Vec<String>,
}

/// Whether the person founded an entity with a stay in a carrier these
/// organisations operate: `EXISTS (entities ⨝ stays ⨝ carriers)`.
fn in_operator_scope(org_ids: &[i64]) -> sea_orm::sea_query::SimpleExpr {
    let mut sub = Query::select();
    sub.expr(Expr::val(1))
        .from(entity::Entity)
        .inner_join(
            stay::Entity,
            Expr::col((stay::Entity, stay::Column::EntityId))
                .equals((entity::Entity, entity::Column::Id)),
        )
        .inner_join(
            carrier::Entity,
            Expr::col((carrier::Entity, carrier::Column::Id))
                .equals((stay::Entity, stay::Column::CarrierId)),
        )
        .and_where(
            Expr::col((entity::Entity, entity::Column::FounderPersonId))
                .equals((account_link::Entity, account_link::Column::PersonId)),
        )
        .and_where(
            Expr::col((carrier::Entity, carrier::Column::OperatorOrgId)).is_in(org_ids.to_vec()),
        );
    Expr::exists(sub.to_owned())
}

/// Pending `operator` links of people whose entity has a stay in a carrier operated
/// by one of `org_ids`, oldest first; with `only`, just that link (if in scope).
pub async fn operator_links(
    store: &Store,
    org_ids: &[i64],
    only: Option<i64>,
) -> Result<Vec<OperatorLink>, StoreError> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = account_link::Entity::find()
        .filter(account_link::Column::State.eq(LinkState::Pending.as_str()))
        .filter(account_link::Column::Method.eq(LinkMethod::Operator.as_str()))
        .filter(in_operator_scope(org_ids))
        .order_by_asc(account_link::Column::Id);
    if let Some(id) = only {
        query = query.filter(account_link::Column::Id.eq(id));
    }
    let links = query.all(store.db()).await?;
    let mut out = Vec::with_capacity(links.len());
    for model in links {
        let link = link_of(model)?;
        let account = user::Entity::find_by_id(link.user_id)
            .one(store.db())
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("link {} has no account", link.id)))?;
        let person = person::Entity::find_by_id(link.person_id)
            .one(store.db())
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("link {} has no person", link.id)))?;
        let entities = entity::Entity::find()
            .filter(entity::Column::FounderPersonId.eq(link.person_id))
            .filter(
                entity::Column::Id.in_subquery(
                    Query::select()
                        .column(stay::Column::EntityId)
                        .from(stay::Entity)
                        .inner_join(
                            carrier::Entity,
                            Expr::col((carrier::Entity, carrier::Column::Id))
                                .equals((stay::Entity, stay::Column::CarrierId)),
                        )
                        .and_where(
                            Expr::col((carrier::Entity, carrier::Column::OperatorOrgId))
                                .is_in(org_ids.to_vec()),
                        )
                        .to_owned(),
                ),
            )
            .order_by_asc(entity::Column::Name)
            .all(store.db())
            .await?
            .into_iter()
            .map(|e| e.name)
            .collect();
        out.push(OperatorLink {
            link,
            username: account.username,
            display_name: account.display_name,
            email: account.email,
            person_name: person.name,
            person_resident_id_masked: person.resident_id_masked,
            entities,
        });
    }
    Ok(out)
}
