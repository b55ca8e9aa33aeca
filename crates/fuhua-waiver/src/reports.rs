//! Monthly reports (SPEC §4 "monthly report"): the deadline, the transition table
//! (who files, who accepts or returns) and the on-time rate per carrier that feeds
//! the evaluation's `on_time_report_rate` (SPEC §3 R-EVAL).

use chrono::NaiveDate;
use fuhua_core::clauses::{self, rules};
use fuhua_core::workflow::{Actions, Move, Party};
use fuhua_core::{Decision, Trace, WorkCalendar, YearMonth, vocabulary};
use rust_decimal::Decimal;

use crate::workflow::MonthlyReportState;

/// The deadline of the monthly report for `month` (SPEC §4): day `due_day` of the
/// next month (1–28), moved to the next working day past weekends and the
/// district's `holidays`; a make-up working day (`workdays`) counts as a working
/// day even on a weekend.
pub fn report_due_date(month: YearMonth, due_day: u32, calendar: &WorkCalendar) -> NaiveDate {
    let next = month.succ();
    let day = NaiveDate::from_ymd_opt(next.year(), next.month(), due_day.clamp(1, 28))
        .unwrap_or(next.first_day());
    calendar.on_or_after(day)
}

vocabulary! {
    /// What can be done to a monthly report.
    ReportAction {
        Submit = "submit", "报送", "file";
        Accept = "accept", "接收", "accept";
        Return = "return", "退回", "return";
    }
}

use MonthlyReportState as MS;

/// SPEC §4 monthly report: due → submitted (on time or late) → accepted |
/// returned; returned → submitted. The operator files (again after a return); an
/// official of the carrier's jurisdiction accepts or returns it with a reason.
const REPORT_MOVES: &[Move<MonthlyReportState, ReportAction>] = &[
    Move {
        action: ReportAction::Submit,
        from: &[MS::Due, MS::Returned],
        to: MS::Submitted,
        by: Party::Operator,
    },
    Move {
        action: ReportAction::Accept,
        from: &[MS::Submitted],
        to: MS::Accepted,
        by: Party::Official,
    },
    Move {
        action: ReportAction::Return,
        from: &[MS::Submitted],
        to: MS::Returned,
        by: Party::Official,
    },
];

impl Actions for ReportAction {
    type State = MonthlyReportState;

    fn moves() -> &'static [Move<MonthlyReportState, ReportAction>] {
        REPORT_MOVES
    }

    fn waiting_for(state: MonthlyReportState) -> (&'static str, &'static str) {
        match state {
            MS::Due => ("等待运营机构报送", "waiting for the operator to file it"),
            MS::Submitted => ("等待官员接收", "waiting for an official to accept it"),
            MS::Returned => (
                "已退回，等待运营机构修改后重新报送",
                "returned; waiting for the operator to correct and file it again",
            ),
            MS::Accepted => ("月报已接收", "the report has been accepted"),
        }
    }
}

/// Whether a report was first filed by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    OnTime,
    Late,
}

/// SPEC §4: a report filed after its deadline is late (filing on the deadline day
/// itself is on time).
pub fn timeliness(filed_on: NaiveDate, due_on: NaiveDate) -> Timeliness {
    if filed_on > due_on {
        Timeliness::Late
    } else {
        Timeliness::OnTime
    }
}

/// One month of a carrier's reporting, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRecord {
    pub month: YearMonth,
    pub due_on: NaiveDate,
    /// How it was first filed; `None` while it has not been filed.
    pub filed: Option<Timeliness>,
}

/// The on-time rate of one carrier over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnTimeRate {
    /// Reports due in the period (deadline on or before `as_of`).
    pub due: u32,
    /// Of those, filed on or before their deadline.
    pub on_time: u32,
    /// `on_time / due`, exact (not rounded: the evaluation scores it); `None` when
    /// nothing was due yet.
    pub rate: Option<Decimal>,
}

/// R-EVAL `on_time_report_rate` — "monthly reports filed on time (0..1)": of the
/// months in `from..=to` whose report was due by `as_of`, the share first filed
/// on or before the deadline. A month with no record, or never filed, counts as
/// due and not on time; a resubmission after a return keeps the first filing's
/// timeliness. Months whose deadline is after `as_of` are not counted yet.
pub fn on_time_rate(
    records: &[ReportRecord],
    months: &[(YearMonth, NaiveDate)],
    as_of: NaiveDate,
) -> Decision<OnTimeRate> {
    let mut trace = Trace::new();
    let (mut due, mut on_time) = (0u32, 0u32);
    let mut late_months = Vec::new();
    for &(month, deadline) in months {
        let record = records.iter().find(|r| r.month == month);
        let deadline = record.map_or(deadline, |r| r.due_on);
        if deadline > as_of {
            continue;
        }
        due += 1;
        match record.and_then(|r| r.filed) {
            Some(Timeliness::OnTime) => on_time += 1,
            Some(Timeliness::Late) | None => late_months.push(month.to_string()),
        }
    }
    let rate = (due > 0).then(|| Decimal::from(on_time) / Decimal::from(due));
    let shown = rate.map_or_else(|| "—".to_owned(), |r| r.round_dp(4).to_string());
    trace.step(
        rules::EVAL,
        &clauses::SUPERVISION,
        format!(
            "截至 {as_of} 应报月报 {due} 份，按时报送 {on_time} 份，按时率 {shown}；逾期或未报：{}",
            if late_months.is_empty() { "无".to_owned() } else { late_months.join("、") }
        ),
        format!(
            "by {as_of}: {due} reports due, {on_time} filed on time, rate {shown}; late or missing: {}",
            if late_months.is_empty() { "none".to_owned() } else { late_months.join(", ") }
        ),
    );
    Decision::new(OnTimeRate { due, on_time, rate }, trace)
}

#[cfg(test)]
mod tests;
