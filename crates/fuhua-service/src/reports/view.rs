//! What the pages show of monthly reports: the list of carriers' months (filed
//! reports, and months not filed yet as due or overdue), one report with the
//! actions the viewer may take, the filing form's facts, and the on-time rate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fuhua_core::workflow::{Actions, Party};
use fuhua_core::{Decision, Text, YearMonth, vocabulary};
use fuhua_store::repo::carriers::{self, Carrier};
use fuhua_store::repo::reports::{self as repo, Report};
use fuhua_waiver::{
    MonthlyReportState, OnTimeRate, ReportAction, ReportRecord, Timeliness, on_time_rate as rate,
};

use super::{Figures, FiguresForm, deadline, load, parties_for};
use crate::System;
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};
use crate::relief::PER_PAGE;
use crate::scope;

/// How many ended months the lists show for each carrier (besides any month that
/// has a report on record).
pub const MONTHS_SHOWN: u32 = 12;

vocabulary! {
    /// Where a carrier's month stands, as the lists show it.
    RowStatus {
        Due = "due", "待报送", "due";
        Overdue = "overdue", "已逾期未报", "overdue";
        Submitted = "submitted", "已报送待接收", "filed, awaiting acceptance";
        Accepted = "accepted", "已接收", "accepted";
        Returned = "returned", "已退回", "returned";
    }
}

/// One carrier's month in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub carrier_id: i64,
    pub carrier_name: String,
    pub month: YearMonth,
    pub due_on: NaiveDate,
    pub status: RowStatus,
    /// Filed late, or still not filed after the deadline.
    pub late: bool,
    pub return_reason: Option<String>,
    /// The stored report, once filed.
    pub report_id: Option<i64>,
    pub version: Option<i32>,
}

/// Filters of the report lists (from the URL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub status: Option<RowStatus>,
    pub carrier_id: Option<i64>,
    pub month: Option<YearMonth>,
    pub late: Option<bool>,
    /// 1-based.
    pub page: u64,
}

/// One page of rows, the number of all matches, and the carriers one may filter by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportList {
    pub rows: Vec<ReportRow>,
    pub total: u64,
    pub carriers: Vec<(i64, String)>,
}

/// The carriers whose reports the actor sees: those it operates and those in its
/// jurisdictions. `Forbidden` for other roles.
pub(crate) async fn carriers_in_scope(
    system: &System,
    actor: &Actor,
) -> ServiceResult<Vec<Carrier>> {
    if !actor.has(Role::Operator) && !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    let store = system.store();
    let mut found: BTreeMap<i64, Carrier> = BTreeMap::new();
    for org in actor.operated_organisations() {
        for carrier in carriers::list_carriers_by_operator(store, org).await? {
            found.insert(carrier.id, carrier);
        }
    }
    if let Some(jurisdictions) = scope::official_jurisdictions(system, actor).await? {
        for j in jurisdictions {
            for carrier in carriers::list_carriers_by_jurisdiction(store, j).await? {
                found.insert(carrier.id, carrier);
            }
        }
    }
    Ok(found.into_values().collect())
}

fn status_of(report: &Report) -> RowStatus {
    match report.state {
        MonthlyReportState::Due => RowStatus::Due,
        MonthlyReportState::Submitted => RowStatus::Submitted,
        MonthlyReportState::Accepted => RowStatus::Accepted,
        MonthlyReportState::Returned => RowStatus::Returned,
    }
}

/// The ended months the lists show: the last [`MONTHS_SHOWN`] before today's.
fn recent_months(today: NaiveDate) -> Vec<YearMonth> {
    let mut months = Vec::new();
    let mut month = YearMonth::of(today);
    for _ in 0..MONTHS_SHOWN {
        month = YearMonth::of(month.first_day() - chrono::Duration::days(1));
        months.push(month);
    }
    months
}

