//! The authorization table: every signed-in route × role × own/other record →
//! the expected status. One test walks it over HTTP and fails when a route of the
//! portal has no row. Requests are chosen so that an allowed one does not change
//! anything (a stale `version`, an empty form), so the rows can run in any order.
//! A record outside the actor's scope answers 404, never 403.

use fuhua_core::ParameterSet;
use fuhua_portal::pages::{auth, work};
use fuhua_portal::{AppState, Clock, PortalSettings};
use fuhua_service::extension;
use fuhua_service::relief;
use fuhua_store::repo::people::{self, NewUser, RoleGrant};
use fuhua_store::repo::tenants;
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor as AuditActor, password};
use tokio::sync::oneshot;

use crate::helpers::today;
use crate::world::{self, PASSWORD};

use crate::authz_table::{ROLES, Rec, TABLE};

/// The records a row may use: (own, other) ids per role and kind of path.
struct Records {
    app: [i64; 2],
    stay: [i64; 2],
    entity: [i64; 2],
    extension: [i64; 2],
    carrier: [i64; 2],
    claim: [i64; 2],
    report: [i64; 2],
    /// A stored tenant-roll upload of each carrier.
    upload: [i64; 2],
}

impl Records {
    /// Index 0 is street A's, 1 street B's. official.b's own records are street B's.
    fn pick(&self, role: &str, rec: Rec) -> usize {
        let own = if role == "official.b" { 1 } else { 0 };
        match rec {
            Rec::Own | Rec::None => own,
            Rec::Other => 1 - own,
        }
    }
}

fn request(
    route: &str,
    method: &str,
    i: usize,
    r: &Records,
    csrf: &str,
) -> (String, Vec<(String, String)>) {
    let mut form: Vec<(&str, String)> = vec![("csrf", csrf.to_owned())];
    let path = match (method, route) {
        ("GET", "/relief/new") => format!("/relief/new?stay={}", r.stay[i]),
        ("POST", "/relief") => {
            form.push(("stay", r.stay[i].to_string()));
            "/relief".into()
        }
        ("POST", "/relief/{id}/act") => {
            form.push(("version", "0".into()));
            form.push(("action", "approve".into()));
            form.push(("reason_code", "eligible".into()));
            route.replace("{id}", &r.app[i].to_string())
        }
        ("GET", "/reports/file") => format!("/reports/file?carrier={}&month=2026-10", r.carrier[i]),
        ("POST", "/reports" | "/reports/upload") => {
            form.push(("carrier", r.carrier[i].to_string()));
            form.push(("month", "2026-10".into()));
            route.into()
        }
        ("POST", "/reports/{id}/decide") => {
            form.push(("version", "0".into()));
            form.push(("action", "accept".into()));
            route.replace("{id}", &r.report[i].to_string())
        }
        ("GET", "/reports/bulk") => format!("/reports/bulk?id={}", r.report[i]),
        ("POST", "/reports/bulk") => {
            form.push(("item", format!("{}:0", r.report[i])));
            "/reports/bulk".into()
        }
        ("GET", "/reports/bulk/result") => format!("/reports/bulk/result?failed={}", r.report[i]),
        (_, "/reports/{id}") => route.replace("{id}", &r.report[i].to_string()),
        ("GET", "/extensions/new") => format!("/extensions/new?entity={}", r.entity[i]),
        ("POST", "/extensions") => {
            form.push(("entity", r.entity[i].to_string()));
            form.push(("months", "x".into()));
            "/extensions".into()
        }
        ("POST", "/extensions/{id}/decide") => {
            form.push(("version", "0".into()));
            form.push(("decision", "approve".into()));
            form.push(("months", "1".into()));
            route.replace("{id}", &r.extension[i].to_string())
        }
        ("POST", route) if route.starts_with("/stays/") => {
            form.push(("version", "0".into()));
            form.push(("move_out", "2026-01-31".into()));
            form.push(("monthly_rent", "100".into()));
            form.push(("jobs", "1".into()));
            route.replace("{id}", &r.stay[i].to_string())
        }
        ("POST", "/claims/generate") => {
            form.push(("quarter", "2099Q1".into()));
            route.into()
        }
        ("POST", "/claims/{id}/act") => {
            form.push(("version", "0".into()));
            form.push(("action", "submit".into()));
            route.replace("{id}", &r.claim[i].to_string())
        }
        ("POST", "/finance/appropriations/{id}/adjust") => {
            form.push(("version", "0".into()));
            form.push(("amount", "x".into()));
            route.replace("{id}", "999999")
        }
        (_, route) if route.starts_with("/claims/") => {
            route.replace("{id}", &r.claim[i].to_string())
        }
        (_, route) if route.starts_with("/stays/") => route.replace("{id}", &r.stay[i].to_string()),
        (_, route) if route.starts_with("/carriers/") => {
            if route.ends_with("/confirm") {
                // Not the stored file's SHA-256: a stale confirmation, nothing written.
                form.push(("sha256", "0".repeat(64)));
            }
            route
                .replace("{id}", &r.carrier[i].to_string())
                .replace("{upload}", &r.upload[i].to_string())
        }
        (_, route) if route.starts_with("/extensions/") => {
            route.replace("{id}", &r.extension[i].to_string())
        }
        (_, "/operator/links/{id}/confirm") => route.replace("{id}", "999999"),
        (_, route) => route.replace("{id}", &r.app[i].to_string()),
    };
    (
        path,
        form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    )
}

