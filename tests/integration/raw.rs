//! A server with chosen limits and parameters, and raw TCP clients for what an HTTP
//! library will not send: stalls, hang-ups, malformed heads.

use std::net::SocketAddr;
use std::time::Duration;

use fuhua_core::ParameterSet;
use fuhua_portal::{AppState, Clock, ServerLimits};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::helpers::today;

/// The portal's state over `params`, on the tests' fixed day.
pub fn state_with(params: ParameterSet) -> AppState {
    AppState::new(params, Clock::Fixed(today())).unwrap()
}

/// A server on 127.0.0.1 port 0 with chosen limits.
pub struct Server {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    pub async fn start(state: AppState, limits: ServerLimits) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(fuhua_portal::server::run(listener, state, limits, async {
            let _ = rx.await;
        }));
        Server {
            addr,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

/// A connection that has sent `bytes` and then stalls.
pub async fn stalled(addr: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut stream = connect(addr).await;
    stream.write_all(bytes).await.unwrap();
    stream
}

/// Reads until the server closes the connection (end of stream or reset) and
/// returns what arrived and when the close came; fails the test when the server has
/// not closed it by `deadline`.
pub async fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> (Vec<u8>, Instant) {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => panic!(
                "the server did not close the connection in time; received {:?}",
                String::from_utf8_lossy(&received)
            ),
            Ok(Ok(0)) | Ok(Err(_)) => return (received, Instant::now()),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
        }
    }
}

/// An answer read off the wire.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    /// Lowercased names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawAnswer {
    pub fn parse(bytes: &[u8]) -> RawAnswer {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no answer head in {text:?}"));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        RawAnswer {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// The `(field, code)` pairs of an error body.
    pub fn error_fields(&self) -> Vec<(String, String)> {
        self.json()["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("not an error body: {}", self.body))
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

/// Sends `request` as it is and reads the answer up to the server's close.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> RawAnswer {
    let mut stream = stalled(addr, request).await;
    let (bytes, _) = read_until_closed(&mut stream, Instant::now() + Duration::from_secs(10)).await;
    RawAnswer::parse(&bytes)
}
