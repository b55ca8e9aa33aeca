//! The store's foundations on every database: migrations, the audit chain, the
//! outbox and rules the database itself keeps. PostgreSQL runs when `FUHUA_TEST_PG`
//! names a server (CI sets it).

use std::collections::HashSet;

use chrono::{Duration, Utc};
use fuhua_store::outbox::{self, Mail};
use fuhua_store::testing::{TestDb, postgres_server};
use fuhua_store::{Actor, StoreError};
use serde_json::json;

#[tokio::test]
async fn postgres_tests_run_when_ci_asks_for_them() {
    if std::env::var("FUHUA_REQUIRE_PG").is_ok_and(|v| v == "1") {
        let server = postgres_server().expect("FUHUA_REQUIRE_PG=1 but FUHUA_TEST_PG is not set");
        let db = TestDb::postgres()
            .await
            .unwrap()
            .expect("a PostgreSQL database");
        assert_eq!(db.store.backend(), "postgres", "{server}");
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn migrations_go_up_and_down_on_every_database() {
    for db in TestDb::every().await.unwrap() {
        let applied = db.store.applied_migrations().await.unwrap();
        assert_eq!(
            applied,
            [
                "m20261127_000001_create_schema",
                "m20261129_000001_add_sign_in",
                "m20261129_000002_add_case_notes",
                "m20261129_100002_reports",
                "m20261129_100003_claims",
                "m20261129_100004_tenant_roll",
                "m20261129_100005_occupancy",
            ],
            "{}",
            db.store.backend()
        );
        // The defaults of SPEC §3 are seeded and the chain starts at its genesis.
        let verification = db.store.verify_audit().await.unwrap();
        assert!(verification.is_intact());
        assert_eq!(verification.head_seq, 0);
        db.store.migrate_down_all().await.unwrap();
        assert!(db.store.applied_migrations().await.unwrap().is_empty());
        assert!(
            db.store.verify_audit().await.is_err(),
            "the tables are gone"
        );
        db.store.migrate().await.unwrap();
        assert!(db.store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }
}

/// One audited change by one of three officials, committed.
pub(crate) async fn audited_change(
    store: &fuhua_store::Store,
    n: usize,
) -> Result<i64, StoreError> {
    let w = store
        .write(&Actor::user(&format!("official{}", n % 3)))
        .await?;
    let after = json!({"n": n});
    let seq = w
        .audit_change("update", "award_cases", n, None, Some(&after))
        .await?;
    w.commit().await?;
    Ok(seq)
}

#[tokio::test]
async fn two_hundred_concurrent_audited_changes_over_two_pools_keep_one_chain() {
    for db in TestDb::every().await.unwrap() {
        let second = db.second_pool().await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..200 {
            let store = if n % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move { audited_change(&store, n).await }));
        }
        let mut seqs = HashSet::new();
        for task in tasks {
            seqs.insert(task.await.unwrap().unwrap());
        }
        assert_eq!(
            seqs.len(),
            200,
            "every change got its own place in the chain"
        );
        assert_eq!(seqs.iter().max(), Some(&200));
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!(
            (
                verification.rows,
                verification.head_seq,
                verification.broken
            ),
            (200, 200, None)
        );
        second.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_change_rolled_back_leaves_no_audit_row() {
    for db in TestDb::every().await.unwrap() {
        let w = db.store.write(&Actor::cli()).await.unwrap();
        w.audit_change("create", "stays", 1, None, Some(&json!({})))
            .await
            .unwrap();
        w.rollback().await.unwrap();
        let w = db.store.write(&Actor::cli()).await.unwrap();
        w.audit_change("create", "stays", 2, None, Some(&json!({})))
            .await
            .unwrap();
        drop(w); // never committed
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!((verification.rows, verification.head_seq), (0, 0));
        db.drop_db().await.unwrap();
    }
}

fn mail(n: usize) -> Mail {
    Mail {
        to_address: format!("person{n}@example.org"),
        template: "decision".into(),
        lang: "zh-CN".into(),
        context: json!({"case": n}),
    }
}

#[tokio::test]
async fn mail_is_enqueued_only_with_its_committed_change() {
    for db in TestDb::every().await.unwrap() {
        let w = db.store.write(&Actor::cli()).await.unwrap();
        outbox::enqueue(&w, &mail(1)).await.unwrap();
        w.rollback().await.unwrap();
        assert_eq!(outbox::count(&db.store, "pending").await.unwrap(), 0);
        let w = db.store.write(&Actor::cli()).await.unwrap();
        outbox::enqueue(&w, &mail(2)).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(outbox::count(&db.store, "pending").await.unwrap(), 1);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn concurrent_senders_never_claim_the_same_mail() {
    for db in TestDb::every().await.unwrap() {
        let w = db.store.write(&Actor::cli()).await.unwrap();
        for n in 0..30 {
            outbox::enqueue(&w, &mail(n)).await.unwrap();
        }
        w.commit().await.unwrap();
        let second = db.second_pool().await.unwrap();
        let now = Utc::now() + Duration::seconds(1);
        let mut tasks = Vec::new();
        for worker in 0..6 {
            let store = if worker % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                // Bounded: at most 30 rounds.
                for _ in 0..30 {
                    let batch =
                        outbox::claim(&store, &format!("w{worker}"), 4, Duration::minutes(5), now)
                            .await
                            .unwrap();
                    if batch.is_empty() {
                        break;
                    }
                    mine.extend(batch.into_iter().map(|c| c.id));
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        let distinct: HashSet<_> = all.iter().collect();
        assert_eq!(all.len(), 30, "every mail claimed");
        assert_eq!(distinct.len(), 30, "no mail claimed twice");
        second.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_failed_mail_is_retried_later_and_a_lapsed_lease_is_reclaimed() {
    for db in TestDb::every().await.unwrap() {
        let w = db.store.write(&Actor::cli()).await.unwrap();
        outbox::enqueue(&w, &mail(1)).await.unwrap();
        outbox::enqueue(&w, &mail(2)).await.unwrap();
        w.commit().await.unwrap();
        let now = Utc::now() + Duration::seconds(1);
        let claimed = outbox::claim(&db.store, "a", 10, Duration::minutes(5), now)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        assert_eq!(claimed[0].mail, mail(1));
        // SMTP was down for the first: it waits, it is not lost.
        assert!(
            outbox::mark_failed(&db.store, &claimed[0], "a", "connection refused", now)
                .await
                .unwrap()
        );
        assert!(
            outbox::claim(&db.store, "b", 10, Duration::minutes(5), now)
                .await
                .unwrap()
                .is_empty()
        );
        let later = now + Duration::hours(1);
        // The first is due again; the second's sender vanished and its lease lapsed.
        let again = outbox::claim(&db.store, "b", 10, Duration::minutes(5), later)
            .await
            .unwrap();
        assert_eq!(again.iter().map(|c| c.attempts).collect::<Vec<_>>(), [2, 2]);
        // The old holder can no longer mark it.
        assert!(
            !outbox::mark_sent(&db.store, again[1].id, "a", later)
                .await
                .unwrap()
        );
        assert!(
            outbox::mark_sent(&db.store, again[0].id, "b", later)
                .await
                .unwrap()
        );
        assert!(
            outbox::mark_sent(&db.store, again[1].id, "b", later)
                .await
                .unwrap()
        );
        assert_eq!(outbox::count(&db.store, "sent").await.unwrap(), 2);
        assert_eq!(outbox::count(&db.store, "pending").await.unwrap(), 0);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn the_embedded_database_runs_in_wal_mode_with_foreign_keys_on() {
    let db = TestDb::sqlite().await.unwrap();
    // A foreign key to nothing is refused.
    let orphan = db
        .raw("INSERT INTO carriers (name, kind, founding, operation, jurisdiction_id, address, floor_area_centi, workstations, waives_rent, created_at, updated_at, version)
              VALUES ('x', 'maker_space', 'social', 'self_operated', 999, 'x', 0, 0, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
        .await;
    assert!(
        matches!(orphan, Err(StoreError::Reference(_))),
        "{orphan:?}"
    );
    // Writes go to the write-ahead log next to the file.
    audited_change(&db.store, 1).await.unwrap();
    let path = db.sqlite_path().unwrap().to_owned();
    assert!(std::path::Path::new(&format!("{}-wal", path.display())).exists());
    db.drop_db().await.unwrap();
}
