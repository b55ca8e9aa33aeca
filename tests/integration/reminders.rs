//! Reminders by email, on SQLite and PostgreSQL: who gets which reminder when, each
//! reminder once however often the job runs (also two runs at once), and the
//! daily job's lease.

use fuhua_core::Money;
use fuhua_core::vocab::FundingSource;
use fuhua_service::relief::{self, Decision, DecisionReason};
use fuhua_service::reminders::{self, job};
use fuhua_store::repo::relief as relief_repo;
use fuhua_store::repo::tenants::{self, NewSettlementClaim};
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor as AuditActor, outbox};
use fuhua_waiver::ReliefAction;

use crate::helpers::today;
use crate::world::{self, World, d};

/// Every (template, address) in the outbox, sorted.
async fn outbox_of(db: &TestDb) -> Vec<(String, String)> {
    let store = &db.store;
    let mut found = Vec::new();
    let mut id = 1;
    let total = outbox::count(store, "pending").await.unwrap();
    // Bounded: ids are dense in a fresh database.
    while (found.len() as i64) < total && id < 10_000 {
        if let Some(entry) = outbox::entry(store, id).await.unwrap() {
            found.push((entry.mail.template, entry.mail.to_address));
        }
        id += 1;
    }
    found.sort();
    found
}

async fn approve_relief(world: &World) {
    let founder = world.actor("founder").await;
    let operator = world.actor("operator.a").await;
    let official = world.actor("official.district").await;
    let id = relief::apply(&world.system, &founder, world.stay_id, today())
        .await
        .unwrap();
    let version = |id| async move {
        relief_repo::find_relief_application(&world.store, id)
            .await
            .unwrap()
            .unwrap()
            .version
    };
    relief::act(
        &world.system,
        &operator,
        id,
        version(id).await,
        ReliefAction::Confirm,
    )
    .await
    .unwrap();
    let yes = Decision {
        approve: true,
        reason: DecisionReason::Eligible,
        text: "符合条件".into(),
    };
    relief::decide(
        &world.system,
        &official,
        id,
        version(id).await,
        &yes,
        today(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_window_is_reminded_at_90_and_at_30_days_to_the_founder_and_the_operator_once_each() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        approve_relief(&world).await;
        let before = outbox_of(&db).await.len();
        // The window runs 2024-03-15 … 2027-03-14: 60 days left on 2027-01-13.
        let first = reminders::run(&world.system, d(2027, 1, 13)).await.unwrap();
        assert_eq!(first.window_ending, 1);
        let again = reminders::run(&world.system, d(2027, 1, 13)).await.unwrap();
        assert_eq!(
            again.window_ending, 0,
            "the same reminder is never sent twice"
        );
        let later = reminders::run(&world.system, d(2027, 1, 20)).await.unwrap();
        assert_eq!(
            later.window_ending, 0,
            "still the 90-day reminder: sent already"
        );
        let thirty = reminders::run(&world.system, d(2027, 2, 20)).await.unwrap();
        assert_eq!(thirty.window_ending, 1, "the 30-day reminder");
        let after = reminders::run(&world.system, d(2027, 3, 20)).await.unwrap();
        assert_eq!(after.window_ending, 0, "nothing after the window ended");
        let windows: Vec<_> = outbox_of(&db)
            .await
            .into_iter()
            .filter(|(t, _)| t == "reminder_window_ending")
            .collect();
        assert_eq!(
            windows,
            [
                (
                    "reminder_window_ending".to_owned(),
                    "founder@example.cn".to_owned()
                ),
                (
                    "reminder_window_ending".to_owned(),
                    "founder@example.cn".to_owned()
                ),
                (
                    "reminder_window_ending".to_owned(),
                    "operator.a@example.cn".to_owned()
                ),
                (
                    "reminder_window_ending".to_owned(),
                    "operator.a@example.cn".to_owned()
                ),
            ]
        );
        assert!(outbox_of(&db).await.len() > before);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn operators_are_reminded_of_reports_due_in_three_working_days_overdue_reports_and_waiting_claims()
 {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let w = db.store.write(&AuditActor::cli()).await.unwrap();
        tenants::add_settlement_claim(
            &w,
            &NewSettlementClaim {
                carrier_id: world.carrier_b,
                year: 2026,
                quarter: 3,
                funding_source: FundingSource::DistrictFinance,
                total: Money::yuan(9000),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        // 2026-11-05 (Thursday): October's report is due Tuesday 11-10, three
        // working days away; September's was due 10-10 and is not filed.
        let run = reminders::run(&world.system, d(2026, 11, 5)).await.unwrap();
        assert_eq!(run.report_due, 2, "one per carrier");
        assert_eq!(run.report_overdue, 2);
        assert_eq!(run.claim_waiting, 1);
        let mails = outbox_of(&db).await;
        for expected in [
            ("reminder_report_due", "operator.a@example.cn"),
            ("reminder_report_due", "operator.b@example.cn"),
            ("reminder_report_overdue", "operator.a@example.cn"),
            ("reminder_report_overdue", "operator.b@example.cn"),
            ("reminder_claim_waiting", "operator.b@example.cn"),
        ] {
            let n = mails
                .iter()
                .filter(|(t, a)| t == expected.0 && a == expected.1)
                .count();
            assert_eq!(n, 1, "{expected:?} in {mails:?}");
        }
        assert!(
            !mails
                .iter()
                .any(|(_, a)| a.starts_with("official") || a.starts_with("founder")),
            "{mails:?}"
        );
        // Four working days before (Wednesday 11-04) nothing was due yet.
        let fresh = TestDb::sqlite().await.unwrap();
        let other = world::build(&fresh).await;
        let early = reminders::run(&other.system, d(2026, 11, 4)).await.unwrap();
        assert_eq!(early.report_due, 0);
        fresh.drop_db().await.unwrap();
        // Running again sends nothing new.
        let again = reminders::run(&world.system, d(2026, 11, 6)).await.unwrap();
        assert_eq!(again, reminders::RunReport::default());
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn two_runs_at_once_send_each_reminder_once_and_the_daily_job_runs_once_a_day() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let second = fuhua_service::System::from_store(db.second_pool().await.unwrap());
        let day = d(2026, 11, 5);
        let (a, b) = tokio::join!(
            reminders::run(&world.system, day),
            reminders::run(&second, day)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.report_due + b.report_due, 2, "{a:?} {b:?}");
        assert_eq!(a.report_overdue + b.report_overdue, 2, "{a:?} {b:?}");
        let due_mails = outbox_of(&db)
            .await
            .iter()
            .filter(|(t, _)| t == "reminder_report_due")
            .count();
        assert_eq!(due_mails, 2);

        // The daily job: one server gets the lease and runs; the other does not.
        let next = d(2026, 11, 6);
        let (x, y) = tokio::join!(
            job::run_if_due(&world.system, "server-1", next),
            job::run_if_due(&second, "server-2", next)
        );
        let ran = [x.unwrap(), y.unwrap()];
        assert_eq!(ran.iter().filter(|r| r.is_some()).count(), 1, "{ran:?}");
        assert!(
            job::run_if_due(&world.system, "server-1", next)
                .await
                .unwrap()
                .is_none(),
            "once a day"
        );
        assert!(
            job::run_if_due(&second, "server-2", d(2026, 11, 7))
                .await
                .unwrap()
                .is_some(),
            "and again the next day"
        );
        db.drop_db().await.unwrap();
    }
}
