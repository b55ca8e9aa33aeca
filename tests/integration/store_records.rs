//! Records on every database: money to the fen, stays that never overlap, cases
//! that serialise concurrent decisions.

use chrono::NaiveDate;
use fuhua_core::vocab::{FounderGroup, Regime};
use fuhua_core::{CreditCode, Money, ResidentId};
use fuhua_store::repo::cases::{self, CaseTable};
use fuhua_store::repo::people::{self, NewPerson};
use fuhua_store::repo::relief;
use fuhua_store::repo::tenants::{self, EntityKind, NewEntity, NewLedgerRow, NewStay};
use fuhua_store::testing::{TestDb, seed_carriers};
use fuhua_store::{Actor, Store, StoreError};
use fuhua_waiver::ReliefState;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn resident(first17: &str) -> ResidentId {
    let check = fuhua_core::ids::resident_check_digit(first17.as_bytes()).unwrap();
    ResidentId::parse_as_of(&format!("{first17}{check}"), d(2026, 11, 27)).unwrap()
}

fn credit(first17: &str) -> CreditCode {
    let check = fuhua_core::ids::credit_check_char(first17.as_bytes()).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

/// A carrier and its jurisdiction (the carrier repository has its own tests).
async fn carrier(db: &TestDb) -> i64 {
    seed_carriers(&db.store, &["西海岸新区大学生创业孵化基地"])
        .await
        .unwrap()
        .carrier_ids[0]
}

async fn entity(store: &Store, n: u32) -> i64 {
    let w = store.write(&Actor::cli()).await.unwrap();
    let person = people::add_person(
        &w,
        &NewPerson {
            name: format!("王{n}"),
            resident_id: resident(&format!("370211199503{:02}{:03}", n % 28 + 1, n)),
            phone: Some(format!("1380000{:04}", n)),
            founder_group: FounderGroup::Graduate,
            graduated_on: Some(d(2023, 7, 1)),
            unemployed_on: None,
        },
    )
    .await
    .unwrap();
    let entity = tenants::add_entity(
        &w,
        &NewEntity {
            name: format!("青岛测试科技有限公司{n}"),
            kind: EntityKind::Enterprise,
            credit_code: credit(&format!("91370211MA3C{n:05}")),
            registered_on: d(2024, 1, 1),
            founder_person_id: person.id,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    entity.id
}

fn stay(entity_id: i64, move_in: NaiveDate, move_out: Option<NaiveDate>, rent: &str) -> NewStay {
    NewStay {
        entity_id,
        carrier_id: 1,
        move_in,
        move_out,
        monthly_rent: Money::parse(rent).unwrap(),
        area_centi: Some(4_550),
        unit: Some("A-101".into()),
        jobs: 3,
    }
}

#[tokio::test]
async fn money_round_trips_to_the_fen() {
    for db in TestDb::every().await.unwrap() {
        carrier(&db).await;
        let e = entity(&db.store, 1).await;
        let w = db.store.write(&Actor::cli()).await.unwrap();
        let mut ids = Vec::new();
        for (i, rent) in ["1645.16", "0.01", "99999999.99", "8000.00"]
            .iter()
            .enumerate()
        {
            let start = d(2020 + i as i32, 1, 1);
            let stored =
                tenants::add_stay(&w, &stay(e, start, Some(d(2020 + i as i32, 6, 30)), rent))
                    .await
                    .unwrap();
            assert_eq!(stored.monthly_rent.to_string(), *rent);
            ids.push(stored.id);
        }
        let rows = tenants::add_ledger_rows(
            &w,
            &[NewLedgerRow {
                stay_id: ids[0],
                month: "2020-03".into(),
                adjustment: true,
                regime: Regime::FullWaiver,
                funding_source: None,
                occupied_days: 17,
                days_in_month: 31,
                rent_due: Money::parse_signed("-12.34").unwrap(),
                waived: Money::parse_signed("-12.34").unwrap(),
                payable: Money::ZERO,
                relief_application_id: None,
            }],
        )
        .await
        .unwrap();
        assert_eq!(rows[0].rent_due.to_string(), "-12.34");
        w.commit().await.unwrap();
        let back: Vec<String> = tenants::stays_of_entity(&db.store, e)
            .await
            .unwrap()
            .iter()
            .map(|s| s.monthly_rent.to_string())
            .collect();
        assert_eq!(
            back,
            ["1645.16", "0.01", "99999999.99", "8000.00"],
            "{}",
            db.store.backend()
        );
        let ledger = tenants::ledger_of_stay(&db.store, ids[0]).await.unwrap();
        assert_eq!(
            (ledger[0].rent_due.to_fen(), ledger[0].adjustment),
            (-1234, true)
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn overlapping_stays_are_refused_by_the_repository_and_by_the_database() {
    for db in TestDb::every().await.unwrap() {
        carrier(&db).await;
        let e = entity(&db.store, 2).await;
        let w = db.store.write(&Actor::cli()).await.unwrap();
        tenants::add_stay(&w, &stay(e, d(2024, 1, 1), Some(d(2024, 6, 30)), "1000"))
            .await
            .unwrap();
        // The day after the last occupied day is free.
        tenants::add_stay(&w, &stay(e, d(2024, 7, 1), None, "1000"))
            .await
            .unwrap();
        assert!(matches!(
            tenants::add_stay(&w, &stay(e, d(2025, 1, 1), None, "1000")).await,
            Err(StoreError::OverlappingStay)
        ));
        w.commit().await.unwrap();
        // Bypassing the application, the database refuses too.
        let raw = db
            .raw(&format!(
                "INSERT INTO stays (entity_id, carrier_id, move_in, move_out, monthly_rent_fen, jobs, created_at, updated_at, version)
                 VALUES ({e}, 1, '2024-06-30', '2024-07-01', 100, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            ))
            .await;
        assert!(matches!(raw, Err(StoreError::OverlappingStay)), "{raw:?}");
        // So is moving an existing stay onto another.
        let raw = db.raw(&format!("UPDATE stays SET move_out = '2024-07-15' WHERE entity_id = {e} AND move_in = '2024-01-01'")).await;
        assert!(matches!(raw, Err(StoreError::OverlappingStay)), "{raw:?}");
        assert_eq!(
            tenants::stays_of_entity(&db.store, e).await.unwrap().len(),
            2
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn two_servers_adding_overlapping_stays_at_once_store_only_one() {
    for db in TestDb::every().await.unwrap() {
        carrier(&db).await;
        let e = entity(&db.store, 3).await;
        let second = db.second_pool().await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..10u32 {
            let store = if n % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move {
                let w = store.write(&Actor::cli()).await?;
                tenants::add_stay(&w, &stay(e, d(2024, 1, 1 + n), None, "1000")).await?;
                w.commit().await
            }));
        }
        let mut stored = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => stored += 1,
                Err(StoreError::OverlappingStay) => {}
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(stored, 1);
        assert_eq!(
            tenants::stays_of_entity(&db.store, e).await.unwrap().len(),
            1
        );
        second.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn of_two_concurrent_decisions_on_one_case_one_wins_and_one_is_told() {
    for db in TestDb::every().await.unwrap() {
        carrier(&db).await;
        let e = entity(&db.store, 4).await;
        let w = db.store.write(&Actor::cli()).await.unwrap();
        let s = tenants::add_stay(&w, &stay(e, d(2024, 1, 1), None, "1000"))
            .await
            .unwrap();
        let app = relief::add_relief_application(
            &w,
            &relief::NewReliefApplication {
                entity_id: e,
                stay_id: s.id,
                applicant_user_id: None,
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let read =
            cases::case_state::<ReliefState>(&db.store, CaseTable::ReliefApplications, app.id)
                .await
                .unwrap();
        assert_eq!((read.state, read.version), (ReliefState::Draft, 1));
        let second = db.second_pool().await.unwrap();
        let mut tasks = Vec::new();
        for (n, store) in [db.store.clone(), second.clone()].into_iter().enumerate() {
            let to = if n == 0 {
                ReliefState::Submitted
            } else {
                ReliefState::Withdrawn
            };
            tasks.push(tokio::spawn(async move {
                let w = store.write(&Actor::user(&format!("person{n}"))).await?;
                cases::move_case(&w, CaseTable::ReliefApplications, app.id, &read, to, &[]).await?;
                w.commit().await
            }));
        }
        // A move the workflow table does not allow is refused by the store itself.
        let w = db.store.write(&Actor::user("person")).await.unwrap();
        let refused = cases::move_case(
            &w,
            CaseTable::ReliefApplications,
            app.id,
            &read,
            ReliefState::Approved,
            &[],
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::Transition(_))),
            "{refused:?}"
        );
        drop(w);
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let wins = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(wins, 1, "{outcomes:?}");
        let conflict = outcomes.into_iter().find_map(Result::err).unwrap();
        assert!(conflict.is_conflict());
        assert!(conflict.to_string().contains("was changed by someone else"));
        let now =
            cases::case_state::<ReliefState>(&db.store, CaseTable::ReliefApplications, app.id)
                .await
                .unwrap();
        assert_eq!(now.version, 2);
        assert!(db.store.verify_audit().await.unwrap().is_intact());
        second.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn personal_identifiers_are_sealed_and_found_by_their_hash() {
    for db in TestDb::every().await.unwrap() {
        let id = resident("37021119950301001");
        let w = db.store.write(&Actor::cli()).await.unwrap();
        let person = people::add_person(
            &w,
            &NewPerson {
                name: "李娜".into(),
                resident_id: id.clone(),
                phone: Some("138 0000 0001".into()),
                founder_group: FounderGroup::Unemployed,
                graduated_on: None,
                unemployed_on: Some(d(2024, 3, 1)),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(person.resident_id_masked, id.masked());
        let found = people::find_person_by_resident_id(&db.store, &id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, person.id);
        assert_eq!(
            people::reveal_resident_id(&db.store, person.id)
                .await
                .unwrap(),
            id
        );
        assert_eq!(
            people::reveal_phone(&db.store, person.id)
                .await
                .unwrap()
                .as_deref(),
            Some("13800000001")
        );
        // The same person twice is a duplicate.
        let w = db.store.write(&Actor::cli()).await.unwrap();
        let again = people::add_person(
            &w,
            &NewPerson {
                name: "李娜".into(),
                resident_id: id.clone(),
                phone: None,
                founder_group: FounderGroup::Other,
                graduated_on: None,
                unemployed_on: None,
            },
        )
        .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );
        drop(w);
        // The audit row holds the keyed hash, not the number.
        let rows = db.store.audit_rows(0, 10).await.unwrap();
        let after = rows[0].after.clone().unwrap();
        assert!(
            !after.contains(id.as_str()) && !after.contains("13800000001"),
            "{after}"
        );
        assert!(after.contains(&db.store.crypto().keyed_hash("resident_id", id.as_str())));
        db.drop_db().await.unwrap();
    }
}
