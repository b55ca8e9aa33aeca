//! A small district for the journey tests, built through the store: the district
//! and two streets, two operators with one government base each, a founder with an
//! entity and a stay, and one account per role (with a second operator and a
//! street official who must not see the first street's records).

use chrono::NaiveDate;
use fuhua_core::vocab::{CarrierKind, FounderGroup, Founding, Operation};
use fuhua_core::{CreditCode, Money, ResidentId};
use fuhua_service::System;
use fuhua_service::accounts::actor_by_username;
use fuhua_service::actor::Actor;
use fuhua_store::repo::carriers::{self, NewCarrier};
use fuhua_store::repo::people::{self, NewPerson, NewUser, RoleGrant};
use fuhua_store::repo::reference::{
    self, JurisdictionKind, NewJurisdiction, NewOrganisation, OrganisationKind,
};
use fuhua_store::repo::tenants::{self, EntityKind, NewEntity, NewStay};
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor as AuditActor, Store, password};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn resident(first17: &str) -> ResidentId {
    let check = fuhua_core::ids::resident_check_digit(first17.as_bytes()).unwrap();
    ResidentId::parse_as_of(&format!("{first17}{check}"), d(2026, 11, 27)).unwrap()
}

pub fn credit(first17: &str) -> CreditCode {
    let check = fuhua_core::ids::credit_check_char(first17.as_bytes()).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

/// An account of the world: username, role, person, jurisdiction, organisation.
type Account = (
    &'static str,
    &'static str,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The password of every account of the world.
pub const PASSWORD: &str = "journey-password-2026";

pub struct World {
    pub system: System,
    /// The store under `system`, for setting up and checking records directly.
    pub store: Store,
    pub street_a: i64,
    pub street_b: i64,
    pub carrier_a: i64,
    pub carrier_b: i64,
    pub entity_id: i64,
    pub stay_id: i64,
    /// A second founder's stay in street B (someone else's record).
    pub other_stay_id: i64,
}

impl World {
    pub async fn actor(&self, username: &str) -> Actor {
        actor_by_username(&self.store, username)
            .await
            .unwrap()
            .unwrap()
    }
}

/// Builds the world on `db`.
pub async fn build(db: &TestDb) -> World {
    let store = &db.store;
    let w = store.write(&AuditActor::cli()).await.unwrap();
    let district = reference::add_jurisdiction(
        &w,
        &NewJurisdiction {
            code: "370211".into(),
            name: "黄岛区".into(),
            kind: JurisdictionKind::District,
            parent_id: None,
        },
    )
    .await
    .unwrap();
    let mut streets = Vec::new();
    for (code, name) in [("370211001", "长江路街道"), ("370211002", "辛安街道")] {
        streets.push(
            reference::add_jurisdiction(
                &w,
                &NewJurisdiction {
                    code: code.into(),
                    name: name.into(),
                    kind: JurisdictionKind::StreetTown,
                    parent_id: Some(district.id),
                },
            )
            .await
            .unwrap(),
        );
    }
    let mut orgs = Vec::new();
    for (n, name) in ["青岛启航创业服务有限公司", "青岛辛安孵化管理有限公司"]
        .iter()
        .enumerate()
    {
        orgs.push(
            reference::add_organisation(
                &w,
                &NewOrganisation {
                    name: (*name).into(),
                    credit_code: credit(&format!("91370211MA3C00{n}00")),
                    kind: OrganisationKind::Operator,
                    contact_name: None,
                    contact_phone: None,
                    email: None,
                },
            )
            .await
            .unwrap(),
        );
    }
    let mut carrier_ids = Vec::new();
    for (n, name) in ["西海岸新区大学生创业孵化基地", "辛安街道创业孵化基地"]
        .iter()
        .enumerate()
    {
        carrier_ids.push(
            carriers::add_carrier(
                &w,
                &NewCarrier {
                    name: (*name).into(),
                    kind: CarrierKind::IncubationBase,
                    founding: Founding::GovInvested,
                    operation: Operation::Entrusted,
                    jurisdiction_id: streets[n].id,
                    address: "长江中路1号".into(),
                    floor_area_centi: 500_000,
                    workstations: 80,
                    operator_org_id: Some(orgs[n].id),
                    waives_rent: true,
                    base_operating_subsidy: None,
                    contact_name: None,
                    contact_phone: None,
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    let mut stays = Vec::new();
    let mut persons = Vec::new();
    for (n, (name, id17)) in [
        ("陈晓雨", "37021119980301002"),
        ("王立强", "37021119900515003"),
    ]
    .iter()
    .enumerate()
    {
        let person = people::add_person(
            &w,
            &NewPerson {
                name: (*name).into(),
                resident_id: resident(id17),
                phone: None,
                founder_group: FounderGroup::Graduate,
                graduated_on: Some(d(2022, 7, 1)),
                unemployed_on: None,
            },
        )
        .await
        .unwrap();
        let entity = tenants::add_entity(
            &w,
            &NewEntity {
                name: format!("青岛{name}科技有限公司"),
                kind: EntityKind::Enterprise,
                credit_code: credit(&format!("91370211MA3D00{n}00")),
                registered_on: d(2024, 1, 10),
                founder_person_id: person.id,
            },
        )
        .await
        .unwrap();
        let stay = tenants::add_stay(
            &w,
            &NewStay {
                entity_id: entity.id,
                carrier_id: carrier_ids[n],
                move_in: d(2024, 3, 15),
                move_out: None,
                monthly_rent: Money::yuan(3000),
                area_centi: None,
                unit: Some(format!("A-{n}01")),
                jobs: 3,
            },
        )
        .await
        .unwrap();
        stays.push((entity.id, stay.id));
        persons.push(person.id);
    }
    let hash = password::hash_password(PASSWORD).unwrap();
    let accounts: [Account; 6] = [
        ("founder", "entrepreneur", Some(persons[0]), None, None),
        ("operator.a", "operator", None, None, Some(orgs[0].id)),
        ("operator.b", "operator", None, None, Some(orgs[1].id)),
        (
            "official.district",
            "official",
            None,
            Some(district.id),
            None,
        ),
        ("official.b", "official", None, Some(streets[1].id), None),
        ("finance", "finance", None, Some(district.id), None),
    ];
    for (username, role, person_id, jurisdiction_id, organisation_id) in accounts {
        people::add_user(
            &w,
            &NewUser {
                username: username.into(),
                display_name: username.into(),
                email: Some(format!("{username}@example.cn")),
                password_hash: hash.clone(),
                person_id,
                organisation_id,
                roles: vec![RoleGrant {
                    role: role.into(),
                    jurisdiction_id,
                    organisation_id,
                }],
            },
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    World {
        system: System::from_store(db.store.clone()),
        store: db.store.clone(),
        street_a: streets[0].id,
        street_b: streets[1].id,
        carrier_a: carrier_ids[0],
        carrier_b: carrier_ids[1],
        entity_id: stays[0].0,
        stay_id: stays[0].1,
        other_stay_id: stays[1].1,
    }
}
