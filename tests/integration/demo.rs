//! The demo district on every database: loaded once, idempotent, with its
//! rent-relief cases, monthly reports, funds and settled quarters made through the
//! use cases so every README account finds work waiting, and with no personal
//! identifier in clear anywhere in the database file.

use std::collections::HashSet;

use fuhua_core::{Money, ResidentId};
use fuhua_demo::{self as demo, DemoError, LoadOutcome};
use fuhua_service::actor::Actor as User;
use fuhua_service::claims::{self, ClaimFilter, ClaimRecord, ClaimState};
use fuhua_service::relief::{self, ListQuery};
use fuhua_service::reports::{self, ListQuery as ReportQuery, ReportRow, RowStatus};
use fuhua_service::{System, entrepreneur, extension, finance};
use fuhua_store::repo::awards;
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor, StoreError};
use fuhua_waiver::ReliefState;

use crate::helpers::today;

fn quiet(_: &str, _: u64, _: u64) {}

/// Every month of the actor's carriers in the report lists (all pages), with
/// `status` if given.
async fn reports_of(system: &System, actor: &User, status: Option<RowStatus>) -> Vec<ReportRow> {
    let mut rows = Vec::new();
    for page in 1.. {
        let query = ReportQuery {
            status,
            page,
            ..ReportQuery::default()
        };
        let list = reports::list(system, actor, &query, today()).await.unwrap();
        let empty = list.rows.is_empty();
        rows.extend(list.rows);
        if empty || rows.len() as u64 >= list.total {
            break;
        }
    }
    rows
}

/// Reports on record in `state`.
async fn count_reports(store: &fuhua_store::Store, state: &str) -> usize {
    let carriers: Vec<i64> = fuhua_store::repo::carriers::list_carriers(store)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    fuhua_store::repo::reports::reports_of_carriers(store, &carriers)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.state.as_str() == state)
        .count()
}

/// The claims `username` sees in `state`.
async fn claims_in(system: &System, username: &str, state: ClaimState) -> Vec<ClaimRecord> {
    let actor = user(system, username).await;
    let filter = ClaimFilter {
        state: Some(state),
        ..ClaimFilter::default()
    };
    claims::list(system, &actor, &filter, 1000).await.unwrap()
}

async fn user(system: &System, username: &str) -> User {
    fuhua_service::auth::actor_for_username(system, username)
        .await
        .unwrap()
        .unwrap()
}

/// The number of applications in `state` that `username`'s list shows.
async fn listed(system: &System, username: &str, state: ReliefState) -> u64 {
    let query = ListQuery {
        state: Some(state),
        page: 1,
        ..Default::default()
    };
    let actor = user(system, username).await;
    relief::list(system, &actor, &query).await.unwrap().1
}

