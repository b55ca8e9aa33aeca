//! Monthly reports (SPEC §4 "monthly report"): the operator files a report per
//! carrier and month (tenants, jobs, service events, financing raised, exits); one
//! filed after its deadline is marked late; an official of the carrier's
//! jurisdiction accepts it or returns it with a reason, and a returned report is
//! filed again. Every action checks, in order: the role (neither operator nor
//! official → `Forbidden`), the scope (a carrier the actor neither operates nor
//! oversees → `NotFound`), the transition table (`fuhua_waiver::ReportAction`),
//! the rules, then writes the move, its audit row and its emails in one `Write`.

pub mod bulk;
mod figures;
pub mod view;

use chrono::{NaiveDate, Utc};
use fuhua_core::workflow::{Actions, Party, Unavailable};
use fuhua_core::{ParameterSet, Problem, YearMonth};
use fuhua_store::repo::carriers::{self, Carrier};
use fuhua_store::repo::cases::{self, CaseState, CaseTable, CaseValue};
use fuhua_store::repo::people::{self, User};
use fuhua_store::repo::reports::{self as repo, NewReport, Report};
use fuhua_store::{StoreError, Write};
use fuhua_waiver::{MonthlyReportState, ReportAction, Timeliness, report_due_date, timeliness};
use serde_json::json;

use crate::System;
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};
use crate::relief::send_mail;
use crate::scope;

pub use figures::{Figures, FiguresForm, MAX_UPLOAD_BYTES};
pub use view::{ListQuery, ReportList, ReportRow, ReportView, RowStatus, list, on_time_rate, view};

const TABLE: CaseTable = CaseTable::MonthlyReports;

/// The deadline of `month`'s report with the district parameters `report_due_day`,
/// `holidays` and `workdays` in force when the month's reporting opens (the first
/// day of the next month).
pub fn deadline(params: &ParameterSet, month: YearMonth) -> NaiveDate {
    let p = params.at(month.succ().first_day());
    report_due_date(month, p.report_due_day, &p.calendar())
}

/// The parties the actor is for a carrier's reports: its operator, or an official
/// whose jurisdiction holds it. `Forbidden` for a role that never deals with
/// reports; `NotFound` for a carrier outside the actor's scope.
pub(crate) async fn parties_for(
    system: &System,
    actor: &Actor,
    carrier: &Carrier,
) -> ServiceResult<Vec<Party>> {
    if !actor.has(Role::Operator) && !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    let mut parties = Vec::new();
    if carrier
        .operator_org_id
        .is_some_and(|org| actor.operated_organisations().contains(&org))
    {
        parties.push(Party::Operator);
    }
    if let Some(jurisdictions) = scope::official_jurisdictions(system, actor).await?
        && jurisdictions.contains(&carrier.jurisdiction_id)
    {
        parties.push(Party::Official);
    }
    if parties.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(parties)
}

/// The state `action` moves a report in `state` to, for one of `parties`;
/// otherwise what it waits for (`Conflict`) or `Forbidden`.
fn allowed(
    state: MonthlyReportState,
    parties: &[Party],
    action: ReportAction,
) -> ServiceResult<MonthlyReportState> {
    let mut waits = false;
    for &party in parties {
        match ReportAction::apply(state, action, party) {
            Ok(to) => return Ok(to),
            Err(Unavailable::State) => waits = true,
            Err(Unavailable::Party) => {}
        }
    }
    if waits {
        let (zh, en) = ReportAction::waiting_for(state);
        Err(ServiceError::conflict(
            format!("此操作现在不可用：{zh}。"),
            format!("This action is not available now: {en}."),
        ))
    } else {
        Err(ServiceError::Forbidden)
    }
}

fn stale() -> ServiceError {
    ServiceError::conflict(
        "该月报已有新的变化（可能是其他人刚刚处理过），请查看最新状态后再操作。",
        "This report changed in the meantime (someone may have just acted on it); review its current state and try again.",
    )
}

