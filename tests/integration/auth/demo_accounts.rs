//! Every demo account the README lists signs in and gets a session.

use fuhua_demo as demo;
use fuhua_store::Actor;

use super::app::AuthApp;
use crate::helpers::today;

/// The (username, password) rows of README's "Demo accounts" table.
fn readme_accounts() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme.split("### Demo accounts").nth(1).unwrap();
    section
        .lines()
        .take_while(|l| !l.starts_with("###"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let user = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let password = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((user.to_owned(), password.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn every_readme_demo_account_signs_in_and_gets_a_session() {
    let app = AuthApp::spawn().await;
    demo::load(
        &app.store,
        &Actor::cli(),
        today(),
        &|_: &str, _: u64, _: u64| {},
    )
    .await
    .unwrap();
    let accounts = readme_accounts();
    assert_eq!(
        accounts.len(),
        demo::demo_accounts().len(),
        "README lists every demo account"
    );
    for (username, password) in &accounts {
        let token = app.login(username, password).await;
        let page = app.get("/account/password", Some(&token)).await;
        assert_eq!(page.status, 200, "{username}");
        let account = demo::demo_accounts()
            .into_iter()
            .find(|a| &a.username == username)
            .unwrap();
        assert!(page.body.contains(&account.display_name), "{username}");
    }
    // The demo entrepreneur stands for their founder record from the start.
    let system = fuhua_service::System::from_store(app.store.clone());
    let entrepreneur = fuhua_service::auth::actor_for_username(&system, "entrepreneur")
        .await
        .unwrap()
        .unwrap();
    assert!(entrepreneur.person_id.is_some());
    app.stop().await;
}

#[tokio::test]
async fn a_demo_founder_without_an_email_on_record_is_confirmed_by_their_operator() {
    let app = AuthApp::spawn().await;
    demo::load(
        &app.store,
        &Actor::cli(),
        today(),
        &|_: &str, _: u64, _: u64| {},
    )
    .await
    .unwrap();
    let plan = demo::plan(today());
    let accounts = demo::demo_accounts();
    let operator = accounts.iter().find(|a| a.username == "operator").unwrap();
    let entrepreneur = accounts
        .iter()
        .find(|a| a.username == "entrepreneur")
        .unwrap();
    // A founder of a tenant in one of the demo operator's carriers, with no account
    // (neither the entrepreneur's nor one the demo's cases gave a founder).
    let (entity, founder) = plan
        .stays
        .iter()
        .filter(|s| {
            plan.carrier(&s.carrier)
                .is_some_and(|c| c.operator == operator.scope.code())
        })
        .filter(|s| s.entity != entrepreneur.scope.code())
        .filter(|s| {
            plan.cases
                .founder_accounts
                .iter()
                .all(|a| a.entity != s.entity)
        })
        .find_map(|s| {
            plan.entity(&s.entity)
                .map(|e| (e.name.clone(), e.founder.clone()))
        })
        .unwrap();
    let form = [
        ("name", founder.name.as_str()),
        ("resident_id", founder.resident_id.as_str()),
        ("phone", founder.phone.as_str()),
        ("email", "founder@example.org"),
        ("username", "founder.new"),
        ("password", "tidal-lantern-47"),
        ("password_confirm", "tidal-lantern-47"),
    ];
    let page = app.post("/register", &form, None).await;
    assert_eq!(page.status, 303, "{}", page.body);

    let token = app.login("operator", &operator.password).await;
    let list = app.get("/operator/links", Some(&token)).await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains(&founder.name),
        "the founder on record is named"
    );
    assert!(
        list.body.contains(&entity),
        "with the tenant in the operator's carrier"
    );
    assert!(list.body.contains("founder.new"));
    assert!(
        !list.body.contains(&founder.resident_id),
        "the ID stays masked"
    );
    let action = "action=\"/operator/links/";
    let start = list.body.find(action).unwrap() + action.len();
    let id: String = list.body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let confirm = app
        .post(
            &format!("/operator/links/{id}/confirm"),
            &[("csrf", &list.csrf())],
            Some(&token),
        )
        .await;
    assert_eq!(confirm.status, 303);
    assert_eq!(confirm.location(), "/operator/links?confirmed=1");
    let system = fuhua_service::System::from_store(app.store.clone());
    let linked = fuhua_service::auth::actor_for_username(&system, "founder.new")
        .await
        .unwrap()
        .unwrap();
    assert!(linked.person_id.is_some());
    // Confirmed once; a second time the link is no longer there.
    let again = app
        .post(
            &format!("/operator/links/{id}/confirm"),
            &[("csrf", &list.csrf())],
            Some(&token),
        )
        .await;
    assert_eq!(again.status, 404);
    app.stop().await;
}