/// Every row of the actor's carriers, newest month first, then by carrier name.
pub(crate) async fn all_rows(
    system: &System,
    carriers: &[Carrier],
    today: NaiveDate,
) -> ServiceResult<Vec<ReportRow>> {
    let params = system.parameters().await?;
    let ids: Vec<i64> = carriers.iter().map(|c| c.id).collect();
    let stored = repo::reports_of_carriers(system.store(), &ids).await?;
    let months = recent_months(today);
    let mut rows = Vec::new();
    for carrier in carriers {
        let mut by_month: BTreeMap<YearMonth, Option<&Report>> =
            months.iter().map(|m| (*m, None)).collect();
        for report in stored.iter().filter(|r| r.carrier_id == carrier.id) {
            if let Ok(month) = super::parse_month(&report.period) {
                by_month.insert(month, Some(report));
            }
        }
        for (month, report) in by_month {
            let row = match report {
                Some(r) => {
                    let status = match status_of(r) {
                        RowStatus::Due if r.due_on < today => RowStatus::Overdue,
                        other => other,
                    };
                    ReportRow {
                        carrier_id: carrier.id,
                        carrier_name: carrier.name.clone(),
                        month,
                        due_on: r.due_on,
                        status,
                        late: r.late || status == RowStatus::Overdue,
                        return_reason: r.return_reason.clone(),
                        report_id: Some(r.id),
                        version: Some(r.version),
                    }
                }
                None => {
                    let due_on = deadline(&params, month);
                    let overdue = due_on < today;
                    ReportRow {
                        carrier_id: carrier.id,
                        carrier_name: carrier.name.clone(),
                        month,
                        due_on,
                        status: if overdue {
                            RowStatus::Overdue
                        } else {
                            RowStatus::Due
                        },
                        late: overdue,
                        return_reason: None,
                        report_id: None,
                        version: None,
                    }
                }
            };
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then_with(|| a.carrier_name.cmp(&b.carrier_name))
            .then_with(|| a.carrier_id.cmp(&b.carrier_id))
    });
    Ok(rows)
}

/// One page of the carriers' months the actor sees (an operator its carriers, an
/// official those of its jurisdictions), filtered by `query`, 25 a page.
pub async fn list(
    system: &System,
    actor: &Actor,
    query: &ListQuery,
    today: NaiveDate,
) -> ServiceResult<ReportList> {
    let carriers = carriers_in_scope(system, actor).await?;
    let choices = carriers.iter().map(|c| (c.id, c.name.clone())).collect();
    let rows = all_rows(system, &carriers, today).await?;
    let matching: Vec<ReportRow> = rows
        .into_iter()
        .filter(|r| query.status.is_none_or(|s| r.status == s))
        .filter(|r| query.carrier_id.is_none_or(|c| r.carrier_id == c))
        .filter(|r| query.month.is_none_or(|m| r.month == m))
        .filter(|r| query.late.is_none_or(|l| r.late == l))
        .collect();
    let total = matching.len() as u64;
    let page = query.page.max(1);
    let skip = usize::try_from((page - 1).saturating_mul(PER_PAGE)).unwrap_or(usize::MAX);
    let rows = matching
        .into_iter()
        .skip(skip)
        .take(usize::try_from(PER_PAGE).unwrap_or(25))
        .collect();
    Ok(ReportList {
        rows,
        total,
        carriers: choices,
    })
}

/// One action on the report page: a button when available, else why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionView {
    pub action: ReportAction,
    pub available: bool,
    pub why_not: Option<Text>,
}

/// A report as one viewer may see it.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: Report,
    pub carrier: Carrier,
    pub month: YearMonth,
    pub figures: Figures,
    /// The figures as a form (to file a returned report again).
    pub form: FiguresForm,
    pub parties: Vec<Party>,
    pub actions: Vec<ActionView>,
}

impl ReportView {
    pub fn is_official(&self) -> bool {
        self.parties.contains(&Party::Official)
    }

    pub fn is_operator(&self) -> bool {
        self.parties.contains(&Party::Operator)
    }

    /// Whether `action` is available to the viewer now.
    pub fn can(&self, action: ReportAction) -> bool {
        self.actions
            .iter()
            .any(|a| a.action == action && a.available)
    }
}

