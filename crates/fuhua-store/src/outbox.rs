//! The mail outbox (SPEC §6): a decision is committed together with its email row;
//! senders claim due rows and deliver them, retrying with backoff. Several processes
//! may send at once: on PostgreSQL rows are claimed with `FOR UPDATE SKIP LOCKED`, on
//! SQLite inside an IMMEDIATE transaction; a claim is a lease, so a crashed sender's
//! rows come back when the lease runs out. Nothing is ever lost: a row stays until it
//! is sent or has failed `MAX_ATTEMPTS` times.
//!
//! A mail's context (names, amounts, one-time codes) is sealed at rest with the data
//! key, like the personal data it often carries: a copy of the database shows no
//! link code that is waiting to be sent. Rows written before contexts were sealed
//! (plain JSON) still read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::Value;

use crate::crypto::Crypto;
use crate::error::StoreError;
use crate::{Store, Write};

/// The sealing purpose of mail contexts.
const CONTEXT: &str = "mail_outbox.context";
/// How a sealed context starts in the `context` column.
const SEALED: &str = "sealed:v1:";

/// The context as stored: sealed with the data key, base64 after [`SEALED`].
fn seal_context(crypto: &Crypto, context: &Value) -> Result<String, StoreError> {
    let sealed = crypto.seal(CONTEXT, &context.to_string())?;
    Ok(format!("{SEALED}{}", STANDARD.encode(sealed)))
}

/// The context a row stores: opened when sealed, parsed when plain JSON.
fn open_context(crypto: &Crypto, stored: &str) -> Result<Value, StoreError> {
    match stored.strip_prefix(SEALED) {
        Some(sealed) => {
            let bytes = STANDARD.decode(sealed).map_err(|_| StoreError::Decrypt)?;
            Ok(serde_json::from_str(&crypto.open(CONTEXT, &bytes)?)?)
        }
        None => Ok(serde_json::from_str(stored)?),
    }
}

/// After this many failed attempts a mail is marked `failed` for a person to look at.
pub const MAX_ATTEMPTS: i32 = 8;

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to_address: String,
    /// The template folder under `web/templates/email/`.
    pub template: String,
    pub lang: String,
    pub context: Value,
}

/// A claimed mail, leased to one sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub mail: Mail,
    pub attempts: i32,
}

/// Enqueues a mail in the same transaction as the change it reports.
pub async fn enqueue(w: &Write, mail: &Mail) -> Result<i64, StoreError> {
    let now = Utc::now();
    let insert = Query::insert()
        .into_table("mail_outbox")
        .columns([
            "to_address",
            "template",
            "lang",
            "context",
            "state",
            "attempts",
            "next_attempt_at",
            "created_at",
        ])
        .values_panic([
            mail.to_address.clone().into(),
            mail.template.clone().into(),
            mail.lang.clone().into(),
            seal_context(w.crypto(), &mail.context)?.into(),
            "pending".into(),
            0.into(),
            now.into(),
            now.into(),
        ])
        .returning_col("id")
        .to_owned();
    let row = w
        .conn()
        .query_one(&insert)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "mail_outbox",
            id: "new".into(),
        })?;
    Ok(row.try_get("", "id")?)
}

/// Claims up to `limit` due mails for `worker` for `lease`.
pub async fn claim(
    store: &Store,
    worker: &str,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<Claimed>, StoreError> {
    let tx = store.begin_write_tx().await?;
    let backend = tx.get_database_backend();
    let mut due = Query::select();
    due.column("id")
        .from("mail_outbox")
        .and_where(Expr::col("state").eq("pending"))
        .and_where(Expr::col("next_attempt_at").lte(now))
        .and_where(
            Expr::col("locked_until")
                .is_null()
                .or(Expr::col("locked_until").lt(now)),
        )
        .order_by("id", Order::Asc)
        .limit(limit);
    if backend == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<i64> = tx
        .query_all(&due)
        .await?
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let update = Query::update()
        .table("mail_outbox")
        .value("locked_by", worker)
        .value("locked_until", now + lease)
        .value("attempts", Expr::col("attempts").add(1))
        .and_where(Expr::col("id").is_in(ids.clone()))
        .to_owned();
    tx.execute(&update).await?;
    let rows = Query::select()
        .columns([
            "id",
            "to_address",
            "template",
            "lang",
            "context",
            "attempts",
        ])
        .from("mail_outbox")
        .and_where(Expr::col("id").is_in(ids))
        .order_by("id", Order::Asc)
        .to_owned();
    let claimed = tx
        .query_all(&rows)
        .await?
        .iter()
        .map(|r| -> Result<Claimed, StoreError> {
            let context: String = r.try_get("", "context")?;
            Ok(Claimed {
                id: r.try_get("", "id")?,
                attempts: r.try_get("", "attempts")?,
                mail: Mail {
                    to_address: r.try_get("", "to_address")?,
                    template: r.try_get("", "template")?,
                    lang: r.try_get("", "lang")?,
                    context: open_context(store.crypto(), &context)?,
                },
            })
        })
        .collect::<Result<_, _>>()?;
    tx.commit().await?;
    Ok(claimed)
}

/// Marks a claimed mail as delivered (only by the worker holding the lease).
pub async fn mark_sent(
    store: &Store,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table("mail_outbox")
        .value("state", "sent")
        .value("sent_at", now)
        .value("locked_until", Option::<DateTime<Utc>>::None)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("locked_by").eq(worker))
        .and_where(Expr::col("state").eq("pending"))
        .to_owned();
    Ok(store.db().execute(&update).await?.rows_affected() == 1)
}

