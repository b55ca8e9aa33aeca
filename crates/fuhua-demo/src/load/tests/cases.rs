//! The second step of the load: the rent-relief cases made through the use cases,
//! what each README account finds waiting, and what happens when the step is cut
//! short or refused.

use crate::load::steps::Seeding;
use fuhua_service::accounts::actor_by_username;
use fuhua_service::actor::Actor as User;
use fuhua_service::relief::{self, ListQuery};
use fuhua_service::{entrepreneur, extension};
use fuhua_store::repo::{self, relief as relief_repo, tenants, timeline};
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor, Store};
use fuhua_waiver::ReliefState;

use super::{quiet, today};
use crate::cases::ReliefTarget;
use crate::{DemoError, LoadOutcome, load, plan};

async fn user(store: &Store, username: &str) -> User {
    actor_by_username(store, username).await.unwrap().unwrap()
}

/// How many applications `username` sees in `state` (the list's total).
async fn listed(system: &Seeding, username: &str, state: ReliefState) -> u64 {
    let actor = user(system.store(), username).await;
    let query = ListQuery {
        state: Some(state),
        page: 1,
        ..ListQuery::default()
    };
    relief::list(system, &actor, &query).await.unwrap().1
}

#[tokio::test]
async fn every_readme_account_finds_its_cases_waiting() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    let system = Seeding::new(store);

    // 陈晓雨: one application approved with its ledger, one waiting for the operator.
    let chen = user(store, "entrepreneur").await;
    let dashboard = entrepreneur::dashboard(&system, &chen, today())
        .await
        .unwrap();
    assert!(dashboard.linked);
    let mut states: Vec<ReliefState> = dashboard.applications.iter().map(|a| a.state).collect();
    states.sort_by_key(|s| s.as_str());
    assert_eq!(states, [ReliefState::Approved, ReliefState::Submitted]);
    assert_eq!(dashboard.entities.len(), 1);
    let stays = &dashboard.entities[0].stays;
    assert_eq!(stays.len(), 2);
    assert!(stays.iter().all(|s| s.months_remaining.unwrap() >= 12));
    let approved = dashboard
        .applications
        .iter()
        .find(|a| a.state == ReliefState::Approved)
        .unwrap();
    let ledger = tenants::ledger_of_stay(store, approved.stay_id)
        .await
        .unwrap();
    assert!(ledger.len() >= 6, "{} months", ledger.len());
    assert!(ledger.iter().all(|row| row.payable.is_zero()));

    // Who did what, as the case's timeline shows it.
    let actors: Vec<String> = timeline::audit_of(store, "relief_applications", approved.id)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.actor)
        .collect();
    for who in ["entrepreneur", "operator", "official.a"] {
        assert!(actors.iter().any(|a| a == who), "{who} in {actors:?}");
    }
    let mails = timeline::mails_of_case(store, "relief_applications", approved.id)
        .await
        .unwrap();
    let templates: Vec<&str> = mails.iter().map(|m| m.template.as_str()).collect();
    for template in ["relief_submitted", "relief_confirmed", "relief_decided"] {
        assert!(templates.contains(&template), "{template} in {templates:?}");
    }

    // 启航's operator: two to confirm; three confirmed, waiting for an official;
    // hers and three more founders' approved (the ledgers the quarters settle).
    assert_eq!(listed(&system, "operator", ReliefState::Submitted).await, 2);
    assert_eq!(listed(&system, "operator", ReliefState::Confirmed).await, 3);
    assert_eq!(listed(&system, "operator", ReliefState::Approved).await, 4);

    // The district's official.a: three to decide, and one extension request.
    assert_eq!(
        listed(&system, "official.a", ReliefState::Confirmed).await,
        3
    );
    let official = user(store, "official.a").await;
    let waiting = extension::pending(&system, &official).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].request.months > 0);
    // 辛安街道's official sees none of 启航's carriers' cases.
    assert_eq!(
        listed(&system, "official.xinan", ReliefState::Confirmed).await,
        0
    );
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn a_load_stopped_before_its_cases_makes_them_on_the_next_run_and_only_once() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let plan = plan(today());
    super::write_district(store, &Actor::cli(), &plan, &[], &quiet)
        .await
        .unwrap();
    assert_eq!(repo::count(store, "relief_applications").await.unwrap(), 0);

    let resumed = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    let LoadOutcome::Loaded { counts } = resumed else {
        panic!("the cases were to be made, got {resumed:?}");
    };
    let count = |table: &str| counts.iter().find(|(t, _)| *t == table).unwrap().1;
    assert_eq!(
        count("relief_applications"),
        i64::try_from(plan.cases.relief.len()).unwrap()
    );
    assert_eq!(count("extension_requests"), 1);
    let head = store.verify_audit().await.unwrap();
    assert!(head.is_intact(), "{head:?}");

    let again = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
    assert_eq!(again, LoadOutcome::AlreadyLoaded);
    assert_eq!(store.verify_audit().await.unwrap().head_seq, head.head_seq);
    let approved = relief_repo::list_relief(
        store,
        &relief_repo::ReliefFilter {
            states: vec![ReliefState::Approved],
            per_page: 25,
            ..relief_repo::ReliefFilter::default()
        },
    )
    .await
    .unwrap()
    .1;
    let planned = plan
        .cases
        .relief
        .iter()
        .filter(|c| c.target == ReliefTarget::Approved)
        .count();
    assert_eq!(approved, u64::try_from(planned).unwrap());
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn a_case_the_use_cases_refuse_is_a_clear_error_and_the_district_stays() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let plan = plan(today());
    super::write_district(store, &Actor::cli(), &plan, &[], &quiet)
        .await
        .unwrap();
    // Her account no longer stands for her person: the use case does not let her
    // apply for her company's stay.
    db.raw("UPDATE users SET person_id = NULL WHERE username = 'entrepreneur'")
        .await
        .unwrap();
    let before = store.verify_audit().await.unwrap();

    let failed = load(store, &Actor::cli(), today(), &quiet).await;
    let Err(error @ DemoError::Cases { .. }) = failed else {
        panic!("expected the cases to fail, got {failed:?}");
    };
    let message = error.to_string();
    let own = &plan.cases.relief[0];
    assert!(
        message.contains("the demo district was loaded"),
        "{message}"
    );
    assert!(message.contains("applying for"), "{message}");
    assert!(message.contains(&own.entity), "{message}");
    assert!(message.contains("not found"), "{message}");
    assert_eq!(repo::count(store, "relief_applications").await.unwrap(), 0);
    assert_eq!(repo::count(store, "entities").await.unwrap(), 300);
    let after = store.verify_audit().await.unwrap();
    assert!(after.is_intact(), "{after:?}");
    assert_eq!(after.head_seq, before.head_seq, "nothing half-written");
    db.drop_db().await.unwrap();
}
