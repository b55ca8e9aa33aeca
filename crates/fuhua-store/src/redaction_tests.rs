//! Secrets and personal data never reach `Debug` output (SPEC §6): keys, database
//! URLs with passwords, password hashes, session tokens, resident IDs and phones.

use std::path::Path;

use chrono::Utc;
use fuhua_core::vocab::{CarrierKind, FounderGroup, Founding, Operation};
use fuhua_core::{CreditCode, ResidentId};

use crate::config::{DataKeySource, StoreConfig};
use crate::crypto::{ChainKey, Crypto, DataKey};
use crate::entities::{session, user};
use crate::repo::carriers::NewCarrier;
use crate::repo::people::{NewPerson, NewUser};
use crate::repo::reference::{NewOrganisation, OrganisationKind};
use crate::testing::TestDb;

const RESIDENT_ID: &str = "11010519491231002X";
const PHONE: &str = "13912345678";
const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
const SESSION_ID: &str = "3q2-7wAAAAAsession-token-secret";
const CSRF: &str = "csrf-token-secret-value";

/// Asserts that none of `secrets` appears in `shown`.
fn hides(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
}

#[test]
fn keys_and_their_sources_print_redacted() {
    let key = DataKey::generate();
    let base64 = key.to_base64();
    let config = StoreConfig::new(
        Some("postgres://fuhua:pg-s3cret@db.internal:5432/fuhua"),
        Path::new("data"),
        Some(&base64),
    )
    .unwrap();
    let shown = format!(
        "{key:?} {:?} {:?} {config:?} {:?} {:?}",
        ChainKey::new(&key),
        Crypto::new(&key),
        config.database,
        DataKeySource::new(base64.clone()),
    );
    hides(&shown, &[&base64, "pg-s3cret"]);
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(shown.contains("fuhua:***@db.internal"), "{shown}");
}

#[test]
fn accounts_and_sessions_print_without_hashes_or_tokens() {
    let now = Utc::now();
    let stored = user::Model {
        id: 1,
        username: "official.a".into(),
        display_name: "王审核".into(),
        email: None,
        password_hash: PASSWORD_HASH.into(),
        person_id: None,
        organisation_id: None,
        active: true,
        last_login_at: None,
        created_at: now,
    };
    let new = NewUser {
        username: "official.a".into(),
        display_name: "王审核".into(),
        email: None,
        password_hash: PASSWORD_HASH.into(),
        person_id: None,
        organisation_id: None,
        roles: Vec::new(),
    };
    let session = session::Model {
        id: SESSION_ID.into(),
        user_id: 1,
        csrf_token: CSRF.into(),
        created_at: now,
        expires_at: now,
        last_seen_at: now,
        client_addr: Some("127.0.0.1".into()),
    };
    let shown = format!("{stored:?} {new:?} {session:?}");
    hides(&shown, &[PASSWORD_HASH, "c2FsdHNhbHQ", SESSION_ID, CSRF]);
    assert!(shown.contains("official.a"), "{shown}");
    // The ActiveModels sea-orm derives (what an update or insert carries) too.
    let active_user = user::ActiveModel::from(stored);
    let active_session = session::ActiveModel::from(session);
    let shown = format!("{active_user:?} {active_session:?}");
    hides(&shown, &[PASSWORD_HASH, "c2FsdHNhbHQ", SESSION_ID, CSRF]);
    assert!(shown.contains("official.a"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[test]
fn people_carriers_and_organisations_print_without_ids_or_phones() {
    let person = NewPerson {
        name: "张三".into(),
        resident_id: ResidentId::parse(RESIDENT_ID).unwrap(),
        phone: Some(PHONE.into()),
        founder_group: FounderGroup::Graduate,
        graduated_on: None,
        unemployed_on: None,
    };
    let carrier = NewCarrier {
        name: "辛安街道创业孵化基地".into(),
        kind: CarrierKind::IncubationBase,
        founding: Founding::StreetTown,
        operation: Operation::SelfOperated,
        jurisdiction_id: 1,
        address: "前湾港路1号".into(),
        floor_area_centi: 100,
        workstations: 1,
        operator_org_id: None,
        waives_rent: true,
        base_operating_subsidy: None,
        contact_name: Some("李四".into()),
        contact_phone: Some(PHONE.into()),
    };
    let organisation = NewOrganisation {
        name: "青岛某某运营有限公司".into(),
        credit_code: CreditCode::parse("91110000600037341L").unwrap(),
        kind: OrganisationKind::Operator,
        contact_name: None,
        contact_phone: Some(PHONE.into()),
        email: None,
    };
    let shown = format!("{person:?} {carrier:?} {organisation:?}");
    hides(&shown, &[RESIDENT_ID, "19491231", PHONE]);
    assert!(
        shown.contains("张三") && shown.contains("<redacted>"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_open_store_and_a_write_print_no_key() {
    let db = TestDb::sqlite().await.unwrap();
    let key = db.store.crypto().clone();
    let w = db.store.write(&crate::Actor::cli()).await.unwrap();
    let shown = format!("{:?} {w:?} {key:?} {:?}", db.store, db.config);
    w.rollback().await.unwrap();
    assert!(
        shown.contains("sqlite") && shown.contains("system:cli"),
        "{shown}"
    );
    let file = std::fs::read_to_string(
        db.sqlite_path()
            .unwrap()
            .with_file_name(crate::crypto::KEY_FILE),
    )
    .unwrap();
    hides(&shown, &[file.trim()]);
    db.drop_db().await.unwrap();
}