/// Records a failed delivery: retried later with exponential backoff, or `failed`
/// after `MAX_ATTEMPTS`.
pub async fn mark_failed(
    store: &Store,
    claimed: &Claimed,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let give_up = claimed.attempts >= MAX_ATTEMPTS;
    let backoff = Duration::seconds(30 * (1i64 << claimed.attempts.clamp(0, 10)));
    let mut update = Query::update();
    update
        .table("mail_outbox")
        .value("last_error", error.chars().take(500).collect::<String>())
        .value("locked_until", Option::<DateTime<Utc>>::None)
        .value("next_attempt_at", now + backoff)
        .and_where(Expr::col("id").eq(claimed.id))
        .and_where(Expr::col("locked_by").eq(worker))
        .and_where(Expr::col("state").eq("pending"));
    if give_up {
        update.value("state", "failed");
    }
    Ok(store.db().execute(&update).await?.rows_affected() == 1)
}

/// Records a failure that no retry can mend (an address that does not parse, a
/// context that does not fit its template): the mail is marked `failed` at once for
/// a person to look at (only by the worker holding the lease).
pub async fn mark_undeliverable(
    store: &Store,
    id: i64,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table("mail_outbox")
        .value("state", "failed")
        .value("last_error", error.chars().take(500).collect::<String>())
        .value("locked_until", Option::<DateTime<Utc>>::None)
        .value("next_attempt_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("locked_by").eq(worker))
        .and_where(Expr::col("state").eq("pending"))
        .to_owned();
    Ok(store.db().execute(&update).await?.rows_affected() == 1)
}

/// One outbox row as it stands: what a case's timeline shows of its emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub mail: Mail,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    /// Delivery attempts so far (counted when a sender claims the mail).
    pub attempts: i32,
    /// Not before this time is the mail tried (again).
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The outbox row `id`, if there is one.
pub async fn entry(store: &Store, id: i64) -> Result<Option<Entry>, StoreError> {
    use sea_orm::EntityTrait;
    let Some(row) = crate::entities::mail_outbox::Entity::find_by_id(id)
        .one(store.db())
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Entry {
        id: row.id,
        mail: Mail {
            to_address: row.to_address,
            template: row.template,
            lang: row.lang,
            context: open_context(store.crypto(), &row.context)?,
        },
        state: row.state,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_error: row.last_error,
        sent_at: row.sent_at,
        created_at: row.created_at,
    }))
}

/// How many mails wait, by state (for dashboards and tests).
pub async fn count(store: &Store, state: &str) -> Result<i64, StoreError> {
    let q = Query::select()
        .expr_as(Expr::col("id").count(), "n")
        .from("mail_outbox")
        .and_where(Expr::col("state").eq(state))
        .to_owned();
    let row = store.db().query_one(&q).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[tokio::test]
    async fn a_waiting_code_is_sealed_at_rest_and_reads_back_whole() {
        let db = TestDb::sqlite().await.unwrap();
        let mail = Mail {
            to_address: "li@example.com".into(),
            template: "account_link_code".into(),
            lang: "zh".into(),
            context: serde_json::json!({"code": "493817", "name": "李明"}),
        };
        let w = db.store.write(&crate::Actor::cli()).await.unwrap();
        let id = enqueue(&w, &mail).await.unwrap();
        w.commit().await.unwrap();

        let raw = Query::select()
            .column("context")
            .from("mail_outbox")
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        let row = db.store.db().query_one(&raw).await.unwrap().unwrap();
        let stored: String = row.try_get("", "context").unwrap();
        assert!(stored.starts_with(SEALED), "{stored}");
        assert!(
            !stored.contains("493817") && !stored.contains("李明"),
            "{stored}"
        );

        assert_eq!(entry(&db.store, id).await.unwrap().unwrap().mail, mail);
        let claimed = claim(&db.store, "t", 10, Duration::minutes(1), Utc::now())
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].mail, mail);

        // A row written before contexts were sealed still reads.
        let plain = Query::update()
            .table("mail_outbox")
            .value("context", r#"{"code":"111222"}"#)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        db.store.db().execute(&plain).await.unwrap();
        let read = entry(&db.store, id).await.unwrap().unwrap();
        assert_eq!(read.mail.context, serde_json::json!({"code": "111222"}));
        // A sealed context that was tampered with is an error, not an empty mail.
        let broken = Query::update()
            .table("mail_outbox")
            .value("context", format!("{SEALED}AAAA"))
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        db.store.db().execute(&broken).await.unwrap();
        assert!(matches!(
            entry(&db.store, id).await,
            Err(StoreError::Decrypt)
        ));
    }
}
