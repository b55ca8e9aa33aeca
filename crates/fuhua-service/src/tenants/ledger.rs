//! The stored ledger of a stay's approved relief, and what a late move-out or rent
//! change does to it (SPEC §4 "money over time", R-WAIVER-LEDGER — clause 七): the
//! ledger is computed again with the rules the approval used, from the facts as the
//! change leaves them, and each month whose stored net differs gets an adjustment
//! row with the difference — in the change's own transaction, never editing a
//! stored row. The next claim takes the adjustments (`fuhua_waiver::plan_claims`).

use chrono::NaiveDate;
use fuhua_core::YearMonth;
use fuhua_core::vocab::{FundingSource, Regime};
use fuhua_store::repo::relief as relief_repo;
use fuhua_store::repo::tenant_records::StayChange;
use fuhua_store::repo::tenants::{self, LedgerRow, NewLedgerRow, Stay};
use fuhua_store::{StoreError, Write};
use fuhua_waiver::{LedgerAmounts, ReliefState, ledger_adjustments};

use super::{Acting, carrier_for};
use crate::System;
use crate::error::{ServiceError, ServiceResult};
use crate::relief::{LedgerLine, eligibility};

/// The stored ledger rows of stay `stay_id` (regular and adjustment rows, by month
/// then as stored), for whoever keeps its carrier's roll. Errors: `NotFound` (no
/// such stay, or outside the actor's scope), `Store`.
pub async fn ledger(
    system: &System,
    acting: Acting<'_>,
    stay_id: i64,
) -> ServiceResult<Vec<LedgerRow>> {
    let stay = tenants::find_stay(system.store(), stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    carrier_for(system, acting, stay.carrier_id).await?;
    Ok(tenants::ledger_of_stay(system.store(), stay_id).await?)
}

/// Adds, inside `w`, the adjustment rows that bring the stored ledger of `stay`'s
/// approved relief to what the rules give the stay as `stay` now stands (read
/// inside `w`, before it commits). A stay without an approved relief has no stored
/// ledger and gets nothing. Returns how many rows were added.
///
/// The months compared are those the approval's ledger covers: the ledger is
/// computed as of the approval's day (the day its stored rows run to), so a month
/// the new facts add inside that span (a move-out taken back) is added, and months
/// after it are left for whatever stores them later, which computes them from the
/// facts of its day.
pub(crate) async fn adjust_in(system: &System, w: &Write, stay: &Stay) -> ServiceResult<usize> {
    let approved = relief_repo::relief_applications_of_stay(system.store(), stay.id)
        .await?
        .into_iter()
        .find(|a| a.state == ReliefState::Approved);
    let Some(approved) = approved else {
        return Ok(0);
    };
    let stored = tenants::ledger_of_stay_in(w, stay.id).await?;
    let as_of = approval_day(&approved)?;
    let params = system.parameters().await?;
    let mut facts = eligibility::load(system, stay.entity_id, &params, as_of).await?;
    // The store outside `w` still holds the stay as it was before this change.
    for recorded in facts.stays.iter_mut().filter(|s| s.stay.id == stay.id) {
        recorded.stay = stay.clone();
    }
    let decision = eligibility::compute(&facts, &params, as_of)?;
    let now = eligibility::of_stay(&facts, &decision, stay.id)?;
    let have = stored
        .iter()
        .map(stored_amounts)
        .collect::<ServiceResult<Vec<_>>>()?;
    let want = now
        .ledger
        .iter()
        .map(|line| line_amounts(line, now.regime, now.funding_source))
        .collect::<ServiceResult<Vec<_>>>()?;
    let rows = ledger_adjustments(&have, &want)
        .into_iter()
        .map(|a| {
            Ok(NewLedgerRow {
                stay_id: stay.id,
                month: a.month.to_string(),
                adjustment: true,
                regime: a.regime,
                funding_source: a.funding_source,
                occupied_days: i32::try_from(a.occupied_days).map_err(|_| {
                    corrupt(format!("occupied days {} out of range", a.occupied_days))
                })?,
                days_in_month: i32::try_from(a.days_in_month).unwrap_or(31),
                rent_due: a.rent_due,
                waived: a.waived,
                payable: a.payable,
                relief_application_id: Some(approved.id),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    tenants::add_ledger_rows(w, &rows).await?;
    Ok(rows.len())
}

/// The day the approved relief's ledger was computed as of: the eligibility
/// stored with the decision, else the day of the decision.
fn approval_day(app: &relief_repo::ReliefApplication) -> ServiceResult<NaiveDate> {
    let stored = app
        .eligibility
        .as_ref()
        .and_then(|e| e.get("as_of"))
        .and_then(|v| v.as_str())
        .and_then(|text| text.parse::<NaiveDate>().ok());
    stored
        .or_else(|| app.decided_at.map(|at| at.date_naive()))
        .ok_or_else(|| {
            corrupt(format!(
                "approved relief application {} has no decision day",
                app.id
            ))
        })
}

fn corrupt(text: String) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(text))
}

fn month(text: &str) -> ServiceResult<YearMonth> {
    let bad = || corrupt(format!("ledger month “{text}” is not YYYY-MM"));
    let (y, m) = text.split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    YearMonth::new(y, m).ok_or_else(bad)
}

fn stored_amounts(row: &LedgerRow) -> ServiceResult<LedgerAmounts> {
    let month = month(&row.month)?;
    Ok(LedgerAmounts {
        month,
        regime: row.regime,
        funding_source: row.funding_source,
        occupied_days: i64::from(row.occupied_days),
        days_in_month: month.days(),
        rent_due: row.rent_due,
        waived: row.waived,
        payable: row.payable,
    })
}

fn line_amounts(
    line: &LedgerLine,
    regime: Regime,
    funding_source: Option<FundingSource>,
) -> ServiceResult<LedgerAmounts> {
    Ok(LedgerAmounts {
        month: month(&line.month)?,
        regime,
        funding_source,
        occupied_days: i64::from(line.occupied_days),
        days_in_month: line.days_in_month,
        rent_due: line.rent_due,
        waived: line.waived,
        payable: line.payable,
    })
}

/// Whether a change of this kind can move the ledger (jobs do not).
pub(crate) fn moves_ledger(what: StayChange) -> bool {
    matches!(what, StayChange::MoveOut(_) | StayChange::Rent(_))
}
