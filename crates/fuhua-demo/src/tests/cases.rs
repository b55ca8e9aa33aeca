//! The rent-relief cases the plan asks the use cases for.

use std::collections::BTreeSet;

use chrono::{Datelike, Months};
use fuhua_core::vocab::Regime;
use fuhua_core::{ParameterSet, YearMonth};
use fuhua_waiver::{Quarter, calculate};

use super::plans;
use crate::*;

/// The operator's organisation and its carriers' codes.
fn operator_carriers(plan: &DemoDistrict) -> Vec<String> {
    let operator = plan
        .users
        .iter()
        .find(|u| u.role == Role::Operator)
        .unwrap();
    plan.carriers
        .iter()
        .filter(|c| c.operator == operator.scope.code())
        .map(|c| c.code.clone())
        .collect()
}

#[test]
fn each_readme_account_gets_the_cases_the_journey_needs() {
    for plan in plans() {
        let cases = &plan.cases.relief;
        let count = |applicant: Option<&str>, target: ReliefTarget| {
            cases
                .iter()
                .filter(|c| applicant.is_none_or(|a| c.applicant == a))
                .filter(|c| c.target == target)
                .count()
        };
        // 陈晓雨: one approved, one pending.
        assert_eq!(count(Some("entrepreneur"), ReliefTarget::Approved), 1);
        assert_eq!(count(Some("entrepreneur"), ReliefTarget::Submitted), 1);
        assert_eq!(count(Some("entrepreneur"), ReliefTarget::Confirmed), 0);
        // The operator: two to confirm (hers and another founder's).
        assert_eq!(count(None, ReliefTarget::Submitted), 2);
        // official.a: three to decide.
        assert_eq!(count(None, ReliefTarget::Confirmed), 3);
        // Hers and three more founders' approved: their ledgers are settled.
        assert_eq!(count(None, ReliefTarget::Approved), 4);
        for case in cases {
            let confirms = case.target >= ReliefTarget::Confirmed;
            assert_eq!(case.confirmed_by.as_deref() == Some("operator"), confirms);
            let approves = case.target == ReliefTarget::Approved;
            assert_eq!(case.decided_by.as_deref() == Some("official.a"), approves);
        }
        assert_eq!(plan.cases.extensions.len(), 1);
    }
}

#[test]
fn every_application_is_on_an_open_stay_or_hers_in_the_operators_carriers_with_a_regime() {
    let params = ParameterSet::defaults();
    for plan in plans() {
        let carriers = operator_carriers(&plan);
        let mut stays = BTreeSet::new();
        for case in &plan.cases.relief {
            assert!(carriers.contains(&case.carrier), "{case:?}");
            let own: Vec<&DemoStay> = plan.stays_of(&case.entity).collect();
            let at = own.iter().position(|s| s.move_in == case.move_in).unwrap();
            assert_eq!(own[at].carrier, case.carrier);
            assert!(stays.insert((case.entity.clone(), case.move_in)), "twice");
            let input = plan.waiver_input(&case.entity, plan.today).unwrap();
            let result = calculate(&input, &params).unwrap().value;
            assert_ne!(result.stays[at].regime, Regime::None, "{case:?}");
            assert!(result.window.unwrap().end >= plan.today, "{case:?}");
            if case.applicant != "entrepreneur" {
                assert!(own[at].move_out.is_none(), "{case:?}");
            }
        }
    }
}

#[test]
fn other_founders_apply_through_accounts_linked_to_them_that_readme_does_not_list() {
    for plan in plans() {
        let accounts = &plan.cases.founder_accounts;
        let readme: BTreeSet<&str> = plan.users.iter().map(|u| u.username.as_str()).collect();
        let mut usernames = BTreeSet::new();
        for account in accounts {
            assert!(account.username.starts_with("founder."), "{account:?}");
            assert!(!readme.contains(account.username.as_str()));
            assert!(usernames.insert(account.username.clone()));
            assert!(account.email.ends_with("@example.org"));
            let entity = plan.entity(&account.entity).unwrap();
            assert!(account.display_name.starts_with(&entity.founder.name));
        }
        for case in &plan.cases.relief {
            if case.applicant == "entrepreneur" {
                let own = plan.users.iter().find(|u| u.username == "entrepreneur");
                assert_eq!(own.unwrap().scope.code(), case.entity);
                continue;
            }
            let account = accounts
                .iter()
                .find(|a| a.username == case.applicant)
                .unwrap();
            assert_eq!(account.entity, case.entity);
        }
        assert_eq!(accounts.len(), plan.cases.relief.len() - 2);
    }
    // The same founders whatever the day is not promised (windows move), but the
    // same day gives the same accounts.
    let day = super::days()[0];
    assert_eq!(plan(day).cases, plan(day).cases);
}