/// One report with what the viewer may do; `NotFound` outside their scope.
pub async fn view(system: &System, actor: &Actor, id: i64) -> ServiceResult<ReportView> {
    let loaded = load(system, actor, id).await?;
    let month = super::parse_month(&loaded.report.period).map_err(|_| {
        ServiceError::Store(fuhua_store::StoreError::Corrupt("report period".into()))
    })?;
    let mut actions = Vec::new();
    for &action in ReportAction::ALL {
        let mine = ReportAction::moves()
            .iter()
            .any(|m| m.action == action && loaded.parties.contains(&m.by));
        if !mine {
            continue;
        }
        let available = loaded
            .parties
            .iter()
            .any(|&p| ReportAction::apply(loaded.report.state, action, p).is_ok());
        let why_not = (!available).then(|| {
            let (zh, en) = ReportAction::waiting_for(loaded.report.state);
            Text::new(zh, en)
        });
        actions.push(ActionView {
            action,
            available,
            why_not,
        });
    }
    let figures = Figures::from_json(&loaded.report.data);
    Ok(ReportView {
        form: FiguresForm::of(&figures),
        figures,
        month,
        report: loaded.report,
        carrier: loaded.carrier,
        parties: loaded.parties,
        actions,
    })
}

/// What the filing form of a carrier's month shows.
#[derive(Debug, Clone)]
pub struct Filing {
    pub carrier: Carrier,
    pub month: YearMonth,
    pub due_on: NaiveDate,
    /// The report on record for that month, if any.
    pub report: Option<Report>,
}

/// The facts of the filing form for `carrier_id` and `month`: only its operator
/// files (`Forbidden` for an official, `NotFound` outside the actor's scope).
pub async fn filing(
    system: &System,
    actor: &Actor,
    carrier_id: i64,
    month: YearMonth,
) -> ServiceResult<Filing> {
    let carrier = carriers::find_carrier(system.store(), carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parties = parties_for(system, actor, &carrier).await?;
    if !parties.contains(&Party::Operator) {
        return Err(ServiceError::Forbidden);
    }
    let report = repo::report_of_period(system.store(), carrier.id, &month.to_string()).await?;
    let due_on = match &report {
        Some(r) => r.due_on,
        None => deadline(&system.parameters().await?, month),
    };
    Ok(Filing {
        carrier,
        month,
        due_on,
        report,
    })
}

/// The on-time rate of one carrier over the months `from..=to` as of `as_of`
/// (R-EVAL `on_time_report_rate`, with its trace), from the reports on record.
pub async fn on_time_rate(
    system: &System,
    actor: &Actor,
    carrier_id: i64,
    from: YearMonth,
    to: YearMonth,
    as_of: NaiveDate,
) -> ServiceResult<Decision<OnTimeRate>> {
    let carrier = carriers::find_carrier(system.store(), carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    parties_for(system, actor, &carrier).await?;
    on_time_rate_of(system, carrier.id, from, to, as_of).await
}

/// [`on_time_rate`] without an actor (for evaluation rounds, which check their own
/// scope).
pub async fn on_time_rate_of(
    system: &System,
    carrier_id: i64,
    from: YearMonth,
    to: YearMonth,
    as_of: NaiveDate,
) -> ServiceResult<Decision<OnTimeRate>> {
    let params = system.parameters().await?;
    let mut months = Vec::new();
    let mut month = from;
    // Bounded: at most a century of months.
    for _ in 0..1200 {
        if month > to {
            break;
        }
        months.push((month, deadline(&params, month)));
        month = month.succ();
    }
    let records: Vec<ReportRecord> = repo::reports_of_carriers(system.store(), &[carrier_id])
        .await?
        .iter()
        .filter_map(|r| {
            let month = super::parse_month(&r.period).ok()?;
            let filed = match r.state {
                MonthlyReportState::Due => None,
                _ if r.late => Some(Timeliness::Late),
                _ => Some(Timeliness::OnTime),
            };
            Some(ReportRecord {
                month,
                due_on: r.due_on,
                filed,
            })
        })
        .collect();
    Ok(rate(&records, &months, as_of))
}
