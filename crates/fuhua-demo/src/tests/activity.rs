//! What happened in the district: award cases, monthly reports, funds and the
//! evaluation round.

use std::collections::BTreeSet;

use chrono::{Datelike, Months};
use fuhua_awards::{AwardCaseState, StepLevel};
use fuhua_core::Money;
use fuhua_core::vocab::{Founding, FundingSource, Level};
use fuhua_evaluation::RoundState;
use fuhua_waiver::{MonthlyReportState, report_due_date};

use super::{d, days, plans};
use crate::*;

#[test]
fn a_paid_municipal_step_exists_and_that_carrier_is_now_owed_provincial() {
    for plan in plans() {
        let paid: Vec<&AwardCase> = plan
            .award_cases
            .iter()
            .filter(|c| c.state == AwardCaseState::Paid)
            .filter(|c| c.steps.iter().any(|s| s.level == StepLevel::Municipal))
            .collect();
        assert!(!paid.is_empty());
        let youth = AwardSubject::Carrier {
            code: "QXZT002".to_owned(),
        };
        let municipal = paid.iter().find(|c| c.subject == youth).unwrap();
        let voucher = municipal.voucher_no.as_deref().unwrap();
        assert!(
            voucher.starts_with("QXCZ-") && voucher.ends_with("-0318"),
            "{voucher}"
        );
        assert_eq!(municipal.total, Money::yuan(4_500_000));
        let paid_on = municipal.paid_on.unwrap();
        assert_eq!(&voucher[5..9], paid_on.year().to_string());

        let owed = plan
            .award_cases
            .iter()
            .find(|c| c.subject == youth && c.new_level == Some(Level::Provincial))
            .unwrap();
        assert!(matches!(
            owed.state,
            AwardCaseState::Computed | AwardCaseState::Reviewed
        ));
        assert_eq!(owed.steps.len(), 1);
        assert_eq!(owed.steps[0].level, StepLevel::Provincial);
        assert_eq!(owed.total, Money::yuan(1_000_000));
        let carrier = plan.carrier("QXZT002").unwrap();
        assert_eq!(carrier.level_on(plan.today), Some(Level::Provincial));
    }
}

#[test]
fn award_cases_are_in_at_least_four_states_and_reviewer_differs_from_approver() {
    for plan in plans() {
        let states: BTreeSet<_> = plan.award_cases.iter().map(|c| c.state).collect();
        assert_eq!(states.len(), AwardCaseState::ALL.len(), "{states:?}");
        let numbers: BTreeSet<_> = plan.award_cases.iter().map(|c| &c.number).collect();
        assert_eq!(numbers.len(), plan.award_cases.len());
        let officials = ["official.a", "official.b"];
        for case in &plan.award_cases {
            assert_eq!(case.funding_source, FundingSource::MunicipalFinance);
            assert!(!case.steps.is_empty());
            let sum: Money = case.steps.iter().map(|s| s.amount).sum();
            assert_eq!(sum, case.total);
            for step in &case.steps {
                assert!(step.amount <= step.cap);
            }
            if let (Some(reviewer), Some(approver)) = (&case.reviewed_by, &case.approved_by) {
                assert_ne!(reviewer, approver);
                assert!(officials.contains(&reviewer.as_str()));
                assert!(officials.contains(&approver.as_str()));
            }
            let dates = [
                Some(case.reference_date),
                Some(case.computed_on),
                case.reviewed_on,
                case.approved_on,
                case.paid_on,
                case.closed_on,
            ];
            let dates: Vec<_> = dates.into_iter().flatten().collect();
            assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{}", case.number);
            assert!(dates.iter().all(|d| *d <= plan.today), "{}", case.number);
            let paid = case.state == AwardCaseState::Paid;
            assert_eq!(paid, case.voucher_no.is_some());
            assert_eq!(paid, case.paid_by.as_deref() == Some("finance"));
            let closed = matches!(
                case.state,
                AwardCaseState::Rejected | AwardCaseState::Cancelled
            );
            assert_eq!(closed, case.closed_reason.is_some());
            // Every case draws on a year with an appropriation.
            let year = case.approved_on.unwrap_or(case.computed_on).year();
            assert!(
                plan.appropriations
                    .iter()
                    .any(|a| { a.fund_source == "municipal_finance" && a.year == year })
            );
        }
    }
}

