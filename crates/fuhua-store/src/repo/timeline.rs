//! What happened to a case, for its timeline: its audit rows and the emails it
//! sent; and the emails a user received ("my notices"). Mails are enqueued with the
//! case they report and the account they go to through [`enqueue_for`].

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};

use crate::error::StoreError;
use crate::outbox::{self, Mail};
use crate::{Store, Write};

/// One audit row of a case: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339, as stored in the chain.
    pub at: String,
    pub actor: String,
    pub action: String,
}

/// The audit rows of one record (`table`, `id`), oldest first.
pub async fn audit_of(store: &Store, table: &str, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let query = Query::select()
        .columns(["seq", "at", "actor", "action"])
        .from("audit_log")
        .and_where(Expr::col("entity").eq(table))
        .and_where(Expr::col("entity_id").eq(id.to_string()))
        .order_by("seq", Order::Asc)
        .to_owned();
    store
        .db()
        .query_all(&query)
        .await?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                seq: r.try_get("", "seq")?,
                at: r.try_get("", "at")?,
                actor: r.try_get("", "actor")?,
                action: r.try_get("", "action")?,
            })
        })
        .collect()
}

/// Where a mail belongs: the case it reports and the account it goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailRef {
    pub case_table: &'static str,
    pub case_id: i64,
    pub recipient_user_id: Option<i64>,
}

/// Enqueues a mail (in the change's transaction) and records what it belongs to.
pub async fn enqueue_for(w: &Write, mail: &Mail, reference: MailRef) -> Result<i64, StoreError> {
    let id = outbox::enqueue(w, mail).await?;
    let update = Query::update()
        .table("mail_outbox")
        .value("case_table", reference.case_table)
        .value("case_id", reference.case_id)
        .value("recipient_user_id", reference.recipient_user_id)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    w.conn().execute(&update).await?;
    Ok(id)
}

/// One mail as a timeline or notice list shows it (no body: it is rendered when sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailEntry {
    pub id: i64,
    pub to_address: String,
    pub template: String,
    /// pending, sent or failed.
    pub state: String,
    pub case_table: Option<String>,
    pub case_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

async fn mails_where(
    store: &Store,
    filter: Vec<sea_orm::sea_query::SimpleExpr>,
    limit: u64,
) -> Result<Vec<MailEntry>, StoreError> {
    let mut query = Query::select();
    query
        .columns([
            "id",
            "to_address",
            "template",
            "state",
            "case_table",
            "case_id",
            "created_at",
            "sent_at",
        ])
        .from("mail_outbox");
    for condition in filter {
        query.and_where(condition);
    }
    query.order_by("id", Order::Desc).limit(limit);
    store
        .db()
        .query_all(&query)
        .await?
        .iter()
        .map(|r| {
            Ok(MailEntry {
                id: r.try_get("", "id")?,
                to_address: r.try_get("", "to_address")?,
                template: r.try_get("", "template")?,
                state: r.try_get("", "state")?,
                case_table: r.try_get("", "case_table")?,
                case_id: r.try_get("", "case_id")?,
                created_at: r.try_get("", "created_at")?,
                sent_at: r.try_get("", "sent_at")?,
            })
        })
        .collect()
}

/// The mails of one case, newest first.
pub async fn mails_of_case(
    store: &Store,
    case_table: &str,
    case_id: i64,
) -> Result<Vec<MailEntry>, StoreError> {
    mails_where(
        store,
        vec![
            Expr::col("case_table").eq(case_table),
            Expr::col("case_id").eq(case_id),
        ],
        200,
    )
    .await
}

/// The latest mails to one account, newest first.
pub async fn mails_of_user(
    store: &Store,
    user_id: i64,
    limit: u64,
) -> Result<Vec<MailEntry>, StoreError> {
    mails_where(
        store,
        vec![Expr::col("recipient_user_id").eq(user_id)],
        limit,
    )
    .await
}
