//! The audit chain against someone who can write to the database: edited, removed
//! and relinked rows, a chain rebuilt without the data key, rows cut from the end
//! with the head moved back, and database passwords kept out of `Debug` and errors.
//! PostgreSQL runs too when `FUHUA_TEST_PG` names a server.

use fuhua_store::audit::{AuditRow, Broken, Checkpoint, GENESIS_HASH};
use fuhua_store::testing::TestDb;
use fuhua_store::{Database, Store, StoreConfig, StoreError};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::store_chain::audited_change;

/// Lifts the database's append-only guard, as someone with direct access could.
async fn lift_guard(db: &TestDb) {
    if db.store.backend() == "postgres" {
        db.raw("DROP TRIGGER audit_log_no_change ON audit_log")
            .await
            .unwrap();
    } else {
        db.raw("DROP TRIGGER audit_log_no_update").await.unwrap();
        db.raw("DROP TRIGGER audit_log_no_delete").await.unwrap();
    }
}

async fn chain_of_five() -> Vec<TestDb> {
    let mut dbs = Vec::new();
    for db in TestDb::every().await.unwrap() {
        for n in 0..5 {
            audited_change(&db.store, n).await.unwrap();
        }
        assert!(db.store.verify_audit().await.unwrap().is_intact());
        dbs.push(db);
    }
    dbs
}

