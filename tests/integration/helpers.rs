//! `TestApp`: a real server on 127.0.0.1 port 0 with a fixed "today", and a client.

use chrono::NaiveDate;
use fuhua_core::ParameterSet;
use fuhua_portal::{AppState, Clock};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The day every test server believes it is.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(ParameterSet::defaults(), Clock::Fixed(today())).unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(fuhua_portal::serve(listener, state, async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            address,
            client,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Posts JSON with an optional `Accept-Language`.
    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        lang: Option<&str>,
    ) -> reqwest::Response {
        self.post_raw(path, serde_json::to_vec(body).unwrap(), lang)
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: Vec<u8>,
        lang: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(lang) = lang {
            request = request.header("accept-language", lang);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The `(field, code)` pairs of an error answer.
pub async fn error_fields(response: reqwest::Response) -> Vec<(String, String)> {
    let body: Value = response.json().await.unwrap();
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("not an error body: {body}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// A government-invested incubation base.
pub fn gov_base() -> Value {
    serde_json::json!({"kind": "incubation_base", "founding": "gov_invested", "accreditations": []})
}
