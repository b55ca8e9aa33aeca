//! A portal over a throwaway database, with a client that keeps no cookies of its
//! own (each test says which session it sends) and follows no redirects.

use fuhua_core::ParameterSet;
use fuhua_portal::{AppState, Clock, PortalSettings};
use fuhua_service::System;
use fuhua_store::testing::TestDb;
use fuhua_store::{Actor, Store, password};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::helpers::today;

pub struct AuthApp {
    pub db: Option<TestDb>,
    pub store: Store,
    pub address: String,
    pub settings: PortalSettings,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

/// What a page answered.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    async fn of(response: reqwest::Response) -> Page {
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the session cookie this answer sets, if any.
    pub fn session_cookie(&self, name: &str) -> Option<String> {
        self.set_cookie(name)
            .and_then(|c| c.split(';').next().map(str::to_owned))
            .and_then(|pair| pair.split_once('=').map(|(_, v)| v.to_owned()))
            .filter(|v| !v.is_empty())
    }

    /// The whole `Set-Cookie` header for cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// The value of the hidden `csrf` field of the page's first form with one.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a csrf field") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

impl AuthApp {
    pub async fn spawn() -> AuthApp {
        AuthApp::spawn_with(PortalSettings::default()).await
    }

    pub async fn spawn_with(settings: PortalSettings) -> AuthApp {
        let db = TestDb::sqlite().await.unwrap();
        AuthApp::spawn_on(db, settings).await
    }

    pub async fn spawn_on(db: TestDb, settings: PortalSettings) -> AuthApp {
        let store = db.store.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::with_system_settings(
            ParameterSet::defaults(),
            Clock::Fixed(today()),
            System::from_store(store.clone()),
            settings.clone(),
        )
        .unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(fuhua_portal::serve(listener, state, async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        AuthApp {
            db: Some(db),
            store,
            address,
            settings,
            client,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn cookie_name(&self) -> &'static str {
        self.settings.session_cookie()
    }

    fn with_session(
        &self,
        request: reqwest::RequestBuilder,
        session: Option<&str>,
    ) -> reqwest::RequestBuilder {
        match session {
            Some(token) => request.header("cookie", format!("{}={token}", self.cookie_name())),
            None => request,
        }
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> Page {
        let request = self.with_session(self.client.get(self.url(path)), session);
        Page::of(request.send().await.unwrap()).await
    }

    /// Posts a form from this site (Origin = the server's own address).
    pub async fn post(&self, path: &str, form: &[(&str, &str)], session: Option<&str>) -> Page {
        self.post_with(path, form, session, &[("origin", &self.address)])
            .await
    }

    /// Posts a form with exactly these extra headers.
    pub async fn post_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        session: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded_body(form));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = self.with_session(request, session);
        Page::of(request.send().await.unwrap()).await
    }

    /// Signs in and returns the session token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let page = self
            .post(
                "/login",
                &[("username", username), ("password", password)],
                None,
            )
            .await;
        assert_eq!(page.status, 303, "login as {username}: {}", page.body);
        page.session_cookie(self.cookie_name())
            .expect("a session cookie")
    }

    /// An account with `password`; `role` "entrepreneur" unless given.
    pub async fn add_user(&self, username: &str, password: &str, email: Option<&str>) -> i64 {
        let w = self.store.write(&Actor::cli()).await.unwrap();
        let user = fuhua_store::repo::people::add_user(
            &w,
            &fuhua_store::repo::people::NewUser {
                username: username.to_owned(),
                display_name: format!("{username} 的名字"),
                email: email.map(str::to_owned),
                password_hash: password::hash_password(password).unwrap(),
                person_id: None,
                organisation_id: None,
                roles: vec![fuhua_store::repo::people::RoleGrant {
                    role: "entrepreneur".to_owned(),
                    jurisdiction_id: None,
                    organisation_id: None,
                }],
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        user.id
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
        if let Some(db) = self.db.take() {
            db.drop_db().await.unwrap();
        }
    }
}

impl Drop for AuthApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn serde_urlencoded_body(form: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in form.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
