//! The tenant roll's writes through the use cases, on SQLite and PostgreSQL: a
//! move-in with a new or an already recorded entity and founder (never recorded
//! twice), an overlapping stay refused with the other stay named, scope, and the
//! move-out, rent and jobs changes with their audit rows and optimistic locking.

use fuhua_core::vocab::FounderGroup;
use fuhua_core::{Money, Problem};
use fuhua_service::ServiceError;
use fuhua_service::tenants::{self, Acting, EntityFacts, FounderFacts, MoveIn};
use fuhua_store::repo::{self, tenants as store_tenants};
use fuhua_store::testing::TestDb;

use crate::world::{self, World, credit, d, resident};

/// A move-in of a new founder (a graduate) and a new entity.
fn new_row(n: u32) -> MoveIn {
    MoveIn {
        entity: EntityFacts {
            name: format!("青岛新入驻{n}号科技有限公司"),
            credit_code: credit(&format!("91370211MA3E00{n:03}")),
            registered_on: Some(d(2025, 1, 2)),
        },
        founder: FounderFacts {
            name: format!("李{n}"),
            resident_id: resident(&format!("37021120000101{n:03}")),
            group: FounderGroup::Graduate,
            graduated_on: Some(d(2023, 6, 30)),
            unemployed_on: None,
        },
        move_in: d(2025, 3, 1),
        move_out: None,
        monthly_rent: Money::yuan(1500),
        area_centi: Some(4550),
        unit: Some("B-201".into()),
        jobs: 3,
    }
}

/// The row of the world's own founder and entity (on record, with a stay in
/// carrier A from 2024-03-15, open).
fn known_row() -> MoveIn {
    MoveIn {
        entity: EntityFacts {
            name: "青岛陈晓雨科技有限公司".into(),
            credit_code: credit("91370211MA3D00000"),
            registered_on: None,
        },
        founder: FounderFacts {
            name: "陈晓雨".into(),
            resident_id: resident("37021119980301002"),
            group: FounderGroup::Graduate,
            graduated_on: Some(d(2022, 7, 1)),
            unemployed_on: None,
        },
        ..new_row(0)
    }
}