#[tokio::test]
async fn the_database_refuses_to_edit_or_delete_audit_rows() {
    for db in chain_of_five().await {
        assert!(matches!(
            db.raw("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
                .await,
            Err(StoreError::AuditAppendOnly)
        ));
        assert!(matches!(
            db.raw("DELETE FROM audit_log WHERE seq = 5").await,
            Err(StoreError::AuditAppendOnly)
        ));
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn audit_verify_names_an_edited_row() {
    for db in chain_of_five().await {
        lift_guard(&db).await;
        db.raw("UPDATE audit_log SET after = '{\"n\":99}' WHERE seq = 3")
            .await
            .unwrap();
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!(verification.broken, Some(Broken::Edited { seq: 3 }));
        assert_eq!(
            verification.broken.unwrap().to_string(),
            "row seq 3 was changed after it was written (its hash does not match its contents)"
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn audit_verify_catches_a_deleted_middle_row() {
    for db in chain_of_five().await {
        lift_guard(&db).await;
        db.raw("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!(
            verification.broken,
            Some(Broken::Gap {
                seq: 3,
                previous: 1
            })
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn audit_verify_catches_a_middle_row_rewritten_with_a_matching_hash() {
    for db in chain_of_five().await {
        lift_guard(&db).await;
        // Rewrite row 2 and recompute its own hash from row 1: the row looks whole,
        // but row 3 still points to the old row 2.
        let rows = db.store.audit_rows(0, 2).await.unwrap();
        let mut forged = rows[1].clone();
        forged.actor = "intruder".into();
        forged.prev_hash = rows[0].hash.clone();
        forged.hash = forged.compute_hash(db.store.crypto().chain_key());
        db.raw(&format!(
            "UPDATE audit_log SET actor = 'intruder', hash = '{}' WHERE seq = 2",
            forged.hash
        ))
        .await
        .unwrap();
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!(
            verification.broken,
            Some(Broken::Relinked {
                seq: 3,
                previous: 2
            })
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn audit_verify_catches_deleted_newest_rows() {
    for db in chain_of_five().await {
        lift_guard(&db).await;
        db.raw("DELETE FROM audit_log WHERE seq >= 4")
            .await
            .unwrap();
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!(
            verification.broken,
            Some(Broken::MissingNewest {
                head_seq: 5,
                last_seq: 3
            })
        );
        db.drop_db().await.unwrap();
    }
}

/// The row hash as the unkeyed chain computed it: lowercase hex SHA-256 of the
/// JSON array of every field and the previous hash. Anyone can compute it.
fn plain_sha256(row: &AuditRow) -> String {
    let payload = json!([
        row.seq,
        row.at,
        row.actor,
        row.action,
        row.entity,
        row.entity_id,
        row.before,
        row.after,
        row.prev_hash
    ]);
    Sha256::digest(payload.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The unkeyed chain's verification: every row's plain SHA-256, every link and
/// the head. True when it would have called the chain intact.
fn plain_chain_holds(rows: &[AuditRow], head: (i64, &str)) -> bool {
    let mut previous = (0, GENESIS_HASH.to_owned());
    for row in rows {
        if plain_sha256(row) != row.hash || row.seq != previous.0 + 1 || row.prev_hash != previous.1
        {
            return false;
        }
        previous = (row.seq, row.hash.clone());
    }
    previous.0 == head.0 && previous.1 == head.1
}

#[tokio::test]
async fn audit_verify_catches_a_chain_rebuilt_without_the_data_key() {
    for db in chain_of_five().await {
        // Someone who can write to the database, but does not hold the data key:
        // lift the guard, rewrite every row, rebuild the chain with plain SHA-256
        // over the rewritten rows and move the head to its end.
        lift_guard(&db).await;
        let mut rows = db.store.audit_rows(0, 100).await.unwrap();
        assert_eq!(rows.len(), 5);
        let mut previous = GENESIS_HASH.to_owned();
        for row in &mut rows {
            row.actor = "intruder".into();
            row.after = Some(r#"{"n":99}"#.into());
            row.prev_hash = previous.clone();
            row.hash = plain_sha256(row);
            previous = row.hash.clone();
            db.raw(&format!(
                "UPDATE audit_log SET actor = '{}', after = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
                row.actor,
                row.after.as_deref().unwrap(),
                row.prev_hash,
                row.hash,
                row.seq
            ))
            .await
            .unwrap();
        }
        db.raw(&format!(
            "UPDATE audit_head SET seq = 5, hash = '{previous}' WHERE id = 1"
        ))
        .await
        .unwrap();
        // The rebuilt chain is whole by the unkeyed scheme's rules…
        let stored = db.store.audit_rows(0, 100).await.unwrap();
        assert_eq!(stored, rows);
        assert!(plain_chain_holds(&stored, (5, &previous)));
        // …and verify, which checks HMACs under the data key, catches its first row.
        let verification = db.store.verify_audit().await.unwrap();
        assert_eq!(verification.broken, Some(Broken::Unkeyed { seq: 1 }));
        assert_eq!(verification.rows, 1);
        assert!(verification.scheme.starts_with("HMAC-SHA-256"));
        assert!(verification.broken.unwrap().to_string().starts_with(
            "row seq 1 carries a plain SHA-256 hash instead of an HMAC under the data key"
        ),);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn the_head_verify_reports_is_the_newest_rows_keyed_hash() {
    for db in chain_of_five().await {
        let verification = db.store.verify_audit().await.unwrap();
        let rows = db.store.audit_rows(0, 100).await.unwrap();
        let newest = rows.last().unwrap();
        assert_eq!(
            verification.head(),
            Checkpoint {
                seq: 5,
                hash: newest.hash.clone()
            }
        );
        assert_eq!(verification.head_hash.len(), 64);
        // Keyed: the plain digest of the same row is something else.
        assert_ne!(plain_sha256(newest), newest.hash);
        assert_eq!(
            newest.compute_hash(db.store.crypto().chain_key()),
            newest.hash
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_recorded_head_catches_rows_cut_from_the_end_with_the_head_moved_back() {
    for db in chain_of_five().await {
        let recorded = db.store.verify_audit().await.unwrap().head();
        assert!(
            db.store
                .verify_audit_against(&recorded)
                .await
                .unwrap()
                .is_intact()
        );
        // Later changes keep the recorded head in the chain.
        audited_change(&db.store, 6).await.unwrap();
        assert!(
            db.store
                .verify_audit_against(&recorded)
                .await
                .unwrap()
                .is_intact()
        );
        // A writer cuts rows 4–6 and points the head at row 3, whose hash it can copy:
        // the chain alone looks whole, the recorded head does not.
        lift_guard(&db).await;
        let rows = db.store.audit_rows(0, 3).await.unwrap();
        db.raw("DELETE FROM audit_log WHERE seq >= 4")
            .await
            .unwrap();
        db.raw(&format!(
            "UPDATE audit_head SET seq = 3, hash = '{}' WHERE id = 1",
            rows[2].hash
        ))
        .await
        .unwrap();
        assert!(db.store.verify_audit().await.unwrap().is_intact());
        let verification = db.store.verify_audit_against(&recorded).await.unwrap();
        assert_eq!(
            verification.broken,
            Some(Broken::CheckpointMissing {
                seq: 5,
                last_seq: 3
            })
        );
        // A head recorded with another hash for a row still present is a rewrite.
        let other = Checkpoint {
            seq: 2,
            hash: "ab".repeat(32),
        };
        assert_eq!(
            db.store.verify_audit_against(&other).await.unwrap().broken,
            Some(Broken::CheckpointMismatch { seq: 2 })
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_chain_written_under_one_data_key_does_not_verify_under_another() {
    for db in chain_of_five().await {
        let config = StoreConfig {
            data_key: Some(fuhua_store::config::DataKeySource::new(
                fuhua_store::DataKey::generate().to_base64(),
            )),
            ..db.config.clone()
        };
        let other = Store::open(&config).await.unwrap();
        let verification = other.verify_audit().await.unwrap();
        assert_eq!(verification.broken, Some(Broken::Edited { seq: 1 }));
        other.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn an_open_store_and_its_errors_never_show_the_database_password() {
    let Some(db) = TestDb::postgres().await.unwrap() else {
        return;
    };
    let Database::Postgres { url } = &db.config.database else {
        panic!("a PostgreSQL test database");
    };
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, host) = rest.split_once('@').unwrap_or(("postgres", rest));
    let user = user.split(':').next().unwrap();
    let with_password = format!("{scheme}://{user}:pg-s3cret-pw@{host}");
    // A store open on PostgreSQL with a password in its URL.
    let config = StoreConfig {
        database: Database::Postgres {
            url: with_password.clone(),
        },
        ..db.config.clone()
    };
    let store = Store::open(&config).await.unwrap();
    let shown = format!("{store:?} {config:?} {:?}", config.database);
    assert!(!shown.contains("pg-s3cret-pw"), "{shown}");
    assert!(shown.contains("postgres"), "{shown}");
    store.close().await.unwrap();
    // A database the server refuses: the error names it without the password.
    let (server, _) = with_password.rsplit_once('/').unwrap();
    let missing = StoreConfig {
        database: Database::Postgres {
            url: format!("{server}/fuhua_no_such_database"),
        },
        ..db.config.clone()
    };
    let error = Store::open(&missing).await.unwrap_err().to_string();
    assert!(!error.contains("pg-s3cret-pw"), "{error}");
    assert!(error.contains(&format!("{user}:***@")), "{error}");
    db.drop_db().await.unwrap();
}
