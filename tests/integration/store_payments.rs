//! One payment per award step, ever — even when two servers race (SPEC §3, §4).

use chrono::NaiveDate;
use fuhua_core::vocab::Level;
use fuhua_core::{Money, Trace};
use fuhua_store::repo::awards::{self, NewAwardCase, NewAwardStep, NewPayment};
use fuhua_store::testing::{TestDb, seed_carriers};
use fuhua_store::{Actor, StoreError};

#[tokio::test]
async fn fifty_concurrent_payments_of_one_step_over_two_pools_store_exactly_one() {
    for db in TestDb::every().await.unwrap() {
        seed_carriers(&db.store, &["西海岸新区大学生创业孵化基地"])
            .await
            .unwrap();
        let step_key = awards::ladder_step_key(1, Level::Municipal);
        let w = db.store.write(&Actor::cli()).await.unwrap();
        let case = awards::add_award_case(
            &w,
            &NewAwardCase {
                programme: "ladder".into(),
                carrier_id: Some(1),
                jurisdiction_id: None,
                accreditation_record_id: None,
                new_level: Some(Level::Municipal),
                area_kind: None,
                state: "approved".into(),
                total: Money::yuan(5_000_000),
                fund_source_id: None,
                decision: Trace::new(),
                reviewed_by: None,
                reviewed_at: None,
                approved_by: None,
                approved_at: None,
                closing_reason: None,
                created_by: None,
                steps: vec![NewAwardStep {
                    step_key: step_key.clone(),
                    level: "municipal".into(),
                    cap: Money::yuan(5_000_000),
                    amount: Money::yuan(5_000_000),
                }],
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let step_id = case.steps[0].id;
        let second = db.second_pool().await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..50 {
            let store = if n % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            let step_key = step_key.clone();
            tasks.push(tokio::spawn(async move {
                let w = store.write(&Actor::user("finance")).await?;
                awards::record_payment(
                    &w,
                    &NewPayment {
                        award_step_id: step_id,
                        step_key,
                        amount: Money::yuan(5_000_000),
                        paid_on: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
                        voucher_no: format!("QXCZ-2026-{n:04}"),
                        paid_by: None,
                    },
                )
                .await?;
                w.commit().await
            }));
        }
        let (mut paid, mut refused) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => paid += 1,
                Err(StoreError::Duplicate { .. }) => refused += 1,
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!((paid, refused), (1, 49), "{}", db.store.backend());
        assert_eq!(awards::list_payments(&db.store).await.unwrap().len(), 1);
        assert_eq!(
            awards::paid_steps_for_carrier(&db.store, 1).await.unwrap(),
            vec![("municipal".to_owned(), Money::yuan(5_000_000))]
        );
        assert!(db.store.verify_audit().await.unwrap().is_intact());
        second.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}
