//! The monthly report's deadline on the State Council's calendars, its transition
//! table and the on-time rate.

use super::*;
use fuhua_core::params::holidays::{holidays, workdays};
use fuhua_core::workflow::{Unavailable, Workflow};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn official() -> WorkCalendar {
    WorkCalendar::new(&holidays(), &workdays())
}

#[test]
fn septembers_2024_report_is_due_on_thursday_the_tenth() {
    assert_eq!(
        report_due_date(ym(2024, 9), 10, &official()),
        d(2024, 10, 10)
    );
}

#[test]
fn a_tenth_in_the_spring_festival_moves_to_the_make_up_sunday_after_it() {
    // 2024-02-10 (Saturday) to 02-17 are the Spring Festival; Sunday 02-18 is a
    // make-up working day (国办发明电〔2023〕7号).
    assert_eq!(
        report_due_date(ym(2024, 1), 10, &official()),
        d(2024, 2, 18)
    );
}

#[test]
fn a_tenth_on_a_weekend_moves_to_monday() {
    // 2024-08-10 is a Saturday.
    assert_eq!(
        report_due_date(ym(2024, 7), 10, &official()),
        d(2024, 8, 12)
    );
    // 2026-05-10 is a Sunday (the make-up Saturday 05-09 is before it).
    assert_eq!(
        report_due_date(ym(2026, 4), 10, &official()),
        d(2026, 5, 11)
    );
    // 2026-01-10 is a Saturday: December's report is due in the next year.
    assert_eq!(
        report_due_date(ym(2025, 12), 10, &official()),
        d(2026, 1, 12)
    );
}

#[test]
fn a_make_up_saturday_is_a_working_day() {
    // 2026-10-10 is a Saturday and a make-up working day after the National Day
    // holiday (国务院办公厅关于2026年部分节假日安排的通知).
    assert_eq!(
        report_due_date(ym(2026, 9), 10, &official()),
        d(2026, 10, 10)
    );
    // Without the make-up days it would move to Monday.
    let no_make_up = WorkCalendar::new(&holidays(), &[]);
    assert_eq!(
        report_due_date(ym(2026, 9), 10, &no_make_up),
        d(2026, 10, 12)
    );
}

#[test]
fn a_holiday_on_a_weekday_moves_the_deadline_to_the_next_working_day() {
    let cal = WorkCalendar::new(&[d(2024, 8, 12)], &[]);
    assert_eq!(report_due_date(ym(2024, 7), 10, &cal), d(2024, 8, 13));
    // 2025-10-10 (Friday) is a working day right after the eight-day holiday.
    assert_eq!(
        report_due_date(ym(2025, 9), 10, &official()),
        d(2025, 10, 10)
    );
}

#[test]
fn the_due_day_parameter_is_kept_within_every_month() {
    assert_eq!(
        report_due_date(ym(2025, 1), 31, &WorkCalendar::default()),
        d(2025, 2, 28)
    );
}

#[test]
fn every_report_move_is_a_workflow_move_and_every_workflow_move_has_an_action() {
    assert!(crate::table_agrees_with_workflow::<ReportAction>());
    for &from in MS::ALL {
        for &to in from.next() {
            assert!(
                REPORT_MOVES
                    .iter()
                    .any(|m| m.from.contains(&from) && m.to == to),
                "{from:?} → {to:?} has no action"
            );
        }
    }
}

#[test]
fn walking_every_state_action_and_party_gives_exactly_the_table() {
    let parties = [
        Party::Applicant,
        Party::Operator,
        Party::Official,
        Party::Finance,
    ];
    for &state in MS::ALL {
        for &action in ReportAction::ALL {
            for party in parties {
                let row = REPORT_MOVES
                    .iter()
                    .find(|m| m.action == action && m.by == party && m.from.contains(&state));
                let got = ReportAction::apply(state, action, party);
                match row {
                    Some(m) => assert_eq!(got, Ok(m.to)),
                    None => assert!(got.is_err(), "{state:?} {action:?} {party:?}"),
                }
            }
        }
    }
    assert_eq!(
        ReportAction::apply(MS::Returned, ReportAction::Submit, Party::Operator),
        Ok(MS::Submitted)
    );
    assert_eq!(
        ReportAction::apply(MS::Submitted, ReportAction::Accept, Party::Operator),
        Err(Unavailable::Party)
    );
    assert_eq!(
        ReportAction::apply(MS::Accepted, ReportAction::Return, Party::Official),
        Err(Unavailable::State)
    );
}

#[test]
fn the_on_time_rate_counts_missing_and_late_reports_against_the_carrier() {
    let cal = official();
    let months: Vec<_> = (7..=10)
        .map(|m| (ym(2024, m), report_due_date(ym(2024, m), 10, &cal)))
        .collect();
    let records = [
        // July: due 08-12, filed that day → on time.
        ReportRecord {
            month: ym(2024, 7),
            due_on: d(2024, 8, 12),
            filed: Some(timeliness(d(2024, 8, 12), d(2024, 8, 12))),
        },
        // August: due 09-10, filed the 11th → late.
        ReportRecord {
            month: ym(2024, 8),
            due_on: d(2024, 9, 10),
            filed: Some(timeliness(d(2024, 9, 11), d(2024, 9, 10))),
        },
        // September: recorded but never filed; October has no record at all.
        ReportRecord {
            month: ym(2024, 9),
            due_on: d(2024, 10, 10),
            filed: None,
        },
    ];
    let as_of = d(2024, 10, 31);
    let decision = on_time_rate(&records, &months, as_of);
    // October's report is due 2024-11-11, after as_of: not counted.
    assert_eq!(decision.value.due, 3);
    assert_eq!(decision.value.on_time, 1);
    assert_eq!(decision.value.rate, Some(Decimal::ONE / Decimal::from(3)));
    assert!(decision.trace.mentions(rules::EVAL));
    assert!(
        decision.trace.steps()[0]
            .detail
            .en
            .contains("2024-08, 2024-09")
    );
}

#[test]
fn nothing_due_yet_has_no_rate() {
    let decision = on_time_rate(&[], &[(ym(2024, 10), d(2024, 11, 11))], d(2024, 11, 1));
    assert_eq!(decision.value.rate, None);
    assert_eq!(decision.value.due, 0);
}

#[test]
fn filing_on_the_deadline_is_on_time_and_a_day_later_is_late() {
    assert_eq!(
        timeliness(d(2024, 10, 10), d(2024, 10, 10)),
        Timeliness::OnTime
    );
    assert_eq!(
        timeliness(d(2024, 10, 9), d(2024, 10, 10)),
        Timeliness::OnTime
    );
    assert_eq!(
        timeliness(d(2024, 10, 11), d(2024, 10, 10)),
        Timeliness::Late
    );
}
