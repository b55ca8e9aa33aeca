//! A small world for the sign-in tests: accounts, and a founder whose entity stays
//! in a carrier run by an operator organisation.

use chrono::{Duration, NaiveDate, Utc};
use fuhua_core::vocab::{CarrierKind, FounderGroup, Founding, Operation};
use fuhua_core::{CreditCode, Money, ResidentId};
use fuhua_store::outbox::{self, Mail};
use fuhua_store::repo::carriers::{self, NewCarrier};
use fuhua_store::repo::people::{self, NewPerson, NewUser, RoleGrant};
use fuhua_store::repo::reference::{self, NewOrganisation, OrganisationKind};
use fuhua_store::repo::tenants::{self, EntityKind, NewEntity, NewStay};
use fuhua_store::{Actor, Store, password};

/// The password of every account `add_user` makes.
pub const PASSWORD: &str = "correct-horse-2026";

/// A valid resident ID born on 1990-01-01 with sequence `n`.
pub fn resident_id(n: u32) -> String {
    let first = format!("37021119900101{:03}", n % 1000);
    let check = fuhua_core::ids::resident_check_digit(first.as_bytes()).unwrap_or('0');
    format!("{first}{check}")
}

/// A valid credit code with sequence `n`.
pub fn credit_code(n: u32) -> String {
    let first = format!("91370211MA{:07}", n);
    let check = fuhua_core::ids::credit_check_char(first.as_bytes()).unwrap_or('0');
    format!("{first}{check}")
}

/// An account with `PASSWORD`, display name "<username> 的名字"; an entrepreneur
/// unless it operates `organisation`.
pub async fn add_user_with(
    store: &Store,
    username: &str,
    email: Option<&str>,
    person_id: Option<i64>,
    organisation: Option<i64>,
) -> i64 {
    let role = if organisation.is_some() {
        "operator"
    } else {
        "entrepreneur"
    };
    let w = store.write(&Actor::cli()).await.unwrap();
    let user = people::add_user(
        &w,
        &NewUser {
            username: username.to_owned(),
            display_name: format!("{username} 的名字"),
            email: email.map(str::to_owned),
            password_hash: password::hash_password(PASSWORD).unwrap(),
            person_id,
            organisation_id: organisation,
            roles: vec![RoleGrant {
                role: role.to_owned(),
                jurisdiction_id: None,
                organisation_id: organisation,
            }],
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    user.id
}

pub async fn add_user(
    store: &Store,
    username: &str,
    email: Option<&str>,
    person_id: Option<i64>,
) -> i64 {
    add_user_with(store, username, email, person_id, None).await
}

/// A founder on record (with a phone) whose entity stays in a carrier operated by
/// a new organisation. Returns (person id, organisation id).
pub async fn founder_in_operated_carrier(store: &Store, n: u32, phone: &str) -> (i64, i64) {
    let seed = fuhua_store::testing::seed_carriers(store, &[]).await;
    let jurisdiction_id = match seed {
        Ok(seed) => seed.jurisdiction_id,
        Err(_) => {
            reference::find_jurisdiction_by_code(store, "370211001")
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let w = store.write(&Actor::cli()).await.unwrap();
    let org = reference::add_organisation(
        &w,
        &NewOrganisation {
            name: format!("运营机构{n}"),
            credit_code: CreditCode::parse(&credit_code(n)).unwrap(),
            kind: OrganisationKind::Operator,
            contact_name: None,
            contact_phone: None,
            email: None,
        },
    )
    .await
    .unwrap();
    let carrier = carriers::add_carrier(
        &w,
        &NewCarrier {
            name: format!("载体{n}"),
            kind: CarrierKind::IncubationBase,
            founding: Founding::GovInvested,
            operation: Operation::Entrusted,
            jurisdiction_id,
            address: "长江中路1号".to_owned(),
            floor_area_centi: 100_000,
            workstations: 10,
            operator_org_id: Some(org.id),
            waives_rent: true,
            base_operating_subsidy: None,
            contact_name: None,
            contact_phone: None,
        },
    )
    .await
    .unwrap();
    let person = people::add_person(
        &w,
        &NewPerson {
            name: format!("创始人{n}"),
            resident_id: ResidentId::parse(&resident_id(n)).unwrap(),
            phone: Some(phone.to_owned()),
            founder_group: FounderGroup::Graduate,
            graduated_on: NaiveDate::from_ymd_opt(2022, 7, 1),
            unemployed_on: None,
        },
    )
    .await
    .unwrap();
    let entity = tenants::add_entity(
        &w,
        &NewEntity {
            name: format!("企业{n}"),
            kind: EntityKind::Enterprise,
            credit_code: CreditCode::parse(&credit_code(n + 500)).unwrap(),
            registered_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            founder_person_id: person.id,
        },
    )
    .await
    .unwrap();
    tenants::add_stay(
        &w,
        &NewStay {
            entity_id: entity.id,
            carrier_id: carrier.id,
            move_in: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(),
            move_out: None,
            monthly_rent: Money::yuan(3000),
            area_centi: None,
            unit: None,
            jobs: 0,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    (person.id, org.id)
}

/// Every mail waiting in the outbox (claimed, so each is seen once).
pub async fn mails(store: &Store) -> Vec<Mail> {
    outbox::claim(
        store,
        "test",
        100,
        Duration::minutes(5),
        Utc::now() + Duration::minutes(1),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|c| c.mail)
    .collect()
}
