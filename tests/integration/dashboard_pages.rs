//! The dashboard's tables over HTTP, on the demo district: the operator sees each of
//! its carriers' reports on time and its claims counted and totalled by state; an
//! official sees the claims of the district by state, with the one waiting for a
//! decision; finance sees neither.

use fuhua_core::YearMonth;
use fuhua_demo as demo;
use fuhua_portal::{AppState, Clock, PortalSettings};
use fuhua_service::System;
use fuhua_service::accounts::actor_by_username;
use fuhua_service::claims::{self, ClaimFilter, ClaimState, money_text};
use fuhua_store::Actor;
use fuhua_store::repo::carriers;
use fuhua_store::testing::TestDb;
use tokio::sync::oneshot;

use crate::helpers::today;

/// Signs `username` in with its README password and returns its dashboard.
async fn dashboard(base: &str, username: &str) -> String {
    let password = demo::demo_accounts()
        .into_iter()
        .find(|a| a.username == username)
        .unwrap()
        .password;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let response = http
        .post(format!("{base}/login"))
        .header("origin", base)
        .form(&[("username", username), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{username} signs in");
    let response = http.get(format!("{base}/dashboard")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// A rate of `on_time` of `due` as the table writes it: a percentage with at most
/// one decimal ("91.7%", "100%").
fn percent(on_time: usize, due: usize) -> String {
    let tenths = (on_time * 1000 + due / 2) / due;
    if tenths.is_multiple_of(10) {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// The section of `page` from the element with `id` to its table's end.
fn table<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</table>").unwrap()]
}

/// The row of the claims table for `state`: its count and total.
fn claims_row(state: ClaimState, count: usize, total: fuhua_core::Money) -> String {
    let label = state.label(fuhua_core::Lang::Zh);
    let head = if count > 0 {
        format!("<a href=\"/claims?state={}\">{label}</a>", state.as_str())
    } else {
        label.to_owned()
    };
    format!(
        "<th scope=\"row\">{head}</th><td>{count}</td><td>{}</td>",
        money_text(total)
    )
}

#[tokio::test]
async fn the_operator_sees_reports_on_time_and_claims_by_state_and_the_official_the_claim_to_decide()
 {
    let db = TestDb::sqlite().await.unwrap();
    let quiet = |_: &str, _: u64, _: u64| {};
    demo::load(&db.store, &Actor::cli(), today(), &quiet)
        .await
        .unwrap();
    let plan = demo::plan(today());
    let system = System::from_store(db.store.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let settings = PortalSettings {
        public_origin: base.clone(),
        ..PortalSettings::default()
    };
    let params = system.parameters().await.unwrap();
    let state =
        AppState::with_system_settings(params, Clock::Fixed(today()), system.clone(), settings)
            .unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(fuhua_portal::serve(listener, state, async {
        let _ = rx.await;
    }));

    // The operator: each of 启航's carriers with its reports of the last twelve
    // months — the figures the plan filed, late ones counted as late.
    let page = dashboard(&base, "operator").await;
    let on_time = table(&page, "on-time");
    let mut months = Vec::new();
    let mut month = YearMonth::of(today());
    for _ in 0..12 {
        month = YearMonth::of(month.first_day() - chrono::Duration::days(1));
        months.push(month.to_string());
    }
    assert!(!months.is_empty());
    let stored = carriers::list_carriers(&db.store).await.unwrap();
    let mut shown = 0;
    for carrier in &plan.carriers {
        if plan.operator_of(&carrier.code) != Some("operator") {
            assert!(
                !on_time.contains(&carrier.name),
                "{} is not hers",
                carrier.name
            );
            continue;
        }
        let due: Vec<_> = plan
            .monthly_reports
            .iter()
            .filter(|r| r.carrier == carrier.code && months.contains(&r.period))
            .filter(|r| r.due_on <= today())
            .collect();
        let in_time = due
            .iter()
            .filter(|r| r.submitted_on.is_some() && !r.late)
            .count();
        let id = stored.iter().find(|c| c.name == carrier.name).unwrap().id;
        let row = format!(
            "<th scope=\"row\"><a href=\"/reports?carrier={id}\">{}</a></th><td>{}</td><td>{in_time}</td>",
            carrier.name,
            due.len()
        );
        assert!(on_time.contains(&row), "{row} in {on_time}");
        assert!(on_time.contains(&percent(in_time, due.len())), "{on_time}");
        shown += 1;
    }
    assert!(shown >= 2, "启航 runs {shown} carriers");

    // Her claims, counted and totalled by state: some paid, the latest quarter's
    // waiting (one submitted).
    let operator = actor_by_username(&db.store, "operator")
        .await
        .unwrap()
        .unwrap();
    let theirs = claims::list(&system, &operator, &ClaimFilter::default(), 1000)
        .await
        .unwrap();
    let by_state = table(&page, "claims-by-state");
    for state in ClaimState::ALL {
        let of: Vec<_> = theirs.iter().filter(|c| c.state == *state).collect();
        let row = claims_row(*state, of.len(), of.iter().map(|c| c.total).sum());
        assert!(by_state.contains(&row), "{row} in {by_state}");
    }
    let paid = theirs
        .iter()
        .filter(|c| c.state == ClaimState::Paid)
        .count();
    assert!(paid >= 2, "{paid} paid");
    let all = format!(
        "<td>{}</td><td>{}</td>",
        theirs.len(),
        money_text(theirs.iter().map(|c| c.total).sum())
    );
    assert!(by_state.contains(&all), "{all} in {by_state}");

    // The district's official: the claims by state, one submitted to decide; no
    // reports-on-time table (it is the operators').
    let page = dashboard(&base, "official.a").await;
    let by_state = table(&page, "claims-by-state");
    let official = actor_by_username(&db.store, "official.a")
        .await
        .unwrap()
        .unwrap();
    let submitted = ClaimFilter {
        state: Some(ClaimState::Submitted),
        ..ClaimFilter::default()
    };
    let waiting = claims::list(&system, &official, &submitted, 1000)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    let row = claims_row(ClaimState::Submitted, 1, waiting[0].total);
    assert!(by_state.contains(&row), "{row} in {by_state}");
    assert!(!page.contains("id=\"on-time\""));

    // Finance has its own pages for claims; its dashboard shows neither table.
    let page = dashboard(&base, "finance").await;
    assert!(!page.contains("id=\"claims-by-state\""));
    assert!(!page.contains("id=\"on-time\""));

    let _ = tx.send(());
    server.await.unwrap();
    db.drop_db().await.unwrap();
}
