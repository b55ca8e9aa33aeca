//! Reminders sent, each once ever (a unique key: kind + record + threshold), and the
//! lease of scheduled jobs, so that with several servers on one database only one
//! runs a job at a time.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use serde_json::json;

use crate::error::StoreError;
use crate::{Store, Write};

/// A reminder about to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReminder<'a> {
    /// e.g. "window_ending", "report_due", "report_overdue", "claim_waiting".
    pub kind: &'a str,
    pub record_table: &'static str,
    pub record_id: i64,
    /// e.g. "90", "30", "3wd", "overdue".
    pub threshold: &'a str,
    pub sent_on: NaiveDate,
    /// How many emails it enqueued.
    pub mails: i32,
}

impl NewReminder<'_> {
    /// The unique key: kind, record and threshold.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.kind, self.record_table, self.record_id, self.threshold
        )
    }
}

/// Records a reminder, with its audit row, in the change that enqueues its emails.
/// Returns `false` (and records nothing) when this reminder was recorded before — also by a concurrent
/// run, whose insert this one waits for on PostgreSQL (the unique key) or whose
/// transaction it queues behind on SQLite (IMMEDIATE).
pub async fn record_once(w: &Write, new: &NewReminder<'_>) -> Result<bool, StoreError> {
    let insert = Query::insert()
        .into_table("reminders_sent")
        .columns([
            "reminder_key",
            "kind",
            "record_table",
            "record_id",
            "threshold",
            "sent_on",
            "mails",
            "created_at",
        ])
        .values_panic([
            new.key().into(),
            new.kind.into(),
            new.record_table.into(),
            new.record_id.into(),
            new.threshold.into(),
            new.sent_on.into(),
            new.mails.into(),
            Utc::now().into(),
        ])
        .on_conflict(OnConflict::column("reminder_key").do_nothing().to_owned())
        .returning_col("id")
        .to_owned();
    let Some(row) = w.conn().query_one(&insert).await? else {
        return Ok(false);
    };
    let id: i64 = row.try_get("", "id")?;
    let after = json!({
        "reminder_key": new.key(),
        "kind": new.kind,
        "sent_on": new.sent_on,
        "mails": new.mails,
    });
    w.audit_change("create", "reminders_sent", id, None, Some(&after))
        .await?;
    Ok(true)
}

/// Whether a reminder with this key was sent already.
pub async fn was_sent(store: &Store, key: &str) -> Result<bool, StoreError> {
    let query = Query::select()
        .column("id")
        .from("reminders_sent")
        .and_where(Expr::col("reminder_key").eq(key))
        .to_owned();
    Ok(store.db().query_one(&query).await?.is_some())
}

/// How many reminders of a kind were sent (for tests and the operations page).
pub async fn count_sent(store: &Store, kind: &str) -> Result<i64, StoreError> {
    let query = Query::select()
        .expr_as(Expr::col("id").count(), "n")
        .from("reminders_sent")
        .and_where(Expr::col("kind").eq(kind))
        .to_owned();
    let row = store.db().query_one(&query).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Takes the lease of job `name` for `holder` until `now + lease`, when nobody
/// holds it (or the lease ran out, or `holder` holds it already) and the job has
/// not run on `day` yet. Returns whether `holder` may run the job now.
pub async fn lease_daily_job(
    store: &Store,
    name: &str,
    holder: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<bool, StoreError> {
    let tx = store.begin_write_tx().await?;
    let seed = Query::insert()
        .into_table("job_leases")
        .columns(["name"])
        .values_panic([name.into()])
        .on_conflict(OnConflict::column("name").do_nothing().to_owned())
        .to_owned();
    tx.execute(&seed).await?;
    let take = Query::update()
        .table("job_leases")
        .value("holder", holder)
        .value("locked_until", now + lease)
        .and_where(Expr::col("name").eq(name))
        .and_where(
            Expr::col("locked_until")
                .is_null()
                .or(Expr::col("locked_until").lt(now))
                .or(Expr::col("holder").eq(holder)),
        )
        .and_where(
            Expr::col("last_run_on")
                .is_null()
                .or(Expr::col("last_run_on").lt(day)),
        )
        .to_owned();
    let taken = tx.execute(&take).await?.rows_affected() == 1;
    tx.commit().await?;
    Ok(taken)
}

/// Marks job `name` as run on `day` and releases `holder`'s lease.
pub async fn finish_daily_job(
    store: &Store,
    name: &str,
    holder: &str,
    day: NaiveDate,
) -> Result<(), StoreError> {
    let tx = store.begin_write_tx().await?;
    let done = Query::update()
        .table("job_leases")
        .value("last_run_on", day)
        .value("holder", Option::<String>::None)
        .value("locked_until", Option::<DateTime<Utc>>::None)
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("holder").eq(holder))
        .to_owned();
    tx.execute(&done).await?;
    tx.commit().await?;
    Ok(())
}

/// Releases `holder`'s lease without marking a run (the run failed; another
/// server may try again).
pub async fn release_job(store: &Store, name: &str, holder: &str) -> Result<(), StoreError> {
    let tx = store.begin_write_tx().await?;
    let release = Query::update()
        .table("job_leases")
        .value("holder", Option::<String>::None)
        .value("locked_until", Option::<DateTime<Utc>>::None)
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("holder").eq(holder))
        .to_owned();
    tx.execute(&release).await?;
    tx.commit().await?;
    Ok(())
}

/// An approved rent relief, as the window reminders read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedRelief {
    pub id: i64,
    pub entity_id: i64,
    pub stay_id: i64,
    pub applicant_user_id: Option<i64>,
    /// The eligibility stored with the decision (JSON text).
    pub eligibility: Option<String>,
}

/// Every approved rent-relief application, by id.
pub async fn approved_reliefs(store: &Store) -> Result<Vec<ApprovedRelief>, StoreError> {
    let query = Query::select()
        .columns([
            "id",
            "entity_id",
            "stay_id",
            "applicant_user_id",
            "eligibility",
        ])
        .from("relief_applications")
        .and_where(Expr::col("state").eq("approved"))
        .order_by("id", sea_orm::sea_query::Order::Asc)
        .to_owned();
    let mut found = Vec::new();
    for row in store.db().query_all(&query).await? {
        found.push(ApprovedRelief {
            id: row.try_get("", "id")?,
            entity_id: row.try_get("", "entity_id")?,
            stay_id: row.try_get("", "stay_id")?,
            applicant_user_id: row.try_get("", "applicant_user_id")?,
            eligibility: row.try_get("", "eligibility")?,
        });
    }
    Ok(found)
}

/// A settlement claim waiting for the operator's submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingClaim {
    pub id: i64,
    pub carrier_id: i64,
    pub year: i32,
    pub quarter: i32,
    pub total_fen: i64,
}

/// Every settlement claim in state `generated` (SPEC §4: the operator submits it).
pub async fn claims_waiting_for_submission(store: &Store) -> Result<Vec<WaitingClaim>, StoreError> {
    let query = Query::select()
        .columns(["id", "carrier_id", "year", "quarter", "total_fen"])
        .from("settlement_claims")
        .and_where(Expr::col("state").eq("generated"))
        .order_by("id", sea_orm::sea_query::Order::Asc)
        .to_owned();
    let mut found = Vec::new();
    for row in store.db().query_all(&query).await? {
        found.push(WaitingClaim {
            id: row.try_get("", "id")?,
            carrier_id: row.try_get("", "carrier_id")?,
            year: row.try_get("", "year")?,
            quarter: row.try_get("", "quarter")?,
            total_fen: row.try_get("", "total_fen")?,
        });
    }
    Ok(found)
}
