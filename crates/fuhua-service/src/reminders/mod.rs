//! Reminders by email (issue "reminders"; SPEC §4 deadlines): a rent-waiver window
//! ending in 90 and in 30 days (to the entrepreneur and the operator); a monthly
//! report due in 3 working days, and one overdue (to the operator); settlement
//! claims waiting for the operator's submission. [`run`] finds what is due on
//! `today` and enqueues each reminder once ever: the reminder's row (unique key:
//! kind + record + threshold) is written in the same transaction as its emails, so
//! running again — or on two servers at once — sends nothing new.

pub mod job;

use chrono::NaiveDate;
use fuhua_core::{Money, YearMonth};
use fuhua_store::Write;
use fuhua_store::repo::carriers::{self, Carrier};
use fuhua_store::repo::people::{self, User};
use fuhua_store::repo::reminders::{self as repo, NewReminder};
use fuhua_store::repo::reports as report_repo;
use fuhua_store::repo::tenants;
use fuhua_waiver::MonthlyReportState;
use serde_json::{Value, json};

use crate::System;
use crate::error::ServiceResult;
use crate::reports::{deadline, operator_staff};

/// Days before a window's end at which the entrepreneur and operator are reminded.
pub const WINDOW_THRESHOLDS: [i64; 2] = [90, 30];
/// Working days before a report's deadline at which the operator is reminded.
pub const REPORT_DUE_WORKING_DAYS: u32 = 3;
/// The audit name of the reminder job.
pub const ACTOR: &str = "system:reminders";
/// The name of the daily job's lease (`fuhua serve`).
pub const JOB: &str = "reminders";

/// What one run enqueued, per kind of reminder (reminders, not emails).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub window_ending: u32,
    pub report_due: u32,
    pub report_overdue: u32,
    pub claim_waiting: u32,
    /// Emails enqueued in all.
    pub mails: u32,
}

impl std::fmt::Display for RunReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} window, {} report due, {} report overdue, {} claim reminders ({} emails)",
            self.window_ending,
            self.report_due,
            self.report_overdue,
            self.claim_waiting,
            self.mails
        )
    }
}

/// Finds every reminder due on `today` and enqueues each that was never sent.
/// Returns what this run enqueued (all zero when run again the same day).
pub async fn run(system: &System, today: NaiveDate) -> ServiceResult<RunReport> {
    let mut report = RunReport::default();
    windows(system, today, &mut report).await?;
    monthly_reports(system, today, &mut report).await?;
    claims(system, today, &mut report).await?;
    Ok(report)
}

/// One reminder: its row and its emails in one transaction, or nothing when it was
/// sent before. Returns the number of emails enqueued (`None`: sent before).
async fn send_once(
    system: &System,
    reminder: NewReminder<'_>,
    to: &[User],
    template: &str,
    context: &Value,
) -> ServiceResult<Option<u32>> {
    let to: Vec<&User> = to.iter().filter(|u| u.email.is_some()).collect();
    let w = system
        .store()
        .write(&fuhua_store::Actor::user(ACTOR))
        .await?;
    let reminder = NewReminder {
        mails: i32::try_from(to.len()).unwrap_or(i32::MAX),
        ..reminder
    };
    if !repo::record_once(&w, &reminder).await? {
        w.rollback().await?;
        return Ok(None);
    }
    enqueue(
        &w,
        &to,
        template,
        (reminder.record_table, reminder.record_id),
        context,
    )
    .await?;
    w.commit().await?;
    Ok(Some(u32::try_from(to.len()).unwrap_or(u32::MAX)))
}

