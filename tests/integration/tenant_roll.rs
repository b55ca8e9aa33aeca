//! The tenant roll through its use case, on SQLite and PostgreSQL: who sees which
//! carriers' tenants, search by credit code and name prefix, filters, keyset pages
//! that neither skip nor repeat a row, and (SQLite) a query plan that scans no
//! large table whole.

use std::collections::HashSet;

use fuhua_core::Money;
use fuhua_core::vocab::FounderGroup;
use fuhua_service::ServiceError;
use fuhua_service::roll::{self, ROLL_PAGE, RollQuery};
use fuhua_store::Actor as AuditActor;
use fuhua_store::repo::people::{self, NewPerson};
use fuhua_store::repo::roll::{self as repo, RollFilter, RollSort, RollStatus};
use fuhua_store::repo::tenants::{self, EntityKind, NewEntity, NewStay};
use fuhua_store::testing::TestDb;

use crate::world::{self, World, credit, d, resident};

/// Adds `n` tenants to carrier A, moving in on successive days from 2023-01-01;
/// every third has moved out by 2024-06-30; names 青岛甲… sort in insertion order.
async fn add_tenants(world: &World, n: u32) -> Vec<i64> {
    let w = world.store.write(&AuditActor::cli()).await.unwrap();
    let mut stays = Vec::new();
    for i in 0..n {
        let person = people::add_person(
            &w,
            &NewPerson {
                name: format!("测试{i:03}"),
                resident_id: resident(&format!("37021119950101{i:03}")),
                phone: None,
                founder_group: if i % 2 == 0 {
                    FounderGroup::Graduate
                } else {
                    FounderGroup::Unemployed
                },
                graduated_on: Some(d(2022, 7, 1)),
                unemployed_on: None,
            },
        )
        .await
        .unwrap();
        let entity = tenants::add_entity(
            &w,
            &NewEntity {
                name: format!("青岛甲{i:03}科技有限公司"),
                kind: EntityKind::Enterprise,
                credit_code: credit(&format!("91370211MA3E0{i:03}0")),
                registered_on: d(2022, 12, 1),
                founder_person_id: person.id,
            },
        )
        .await
        .unwrap();
        let move_in = d(2023, 1, 1) + chrono::Days::new(u64::from(i));
        let stay = tenants::add_stay(
            &w,
            &NewStay {
                entity_id: entity.id,
                carrier_id: world.carrier_a,
                move_in,
                move_out: (i % 3 == 0).then(|| d(2024, 6, 30)),
                monthly_rent: Money::yuan(1000 + i64::from(i)),
                area_centi: None,
                unit: None,
                jobs: 1,
            },
        )
        .await
        .unwrap();
        stays.push(stay.id);
    }
    w.commit().await.unwrap();
    stays
}

async fn all_pages(world: &World, username: &str, mut query: RollQuery) -> Vec<i64> {
    let actor = world.actor(username).await;
    let mut seen = Vec::new();
    for _ in 0..100 {
        let page = roll::roll(&world.system, &actor, &query, d(2026, 11, 29))
            .await
            .unwrap();
        assert!(page.rows.len() as u64 <= ROLL_PAGE);
        seen.extend(page.rows.iter().map(|r| r.stay_id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => return seen,
        }
    }
    panic!("the roll never reached its last page");
}

#[tokio::test]
async fn each_role_sees_the_roll_of_its_own_carriers_only() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let today = d(2026, 11, 29);
        let q = RollQuery::default();
        let ids = |rows: &[fuhua_store::repo::roll::RollRow]| {
            rows.iter().map(|r| r.stay_id).collect::<Vec<_>>()
        };
        let a = roll::roll(&world.system, &world.actor("operator.a").await, &q, today)
            .await
            .unwrap();
        assert_eq!(ids(&a.rows), vec![world.stay_id], "{}", db.store.backend());
        assert_eq!(a.rows[0].founder_name, "陈晓雨");
        let district = roll::roll(
            &world.system,
            &world.actor("official.district").await,
            &q,
            today,
        )
        .await
        .unwrap();
        assert_eq!(district.rows.len(), 2);
        let street_b = roll::roll(&world.system, &world.actor("official.b").await, &q, today)
            .await
            .unwrap();
        assert_eq!(ids(&street_b.rows), vec![world.other_stay_id]);
        for who in ["founder", "finance"] {
            let refused = roll::roll(&world.system, &world.actor(who).await, &q, today).await;
            assert!(matches!(refused, Err(ServiceError::Forbidden)), "{who}");
        }
        // Another operator's carrier as a filter is not found, never an empty page.
        let other = RollQuery {
            carrier_id: Some(world.carrier_b),
            ..RollQuery::default()
        };
        let refused = roll::roll(
            &world.system,
            &world.actor("operator.a").await,
            &other,
            today,
        )
        .await;
        assert!(matches!(refused, Err(ServiceError::NotFound)));
        let refused = roll::carrier(
            &world.system,
            &world.actor("operator.a").await,
            world.carrier_b,
            today,
        )
        .await;
        assert!(matches!(refused, Err(ServiceError::NotFound)));
        let view = roll::carrier(
            &world.system,
            &world.actor("operator.a").await,
            world.carrier_a,
            today,
        )
        .await
        .unwrap();
        assert_eq!(view.occupied, 1);
        assert_eq!(view.jurisdiction, "长江路街道");
    }
}