#[test]
fn monthly_reports_cover_the_last_twelve_months_and_include_late_ones() {
    for plan in plans() {
        let today = plan.today;
        for carrier in &plan.carriers {
            let periods: Vec<_> = plan
                .monthly_reports
                .iter()
                .filter(|r| r.carrier == carrier.code)
                .map(|r| r.period.clone())
                .collect();
            assert!(periods.len() >= 12);
            for back in 1..=12 {
                let day = today.checked_sub_months(Months::new(back)).unwrap();
                let month = fuhua_core::YearMonth::of(day).to_string();
                assert!(periods.contains(&month), "{} {month}", carrier.code);
            }
        }
        let mut states = BTreeSet::new();
        for report in &plan.monthly_reports {
            let (year, month) = report.period.split_once('-').unwrap();
            let month = fuhua_core::YearMonth::new(year.parse().unwrap(), month.parse().unwrap());
            let month = month.unwrap();
            let calendar = fuhua_core::ParameterSet::defaults()
                .at(month.succ().first_day())
                .calendar();
            assert_eq!(report.due_on, report_due_date(month, 10, &calendar));
            states.insert(report.state);
            let late = match report.submitted_on {
                Some(on) => on > report.due_on,
                None => today > report.due_on,
            };
            assert_eq!(report.late, late, "{report:?}");
            assert!(report.submitted_on.is_none_or(|on| on <= today));
            assert!(report.decided_on.is_none_or(|on| on <= today));
        }
        assert!(plan.monthly_reports.iter().filter(|r| r.late).count() >= 10);
        assert!(states.contains(&MonthlyReportState::Accepted));
        assert!(states.contains(&MonthlyReportState::Submitted));
        assert!(states.contains(&MonthlyReportState::Due));
    }
}

#[test]
fn exactly_one_report_is_returned_to_the_readme_operator_and_others_wait_or_are_late() {
    for plan in plans() {
        let returned: Vec<&MonthlyReport> = plan
            .monthly_reports
            .iter()
            .filter(|r| r.state == MonthlyReportState::Returned)
            .collect();
        assert_eq!(returned.len(), 1, "{}", plan.today);
        let report = returned[0];
        assert_eq!(plan.operator_of(&report.carrier), Some("operator"));
        assert!(!report.return_reason.as_deref().unwrap().trim().is_empty());
        assert!(report.decided_by.is_some() && report.submitted_on.is_some());
        let count = |state| {
            plan.monthly_reports
                .iter()
                .filter(|r| r.state == state)
                .count()
        };
        assert!(count(MonthlyReportState::Accepted) > 100);
        assert!(count(MonthlyReportState::Submitted) >= 1);
        let filed_late = plan
            .monthly_reports
            .iter()
            .filter(|r| r.late && r.submitted_on.is_some())
            .count();
        assert!(filed_late >= 10, "{filed_late}");
        // The figures are what an operator could type.
        for report in &plan.monthly_reports {
            assert!(!report.financing_raised.is_negative());
            assert!(report.service_events <= report.tenants / 8 + 2);
        }
    }
}

#[test]
fn fund_sources_have_appropriations_for_four_years() {
    let plan = plan(days()[0]);
    let streets: BTreeSet<_> = plan
        .carriers
        .iter()
        .filter(|c| c.founding == Founding::StreetTown)
        .map(|c| c.jurisdiction.clone())
        .collect();
    let street_budgets: BTreeSet<_> = plan
        .fund_sources
        .iter()
        .filter(|f| f.kind == FundingSource::StreetTownBudget)
        .map(|f| f.jurisdiction.clone())
        .collect();
    assert_eq!(streets, street_budgets);
    assert_eq!(plan.appropriations.len(), plan.fund_sources.len() * 4);
    let municipal_2026 = plan
        .appropriations
        .iter()
        .find(|a| a.fund_source == "municipal_finance" && a.year == 2026)
        .unwrap();
    assert_eq!(municipal_2026.amount, Money::yuan(20_000_000));
    assert!(plan.appropriations.iter().any(|a| a.year == 2023));
}

#[test]
fn the_evaluation_round_is_published_with_one_verification_off_by_more_than_ten_percent() {
    for plan in plans() {
        let round = &plan.evaluation_round;
        let last_year = plan.today.year() - 1;
        assert_eq!(round.name, format!("{last_year}年度创业载体运营绩效评估"));
        assert_eq!(round.period_start, d(last_year, 1, 1));
        assert_eq!(round.period_end, d(last_year, 12, 31));
        assert_eq!(round.scheme, "qx-default");
        assert_eq!(round.state, RoundState::Published);
        assert!(round.opened_on < round.published_on && round.published_on <= plan.today);
        assert!(round.entries.len() >= 5);
        assert!(
            round
                .entries
                .iter()
                .filter(|e| !e.flagged.is_empty())
                .count()
                >= 1
        );
        let grades: BTreeSet<_> = round.entries.iter().map(|e| e.grade).collect();
        assert!(grades.len() >= 3, "{grades:?}");
        for entry in &round.entries {
            assert!(plan.carrier(&entry.carrier).is_some());
            assert!(entry.verified_on <= round.published_on);
            assert_eq!(entry.self_reported.values.len(), 9);
            assert!(entry.score >= rust_decimal::Decimal::ZERO);
        }
    }
}
