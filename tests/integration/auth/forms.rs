//! Registration and the proof of the link between an account and a person.

use chrono::{Duration, NaiveDate, Utc};
use fuhua_core::ResidentId;
use fuhua_core::vocab::FounderGroup;
use fuhua_store::outbox;
use fuhua_store::repo::people::{self, NewPerson};
use fuhua_store::{Actor, password};

use super::app::{AuthApp, Page};

/// A valid resident ID born on 1990-01-01 with sequence `n`.
fn resident_id(n: u32) -> String {
    let first = format!("37021119900101{:03}", n % 1000);
    let check = fuhua_core::ids::resident_check_digit(first.as_bytes()).unwrap();
    format!("{first}{check}")
}

fn registration<'a>(username: &'a str, id: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "陈晓雨"),
        ("resident_id", id),
        ("phone", "13800000001"),
        ("email", email),
        ("username", username),
        ("password", "tidal-lantern-47"),
        ("password_confirm", "tidal-lantern-47"),
    ]
}

/// A person on record, and — with `email` — an account already proven for them.
async fn person_on_record(app: &AuthApp, n: u32, email: Option<&str>) -> i64 {
    let w = app.store.write(&Actor::cli()).await.unwrap();
    let person = people::add_person(
        &w,
        &NewPerson {
            name: "陈晓雨".to_owned(),
            resident_id: ResidentId::parse(&resident_id(n)).unwrap(),
            phone: Some("13800000001".to_owned()),
            founder_group: FounderGroup::Graduate,
            graduated_on: NaiveDate::from_ymd_opt(2022, 7, 1),
            unemployed_on: None,
        },
    )
    .await
    .unwrap();
    if let Some(email) = email {
        people::add_user(
            &w,
            &people::NewUser {
                username: format!("owner{n}"),
                display_name: "陈晓雨".to_owned(),
                email: Some(email.to_owned()),
                password_hash: password::hash_password("owner-password-1").unwrap(),
                person_id: Some(person.id),
                organisation_id: None,
                roles: vec![people::RoleGrant {
                    role: "entrepreneur".to_owned(),
                    jurisdiction_id: None,
                    organisation_id: None,
                }],
            },
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    person.id
}

/// Every mail waiting in the outbox, claimed so each is seen once.
async fn mails(app: &AuthApp) -> Vec<outbox::Mail> {
    outbox::claim(
        &app.store,
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

/// A page with its per-session parts (CSRF tokens) blanked, to compare two pages.
fn without_tokens(page: &Page) -> String {
    let mut body = page.body.clone();
    let marker = "name=\"csrf\" value=\"";
    let mut from = 0;
    while let Some(i) = body[from..].find(marker) {
        let start = from + i + marker.len();
        let end = start + body[start..].find('"').unwrap();
        body.replace_range(start..end, "");
        from = start;
    }
    body
}

async fn person_of(app: &AuthApp, username: &str) -> Option<i64> {
    let system = fuhua_service::System::from_store(app.store.clone());
    fuhua_service::auth::actor_for_username(&system, username)
        .await
        .unwrap()
        .unwrap()
        .person_id
}

#[tokio::test]
async fn a_resident_id_on_record_links_only_once_the_mailed_code_proves_it() {
    let app = AuthApp::spawn().await;
    let person = person_on_record(&app, 1, Some("owner@example.org")).await;
    let page = app
        .post(
            "/register",
            &registration("chen.new", &resident_id(1), "new@example.org"),
            None,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/account/link?registered=1");
    let token = page.session_cookie("fuhua_session").unwrap();
    assert_eq!(
        person_of(&app, "chen.new").await,
        None,
        "not linked before the proof"
    );
    let people = fuhua_store::repo::count(&app.store, "people")
        .await
        .unwrap();
    assert_eq!(people, 1, "never a duplicate person");

    let link = app.get("/account/link?registered=1", Some(&token)).await;
    assert_eq!(link.status, 200);
    assert!(link.body.contains("注册成功"));
    assert!(link.body.contains("name=\"code\""));
    let sent = mails(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].to_address, "owner@example.org",
        "the email on record"
    );
    assert_eq!(sent[0].template, "account_link_code");
    let code = sent[0].context["code"].as_str().unwrap().to_owned();

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let csrf = link.csrf();
    let page = app
        .post(
            "/account/link",
            &[("csrf", &csrf), ("action", "prove"), ("code", wrong)],
            Some(&token),
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(
        page.body
            .contains("id=\"code-error\">验证码不正确，还可以再试4次"),
        "{}",
        page.body
    );
    assert_eq!(person_of(&app, "chen.new").await, None);

    let page = app
        .post(
            "/account/link",
            &[("csrf", &csrf), ("action", "prove"), ("code", &code)],
            Some(&token),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/account/link?proven=1");
    assert_eq!(person_of(&app, "chen.new").await, Some(person));
    let done = app.get("/account/link?proven=1", Some(&token)).await;
    assert!(done.body.contains("验证成功"));
    assert!(!done.body.contains("name=\"code\""));

    // Asking for another code once linked is a clear refusal, not an error page.
    let page = app
        .post(
            "/account/link",
            &[("csrf", &csrf), ("action", "send")],
            Some(&token),
        )
        .await;
    assert_eq!(page.status, 409);
    app.stop().await;
}

#[tokio::test]
async fn registration_reads_the_same_whether_or_not_the_resident_id_is_on_record() {
    let app = AuthApp::spawn().await;
    person_on_record(&app, 2, None).await;
    let known = app
        .post(
            "/register",
            &registration("known.id", &resident_id(2), "a@example.org"),
            None,
        )
        .await;
    let fresh = app
        .post(
            "/register",
            &registration("fresh.id", &resident_id(3), "b@example.org"),
            None,
        )
        .await;
    assert_eq!(known.status, 303);
    assert_eq!(known.status, fresh.status);
    assert_eq!(known.location(), fresh.location());
    assert_eq!(known.body, fresh.body);
    let known_token = known.session_cookie("fuhua_session").unwrap();
    let fresh_token = fresh.session_cookie("fuhua_session").unwrap();
    let known_page = app.get(known.location(), Some(&known_token)).await;
    let fresh_page = app.get(fresh.location(), Some(&fresh_token)).await;
    assert_eq!(known_page.status, fresh_page.status);
    assert_eq!(without_tokens(&known_page), without_tokens(&fresh_page));
    let known_csrf = known_page.csrf();
    let fresh_csrf = fresh_page.csrf();
    let send = [("action", "send")];
    let a = app
        .post(
            "/account/link",
            &[send[0], ("csrf", &known_csrf)],
            Some(&known_token),
        )
        .await;
    let b = app
        .post(
            "/account/link",
            &[send[0], ("csrf", &fresh_csrf)],
            Some(&fresh_token),
        )
        .await;
    assert_eq!((a.status, a.location()), (b.status, b.location()));
    assert_eq!(person_of(&app, "known.id").await, None);
    assert_eq!(person_of(&app, "fresh.id").await, None);
    app.stop().await;
}

#[tokio::test]
async fn a_bad_registration_names_each_field_and_keeps_what_was_typed_but_passwords() {
    let app = AuthApp::spawn().await;
    app.add_user("taken.name", "correct-horse-2026", None).await;
    let mut form = registration("Bad Name!", "37021119900101000X", "not-an-email");
    form[2] = ("phone", "12");
    form[5] = ("password", "short-pw");
    form[6] = ("password_confirm", "short-pw");
    let page = app.post("/register", &form, None).await;
    assert_eq!(page.status, 400);
    assert_eq!(page.headers["cache-control"], "no-store");
    for field in ["resident_id", "phone", "email", "username", "password"] {
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
        assert!(
            page.body.contains(&format!("<a href=\"#{field}\">")),
            "{field} listed at the top"
        );
    }
    assert!(page.body.contains("value=\"not-an-email\""));
    assert!(page.body.contains("value=\"陈晓雨\""));
    assert!(!page.body.contains("short-pw"));
    let taken = app
        .post(
            "/register",
            &registration("taken.name", &resident_id(4), "c@example.org"),
            None,
        )
        .await;
    assert_eq!(taken.status, 400);
    assert!(taken.body.contains("该用户名已被使用"));
    let id = resident_id(4);
    let mut mismatch = registration("new.name", &id, "c@example.org");
    mismatch[6] = ("password_confirm", "tidal-lantern-48");
    let page = app.post("/register", &mismatch, None).await;
    assert!(
        page.body
            .contains("id=\"password_confirm-error\">两次输入的密码不一致")
    );
    let english = app
        .post_with(
            "/register",
            &form,
            None,
            &[("origin", &app.address), ("accept-language", "en")],
        )
        .await;
    assert!(english.body.contains("Enter a valid email address"));
    assert_eq!(
        fuhua_store::repo::count(&app.store, "people")
            .await
            .unwrap(),
        0
    );
    app.stop().await;
}