#[tokio::test]
async fn search_finds_by_credit_code_or_the_start_of_a_name() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        let find = |search: &str| {
            let q = RollQuery {
                search: Some(search.into()),
                ..RollQuery::default()
            };
            let (system, official) = (world.system.clone(), official.clone());
            async move {
                roll::roll(&system, &official, &q, d(2026, 11, 29))
                    .await
                    .unwrap()
                    .rows
                    .into_iter()
                    .map(|r| r.stay_id)
                    .collect::<Vec<_>>()
            }
        };
        let code = credit("91370211MA3D00100");
        assert_eq!(find(code.as_str()).await, vec![world.other_stay_id]);
        assert_eq!(
            find(&code.as_str().to_lowercase()).await,
            vec![world.other_stay_id],
            "lowercase code"
        );
        assert_eq!(
            find("青岛陈").await,
            vec![world.stay_id],
            "entity name prefix"
        );
        assert_eq!(
            find("王立").await,
            vec![world.other_stay_id],
            "founder name prefix"
        );
        assert!(
            find("晓雨").await.is_empty(),
            "the middle of a name is no prefix"
        );
        assert!(find("%").await.is_empty(), "a wildcard is a literal");
    }
}

#[tokio::test]
async fn keyset_pages_neither_skip_nor_repeat_and_filters_hold() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let added = add_tenants(&world, 60).await;
        // Newest move-in first, over three pages.
        let newest = all_pages(&world, "operator.a", RollQuery::default()).await;
        assert_eq!(newest.len(), 61, "{}", db.store.backend());
        assert_eq!(newest.iter().collect::<HashSet<_>>().len(), 61);
        assert_eq!(newest[0], world.stay_id, "moved in 2024-03-15, the newest");
        assert_eq!(
            &newest[1..],
            added.iter().rev().copied().collect::<Vec<_>>().as_slice()
        );
        // By name: 青岛甲000… then 青岛陈晓雨….
        let by_name = all_pages(
            &world,
            "operator.a",
            RollQuery {
                sort: RollSort::Name,
                ..RollQuery::default()
            },
        )
        .await;
        assert_eq!(&by_name[..60], added.as_slice());
        assert_eq!(by_name[60], world.stay_id);
        // Moved out (every third) and in incubation split the roll.
        let moved_out = all_pages(
            &world,
            "operator.a",
            RollQuery {
                status: RollStatus::MovedOut,
                ..RollQuery::default()
            },
        )
        .await;
        assert_eq!(moved_out.len(), 20);
        let active = all_pages(
            &world,
            "operator.a",
            RollQuery {
                status: RollStatus::InIncubation,
                founder_group: Some(FounderGroup::Graduate),
                ..RollQuery::default()
            },
        )
        .await;
        // Graduates are the even ones; of those, the moved-out are multiples of 6.
        assert_eq!(active.len(), 30 - 10 + 1);
        // Window ending within 90 days, soonest first.
        let w = world.store.write(&AuditActor::cli()).await.unwrap();
        repo::set_window_end(&w, added[5], Some(d(2027, 1, 10)))
            .await
            .unwrap();
        repo::set_window_end(&w, added[7], Some(d(2026, 12, 20)))
            .await
            .unwrap();
        repo::set_window_end(&w, added[9], Some(d(2027, 6, 1)))
            .await
            .unwrap();
        w.commit().await.unwrap();
        let ending = all_pages(
            &world,
            "operator.a",
            RollQuery {
                status: RollStatus::WindowEnding,
                sort: RollSort::WindowEnd,
                ..RollQuery::default()
            },
        )
        .await;
        assert_eq!(ending, vec![added[7], added[5]]);
    }
}

#[tokio::test]
async fn no_roll_page_scans_a_large_table_whole_on_sqlite() {
    let db = TestDb::sqlite().await.unwrap();
    let world = world::build(&db).await;
    add_tenants(&world, 300).await;
    let carriers = vec![world.carrier_a, world.carrier_b];
    let filters = [
        RollFilter::default(),
        RollFilter {
            sort: RollSort::Name,
            ..RollFilter::default()
        },
        RollFilter {
            status: RollStatus::WindowEnding,
            sort: RollSort::WindowEnd,
            ..RollFilter::default()
        },
        RollFilter {
            name_prefix: Some("青岛甲1".into()),
            ..RollFilter::default()
        },
        RollFilter {
            credit_code: Some("91370211MA3E00100".into()),
            ..RollFilter::default()
        },
        RollFilter {
            carrier_id: Some(world.carrier_a),
            status: RollStatus::InIncubation,
            ..RollFilter::default()
        },
    ];
    // Occupancy (the carriers list, the carrier page) reads the covering index.
    let plan = repo::explain_occupancy(&db.store, &carriers, d(2026, 11, 29))
        .await
        .unwrap();
    assert!(
        plan.iter()
            .any(|l| l.contains("USING COVERING INDEX ix_stays_occupancy")),
        "occupancy reads the stays' rows: {plan:#?}"
    );
    for filter in filters {
        let filter = RollFilter {
            carrier_ids: carriers.clone(),
            limit: 26,
            today: Some(d(2026, 11, 29)),
            ..filter
        };
        let plan = repo::explain_roll(&db.store, &filter).await.unwrap();
        // Without a search, the sort's index gives the order: no sort of every row.
        if filter.name_prefix.is_none() && filter.credit_code.is_none() {
            assert!(
                !plan.iter().any(|l| l == "USE TEMP B-TREE FOR ORDER BY"),
                "every row sorted for {filter:?}: {plan:#?}"
            );
        }
        for line in &plan {
            for table in ["stays", "entities", "people"] {
                assert!(
                    !line.starts_with(&format!("SCAN {table}")) || line.contains("INDEX"),
                    "a full scan of {table} for {filter:?}: {plan:#?}"
                );
            }
        }
    }
}
