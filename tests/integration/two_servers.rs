//! Two `fuhua serve` processes behind a load balancer share one PostgreSQL (SPEC §6:
//! the web tier keeps no state): a session made on one server works on the other;
//! both deciding one application at once give one winner and one conflict; and with
//! a mail sender on each server every mail is delivered exactly once.

use std::time::Duration;

use fuhua_mail::MailSettings;
use fuhua_mail::testing::TestSmtp;
use fuhua_portal::{AppState, Clock, PortalSettings};
use fuhua_service::System;
use fuhua_service::relief;
use fuhua_store::outbox;
use fuhua_store::repo::relief as repo;
use fuhua_store::testing::TestDb;
use fuhua_waiver::{ReliefAction, ReliefState};
use tokio::sync::oneshot;

use crate::helpers::today;
use crate::world::{self, PASSWORD};

struct Server {
    address: String,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// One server over its own pool, behind the shared public origin `origin`.
async fn serve(system: System, origin: &str) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let params = system.parameters().await.unwrap();
    let settings = PortalSettings {
        public_origin: origin.to_owned(),
        ..PortalSettings::default()
    };
    let state =
        AppState::with_system_settings(params, Clock::Fixed(today()), system, settings).unwrap();
    let (stop, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(fuhua_portal::serve(listener, state, async {
        let _ = rx.await;
    }));
    Server {
        address,
        stop,
        task,
    }
}

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("fuhua_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn two_servers_share_sessions_decide_once_and_send_each_mail_once() {
    let Some(db) = TestDb::postgres().await.unwrap() else {
        assert!(
            std::env::var_os("FUHUA_REQUIRE_PG").is_none(),
            "FUHUA_REQUIRE_PG is set but FUHUA_TEST_PG is not: the two-server test cannot run"
        );
        eprintln!("two-server test not run: FUHUA_TEST_PG is not set");
        return;
    };
    let world = world::build(&db).await;
    let founder = world.actor("founder").await;
    let operator = world.actor("operator.a").await;
    let id = relief::apply(&world.system, &founder, world.stay_id, today())
        .await
        .unwrap();
    let v = repo::find_relief_application(&world.store, id)
        .await
        .unwrap()
        .unwrap()
        .version;
    relief::act(&world.system, &operator, id, v, ReliefAction::Confirm)
        .await
        .unwrap();

    let origin = "http://fuhua.test";
    let one = serve(System::from_store(db.second_pool().await.unwrap()), origin).await;
    let two = serve(System::from_store(db.second_pool().await.unwrap()), origin).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Sign in on server one …
    let login = client
        .post(format!("{}/login", one.address))
        .header("origin", origin)
        .form(&[("username", "official.district"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let cookie = session_cookie(&login);
    // … and go on with the same session on server two.
    let page = client
        .get(format!("{}/relief/{id}", two.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        200,
        "the session made on server one works on server two"
    );
    let page = page.text().await.unwrap();
    let csrf = csrf_of(&page);
    let version = repo::find_relief_application(&world.store, id)
        .await
        .unwrap()
        .unwrap()
        .version;

    // Both servers decide the application at once.
    let decide = |address: String, action: &'static str| {
        let client = client.clone();
        let cookie = cookie.clone();
        let csrf = csrf.clone();
        async move {
            client
                .post(format!("{address}/relief/{id}/act"))
                .header("origin", origin)
                .header("cookie", cookie)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("version", &version.to_string()),
                    ("action", action),
                    ("reason_code", "eligible"),
                    ("text", "同意"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (a, b) = tokio::join!(
        decide(one.address.clone(), "approve"),
        decide(two.address.clone(), "approve")
    );
    let mut statuses = [a, b];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [303, 409],
        "one decision wins, the other is told of the conflict"
    );
    let app = repo::find_relief_application(&world.store, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.state, ReliefState::Approved);

    // A mail sender in each server: every queued mail reaches the SMTP server once.
    let mut smtp = TestSmtp::start().await.unwrap();
    let pending = outbox::count(&world.store, "pending").await.unwrap();
    assert!(
        pending >= 4,
        "submitted, confirmed and two decided mails: {pending}"
    );
    let dir = std::env::temp_dir().join(format!("fuhua-two-servers-{}", std::process::id()));
    let mut senders = Vec::new();
    for _ in 0..2 {
        let settings = MailSettings::new(Some(&smtp.url()), None, Some(origin), &dir).unwrap();
        senders.push(fuhua_mail::spawn_sender(db.second_pool().await.unwrap(), settings).unwrap());
    }
    let received = smtp
        .wait_for(pending as usize, Duration::from_secs(60))
        .await
        .unwrap();
    for sender in senders {
        sender.stop().await;
    }
    assert!(received.len() >= pending as usize);
    // With both senders stopped, exactly one delivery per queued mail.
    assert_eq!(
        smtp.messages().len(),
        pending as usize,
        "no mail is sent twice"
    );
    assert_eq!(outbox::count(&world.store, "pending").await.unwrap(), 0);
    for server in [one, two] {
        let _ = server.stop.send(());
        server.task.await.unwrap();
    }
    smtp.stop().await;
    db.drop_db().await.unwrap();
}
