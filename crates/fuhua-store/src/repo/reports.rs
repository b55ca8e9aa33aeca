//! Monthly reports as the filing journey needs them (SPEC §4 "monthly report"):
//! one report per carrier and month (unique), its figures, who filed it, who
//! returned it and why. Moves go through [`cases::move_case`](super::cases::move_case).

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_waiver::MonthlyReportState;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{by_id, every, insert, now, parse_code};
use crate::entities::monthly_report;
use crate::error::StoreError;
use crate::{Store, Write};

/// A monthly report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: i64,
    pub carrier_id: i64,
    /// "YYYY-MM".
    pub period: String,
    pub due_on: NaiveDate,
    pub state: MonthlyReportState,
    /// The latest filing.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The first filing came after `due_on`.
    pub late: bool,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<i64>,
    pub filed_by: Option<i64>,
    /// The latest return's reason (also read from `data` for older rows).
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    pub returned_by: Option<i64>,
    /// The figures reported (JSON object).
    pub data: Value,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

fn report_of(m: monthly_report::Model) -> Result<Report, StoreError> {
    let data: Value = serde_json::from_str(&m.data)?;
    let return_reason = m.return_reason.or_else(|| {
        data.get("return_reason")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Ok(Report {
        id: m.id,
        carrier_id: m.carrier_id,
        period: m.period,
        due_on: m.due_on,
        state: parse_code("state", &m.state)?,
        submitted_at: m.submitted_at,
        late: m.late,
        accepted_at: m.accepted_at,
        accepted_by: m.accepted_by,
        filed_by: m.filed_by,
        return_reason,
        returned_at: m.returned_at,
        returned_by: m.returned_by,
        data,
        created_at: m.created_at,
        version: m.version,
    })
}

/// A report about to be filed for the first time: recorded as `due` with its
/// deadline and lateness, then moved to `submitted` by the caller.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub carrier_id: i64,
    pub period: String,
    pub due_on: NaiveDate,
    /// Filed after `due_on`.
    pub late: bool,
    pub data: Value,
}

/// Records a report in state `due` (audited). A second report of the same carrier
/// and month is refused by the schema (`Duplicate`).
pub async fn add_report(w: &Write, new: &NewReport) -> Result<Report, StoreError> {
    let at = now();
    let row = monthly_report::ActiveModel {
        carrier_id: Set(new.carrier_id),
        period: Set(new.period.clone()),
        due_on: Set(new.due_on),
        state: Set(MonthlyReportState::Due.as_str().to_owned()),
        submitted_at: Set(None),
        late: Set(new.late),
        accepted_at: Set(None),
        accepted_by: Set(None),
        data: Set(new.data.to_string()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        filed_by: Set(None),
        return_reason: Set(None),
        returned_at: Set(None),
        returned_by: Set(None),
        ..Default::default()
    };
    let audit = json!({
        "carrier_id": new.carrier_id,
        "period": new.period,
        "due_on": new.due_on,
        "state": MonthlyReportState::Due.as_str(),
        "late": new.late,
    });
    let m = insert(w, "monthly_reports", row, |m| m.id, audit).await?;
    report_of(m)
}

/// One report by id.
pub async fn find_report(store: &Store, id: i64) -> Result<Option<Report>, StoreError> {
    by_id::<monthly_report::Entity, _>(store, id, report_of).await
}

/// The report of a carrier for a period, if there is one.
pub async fn report_of_period(
    store: &Store,
    carrier_id: i64,
    period: &str,
) -> Result<Option<Report>, StoreError> {
    monthly_report::Entity::find()
        .filter(monthly_report::Column::CarrierId.eq(carrier_id))
        .filter(monthly_report::Column::Period.eq(period))
        .one(store.db())
        .await?
        .map(report_of)
        .transpose()
}

/// The reports of some carriers, by carrier then period.
pub async fn reports_of_carriers(
    store: &Store,
    carrier_ids: &[i64],
) -> Result<Vec<Report>, StoreError> {
    if carrier_ids.is_empty() {
        return Ok(Vec::new());
    }
    every(
        store,
        monthly_report::Entity::find()
            .filter(monthly_report::Column::CarrierId.is_in(carrier_ids.to_vec()))
            .order_by_asc(monthly_report::Column::CarrierId)
            .order_by_asc(monthly_report::Column::Period),
        report_of,
    )
    .await
}