#[test]
fn the_extension_is_asked_by_the_operator_for_a_tenant_whose_window_ends_soon() {
    let params = ParameterSet::defaults();
    for plan in plans() {
        let extension = &plan.cases.extensions[0];
        assert_eq!(extension.requested_by, "operator");
        let cap = params.at(plan.today).extension_max_months;
        assert!(extension.months >= 1 && extension.months <= cap);
        assert!(!extension.reason.trim().is_empty());
        assert!(
            plan.cases
                .relief
                .iter()
                .all(|c| c.entity != extension.entity)
        );
        let carriers = operator_carriers(&plan);
        let last = plan.stays_of(&extension.entity).last().unwrap();
        assert!(carriers.contains(&last.carrier) && last.move_out.is_none());
        let input = plan.waiver_input(&extension.entity, plan.today).unwrap();
        let window = calculate(&input, &params).unwrap().value.window.unwrap();
        let soon = plan.today.checked_add_months(Months::new(6)).unwrap();
        assert!(window.end >= plan.today && window.end <= soon, "{window:?}");
    }
}

#[test]
fn the_approved_reliefs_leave_every_quarter_since_the_latest_ended_one_something_to_settle() {
    let params = ParameterSet::defaults();
    for plan in plans() {
        let settlement = &plan.cases.settlement;
        let quarters = settlement.quarters();
        let first = quarters.first().unwrap();
        assert_eq!((first.year(), first.number()), (plan.today.year() - 3, 1));
        let waiting = settlement.waiting_quarter().unwrap();
        assert_eq!(waiting, Quarter::of(YearMonth::of(plan.today)).pred());
        assert!(waiting.has_ended(plan.today));
        assert!(quarters.windows(2).all(|w| w[0] < w[1]));
        // Every quarter settled has an appropriation of its year to draw on.
        for q in &quarters {
            assert!(plan.appropriations.iter().any(|a| a.year == q.year()));
        }
        let opened = waiting.first_month().first_day();
        let approved: Vec<&PlannedRelief> = plan
            .cases
            .relief
            .iter()
            .filter(|c| c.target == ReliefTarget::Approved && c.applicant != "entrepreneur")
            .collect();
        assert_eq!(approved.len(), 3);
        for case in approved {
            let stay = plan
                .stays_of(&case.entity)
                .find(|s| s.move_in == case.move_in)
                .unwrap();
            assert!(stay.move_in < opened && stay.move_out.is_none(), "{case:?}");
            let input = plan.waiver_input(&case.entity, plan.today).unwrap();
            let window = calculate(&input, &params).unwrap().value.window.unwrap();
            assert!(window.end > plan.today, "{case:?}");
        }
        assert_eq!(settlement.generated_by, "official.a");
        assert_eq!(settlement.approved_by, "official.b");
        assert_eq!(settlement.paid_by, "finance");
    }
}

#[test]
fn every_carrier_has_an_operator_to_file_its_reports_and_submit_its_claims() {
    for plan in plans() {
        let readme: BTreeSet<&str> = plan.users.iter().map(|u| u.username.as_str()).collect();
        let mut usernames = BTreeSet::new();
        for account in &plan.cases.operator_accounts {
            assert!(account.username.starts_with("operator."), "{account:?}");
            assert!(!readme.contains(account.username.as_str()));
            assert!(usernames.insert(account.username.clone()));
            assert!(account.email.ends_with("@example.org"));
        }
        for carrier in &plan.carriers {
            let operator = plan.operator_of(&carrier.code).unwrap();
            if operator_carriers(&plan).contains(&carrier.code) {
                assert_eq!(operator, "operator");
            } else {
                let account = plan
                    .cases
                    .operator_accounts
                    .iter()
                    .find(|a| a.username == operator)
                    .unwrap();
                assert_eq!(account.organisation, carrier.operator);
            }
        }
    }
}
