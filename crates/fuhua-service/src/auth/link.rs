//! Proving that an account stands for a person on record (issue 6 point 2): a
//! 6-digit one-time code mailed to the email on record — the email of an account
//! already proven for that person, or, for a person this account's registration
//! recorded, the email it gave — good for [`LINK_CODE_MINUTES`] and
//! [`LINK_CODE_TRIES`] tries; with no email on record the link waits for the
//! operator of a carrier where the person's entity has a stay.

use chrono::{DateTime, Duration, Utc};
use fuhua_core::{Lang, Problem};
use fuhua_store::outbox::{self, Mail};
use fuhua_store::repo::links::{self, Link, LinkMethod};
use fuhua_store::{Store, Write};
use rand::RngExt as _;
use serde_json::json;

use super::{LINK_CODE_MINUTES, LINK_CODE_TRIES, LINK_CODES_MAX, constant_time_eq};
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};
use crate::system::System;

/// The mail template that carries a link code.
pub const LINK_CODE_MAIL: &str = "account_link_code";

/// The keyed-hash purpose of link codes.
const LINK_CODE: &str = "account_link_code";

/// Where an account stands with its person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// The account stands for this person (proven, or created so).
    Linked { person_id: i64 },
    /// A link waits for proof: a code is out until `code_expires_at`, or the
    /// operator has to confirm it.
    Pending {
        method: LinkMethod,
        code_expires_at: Option<DateTime<Utc>>,
        /// Further codes that may still be asked for.
        codes_left: i32,
    },
    /// Nothing to link (staff accounts, or an entrepreneur without a request).
    Unlinked,
}

/// What asking for a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkDelivery {
    /// A code went to the email on record.
    CodeSent { expires_at: DateTime<Utc> },
    /// There is no email on record: the operator of the person's carrier confirms.
    AwaitingOperator,
}

/// A link waiting for an operator, as the operator's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLink {
    pub id: i64,
    pub requested_at: DateTime<Utc>,
    /// The account asking.
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// The person on record it asks to stand for.
    pub person_name: String,
    pub resident_id_masked: String,
    /// Whether the phone given at registration is the person's phone on record.
    pub phone_matches: bool,
    /// The person's entities with a stay in the operator's carriers.
    pub entities: Vec<String>,
}

/// The account a code is sent for: its name and email.
#[derive(Debug, Clone, Copy)]
pub(super) struct Registrant<'a> {
    pub display_name: &'a str,
    pub email: Option<&'a str>,
}

/// A fresh 6-digit code.
fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

fn code_hash(store: &Store, link_id: i64, code: &str) -> String {
    store
        .crypto()
        .keyed_hash(LINK_CODE, &format!("{link_id}:{code}"))
}

/// Sends `link` down its way in the caller's transaction: a code to the email on
/// record, or a wait for the operator. `Throttled` once [`LINK_CODES_MAX`] codes
/// went out for it.
pub(super) async fn send(
    w: &Write,
    store: &Store,
    link: &Link,
    registrant: &Registrant<'_>,
    lang: Lang,
    now: DateTime<Utc>,
) -> ServiceResult<LinkDelivery> {
    let on_record = match links::email_on_record(store, link.person_id).await? {
        Some(found) => Some((found.display_name, found.email)),
        None if link.created_person => registrant
            .email
            .map(|e| (registrant.display_name.to_owned(), e.to_owned())),
        None => None,
    };
    let Some((recipient_name, email)) = on_record else {
        links::issue_code(w, link.id, LinkMethod::Operator, None, None).await?;
        return Ok(LinkDelivery::AwaitingOperator);
    };
    if link.codes_sent >= LINK_CODES_MAX {
        return Err(ServiceError::Throttled);
    }
    let code = new_code();
    let expires_at = now + Duration::minutes(LINK_CODE_MINUTES);
    let hash = code_hash(store, link.id, &code);
    links::issue_code(
        w,
        link.id,
        LinkMethod::EmailCode,
        Some(&hash),
        Some(expires_at),
    )
    .await?;
    outbox::enqueue(
        w,
        &Mail {
            to_address: email,
            template: LINK_CODE_MAIL.to_owned(),
            lang: lang.tag().to_owned(),
            context: json!({
                "recipient_name": recipient_name,
                "code": code,
                "minutes": LINK_CODE_MINUTES,
            }),
        },
    )
    .await?;
    Ok(LinkDelivery::CodeSent { expires_at })
}

/// Where the actor's account stands with its person.
pub async fn link_status(system: &System, actor: &Actor) -> ServiceResult<LinkStatus> {
    if let Some(person_id) = actor.person_id {
        return Ok(LinkStatus::Linked { person_id });
    }
    Ok(
        match links::pending_link_of_user(system.store(), actor.user_id).await? {
            Some(link) => LinkStatus::Pending {
                method: link.method,
                code_expires_at: link.code_hash.as_ref().and(link.code_expires_at),
                codes_left: (LINK_CODES_MAX - link.codes_sent).max(0),
            },
            None => LinkStatus::Unlinked,
        },
    )
}

