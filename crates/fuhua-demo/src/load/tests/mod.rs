//! The loader on SQLite: what the first step writes, the refusals, the first
//! administrator, and the traces recomputed by the rule crates. The cases of the
//! second step are in [`cases`].

mod cases;
mod settled;

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use fuhua_awards::AwardCaseState;
use fuhua_core::{Money, ParameterSet};
use fuhua_evaluation::Scheme;
use fuhua_service::accounts::{UserRequest, add_user};
use fuhua_service::claims::ClaimState;
use fuhua_store::repo::{self, awards, carriers, claims, people, reference, tenants};
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor, Store, StoreError};

use super::awards::award_trace;
use super::evaluation::evaluation_trace;
use super::inspect::NOT_EMPTY;
use super::{COUNTED, LoadOutcome, load, write_district};
use crate::model::{AwardCase, DemoDistrict};
use crate::{DemoError, plan};

/// Every table the loader writes (each insert has its audit row).
const WRITTEN: [&str; 23] = [
    "jurisdictions",
    "organisations",
    "carriers",
    "operator_contracts",
    "accreditation_records",
    "people",
    "entities",
    "stays",
    "users",
    "user_roles",
    "monthly_reports",
    "fund_sources",
    "appropriations",
    "evaluation_schemes",
    "award_cases",
    "award_steps",
    "budget_reservations",
    "award_payments",
    "evaluation_rounds",
    "evaluation_assignments",
    "evaluation_self_reports",
    "evaluation_verifications",
    "evaluation_results",
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
}

fn quiet(_: &str, _: u64, _: u64) {}

async fn written_rows(store: &Store) -> i64 {
    let mut sum = 0;
    for table in WRITTEN {
        sum += repo::count(store, table).await.unwrap();
    }
    sum
}

/// The accounts the plan makes: the README's, the founders' and the operators' staff.
fn accounts(plan: &DemoDistrict) -> usize {
    plan.users.len() + plan.cases.founder_accounts.len() + plan.cases.operator_accounts.len()
}

fn approved_or_paid(case: &AwardCase) -> bool {
    matches!(case.state, AwardCaseState::Approved | AwardCaseState::Paid)
}

