//! The funds, monthly reports and settled quarters of the load's second step, made
//! through the use cases by the users who would make them.

use std::collections::HashMap;

use fuhua_core::{Money, YearMonth};
use fuhua_service::accounts::actor_by_username;
use fuhua_service::claims::{self, ClaimState};
use fuhua_service::finance;
use fuhua_service::reports::{self, ListQuery, RowStatus};
use fuhua_store::repo::claims::{self as claims_repo, ClaimFilter};
use fuhua_store::repo::reports as reports_repo;
use fuhua_store::repo::{carriers, people, reference, timeline};
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor, Store};
use fuhua_waiver::MonthlyReportState;

use super::{quiet, today};
use crate::reports::RETURN_REASON;
use crate::{load, plan};

async fn actors_of(store: &Store, table: &str, id: i64) -> Vec<String> {
    timeline::audit_of(store, table, id)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.actor)
        .collect()
}

#[tokio::test]
async fn reports_funds_and_settled_quarters_are_made_by_the_users_who_would_make_them() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    let plan = plan(today());
    let system = crate::load::steps::Seeding::new(store);
    let usernames: HashMap<i64, String> = people::list_users(store)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let stored_carriers = carriers::list_carriers(store).await.unwrap();
    let carrier_id = |code: &str| {
        let name = &plan.carrier(code).unwrap().name;
        stored_carriers.iter().find(|c| &c.name == name).unwrap().id
    };

    // Funds: every source and appropriation, recorded by the finance user.
    for source in &plan.fund_sources {
        let stored = reference::find_fund_source_by_key(store, &source.code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.kind, source.kind);
        assert_eq!(
            actors_of(store, "fund_sources", stored.id).await,
            ["finance"]
        );
    }
    for a in &plan.appropriations {
        let source = reference::find_fund_source_by_key(store, &a.fund_source)
            .await
            .unwrap()
            .unwrap();
        let stored = reference::find_appropriation(store, source.id, a.year)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.amount, a.amount);
    }

    // Reports: filed by the carrier's operator, late exactly when filed after the
    // deadline, decided by the planned official.
    let (mut late, mut returned, mut waiting, mut accepted) = (0, 0, 0, 0);
    for report in plan.monthly_reports.iter() {
        let stored =
            reports_repo::report_of_period(store, carrier_id(&report.carrier), &report.period)
                .await
                .unwrap();
        let Some(stored) = stored else {
            assert!(report.submitted_on.is_none(), "{report:?}");
            continue;
        };
        let what = format!("{} {}", report.carrier, report.period);
        assert_eq!(stored.due_on, report.due_on, "{what}");
        assert_eq!(stored.late, report.late, "{what}");
        assert_eq!(stored.state, report.state, "{what}");
        let filer = stored.filed_by.and_then(|id| usernames.get(&id)).unwrap();
        assert_eq!(Some(filer.as_str()), plan.operator_of(&report.carrier));
        late += usize::from(stored.late);
        match stored.state {
            MonthlyReportState::Returned => {
                returned += 1;
                assert_eq!(stored.return_reason.as_deref(), Some(RETURN_REASON));
                let by = stored.returned_by.and_then(|id| usernames.get(&id));
                assert_eq!(by.map(String::as_str), report.decided_by.as_deref());
            }
            MonthlyReportState::Accepted => {
                accepted += 1;
                let by = stored.accepted_by.and_then(|id| usernames.get(&id));
                assert_eq!(by.map(String::as_str), report.decided_by.as_deref());
            }
            MonthlyReportState::Submitted => waiting += 1,
            MonthlyReportState::Due => panic!("{what} is due on record"),
        }
    }
    assert!(late >= 10, "{late} late");
    assert_eq!(returned, 1);
    assert!(
        accepted > 100 && waiting > 0,
        "{accepted} accepted, {waiting} waiting"
    );
    // The operator finds the returned report to file again.
    let operator = actor_by_username(store, "operator").await.unwrap().unwrap();
    let query = ListQuery {
        status: Some(RowStatus::Returned),
        page: 1,
        ..ListQuery::default()
    };
    let listed = reports::list(&system, &operator, &query, today())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    // The on-time rate read from the records is the plan's.
    for carrier in &plan.carriers {
        let own: Vec<_> = plan
            .monthly_reports
            .iter()
            .filter(|r| r.carrier == carrier.code && r.due_on <= today())
            .collect();
        let on_time = own
            .iter()
            .filter(|r| r.submitted_on.is_some() && !r.late)
            .count();
        let first = reports::parse_month(&own[0].period).unwrap();
        let rate = reports::view::on_time_rate_of(
            &system,
            carrier_id(&carrier.code),
            first,
            YearMonth::of(today()),
            today(),
        )
        .await
        .unwrap()
        .value;
        assert_eq!(rate.due as usize, own.len(), "{}", carrier.code);
        assert_eq!(rate.on_time as usize, on_time, "{}", carrier.code);
    }

    // Claims: every quarter before the latest ended one paid, with its voucher; of
    // the latest ended quarter's, one submitted and waiting for an official.
    let waiting_quarter = plan.cases.settlement.waiting_quarter().unwrap();
    let all = claims_repo::list_claims(store, &ClaimFilter::default(), 1000)
        .await
        .unwrap();
    let in_waiting = |c: &claims::ClaimRecord| {
        (c.year, c.quarter) == (waiting_quarter.year(), waiting_quarter.number() as i32)
    };
    let mut paid = 0;
    for claim in &all {
        if in_waiting(claim) {
            assert!(
                matches!(claim.state, ClaimState::Generated | ClaimState::Submitted),
                "{claim:?}"
            );
            continue;
        }
        assert_eq!(claim.state, ClaimState::Paid, "{claim:?}");
        assert!(claim.voucher_no.as_deref().unwrap().starts_with("QXCZ-JS-"));
        assert!(claim.paid_on.unwrap() <= today());
        assert_eq!(
            claim.paid_by.and_then(|id| usernames.get(&id)).unwrap(),
            "finance"
        );
        assert!(claim.total > Money::ZERO);
        paid += 1;
    }
    assert!(paid >= 2, "{paid} paid");
    let submitted: Vec<_> = all
        .iter()
        .filter(|c| c.state == ClaimState::Submitted)
        .collect();
    assert_eq!(submitted.len(), 1);
    assert!(in_waiting(submitted[0]));
    assert!(all.iter().filter(|c| in_waiting(c)).count() >= 2);
    let paid_claim = all.iter().find(|c| c.state == ClaimState::Paid).unwrap();
    let actors = actors_of(store, "settlement_claims", paid_claim.id).await;
    for who in ["official.a", "operator", "official.b", "finance"] {
        assert!(actors.iter().any(|a| a == who), "{who} in {actors:?}");
    }

    // What each README account sees: the official one claim to decide, finance
    // the payments against the appropriations.
    let official = actor_by_username(store, "official.a")
        .await
        .unwrap()
        .unwrap();
    let to_decide = ClaimFilter {
        state: Some(ClaimState::Submitted),
        ..ClaimFilter::default()
    };
    let seen = claims::list(&system, &official, &to_decide, 100)
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    let finance_user = actor_by_username(store, "finance").await.unwrap().unwrap();
    let lines = finance::overview(&system, &finance_user).await.unwrap();
    let paid_total: Money = lines.iter().map(|l| l.paid).sum();
    let claimed: Money = all
        .iter()
        .filter(|c| c.state == ClaimState::Paid)
        .map(|c| c.total)
        .sum();
    assert!(paid_total >= claimed && claimed > Money::ZERO);
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn a_load_cut_short_in_its_reports_is_finished_by_the_next_with_nothing_made_twice() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let plan = plan(today());
    super::write_district(store, &Actor::cli(), &plan, &[], &quiet)
        .await
        .unwrap();
    // The first run made the cases, the funds and the award history, and filed
    // half the reports before it stopped.
    let system = crate::load::steps::Seeding::new(store);
    crate::load::cases::make(store, &plan, &quiet)
        .await
        .unwrap();
    let mut users = crate::load::steps::Users::new(&system);
    crate::load::funds::make(&system, &mut users, &plan, &quiet)
        .await
        .unwrap();
    crate::load::awards::write_awards(store, &Actor::cli(), &plan, &quiet)
        .await
        .unwrap();
    let mut half = plan.clone();
    half.monthly_reports
        .truncate(plan.monthly_reports.len() / 2);
    let ids = crate::load::keys::resolve(store, &plan).await.unwrap();
    crate::load::reports::make(&system, &mut users, &half, &ids, &quiet)
        .await
        .unwrap();
    assert_eq!(
        repo_count(store, "settlement_claims").await,
        0,
        "nothing settled yet"
    );

    let resumed = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    assert!(
        matches!(resumed, crate::LoadOutcome::Loaded { .. }),
        "{resumed:?}"
    );
    let filed = plan
        .monthly_reports
        .iter()
        .filter(|r| r.submitted_on.is_some())
        .count();
    assert_eq!(repo_count(store, "monthly_reports").await as usize, filed);
    assert_eq!(
        repo_count(store, "fund_sources").await as usize,
        plan.fund_sources.len()
    );
    assert_eq!(
        repo_count(store, "award_cases").await as usize,
        plan.award_cases.len()
    );
    assert_eq!(
        repo_count(store, "relief_applications").await as usize,
        plan.cases.relief.len()
    );
    let paid = ClaimFilter {
        state: Some(ClaimState::Paid),
        ..ClaimFilter::default()
    };
    assert!(claims_repo::count_claims(store, &paid).await.unwrap() > 0);
    let head = store.verify_audit().await.unwrap();
    assert!(head.is_intact(), "{head:?}");
    let again = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    assert_eq!(again, crate::LoadOutcome::AlreadyLoaded);
    assert_eq!(store.verify_audit().await.unwrap().head_seq, head.head_seq);
    db.drop_db().await.unwrap();
}

async fn repo_count(store: &Store, table: &str) -> i64 {
    fuhua_store::repo::count(store, table).await.unwrap()
}
