//! Every demo account the README lists signs in and gets a session.

use fuhua_service::demo;
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