/// A good tenant roll stored as an upload of `carrier` (nothing imported).
async fn stored_roll(world: &world::World, carrier: i64) -> i64 {
    let bytes =
        std::fs::read(crate::tenant_import::cases_dir().join("c01_id_lowercase_x.csv")).unwrap();
    fuhua_service::tenants::upload::upload(
        &world.system,
        fuhua_service::tenants::Acting::Cli,
        carrier,
        "roll.csv",
        &bytes,
        today(),
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_table_says() {
    // Every route of the portal has at least one row.
    for (method, route) in work::ROUTES.iter().chain(auth::ROUTES) {
        assert!(
            TABLE.iter().any(|(m, r, _, _)| m == method && r == route),
            "{method} {route} has no row in the authorization table"
        );
    }
    let db = TestDb::sqlite().await.unwrap();
    let world = world::build(&db).await;
    let store = &world.store;
    // A second founder with an account, for a record of street B.
    let stay_b = tenants::find_stay(store, world.other_stay_id)
        .await
        .unwrap()
        .unwrap();
    let entity_b = tenants::find_entity(store, stay_b.entity_id)
        .await
        .unwrap()
        .unwrap();
    let w = store.write(&AuditActor::cli()).await.unwrap();
    people::add_user(
        &w,
        &NewUser {
            username: "founder.b".into(),
            display_name: "王立强".into(),
            email: None,
            password_hash: password::hash_password(PASSWORD).unwrap(),
            person_id: Some(entity_b.founder_person_id),
            organisation_id: None,
            roles: vec![RoleGrant {
                role: "entrepreneur".into(),
                jurisdiction_id: None,
                organisation_id: None,
            }],
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let founder = world.actor("founder").await;
    let founder_b = world.actor("founder.b").await;
    let app_a = relief::apply(&world.system, &founder, world.stay_id, today())
        .await
        .unwrap();
    let app_b = relief::apply(&world.system, &founder_b, world.other_stay_id, today())
        .await
        .unwrap();
    let ext_a = extension::request(
        &world.system,
        &founder,
        world.entity_id,
        3,
        "扩大经营",
        today(),
    )
    .await
    .unwrap();
    let ext_b = extension::request(
        &world.system,
        &founder_b,
        entity_b.id,
        3,
        "扩大经营",
        today(),
    )
    .await
    .unwrap();
    // A generated settlement claim in each street.
    let w = store.write(&AuditActor::cli()).await.unwrap();
    for stay in [world.stay_id, world.other_stay_id] {
        tenants::add_ledger_rows(
            &w,
            &[tenants::NewLedgerRow {
                stay_id: stay,
                month: "2025-11".into(),
                adjustment: false,
                regime: fuhua_core::vocab::Regime::FullWaiver,
                funding_source: Some(fuhua_core::vocab::FundingSource::DistrictFinance),
                occupied_days: 30,
                days_in_month: 30,
                rent_due: fuhua_core::Money::yuan(3000),
                waived: fuhua_core::Money::yuan(3000),
                payable: fuhua_core::Money::ZERO,
                relief_application_id: None,
            }],
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    let cli = AuditActor::cli();
    let claims = fuhua_service::claims::generate(
        &world.system,
        fuhua_service::claims::Initiator::Command(&cli),
        fuhua_service::claims::Quarter::new(2025, 4).unwrap(),
        today(),
        &mut |_| {},
    )
    .await
    .unwrap()
    .claims;
    let claim_of = |carrier: i64| claims.iter().find(|c| c.carrier_id == carrier).unwrap().id;
    let mut report = [0; 2];
    for (n, (operator, carrier)) in [
        ("operator.a", world.carrier_a),
        ("operator.b", world.carrier_b),
    ]
    .into_iter()
    .enumerate()
    {
        let figures = fuhua_service::reports::FiguresForm {
            tenants: "1".into(),
            jobs: "2".into(),
            service_events: "0".into(),
            financing_raised: "0".into(),
            exits: "0".into(),
        };
        let month = fuhua_core::YearMonth::new(2026, 10).unwrap();
        let actor = world.actor(operator).await;
        report[n] = fuhua_service::reports::file(
            &world.system,
            &actor,
            carrier,
            month,
            &figures,
            None,
            today(),
        )
        .await
        .unwrap();
    }
    let records = Records {
        app: [app_a, app_b],
        stay: [world.stay_id, world.other_stay_id],
        entity: [world.entity_id, entity_b.id],
        extension: [ext_a, ext_b],
        carrier: [world.carrier_a, world.carrier_b],
        claim: [claim_of(world.carrier_a), claim_of(world.carrier_b)],
        report,
        upload: [
            stored_roll(&world, world.carrier_a).await,
            stored_roll(&world, world.carrier_b).await,
        ],
    };

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let params = world
        .system
        .parameters()
        .await
        .unwrap_or_else(|_| ParameterSet::defaults());
    let settings = PortalSettings {
        public_origin: address.clone(),
        ..PortalSettings::default()
    };
    let state = AppState::with_system_settings(
        params,
        Clock::Fixed(today()),
        world.system.clone(),
        settings,
    )
    .unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(fuhua_portal::serve(listener, state, async {
        let _ = rx.await;
    }));

    let mut failures = Vec::new();
    for (column, role) in ROLES.iter().enumerate() {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let mut csrf = String::new();
        let login = |c: &reqwest::Client| {
            c.post(format!("{address}/login"))
                .header("origin", &address)
                .form(&[("username", *role), ("password", PASSWORD)])
                .send()
        };
        if *role != "anon" {
            let response = login(&client).await.unwrap();
            assert_eq!(response.status(), 303, "{role} signs in");
            let page = client
                .get(format!("{address}/account/password"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            csrf = page
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_owned();
            assert!(
                !csrf.is_empty(),
                "{role}: no CSRF token on the password page"
            );
        }
        for (method, route, rec, expected) in TABLE {
            let i = records.pick(role, *rec);
            let (path, form) = request(route, method, i, &records, &csrf);
            let url = format!("{address}{path}");
            let response = if *method == "GET" {
                client.get(&url).send().await.unwrap()
            } else {
                client
                    .post(&url)
                    .header("origin", &address)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            };
            let status = response.status().as_u16();
            if status != expected[column] {
                failures.push(format!(
                    "{role:<11} {method} {path} ({rec:?}): expected {}, got {status}",
                    expected[column]
                ));
            }
            if *method == "POST" && *route == "/logout" && *role != "anon" {
                // Sign in again for the rows after it.
                login(&client).await.unwrap();
                let page = client
                    .get(format!("{address}/account/password"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                csrf = page
                    .split("name=\"csrf\" value=\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or_default()
                    .to_owned();
            }
        }
    }
    let _ = tx.send(());
    server.await.unwrap();
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    db.drop_db().await.unwrap();
}