/// A report with its carrier and the actor's parties for it.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub report: Report,
    pub carrier: Carrier,
    pub parties: Vec<Party>,
}

pub(crate) async fn load(system: &System, actor: &Actor, id: i64) -> ServiceResult<Loaded> {
    if !actor.has(Role::Operator) && !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    let report = repo::find_report(system.store(), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let carrier = carriers::find_carrier(system.store(), report.carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parties = parties_for(system, actor, &carrier).await?;
    Ok(Loaded {
        report,
        carrier,
        parties,
    })
}

/// Parses a "YYYY-MM" month (the `month` field).
pub fn parse_month(text: &str) -> ServiceResult<YearMonth> {
    let bad = || {
        ServiceError::invalid(Problem::new(
            "month",
            "bad_month",
            "月份格式应为“年-月”，如 2026-10。",
            "The month must be written year-month, e.g. 2026-10.",
        ))
    };
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    let (y, m) = (y.parse::<i32>(), m.parse::<u32>());
    match (y, m) {
        (Ok(y), Ok(m)) if (2000..=2100).contains(&y) => YearMonth::new(y, m).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// The operator files its carrier's report for `month` (a month that has ended),
/// or files a returned report again. `version` is the report's version as the form
/// showed it (`None` for a first filing). The first filing after the deadline is
/// marked late; filing again after a return keeps the first filing's mark.
/// Returns the report's id. Errors: `Forbidden`/`NotFound` (role, scope),
/// `Invalid` (month, figures), `Conflict` (already filed, accepted, or changed
/// since the form was shown).
pub async fn file(
    system: &System,
    actor: &Actor,
    carrier_id: i64,
    month: YearMonth,
    form: &FiguresForm,
    version: Option<i32>,
    today: NaiveDate,
) -> ServiceResult<i64> {
    if !actor.has(Role::Operator) && !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    let carrier = carriers::find_carrier(system.store(), carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parties = parties_for(system, actor, &carrier).await?;
    if !parties.contains(&Party::Operator) {
        return Err(ServiceError::Forbidden);
    }
    // SPEC §4: a month is reported after it has ended.
    if month >= YearMonth::of(today) {
        return Err(ServiceError::invalid(Problem::new(
            "month",
            "not_ended",
            format!("{month} 尚未结束，只能报送已结束月份的月报。"),
            format!("{month} has not ended yet; only months that have ended can be reported."),
        )));
    }
    let figures = form.parse()?;
    let period = month.to_string();
    let existing = repo::report_of_period(system.store(), carrier.id, &period).await?;
    let w = system.store().write(&actor.audit_actor()).await?;
    let (id, read) = match existing {
        None => {
            let params = system.parameters().await?;
            let due_on = deadline(&params, month);
            let late = timeliness(today, due_on) == Timeliness::Late;
            let report = repo::add_report(
                &w,
                &NewReport {
                    carrier_id: carrier.id,
                    period: period.clone(),
                    due_on,
                    late,
                    data: figures.to_json(),
                },
            )
            .await
            .map_err(|e| already_filed(e, &period))?;
            let read = CaseState {
                state: report.state,
                version: report.version,
            };
            (report.id, read)
        }
        Some(report) => {
            allowed(report.state, &parties, ReportAction::Submit)?;
            let read = cases::case_state_in::<MonthlyReportState>(&w, TABLE, report.id).await?;
            if Some(read.version) != version || read.state != report.state {
                return Err(stale());
            }
            (report.id, read)
        }
    };
    allowed(read.state, &parties, ReportAction::Submit)?;
    cases::move_case(
        &w,
        TABLE,
        id,
        &read,
        MonthlyReportState::Submitted,
        &[
            ("data", CaseValue::Text(Some(figures.to_json().to_string()))),
            ("submitted_at", CaseValue::Time(Some(Utc::now()))),
            ("filed_by", CaseValue::Int(Some(actor.user_id))),
        ],
    )
    .await?;
    w.commit().await?;
    Ok(id)
}

fn already_filed(error: StoreError, period: &str) -> ServiceError {
    match error {
        StoreError::Duplicate { .. } => ServiceError::conflict(
            format!("{period} 的月报已经报送过了，请刷新后查看。"),
            format!("The report for {period} has already been filed; reload to see it."),
        ),
        other => other.into(),
    }
}

/// An official's decision on a filed report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    /// Back to the operator, with the reason (required, at most 1000 characters).
    Return(String),
}

/// An official of the carrier's jurisdiction accepts or returns a filed report;
/// the operator's staff get an email (`report_accepted` / `report_returned`).
/// Errors: `Forbidden` (an operator), `NotFound` (scope), `Invalid` (no reason),
/// `Conflict` (not filed, decided already, or changed since the page was shown —
/// of two officials deciding at once, one wins).
pub async fn decide(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    decision: &Decision,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    let action = match decision {
        Decision::Accept => ReportAction::Accept,
        Decision::Return(_) => ReportAction::Return,
    };
    let to = allowed(loaded.report.state, &loaded.parties, action)?;
    let mut changes = Vec::new();
    let reason = match decision {
        Decision::Accept => {
            changes.push(("accepted_at", CaseValue::Time(Some(Utc::now()))));
            changes.push(("accepted_by", CaseValue::Int(Some(actor.user_id))));
            None
        }
        Decision::Return(text) => {
            let reason = reason_text(text)?;
            changes.push(("return_reason", CaseValue::Text(Some(reason.clone()))));
            changes.push(("returned_at", CaseValue::Time(Some(Utc::now()))));
            changes.push(("returned_by", CaseValue::Int(Some(actor.user_id))));
            Some(reason)
        }
    };
    let w = system.store().write(&actor.audit_actor()).await?;
    let read = cases::case_state_in::<MonthlyReportState>(&w, TABLE, id).await?;
    if read.version != version || read.state != loaded.report.state {
        return Err(stale());
    }
    cases::move_case(&w, TABLE, id, &read, to, &changes).await?;
    notify_operator(system, &w, &loaded, reason.as_deref()).await?;
    w.commit().await?;
    Ok(())
}

fn reason_text(text: &str) -> ServiceResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::invalid(Problem::new(
            "reason",
            "required",
            "退回时请写明理由。",
            "Give the reason for returning the report.",
        )));
    }
    if text.chars().count() > 1000 {
        return Err(ServiceError::invalid(Problem::new(
            "reason",
            "too_long",
            "最多 1000 个字。",
            "At most 1000 characters.",
        )));
    }
    Ok(text.to_owned())
}

/// The operator's staff of a carrier who have an email address.
pub(crate) async fn operator_staff(system: &System, carrier: &Carrier) -> ServiceResult<Vec<User>> {
    let Some(org) = carrier.operator_org_id else {
        return Ok(Vec::new());
    };
    Ok(
        people::users_with_role_in_organisation(system.store(), "operator", org)
            .await?
            .into_iter()
            .filter(|u| u.email.is_some())
            .collect(),
    )
}

async fn notify_operator(
    system: &System,
    w: &Write,
    loaded: &Loaded,
    reason: Option<&str>,
) -> ServiceResult<()> {
    let staff = operator_staff(system, &loaded.carrier).await?;
    let mut context = json!({
        "carrier_name": loaded.carrier.name,
        "period": loaded.report.period,
        "report_id": loaded.report.id,
        "url": format!("/reports/{}", loaded.report.id),
    });
    let template = match reason {
        Some(reason) => {
            context["reason"] = json!(reason);
            "report_returned"
        }
        None => "report_accepted",
    };
    send_mail(
        w,
        &staff,
        template,
        (TABLE.table(), loaded.report.id),
        &context,
    )
    .await
}