#[tokio::test]
async fn the_demo_loads_once_with_work_waiting_for_each_readme_account_and_a_second_run_changes_nothing()
 {
    for db in TestDb::every().await.unwrap() {
        let backend = db.store.backend();
        let first = demo::load(&db.store, &Actor::cli(), today(), &quiet)
            .await
            .unwrap();
        let LoadOutcome::Loaded { counts } = first else {
            panic!("the first load must load");
        };
        let count = |table: &str| {
            counts
                .iter()
                .find(|(t, _)| *t == table)
                .map(|(_, n)| *n)
                .unwrap()
        };
        assert_eq!(count("entities"), 300);
        assert!(count("carriers") >= 12);
        let plan = demo::plan(today());
        assert_eq!(
            count("relief_applications") as usize,
            plan.cases.relief.len()
        );
        assert_eq!(count("extension_requests"), 1);
        let system = System::from_store(db.store.clone());

        // 陈晓雨: one application approved, one waiting for the operator.
        let chen = user(&system, "entrepreneur").await;
        let dashboard = entrepreneur::dashboard(&system, &chen, today())
            .await
            .unwrap();
        let states: Vec<ReliefState> = dashboard.applications.iter().map(|a| a.state).collect();
        let of = |state| states.iter().filter(|s| **s == state).count();
        assert_eq!(of(ReliefState::Approved), 1, "{backend}: {states:?}");
        assert_eq!(of(ReliefState::Submitted), 1, "{backend}: {states:?}");
        assert_eq!(states.len(), 2, "{backend}: {states:?}");

        // The operator: two to confirm. official.a: three to decide, one extension.
        assert_eq!(listed(&system, "operator", ReliefState::Submitted).await, 2);
        assert_eq!(
            listed(&system, "official.a", ReliefState::Confirmed).await,
            3
        );
        let official = user(&system, "official.a").await;
        let extensions = extension::pending(&system, &official).await.unwrap();
        assert_eq!(extensions.len(), 1, "{backend}");

        // Monthly reports through the use cases: some filed late, exactly one
        // returned with its reason, others waiting for an official.
        let operator = user(&system, "operator").await;
        let rows = reports_of(&system, &operator, None).await;
        assert!(
            rows.iter().any(|r| r.late && r.report_id.is_some()),
            "{backend}"
        );
        let returned = reports_of(&system, &operator, Some(RowStatus::Returned)).await;
        assert_eq!(returned.len(), 1, "{backend}");
        assert!(
            !returned[0]
                .return_reason
                .as_deref()
                .unwrap_or("")
                .is_empty()
        );
        assert_eq!(count_reports(&db.store, "returned").await, 1, "{backend}");
        assert!(count_reports(&db.store, "submitted").await > 0, "{backend}");
        assert!(count_reports(&db.store, "accepted").await > 0, "{backend}");
        let official = user(&system, "official.a").await;
        let late = reports::list(
            &system,
            &official,
            &ReportQuery {
                late: Some(true),
                page: 1,
                ..ReportQuery::default()
            },
            today(),
        )
        .await
        .unwrap();
        assert!(late.total > 0, "{backend}");

        // Settled quarters: paid claims, and exactly one waiting for an official.
        let paid = claims_in(&system, "finance", ClaimState::Paid).await;
        assert!(paid.len() >= 2, "{backend}: {} paid", paid.len());
        assert!(
            paid.iter()
                .all(|c| c.voucher_no.is_some() && c.paid_on.is_some())
        );
        let waiting = claims_in(&system, "official.a", ClaimState::Submitted).await;
        assert_eq!(waiting.len(), 1, "{backend}");
        let quarter = plan.cases.settlement.waiting_quarter().unwrap();
        assert_eq!(
            (waiting[0].year, waiting[0].quarter),
            (quarter.year(), quarter.number() as i32)
        );
        let budget = finance::overview(&system, &user(&system, "finance").await)
            .await
            .unwrap();
        assert!(
            budget.iter().any(|line| line.paid > Money::ZERO),
            "{backend}"
        );

        // The chain verifies, and a second load changes nothing.
        let head = db.store.verify_audit().await.unwrap();
        assert!(head.is_intact(), "{backend}: {:?}", head.broken);
        assert_eq!(head.rows as i64, count("audit_log"));
        let again = demo::load(&db.store, &Actor::cli(), today(), &quiet)
            .await
            .unwrap();
        assert_eq!(again, LoadOutcome::AlreadyLoaded);
        assert_eq!(
            db.store.verify_audit().await.unwrap().head_seq,
            head.head_seq,
            "nothing was written"
        );
        assert_eq!(listed(&system, "operator", ReliefState::Submitted).await, 2);
        assert_eq!(
            claims_in(&system, "official.a", ClaimState::Submitted)
                .await
                .len(),
            1
        );
        // A paid ladder step is on record.
        let payments = awards::list_payments(&db.store).await.unwrap();
        assert!(!payments.is_empty(), "{backend}");
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn the_demo_never_loads_into_a_database_with_other_data() {
    for db in TestDb::every().await.unwrap() {
        db.raw("INSERT INTO jurisdictions (code, name, kind, created_at) VALUES ('370202', '市南区', 'district', CURRENT_TIMESTAMP)")
            .await
            .unwrap();
        let refused = demo::load(&db.store, &Actor::cli(), today(), &quiet).await;
        assert!(
            matches!(refused, Err(DemoError::Store(StoreError::Invalid(_)))),
            "{refused:?}"
        );
        assert_eq!(db.store.verify_audit().await.unwrap().head_seq, 0);
        db.drop_db().await.unwrap();
    }
}

/// Every 18-character run in `bytes` that is a valid resident ID.
fn resident_ids_in(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let allowed = |b: u8| b.is_ascii_digit() || b == b'X' || b == b'x';
    let mut i = 0;
    while i + 18 <= bytes.len() {
        let window = &bytes[i..i + 18];
        if window.iter().all(|b| allowed(*b)) {
            let text = String::from_utf8_lossy(window).into_owned();
            if ResidentId::parse_as_of(&text, today()).is_ok() {
                found.push(text);
            }
        }
        i += 1;
    }
    found
}

#[tokio::test]
async fn after_loading_the_demo_no_resident_id_or_phone_is_in_the_database_file_in_clear() {
    let db = TestDb::sqlite().await.unwrap();
    demo::load(&db.store, &Actor::cli(), today(), &quiet)
        .await
        .unwrap();
    let plan = demo::plan(today());
    let path = db.sqlite_path().unwrap().to_owned();
    let store = db.store.clone();
    // Read the file and its write-ahead log as they are on disk, without closing.
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", path.display())) {
        bytes.extend(wal);
    }
    assert!(bytes.len() > 100_000, "the demo is in the file");
    assert_eq!(resident_ids_in(&bytes), Vec::<String>::new());
    let haystack = String::from_utf8_lossy(&bytes);
    let mut phones = HashSet::new();
    for entity in &plan.entities {
        let founder = &entity.founder;
        assert!(
            !haystack.contains(&founder.resident_id),
            "a resident ID is in clear"
        );
        phones.insert(founder.phone.clone());
    }
    for phone in &phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        assert!(!haystack.contains(&digits), "a phone number is in clear");
    }
    // The data is all there, sealed: a founder can still be found by resident ID.
    let first = &plan.entities[0].founder;
    let id = ResidentId::parse_as_of(&first.resident_id, today()).unwrap();
    let person = fuhua_store::repo::people::find_person_by_resident_id(&store, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.resident_id_masked, id.masked());
    db.drop_db().await.unwrap();
}
