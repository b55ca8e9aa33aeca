//! The HTTP surface against misbehaving clients: stalled connections are closed in
//! bounded time while others are served, connections over the cap wait, requests
//! refused before the routes are answered in the portal's format, and a client that
//! hangs up is no server error.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fuhua_core::ParameterSet;
use fuhua_portal::ServerLimits;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

use crate::raw::{RawAnswer, Server, connect, exchange, read_until_closed, stalled, state_with};

fn short_limits() -> ServerLimits {
    ServerLimits {
        header_read: Duration::from_secs(1),
        body_read: Duration::from_secs(1),
        idle: Duration::from_secs(1),
        max_connections: 64,
    }
}

const AWARD: &str = r#"{"programme": "ladder", "paid_steps": [], "new_level": "national"}"#;

#[tokio::test]
async fn stalled_connections_are_closed_while_other_requests_are_answered() {
    let server = Server::start(state_with(ParameterSet::defaults()), short_limits()).await;
    let opened = Instant::now();
    let mut silent = connect(server.addr).await;
    let mut partial_head = stalled(
        server.addr,
        b"GET /healthz HTTP/1.1\r\nHost: fuhua\r\nAccept: */*\r\n",
    )
    .await;
    let mut short_body = stalled(
        server.addr,
        b"POST /api/v1/calc/award HTTP/1.1\r\nHost: fuhua\r\nContent-Type: application/json\r\nAccept-Language: en\r\nContent-Length: 100\r\n\r\n{\"programme\": ",
    )
    .await;
    let mut no_chunk = stalled(
        server.addr,
        b"POST /api/v1/calc/award HTTP/1.1\r\nHost: fuhua\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .await;
    let mut kept_alive =
        stalled(server.addr, b"GET /healthz HTTP/1.1\r\nHost: fuhua\r\n\r\n").await;

    // While those stall, other clients are answered.
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let health = client.get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let award = client
            .post(server.url("/api/v1/calc/award"))
            .header("content-type", "application/json")
            .body(AWARD)
            .send()
            .await
            .unwrap();
        assert_eq!(award.status(), 200);
    }

    // Each stalled connection is closed by the server, after its limit and in
    // bounded time.
    let deadline = opened + Duration::from_secs(10);
    let not_before = opened + Duration::from_millis(900);
    for (what, stream) in [("silent", &mut silent), ("partial head", &mut partial_head)] {
        let (received, closed) = read_until_closed(stream, deadline).await;
        assert!(
            received.is_empty(),
            "{what}: {:?}",
            String::from_utf8_lossy(&received)
        );
        assert!(closed >= not_before, "{what} closed before its limit");
    }
    for (what, stream) in [("short body", &mut short_body), ("no chunk", &mut no_chunk)] {
        let (received, closed) = read_until_closed(stream, deadline).await;
        let answer = RawAnswer::parse(&received);
        assert_eq!(answer.status, 408, "{what}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(
            answer.error_fields(),
            [("body".to_owned(), "timeout".to_owned())],
            "{what}"
        );
        assert!(closed >= not_before, "{what} closed before its limit");
    }
    let (received, closed) = read_until_closed(&mut kept_alive, deadline).await;
    let answer = RawAnswer::parse(&received);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["status"], "ok");
    assert!(
        closed >= not_before,
        "the kept-alive connection closed at once"
    );

    // And the server is still there.
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn the_english_408_names_the_limit() {
    let server = Server::start(state_with(ParameterSet::defaults()), short_limits()).await;
    let answer = exchange(
        server.addr,
        b"POST /api/v1/calc/evaluation HTTP/1.1\r\nHost: fuhua\r\nContent-Type: application/json\r\nAccept-Language: en\r\nContent-Length: 10\r\n\r\n{",
    )
    .await;
    assert_eq!(answer.status, 408);
    assert_eq!(
        answer.json()["errors"][0]["message"],
        "the body did not arrive within 1 s"
    );
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    let limits = ServerLimits {
        max_connections: 2,
        ..ServerLimits::default()
    };
    let server = Server::start(state_with(ParameterSet::defaults()), limits).await;
    let first = connect(server.addr).await;
    let second = connect(server.addr).await;

    // Both places are taken: a third client waits rather than being served.
    let client = reqwest::Client::new();
    let url = server.url("/healthz");
    let mut third = tokio::spawn({
        let client = client.clone();
        async move { client.get(url).send().await.map(|r| r.status().as_u16()) }
    });
    assert!(
        tokio::time::timeout(Duration::from_millis(500), &mut third)
            .await
            .is_err(),
        "a connection over the cap was served"
    );

    // One place frees up: the waiting client is served.
    drop(first);
    let status = tokio::time::timeout(Duration::from_secs(10), third)
        .await
        .expect("the waiting client was served once a place was free")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
    drop(second);
    let again = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(again.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn requests_refused_before_the_routes_are_answered_in_the_portals_format() {
    let server = Server::start(
        state_with(ParameterSet::defaults()),
        ServerLimits::default(),
    )
    .await;
    let pad = "x".repeat(40 * 1024);

    // Headers over the limit: 431, JSON under /api, in the language asked for.
    let api = exchange(
        server.addr,
        format!("GET /api/v1/openapi.json HTTP/1.1\r\nHost: fuhua\r\nAccept-Language: en\r\nX-Pad: {pad}\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(api.status, 431);
    assert_eq!(api.header("content-type"), Some("application/json"));
    assert_eq!(api.header("content-language"), Some("en"));
    assert_eq!(
        api.error_fields(),
        [("headers".to_owned(), "headers_too_large".to_owned())]
    );
    assert!(
        api.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 32 KB")
    );
    let many: String = (0..120).map(|i| format!("X-Field-{i}: {i}\r\n")).collect();
    let api = exchange(
        server.addr,
        format!("POST /api/v1/calc/award HTTP/1.1\r\nHost: fuhua\r\n{many}\r\n").as_bytes(),
    )
    .await;
    assert_eq!(api.status, 431);
    assert_eq!(api.error_fields()[0].1, "headers_too_large");

    // Elsewhere, plain text in Chinese by default.
    let page = exchange(
        server.addr,
        format!("GET / HTTP/1.1\r\nHost: fuhua\r\nX-Pad: {pad}\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(page.status, 431);
    assert_eq!(
        page.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(page.body.starts_with("请求头过大"), "{}", page.body);

    // A bad Content-Length: not a number, or two that differ.
    for length in [
        "Content-Length: 12abc\r\n",
        "Content-Length: 2\r\nContent-Length: 3\r\n",
    ] {
        let answer = exchange(
            server.addr,
            format!("POST /api/v1/calc/award HTTP/1.1\r\nHost: fuhua\r\nContent-Type: application/json\r\n{length}\r\n{{}}").as_bytes(),
        )
        .await;
        assert_eq!(answer.status, 400, "{length}");
        assert_eq!(
            answer.error_fields(),
            [(
                "headers.content-length".to_owned(),
                "invalid_content_length".to_owned()
            )],
            "{length}"
        );
    }

    // A header hyper cannot parse.
    let answer = exchange(
        server.addr,
        b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: fuhua\r\nBad Header: x\r\n\r\n",
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.error_fields(),
        [("request".to_owned(), "malformed_request".to_owned())]
    );
    server.stop().await;
}

/// The log lines written while a test runs on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_client_that_hangs_up_mid_request_is_not_logged_as_an_error() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // A #[tokio::test] runs the server's tasks on this thread, so they log here.
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = Server::start(
        state_with(ParameterSet::defaults()),
        ServerLimits::default(),
    )
    .await;
    // One hangs up in the middle of its head, one in the middle of its body.
    let hang_ups: [&[u8]; 2] = [
        b"GET /healthz HTTP/1.1\r\nHost: fu",
        b"POST /api/v1/calc/award HTTP/1.1\r\nHost: fuhua\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"programme\": ",
    ];
    for request in hang_ups {
        let mut stream = connect(server.addr).await;
        stream.write_all(request).await.unwrap();
        stream.shutdown().await.unwrap();
        drop(stream);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !log.text().contains("hung up") {
        assert!(
            Instant::now() < deadline,
            "the server did not notice the hang-ups:\n{}",
            log.text()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let text = log.text();
    assert!(
        !text.contains("ERROR") && !text.contains("WARN"),
        "a hang-up was logged as a problem of the server:\n{text}"
    );
    // The server still answers.
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/calc/award"))
        .header("content-type", "application/json")
        .body(json!({"programme": "area", "area_kind": "district"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