fn problems(error: ServiceError) -> Vec<Problem> {
    match error {
        ServiceError::Invalid(problems) => problems,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn audit_actions(world: &World) -> Vec<(String, String, String)> {
    world
        .store
        .audit_rows(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.actor, r.action, r.entity))
        .collect()
}

async fn counts(world: &World) -> (i64, i64, i64) {
    let store = &world.store;
    (
        repo::count(store, "people").await.unwrap(),
        repo::count(store, "entities").await.unwrap(),
        repo::count(store, "stays").await.unwrap(),
    )
}

#[tokio::test]
async fn an_operator_records_a_move_in_of_a_new_entity_and_founder_with_audit_rows() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let before = audit_actions(&world).await.len();
        let recorded = tenants::move_in(
            &world.system,
            Acting::User(&operator),
            world.carrier_a,
            &new_row(1),
        )
        .await
        .unwrap();
        assert!(recorded.new_entity && recorded.new_founder);
        assert_eq!(recorded.stay.carrier_id, world.carrier_a);
        assert_eq!(recorded.stay.monthly_rent, Money::yuan(1500));
        assert_eq!(
            recorded.founder.resident_id_masked,
            resident("37021120000101001").masked()
        );
        assert_eq!(recorded.entity.founder_person_id, recorded.founder.id);
        let audit = audit_actions(&world).await;
        let added: Vec<_> = audit[before..]
            .iter()
            .map(|(actor, action, entity)| (actor.as_str(), action.as_str(), entity.as_str()))
            .collect();
        assert_eq!(
            added,
            [
                ("operator.a", "create", "people"),
                ("operator.a", "create", "entities"),
                ("operator.a", "create", "stays"),
            ]
        );
        // The audit row carries the keyed hash, never the resident ID.
        let rows = world.store.audit_rows(0, 10_000).await.unwrap();
        let person_row = rows.iter().rev().find(|r| r.entity == "people").unwrap();
        assert!(
            !person_row
                .after
                .as_deref()
                .unwrap()
                .contains(resident("37021120000101001").as_str())
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_founder_and_entity_already_on_record_are_linked_not_recorded_twice_across_carriers() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        // The entity leaves carrier A, then moves into carrier B (another street).
        let stay = store_tenants::find_stay(&world.store, world.stay_id)
            .await
            .unwrap()
            .unwrap();
        tenants::move_out(
            &world.system,
            Acting::User(&official),
            world.stay_id,
            stay.version,
            Some(d(2025, 2, 28)),
        )
        .await
        .unwrap();
        let before = counts(&world).await;
        let recorded = tenants::move_in(
            &world.system,
            Acting::User(&official),
            world.carrier_b,
            &known_row(),
        )
        .await
        .unwrap();
        assert!(!recorded.new_entity && !recorded.new_founder);
        assert_eq!(recorded.entity.id, world.entity_id);
        let after = counts(&world).await;
        assert_eq!(
            (after.0, after.1, after.2),
            (before.0, before.1, before.2 + 1)
        );

        // The same founder with a second, new entity: the person is found by the
        // keyed hash of the resident ID and not recorded again.
        let mut second = known_row();
        second.entity.name = "青岛晓雨文化工作室".into();
        second.entity.credit_code = credit("92370211MA3D00777");
        let recorded = tenants::move_in(
            &world.system,
            Acting::User(&official),
            world.carrier_a,
            &second,
        )
        .await
        .unwrap();
        assert!(recorded.new_entity && !recorded.new_founder);
        assert_eq!(
            recorded.entity.kind,
            store_tenants::EntityKind::IndividualBusiness
        );
        assert_eq!(counts(&world).await.0, before.0);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn an_overlapping_stay_is_refused_with_a_message_naming_the_other_stay_and_nothing_is_written()
 {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        let before = counts(&world).await;
        let audit_before = audit_actions(&world).await.len();
        let error = tenants::move_in(
            &world.system,
            Acting::User(&official),
            world.carrier_b,
            &known_row(),
        )
        .await
        .unwrap_err();
        let problems = problems(error);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0].field.as_str(), problems[0].code),
            ("move_in", "overlapping_stay")
        );
        let zh = problems[0].message.get(fuhua_core::Lang::Zh);
        assert!(
            zh.contains("西海岸新区大学生创业孵化基地") && zh.contains("2024-03-15"),
            "{zh}"
        );
        let en = problems[0].message.get(fuhua_core::Lang::En);
        assert!(en.contains("2024-03-15 to now"), "{en}");
        assert_eq!(counts(&world).await, before);
        assert_eq!(audit_actions(&world).await.len(), audit_before);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_row_that_disagrees_with_the_records_is_refused_field_by_field() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        // The world's credit code with a new founder: recorded with another founder.
        let mut row = new_row(2);
        row.entity.credit_code = credit("91370211MA3D00000");
        let fields: Vec<_> = problems(
            tenants::move_in(
                &world.system,
                Acting::User(&operator),
                world.carrier_a,
                &row,
            )
            .await
            .unwrap_err(),
        )
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect();
        assert!(
            fields.contains(&("credit_code".into(), "other_founder")),
            "{fields:?}"
        );
        assert!(
            fields.contains(&("name".into(), "entity_mismatch")),
            "{fields:?}"
        );

        // The world's founder under another name and group.
        let mut row = new_row(3);
        row.founder.resident_id = resident("37021119980301002");
        row.founder.group = FounderGroup::Unemployed;
        row.founder.graduated_on = None;
        let fields: Vec<_> = problems(
            tenants::move_in(
                &world.system,
                Acting::User(&operator),
                world.carrier_a,
                &row,
            )
            .await
            .unwrap_err(),
        )
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect();
        assert_eq!(
            fields,
            [
                ("founder_name".to_owned(), "founder_mismatch"),
                ("founder_group".to_owned(), "founder_mismatch"),
            ]
        );

        // A graduate without a graduation date; a move-out before the move-in.
        let mut row = new_row(4);
        row.founder.graduated_on = None;
        row.move_out = Some(d(2025, 2, 1));
        let fields: Vec<_> = problems(
            tenants::move_in(
                &world.system,
                Acting::User(&operator),
                world.carrier_a,
                &row,
            )
            .await
            .unwrap_err(),
        )
        .into_iter()
        .map(|p| p.field)
        .collect();
        assert_eq!(fields, ["graduated_on", "move_out"]);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_carrier_outside_the_actors_scope_is_not_found() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        for username in ["operator.b", "official.b", "founder", "finance"] {
            let actor = world.actor(username).await;
            let error = tenants::move_in(
                &world.system,
                Acting::User(&actor),
                world.carrier_a,
                &new_row(5),
            )
            .await
            .unwrap_err();
            assert!(
                matches!(error, ServiceError::NotFound),
                "{username}: {error:?}"
            );
            let error = tenants::set_jobs(&world.system, Acting::User(&actor), world.stay_id, 1, 9)
                .await
                .unwrap_err();
            assert!(
                matches!(error, ServiceError::NotFound),
                "{username}: {error:?}"
            );
        }
        let missing = tenants::move_in(&world.system, Acting::Cli, 999_999, &new_row(5))
            .await
            .unwrap_err();
        assert!(matches!(missing, ServiceError::NotFound));
        // The street official of street B may record in carrier B.
        let official_b = world.actor("official.b").await;
        tenants::move_in(
            &world.system,
            Acting::User(&official_b),
            world.carrier_b,
            &new_row(6),
        )
        .await
        .unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn move_out_rent_and_jobs_change_a_stay_by_version_with_audit_rows() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let by = Acting::User(&operator);
        let stay = tenants::set_jobs(&world.system, by, world.stay_id, 1, 7)
            .await
            .unwrap();
        assert_eq!((stay.jobs, stay.version), (7, 2));
        let stay = tenants::change_rent(
            &world.system,
            by,
            world.stay_id,
            2,
            Money::parse("3200.50").unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(stay.monthly_rent, Money::parse("3200.50").unwrap());
        // A form showing version 2 is stale now.
        let stale = tenants::move_out(&world.system, by, world.stay_id, 2, Some(d(2025, 6, 30)))
            .await
            .unwrap_err();
        assert!(matches!(stale, ServiceError::Conflict { .. }), "{stale:?}");
        let early = tenants::move_out(&world.system, by, world.stay_id, 3, Some(d(2024, 3, 1)))
            .await
            .unwrap_err();
        assert_eq!(problems(early)[0].code, "before_move_in");
        let stay = tenants::move_out(&world.system, by, world.stay_id, 3, Some(d(2025, 6, 30)))
            .await
            .unwrap();
        assert_eq!(stay.move_out, Some(d(2025, 6, 30)));
        let actions: Vec<_> = audit_actions(&world)
            .await
            .into_iter()
            .filter(|(_, _, entity)| entity == "stays")
            .map(|(actor, action, _)| (actor, action))
            .collect();
        assert_eq!(
            actions[actions.len() - 3..],
            [
                ("operator.a".to_owned(), "set_jobs".to_owned()),
                ("operator.a".to_owned(), "change_rent".to_owned()),
                ("operator.a".to_owned(), "move_out".to_owned()),
            ]
        );
        let stored = store_tenants::find_stay(&world.store, world.stay_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.jobs, stored.monthly_rent.to_fen(), stored.version),
            (7, 320_050, 4)
        );
        let negative = tenants::set_jobs(&world.system, by, world.stay_id, 4, -1)
            .await
            .unwrap_err();
        assert_eq!(problems(negative)[0].field, "jobs");
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_move_out_that_would_overlap_a_later_stay_is_refused_naming_it() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        let by = Acting::User(&official);
        tenants::move_out(&world.system, by, world.stay_id, 1, Some(d(2025, 2, 28)))
            .await
            .unwrap();
        let mut later = known_row();
        later.move_in = d(2025, 3, 1);
        tenants::move_in(&world.system, by, world.carrier_b, &later)
            .await
            .unwrap();
        let error = tenants::move_out(&world.system, by, world.stay_id, 2, Some(d(2025, 3, 31)))
            .await
            .unwrap_err();
        let problem = &problems(error)[0];
        assert_eq!(
            (problem.field.as_str(), problem.code),
            ("move_out", "overlapping_stay")
        );
        assert!(
            problem
                .message
                .get(fuhua_core::Lang::Zh)
                .contains("辛安街道创业孵化基地（2025-03-01 至 今）"),
            "{problem:?}"
        );
        db.drop_db().await.unwrap();
    }
}