#[tokio::test]
async fn loads_the_plan_once_then_reports_it_already_loaded() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let plan = plan(today());
    let steps = RefCell::new(Vec::<String>::new());
    let record = |step: &str, _done: u64, _total: u64| {
        let mut steps = steps.borrow_mut();
        if steps.last().map(String::as_str) != Some(step) {
            steps.push(step.to_owned());
        }
    };

    let started = std::time::Instant::now();
    let outcome = load(store, &Actor::cli(), today(), &record).await.unwrap();
    println!("demo load took {:?}", started.elapsed());
    let LoadOutcome::Loaded { counts } = outcome else {
        panic!("expected a load, got {outcome:?}");
    };
    let counts: BTreeMap<&str, i64> = counts.into_iter().collect();
    let size = |n: usize| i64::try_from(n).unwrap();
    assert_eq!(counts.len(), COUNTED.len());
    assert_eq!(counts["entities"], 300);
    assert!(counts["carriers"] >= 12);
    assert_eq!(counts["jurisdictions"], size(plan.jurisdictions.len()));
    assert_eq!(counts["organisations"], size(plan.organisations.len()));
    assert_eq!(counts["carriers"], size(plan.carriers.len()));
    let records: usize = plan.carriers.iter().map(|c| c.accreditations.len()).sum();
    assert_eq!(counts["accreditation_records"], size(records));
    assert_eq!(counts["people"], size(plan.entities.len()));
    assert_eq!(counts["stays"], size(plan.stays.len()));
    // A month the plan leaves unfiled has no report on record.
    let filed = plan
        .monthly_reports
        .iter()
        .filter(|r| r.submitted_on.is_some())
        .count();
    assert!(filed < plan.monthly_reports.len());
    assert_eq!(counts["monthly_reports"], size(filed));
    assert_eq!(counts["fund_sources"], size(plan.fund_sources.len()));
    assert_eq!(counts["appropriations"], size(plan.appropriations.len()));
    assert_eq!(counts["award_cases"], size(plan.award_cases.len()));
    let paid_steps: usize = plan
        .award_cases
        .iter()
        .filter(|c| c.state == AwardCaseState::Paid)
        .map(|c| c.steps.len())
        .sum();
    assert!(paid_steps > 0);
    assert_eq!(counts["award_payments"], size(paid_steps));
    assert_eq!(
        counts["evaluation_results"],
        size(plan.evaluation_round.entries.len())
    );
    assert_eq!(counts["users"], size(accounts(&plan)));
    assert_eq!(counts["relief_applications"], size(plan.cases.relief.len()));
    assert_eq!(
        counts["extension_requests"],
        size(plan.cases.extensions.len())
    );
    assert!(counts["ledger_rows"] > 0, "the approved relief's ledger");
    assert!(counts["settlement_claims"] > 0, "the settled quarters");
    assert!(counts["mail_outbox"] > 0, "the cases' emails");
    // Award cases approved or paid, and claims approved and paid, reserved their
    // totals (R-AWARD-BUDGET).
    let reserved = plan
        .award_cases
        .iter()
        .filter(|c| approved_or_paid(c))
        .count();
    let all = claims::list_claims(store, &claims::ClaimFilter::default(), 1000)
        .await
        .unwrap();
    let paid_claims = all
        .iter()
        .filter(|c| c.state == ClaimState::Paid && c.total > Money::ZERO)
        .count();
    assert!(paid_claims > 0);
    assert_eq!(
        repo::count(store, "budget_reservations").await.unwrap(),
        size(reserved + paid_claims)
    );

    // SPEC §6: the chain intact, with the district's inserts and then the cases.
    let verification = store.verify_audit().await.unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    let rows = i64::try_from(verification.rows).unwrap();
    assert_eq!(counts["audit_log"], rows);
    assert!(rows > written_rows(store).await + counts["relief_applications"]);

    // Progress named every step.
    let steps = steps.into_inner();
    for step in [
        "jurisdictions",
        "carriers",
        "founders and entities",
        "stays",
        "users",
        "evaluation round",
        "committing",
        "rent-relief cases",
        "funds",
        "award cases",
        "monthly reports",
        "settling quarters",
        "done",
    ] {
        assert!(steps.iter().any(|s| s == step), "{step} in {steps:?}");
    }

    // A second load writes nothing.
    let again = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    assert_eq!(again, LoadOutcome::AlreadyLoaded);
    let after = store.verify_audit().await.unwrap();
    assert_eq!(after.head_seq, verification.head_seq);
    assert_eq!(after.rows, verification.rows);

    // The paid municipal step of 青岛西海岸青年创新创业孵化基地 (R-AWARD-LADDER input).
    let youth = plan.carrier("QXZT002").unwrap();
    let carrier = carriers::find_carrier_by_name(store, &youth.name)
        .await
        .unwrap()
        .unwrap();
    let paid = awards::paid_steps_for_carrier(store, carrier.id)
        .await
        .unwrap();
    assert_eq!(paid, vec![("municipal".to_owned(), Money::yuan(4_500_000))]);
    let cases = awards::list_award_cases_for_carrier(store, carrier.id)
        .await
        .unwrap();
    assert!(cases.iter().all(|c| !c.decision.is_empty()));
    assert!(
        cases
            .iter()
            .flat_map(|c| &c.steps)
            .all(|s| s.step_key.starts_with(&format!("ladder:{}:", carrier.id)))
    );

    // The entrepreneur is the founder of their entity, with the resident ID sealed.
    let user = people::find_user(store, "entrepreneur")
        .await
        .unwrap()
        .unwrap();
    let person_id = user.person_id.unwrap();
    let account = plan
        .users
        .iter()
        .find(|a| a.username == "entrepreneur")
        .unwrap();
    let entity = plan.entity(account.scope.code()).unwrap();
    let person = people::find_person(store, person_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.name, entity.founder.name);
    let founded = tenants::entities_of_founder(store, person_id)
        .await
        .unwrap();
    assert_eq!(founded.len(), 1);
    assert_eq!(founded[0].credit_code, entity.credit_code);
    assert_eq!(
        people::reveal_resident_id(store, person_id)
            .await
            .unwrap()
            .as_str(),
        entity.founder.resident_id
    );
    assert_eq!(user.roles[0].role, "entrepreneur");
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn the_district_is_one_transaction_with_one_audit_row_per_insert_and_no_case_yet() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let plan = plan(today());
    let written = write_district(store, &Actor::cli(), &plan, &[], &quiet)
        .await
        .unwrap();
    assert_eq!(written, None);
    let verification = store.verify_audit().await.unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    assert_eq!(
        i64::try_from(verification.rows).unwrap(),
        written_rows(store).await
    );
    assert_eq!(repo::count(store, "relief_applications").await.unwrap(), 0);
    assert_eq!(repo::count(store, "mail_outbox").await.unwrap(), 0);
    // Every founder account stands for its founder, as a proven link would.
    for account in &plan.cases.founder_accounts {
        let user = people::find_user(store, &account.username)
            .await
            .unwrap()
            .unwrap();
        let entity = tenants::entities_of_founder(store, user.person_id.unwrap())
            .await
            .unwrap();
        assert_eq!(entity[0].credit_code.as_str(), account.entity);
        assert_eq!(user.roles[0].role, "entrepreneur");
        assert_eq!(user.roles[0].jurisdiction_id, None);
    }
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn a_database_with_other_data_is_refused_untouched() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let w = store.write(&Actor::cli()).await.unwrap();
    reference::add_jurisdiction(
        &w,
        &reference::NewJurisdiction {
            code: "370202".into(),
            name: "市南区".into(),
            kind: reference::JurisdictionKind::District,
            parent_id: None,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let before = store.verify_audit().await.unwrap();

    match load(store, &Actor::cli(), today(), &quiet).await {
        Err(DemoError::Store(StoreError::Invalid(message))) => assert_eq!(message, NOT_EMPTY),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let after = store.verify_audit().await.unwrap();
    assert_eq!(after.head_seq, before.head_seq);
    assert_eq!(repo::count(store, "carriers").await.unwrap(), 0);
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn an_account_other_than_an_administrator_is_refused() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let request = UserRequest {
        username: "someone".into(),
        display_name: "某创业者".into(),
        email: None,
        password: "a long enough password".into(),
        role: "entrepreneur".into(),
        scope: None,
    };
    add_user(
        &fuhua_service::System::from_store(store.clone()),
        &Actor::cli(),
        &request,
    )
    .await
    .unwrap();
    match load(store, &Actor::cli(), today(), &quiet).await {
        Err(DemoError::Store(StoreError::Invalid(message))) => assert_eq!(message, NOT_EMPTY),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(repo::count(store, "jurisdictions").await.unwrap(), 0);
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn a_first_administrator_does_not_block_the_demo() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    // The demo's own admin account has this name: the existing one is kept.
    let request = UserRequest {
        username: "admin".into(),
        display_name: "管理员".into(),
        email: None,
        password: "the first admin's password".into(),
        role: "admin".into(),
        scope: None,
    };
    let admin = add_user(
        &fuhua_service::System::from_store(store.clone()),
        &Actor::cli(),
        &request,
    )
    .await
    .unwrap();
    let outcome = load(store, &Actor::user("admin"), today(), &quiet)
        .await
        .unwrap();
    assert!(matches!(outcome, LoadOutcome::Loaded { .. }), "{outcome:?}");
    let plan = plan(today());
    assert_eq!(
        repo::count(store, "users").await.unwrap(),
        i64::try_from(accounts(&plan)).unwrap()
    );
    let kept = people::find_user(store, "admin").await.unwrap().unwrap();
    assert_eq!(kept.id, admin.id);
    assert!(kept.active && kept.roles.iter().all(|g| g.role == "admin"));
    let verification = store.verify_audit().await.unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    let again = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    assert_eq!(again, LoadOutcome::AlreadyLoaded);
    db.drop_db().await.unwrap();
}

#[test]
fn every_reserved_case_finds_an_appropriation_whatever_the_day() {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for months in 0..36 {
        let today = start
            .checked_add_months(chrono::Months::new(months))
            .unwrap();
        let plan = plan(today);
        for case in plan.award_cases.iter().filter(|c| approved_or_paid(c)) {
            let year = case.approved_on.unwrap().year();
            let code = case.funding_source.as_str();
            assert!(
                plan.appropriations
                    .iter()
                    .any(|a| a.fund_source == code && a.year == year),
                "{today}: {} approved in {year}",
                case.number
            );
        }
    }
}

#[test]
fn recomputed_award_traces_match_the_plan() {
    let plan = plan(today());
    let params = ParameterSet::defaults();
    for case in &plan.award_cases {
        let trace = serde_json::to_string(&award_trace(&plan, case, &params)).unwrap();
        assert!(
            !trace.contains("Demo data"),
            "{} fell back: {trace}",
            case.number
        );
    }
    for entry in &plan.evaluation_round.entries {
        let trace = evaluation_trace(
            &Scheme::qx_default(),
            entry,
            &params.at(plan.evaluation_round.period_end),
        );
        let trace = serde_json::to_string(&trace).unwrap();
        assert!(
            !trace.contains("Demo data"),
            "{} fell back: {trace}",
            entry.carrier
        );
    }
}
