//! Registration and proving the link between an account and a person.

use fuhua_core::Lang;
use fuhua_store::testing::TestDb;

use super::world::{
    PASSWORD, add_user, add_user_with, founder_in_operated_carrier, mails, resident_id,
};
use super::{policy, t0};
use crate::auth::*;
use crate::error::ServiceError;
use crate::system::System;

fn registration(username: &str, resident: &str, email: &str) -> Registration {
    Registration {
        name: "陈晓雨".to_owned(),
        resident_id: resident.to_owned(),
        phone: "138 0000 0001".to_owned(),
        email: email.to_owned(),
        username: username.to_owned(),
        password: "tidal-lantern-47".to_owned(),
    }
}

async fn actor_of(system: &System, username: &str) -> crate::actor::Actor {
    actor_for_username(system, username).await.unwrap().unwrap()
}

#[tokio::test]
async fn an_existing_person_is_linked_only_once_the_mailed_code_proves_it() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        let (person, _) = founder_in_operated_carrier(&db.store, 1, "13800000001").await;
        add_user(
            &db.store,
            "founder.old",
            Some("old@example.org"),
            Some(person),
        )
        .await;
        let before = fuhua_store::repo::count(&db.store, "people").await.unwrap();

        let registered = register_entrepreneur(
            &system,
            &registration("chen.new", &resident_id(1), "new@example.org"),
            Lang::Zh,
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(
            fuhua_store::repo::count(&db.store, "people").await.unwrap(),
            before,
            "never a duplicate person"
        );
        let actor = actor_of(&system, "chen.new").await;
        assert_eq!(actor.user_id, registered.user_id);
        assert_eq!(actor.person_id, None, "not linked before the proof");
        assert!(matches!(
            link_status(&system, &actor).await.unwrap(),
            LinkStatus::Pending { .. }
        ));

        // The code went to the email on record, not to the one just typed.
        let sent = mails(&db.store).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to_address, "old@example.org");
        assert_eq!(sent[0].template, "account_link_code");
        assert_eq!(sent[0].context["minutes"], 15);
        assert_eq!(sent[0].context["recipient_name"], "founder.old 的名字");
        let code = sent[0].context["code"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 6);
        let audit = db.store.audit_rows(0, 10_000).await.unwrap();
        assert!(
            audit
                .iter()
                .all(|r| !format!("{r:?}").contains(&format!("\"{code}\""))),
            "the code is not audited"
        );
        assert!(audit.iter().any(|r| {
            r.action == "register"
                && r.after
                    .as_deref()
                    .unwrap_or("")
                    .contains("resident_id_hash")
        }));
        assert!(
            audit
                .iter()
                .all(|r| !format!("{r:?}").contains(&resident_id(1)))
        );

        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = prove_link(&system, &actor, wrong, t0()).await;
        assert!(
            matches!(&r, Err(ServiceError::Invalid(p)) if p[0].code == "wrong_code" && p[0].field == "code"),
            "{r:?}"
        );
        let r = prove_link(&system, &actor, "12a", t0()).await;
        assert!(
            matches!(&r, Err(ServiceError::Invalid(p)) if p[0].code == "invalid_code"),
            "{r:?}"
        );
        prove_link(&system, &actor, &format!(" {code} "), t0())
            .await
            .unwrap();
        let actor = actor_of(&system, "chen.new").await;
        assert_eq!(actor.person_id, Some(person));
        assert_eq!(
            link_status(&system, &actor).await.unwrap(),
            LinkStatus::Linked { person_id: person }
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn codes_expire_after_fifteen_minutes_and_five_wrong_tries() {
    let db = TestDb::sqlite().await.unwrap();
    let system = System::from_store(db.store.clone());
    register_entrepreneur(
        &system,
        &registration("chen.new", &resident_id(7), "new@example.org"),
        Lang::En,
        t0(),
    )
    .await
    .unwrap();
    let actor = actor_of(&system, "chen.new").await;
    // A person recorded by this registration: the email just given is on record.
    let sent = mails(&db.store).await;
    assert_eq!(sent[0].to_address, "new@example.org");
    assert_eq!(sent[0].lang, "en");
    let code = sent[0].context["code"].as_str().unwrap().to_owned();
    let late = t0() + chrono::Duration::minutes(15);
    let r = prove_link(&system, &actor, &code, late).await;
    assert!(
        matches!(&r, Err(ServiceError::Invalid(p)) if p[0].code == "expired"),
        "{r:?}"
    );

    let delivery = request_link_code(&system, &actor, Lang::Zh, late)
        .await
        .unwrap();
    assert!(matches!(delivery, LinkDelivery::CodeSent { .. }));
    let code = mails(&db.store).await[0].context["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = prove_link(&system, &actor, wrong, late).await;
        assert!(
            matches!(&r, Err(ServiceError::Invalid(p)) if p[0].code == "wrong_code"),
            "{r:?}"
        );
    }
    let r = prove_link(&system, &actor, &code, late).await;
    assert!(
        matches!(&r, Err(ServiceError::Invalid(p)) if p[0].code == "too_many_tries"),
        "{r:?}"
    );
    // Five codes per request at most.
    for _ in 0..3 {
        request_link_code(&system, &actor, Lang::Zh, late)
            .await
            .unwrap();
    }
    let r = request_link_code(&system, &actor, Lang::Zh, late).await;
    assert!(matches!(r, Err(ServiceError::Throttled)), "{r:?}");
    let code = mails(&db.store).await.pop().unwrap().context["code"]
        .as_str()
        .unwrap()
        .to_owned();
    prove_link(&system, &actor, &code, late).await.unwrap();
    assert!(actor_of(&system, "chen.new").await.person_id.is_some());
    db.drop_db().await.unwrap();
}

#[tokio::test]
async fn without_an_email_on_record_the_operator_of_the_persons_carrier_confirms() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        let (person, org) = founder_in_operated_carrier(&db.store, 2, "13800000001").await;
        let (_, other_org) = founder_in_operated_carrier(&db.store, 3, "13900000000").await;
        add_user_with(&db.store, "operator", None, None, Some(org)).await;
        add_user_with(&db.store, "other.op", None, None, Some(other_org)).await;
        register_entrepreneur(
            &system,
            &registration("chen.new", &resident_id(2), "new@example.org"),
            Lang::Zh,
            t0(),
        )
        .await
        .unwrap();
        assert!(
            mails(&db.store).await.is_empty(),
            "no email on record: no code"
        );
        let applicant = actor_of(&system, "chen.new").await;
        assert_eq!(applicant.person_id, None);

        let operator = actor_of(&system, "operator").await;
        let waiting = pending_links_for_operator(&system, &operator)
            .await
            .unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].username, "chen.new");
        assert_eq!(waiting[0].person_name, "创始人2");
        assert!(
            waiting[0].phone_matches,
            "the phone typed is the one on record"
        );
        assert_eq!(waiting[0].entities, vec!["企业2".to_owned()]);
        assert!(!waiting[0].resident_id_masked.contains(&resident_id(2)));

        let other = actor_of(&system, "other.op").await;
        assert!(
            pending_links_for_operator(&system, &other)
                .await
                .unwrap()
                .is_empty()
        );
        let r = confirm_link(&system, &other, waiting[0].id, t0()).await;
        assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");
        let r = confirm_link(&system, &applicant, waiting[0].id, t0()).await;
        assert!(matches!(r, Err(ServiceError::Forbidden)), "{r:?}");
        assert!(matches!(
            pending_links_for_operator(&system, &applicant).await,
            Err(ServiceError::Forbidden)
        ));

        confirm_link(&system, &operator, waiting[0].id, t0())
            .await
            .unwrap();
        assert_eq!(actor_of(&system, "chen.new").await.person_id, Some(person));
        assert!(
            pending_links_for_operator(&system, &operator)
                .await
                .unwrap()
                .is_empty()
        );
        let r = confirm_link(&system, &operator, waiting[0].id, t0()).await;
        assert!(
            matches!(r, Err(ServiceError::NotFound)),
            "confirmed once: {r:?}"
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn registration_answers_the_same_whether_or_not_the_person_was_on_record() {
    let db = TestDb::sqlite().await.unwrap();
    let system = System::from_store(db.store.clone());
    founder_in_operated_carrier(&db.store, 4, "13800000001").await;
    let known = register_entrepreneur(
        &system,
        &registration("known.id", &resident_id(4), "a@example.org"),
        Lang::Zh,
        t0(),
    )
    .await
    .unwrap();
    let fresh = register_entrepreneur(
        &system,
        &registration("fresh.id", &resident_id(5), "b@example.org"),
        Lang::Zh,
        t0(),
    )
    .await
    .unwrap();
    assert_eq!(known.username, "known.id");
    assert_eq!(fresh.username, "fresh.id");
    for name in ["known.id", "fresh.id"] {
        let actor = actor_of(&system, name).await;
        assert_eq!(actor.person_id, None);
        let status = link_status(&system, &actor).await.unwrap();
        assert!(
            matches!(status, LinkStatus::Pending { codes_left, .. } if codes_left >= 4),
            "{status:?}"
        );
    }
    // Taken usernames are named; bad fields are each named; nothing else is said.
    let taken = register_entrepreneur(
        &system,
        &registration("known.id", &resident_id(6), "c@example.org"),
        Lang::Zh,
        t0(),
    )
    .await;
    assert!(
        matches!(&taken, Err(ServiceError::Invalid(p)) if p.len() == 1 && p[0].code == "taken"),
        "{taken:?}"
    );
    let mut bad = registration("Bad Name", "370211199001010000", "not-an-email");
    bad.name = String::new();
    bad.phone = "12".to_owned();
    bad.password = "short".to_owned();
    let Err(ServiceError::Invalid(problems)) =
        register_entrepreneur(&system, &bad, Lang::Zh, t0()).await
    else {
        panic!("a bad registration must be refused");
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "resident_id",
            "phone",
            "email",
            "username",
            "password"
        ]
    );
    // A new account can sign in at once.
    login(
        &system,
        &policy(),
        "fresh.id",
        "tidal-lantern-47",
        "10.1.1.1",
        t0(),
    )
    .await
    .unwrap();
    assert!(PASSWORD != "tidal-lantern-47");
    db.drop_db().await.unwrap();
}
