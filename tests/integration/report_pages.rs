//! The monthly-report pages over HTTP: an operator files a report, an official
//! returns it with a reason, the operator files it again, the official accepts it;
//! a bad figure brings the form back with what was typed.

use fuhua_portal::{AppState, Clock, PortalSettings};
use fuhua_store::repo::reports as repo;
use fuhua_store::testing::TestDb;
use fuhua_waiver::MonthlyReportState;
use tokio::sync::oneshot;

use crate::helpers::today;
use crate::world::{self, PASSWORD};

struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

impl Client {
    async fn sign_in(base: &str, username: &str) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let response = http
            .post(format!("{base}/login"))
            .header("origin", base)
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{username} signs in");
        let page = http
            .get(format!("{base}/account/password"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        Client {
            http,
            base: base.to_owned(),
            csrf,
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Posts a form; returns the status and the Location (or the body).
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        form.extend_from_slice(fields);
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match location {
            Some(location) => (status, location),
            None => (status, response.text().await.unwrap()),
        }
    }
}

#[tokio::test]
async fn a_report_is_filed_returned_filed_again_and_accepted_through_the_pages() {
    let db = TestDb::sqlite().await.unwrap();
    let world = world::build(&db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let params = world.system.parameters().await.unwrap();
    let settings = PortalSettings {
        public_origin: base.clone(),
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

    let operator = Client::sign_in(&base, "operator.a").await;
    let official = Client::sign_in(&base, "official.district").await;
    let carrier = world.carrier_a.to_string();

    // The operator's list shows October as overdue, with a link to file it.
    let (status, page) = operator.get("/reports?month=2026-10").await;
    assert_eq!(status, 200);
    assert!(page.contains("已逾期未报"), "{page}");
    let file_link = format!("/reports/file?carrier={carrier}&amp;month=2026-10");
    assert!(page.contains(&file_link), "{page}");
    let (status, form) = operator
        .get(&format!("/reports/file?carrier={carrier}&month=2026-10"))
        .await;
    assert_eq!(status, 200);
    assert!(form.contains("2026-11-10"), "the deadline is shown");

    // A bad figure: the form comes back with what was typed and the message.
    let figures = |tenants: &'static str| {
        vec![
            ("carrier", carrier.as_str()),
            ("month", "2026-10"),
            ("tenants", tenants),
            ("jobs", "12"),
            ("service_events", "2"),
            ("financing_raised", "80000"),
            ("exits", "0"),
        ]
    };
    let (status, body) = operator.post("/reports", &figures("七")).await;
    assert_eq!(status, 400);
    assert!(body.contains("value=\"七\""), "what was typed comes back");
    assert!(body.contains("请填写不小于 0 的整数"), "{body}");

    let (status, location) = operator.post("/reports", &figures("8")).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/reports/"), "{location}");
    let id: i64 = location
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let store = &world.store;
    let version = |id| async move { repo::find_report(store, id).await.unwrap().unwrap() };

    // The official returns it with a reason; a return without one comes back (400).
    let v = version(id).await.version.to_string();
    let path = format!("/reports/{id}/decide");
    let (status, body) = official
        .post(
            &path,
            &[("version", &v), ("action", "return"), ("reason", " ")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("退回时请写明理由"), "{body}");
    let (status, _) = official
        .post(
            &path,
            &[
                ("version", &v),
                ("action", "return"),
                ("reason", "请补充就业人数明细"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page) = operator.get("/reports?status=returned").await;
    assert!(
        page.contains("请补充就业人数明细"),
        "the operator sees the reason"
    );

    // The operator files it again from the form (with the report's version).
    let v = version(id).await.version.to_string();
    let mut again = figures("9");
    again.push(("version", &v));
    let (status, _) = operator.post("/reports", &again).await;
    assert_eq!(status, 303);
    assert_eq!(version(id).await.state, MonthlyReportState::Submitted);

    // The official accepts it; accepting again is a conflict.
    let v = version(id).await.version.to_string();
    let (status, location) = official
        .post(&path, &[("version", &v), ("action", "accept")])
        .await;
    assert_eq!(
        (status, location),
        (303, format!("/reports/{id}?done=accept"))
    );
    let report = version(id).await;
    assert_eq!(report.state, MonthlyReportState::Accepted);
    assert_eq!(report.data["tenants"], 9);
    let (status, _) = official
        .post(&path, &[("version", &v), ("action", "accept")])
        .await;
    assert_eq!(status, 409);
    let (status, page) = official.get(&format!("/reports/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("已接收"));

    let _ = tx.send(());
    server.await.unwrap();
    db.drop_db().await.unwrap();
}