async fn enqueue(
    w: &Write,
    to: &[&User],
    template: &str,
    case: (&'static str, i64),
    context: &Value,
) -> ServiceResult<()> {
    let users: Vec<User> = to.iter().map(|u| (*u).clone()).collect();
    crate::relief::send_mail(w, &users, template, case, context).await
}

/// The smallest threshold `days_left` has reached (90 at 31..=90 days, 30 at
/// 0..=30); none before 90 days or after the end.
fn window_threshold(days_left: i64) -> Option<i64> {
    if days_left < 0 {
        return None;
    }
    WINDOW_THRESHOLDS
        .iter()
        .copied()
        .filter(|t| days_left <= *t)
        .min()
}

async fn windows(system: &System, today: NaiveDate, report: &mut RunReport) -> ServiceResult<()> {
    let store = system.store();
    for relief in repo::approved_reliefs(store).await? {
        let Some(stay) = tenants::find_stay(store, relief.stay_id).await? else {
            continue;
        };
        // The stay keeps the window's end as approved and extended; the eligibility
        // stored at approval stands in for stays approved before it was kept.
        let end = stay.window_end.or_else(|| {
            relief
                .eligibility
                .as_deref()
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
                .and_then(|v| v["window"]["end"].as_str().map(str::to_owned))
                .and_then(|s| s.parse::<NaiveDate>().ok())
        });
        let Some(end) = end else { continue };
        let days_left = (end - today).num_days();
        let Some(threshold) = window_threshold(days_left) else {
            continue;
        };
        let Some(entity) = tenants::find_entity(store, relief.entity_id).await? else {
            continue;
        };
        let carrier = carriers::find_carrier(store, stay.carrier_id).await?;
        let mut to = match relief.applicant_user_id {
            Some(id) => people::find_user_by_id(store, id)
                .await?
                .into_iter()
                .collect(),
            None => people::users_of_person(store, entity.founder_person_id).await?,
        };
        if let Some(carrier) = &carrier {
            to.extend(operator_staff(system, carrier).await?);
        }
        // The window's end is part of the key: an extension that moves the end
        // earns its own reminders.
        let key = format!("{threshold}@{end}");
        let context = json!({
            "entity_name": entity.name,
            "carrier_name": carrier.map(|c| c.name).unwrap_or_default(),
            "window_end": end.to_string(),
            "days_left": days_left,
            "url": format!("/relief/{}", relief.id),
        });
        let sent = send_once(
            system,
            NewReminder {
                kind: "window_ending",
                record_table: "entities",
                record_id: entity.id,
                threshold: &key,
                sent_on: today,
                mails: 0,
            },
            &to,
            "reminder_window_ending",
            &context,
        )
        .await?;
        if let Some(mails) = sent {
            report.window_ending += 1;
            report.mails += mails;
        }
    }
    Ok(())
}

/// The months whose report deadline is near or just past on `today`: the last two
/// ended months.
fn months_to_watch(today: NaiveDate) -> [YearMonth; 2] {
    let last = YearMonth::of(YearMonth::of(today).first_day() - chrono::Duration::days(1));
    let before = YearMonth::of(last.first_day() - chrono::Duration::days(1));
    [before, last]
}

async fn monthly_reports(
    system: &System,
    today: NaiveDate,
    report: &mut RunReport,
) -> ServiceResult<()> {
    let store = system.store();
    let params = system.parameters().await?;
    let calendar = params.at(today).calendar();
    for carrier in carriers::list_carriers(store).await? {
        if carrier.operator_org_id.is_none() {
            continue;
        }
        for month in months_to_watch(today) {
            let period = month.to_string();
            let stored = report_repo::report_of_period(store, carrier.id, &period).await?;
            // Filed (or returned: the operator has it in hand) → nothing to remind.
            if stored
                .as_ref()
                .is_some_and(|r| r.state != MonthlyReportState::Due)
            {
                continue;
            }
            let due_on = stored
                .as_ref()
                .map_or_else(|| deadline(&params, month), |r| r.due_on);
            let (kind, threshold, template) = if due_on < today {
                ("report_overdue", "overdue", "reminder_report_overdue")
            } else if calendar.working_days_between(today, due_on) <= REPORT_DUE_WORKING_DAYS {
                ("report_due", "3wd", "reminder_report_due")
            } else {
                continue;
            };
            let sent = remind_report(
                system, &carrier, month, due_on, today, kind, threshold, template,
            )
            .await?;
            if let Some(mails) = sent {
                match kind {
                    "report_due" => report.report_due += 1,
                    _ => report.report_overdue += 1,
                }
                report.mails += mails;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn remind_report(
    system: &System,
    carrier: &Carrier,
    month: YearMonth,
    due_on: NaiveDate,
    today: NaiveDate,
    kind: &str,
    threshold: &str,
    template: &str,
) -> ServiceResult<Option<u32>> {
    let staff = operator_staff(system, carrier).await?;
    let key = format!("{threshold}:{month}");
    let context = json!({
        "carrier_name": carrier.name,
        "period": month.to_string(),
        "due_on": due_on.to_string(),
        "working_days": REPORT_DUE_WORKING_DAYS,
        "url": format!("/reports/file?carrier={}&month={month}", carrier.id),
    });
    send_once(
        system,
        NewReminder {
            kind,
            record_table: "carriers",
            record_id: carrier.id,
            threshold: &key,
            sent_on: today,
            mails: 0,
        },
        &staff,
        template,
        &context,
    )
    .await
}

async fn claims(system: &System, today: NaiveDate, report: &mut RunReport) -> ServiceResult<()> {
    let store = system.store();
    for claim in repo::claims_waiting_for_submission(store).await? {
        let Some(carrier) = carriers::find_carrier(store, claim.carrier_id).await? else {
            continue;
        };
        let staff = operator_staff(system, &carrier).await?;
        let context = json!({
            "carrier_name": carrier.name,
            "quarter": format!("{}Q{}", claim.year, claim.quarter),
            "amount": Money::from_fen(claim.total_fen).to_string(),
            "url": "/dashboard",
        });
        let sent = send_once(
            system,
            NewReminder {
                kind: "claim_waiting",
                record_table: "settlement_claims",
                record_id: claim.id,
                threshold: "generated",
                sent_on: today,
                mails: 0,
            },
            &staff,
            "reminder_claim_waiting",
            &context,
        )
        .await?;
        if let Some(mails) = sent {
            report.claim_waiting += 1;
            report.mails += mails;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_reminded_at_90_then_at_30_days_and_not_after_its_end() {
        assert_eq!(window_threshold(91), None);
        assert_eq!(window_threshold(90), Some(90));
        assert_eq!(window_threshold(31), Some(90));
        assert_eq!(window_threshold(30), Some(30));
        assert_eq!(window_threshold(0), Some(30));
        assert_eq!(window_threshold(-1), None);
    }

    #[test]
    fn the_last_two_ended_months_are_watched() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let [a, b] = months_to_watch(d);
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2025-11".into(), "2025-12".into())
        );
    }
}