fn nothing_pending() -> ServiceError {
    ServiceError::conflict(
        "没有待验证的账户关联。",
        "There is no account link waiting to be proven.",
    )
}

/// Sends a new code for the actor's pending link (the old one stops working), in
/// `lang`, or hands the link to the operator when there is no email on record.
///
/// Errors: `Conflict` when the account is linked already or has nothing pending;
/// `Throttled` after [`LINK_CODES_MAX`] codes for one link.
pub async fn request_link_code(
    system: &System,
    actor: &Actor,
    lang: Lang,
    now: DateTime<Utc>,
) -> ServiceResult<LinkDelivery> {
    if actor.person_id.is_some() {
        return Err(nothing_pending());
    }
    let store = system.store();
    let link = links::pending_link_of_user(store, actor.user_id)
        .await?
        .ok_or_else(nothing_pending)?;
    let w = store.write(&actor.audit_actor()).await?;
    let registrant = Registrant {
        display_name: &actor.display_name,
        email: actor.email.as_deref(),
    };
    let delivery = send(&w, store, &link, &registrant, lang, now).await?;
    w.commit().await?;
    Ok(delivery)
}

fn code_problem(code: &'static str, zh: &str, en: &str) -> ServiceError {
    ServiceError::invalid(Problem::new("code", code, zh, en))
}

/// Proves the actor's pending link with the code that was mailed: from then on the
/// account stands for the person. A wrong code is counted.
///
/// Errors: `Invalid` naming `code` — not 6 digits, wrong (with the tries left),
/// expired, no code sent, too many wrong tries —; `Conflict` when nothing is pending.
pub async fn prove_link(
    system: &System,
    actor: &Actor,
    code: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if actor.person_id.is_some() {
        return Err(nothing_pending());
    }
    let store = system.store();
    let link = links::pending_link_of_user(store, actor.user_id)
        .await?
        .ok_or_else(nothing_pending)?;
    let code: String = fuhua_core::ids::normalise(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(code_problem(
            "invalid_code",
            "验证码是6位数字",
            "The code has 6 digits",
        ));
    }
    let (Some(stored), Some(expires_at)) = (&link.code_hash, link.code_expires_at) else {
        return Err(code_problem(
            "no_code",
            "还没有发送验证码，请先获取验证码",
            "No code has been sent yet; ask for one first",
        ));
    };
    if now >= expires_at {
        return Err(code_problem(
            "expired",
            "验证码已过期，请重新获取",
            "The code has expired; ask for a new one",
        ));
    }
    if link.code_attempts >= LINK_CODE_TRIES {
        return Err(code_problem(
            "too_many_tries",
            "错误次数过多，请重新获取验证码",
            "Too many wrong codes; ask for a new one",
        ));
    }
    let w = store.write(&actor.audit_actor()).await?;
    if !constant_time_eq(&code_hash(store, link.id, &code), stored) {
        let tries = links::count_wrong_code(&w, link.id).await?;
        w.commit().await?;
        let left = (LINK_CODE_TRIES - tries).max(0);
        return Err(code_problem(
            "wrong_code",
            &format!("验证码不正确，还可以再试{left}次"),
            &format!("The code is not correct; {left} tries left"),
        ));
    }
    links::prove_link(&w, &link, now, None).await?;
    w.commit().await?;
    Ok(())
}

fn operator_only(actor: &Actor) -> ServiceResult<Vec<i64>> {
    if actor.has(Role::Operator) {
        Ok(actor.operated_organisations())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The links waiting for this operator: people whose entity has a stay in a carrier
/// the actor's organisations operate, with no email on record. Oldest first.
///
/// Errors: `Forbidden` for anyone but an operator.
pub async fn pending_links_for_operator(
    system: &System,
    actor: &Actor,
) -> ServiceResult<Vec<PendingLink>> {
    let orgs = operator_only(actor)?;
    Ok(links::operator_links(system.store(), &orgs, None)
        .await?
        .into_iter()
        .map(|l| PendingLink {
            id: l.link.id,
            requested_at: l.link.created_at,
            username: l.username,
            display_name: l.display_name,
            email: l.email,
            person_name: l.person_name,
            resident_id_masked: l.person_resident_id_masked,
            phone_matches: l.link.phone_matches,
            entities: l.entities,
        })
        .collect())
}

/// The operator confirms a waiting link: the account stands for the person from
/// now on, and the link records who confirmed it.
///
/// Errors: `Forbidden` for anyone but an operator; `NotFound` for a link that is not
/// waiting for one of this operator's carriers (whatever the reason).
pub async fn confirm_link(
    system: &System,
    actor: &Actor,
    link_id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let orgs = operator_only(actor)?;
    let store = system.store();
    let found = links::operator_links(store, &orgs, Some(link_id)).await?;
    let Some(pending) = found.into_iter().next() else {
        return Err(ServiceError::NotFound);
    };
    let w = store.write(&actor.audit_actor()).await?;
    links::prove_link(&w, &pending.link, now, Some(actor.user_id)).await?;
    w.commit().await?;
    Ok(())
}
