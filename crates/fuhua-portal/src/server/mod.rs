//! The HTTP/1.1 server under the portal. It accepts connections up to a cap and
//! closes those that stall: a request head that does not arrive within
//! [`ServerLimits::header_read`], a body that does not arrive within
//! [`ServerLimits::body_read`] (answered 408), a keep-alive connection left idle for
//! [`ServerLimits::idle`]. Errors that hyper answers by itself before a request
//! reaches the routes (431, a malformed head, a bad `Content-Length`) are answered in
//! the portal's own format: JSON `{"errors":[…]}` under `/api`, plain text elsewhere.
//!
//! HTTP/2 is left to the reverse proxy in front (see docs/OPERATIONS.md).

mod body;
mod conn;
mod protocol;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppState;

pub use body::{BodyReadError, BodyTimedOut};
use body::{TimedBody, Tracked};
use conn::{ConnWatch, Watched};

/// The most bytes a request head (request line and headers) may take; more is 431.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// The most header fields a request may carry; more is 431.
pub const MAX_HEADERS: usize = 100;

/// How long a client may take, and how many connections may be open at once.
///
/// Defaults: 10 s for a request head, 30 s for a body, 60 s idle between requests,
/// 1024 connections. `fuhua serve` reads them from `FUHUA_HEADER_TIMEOUT_SECS`,
/// `FUHUA_BODY_TIMEOUT_SECS`, `FUHUA_IDLE_TIMEOUT_SECS` and `FUHUA_MAX_CONNECTIONS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// A request head must arrive whole within this time of its first byte (for the
    /// first request, of the connection opening); else the connection is closed.
    pub header_read: Duration,
    /// A request body must arrive whole within this time of its head; else the
    /// request is answered 408 and the connection closed.
    pub body_read: Duration,
    /// A connection with no request in progress is closed after this time without
    /// traffic.
    pub idle: Duration,
    /// At most this many connections are open at once; further clients wait in the
    /// listen queue until one closes.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        ServerLimits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            idle: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// The address of the client's end of the connection, on every request's
/// extensions (read it with [`crate::filters::peer_addr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Serves the portal on `listener` with `limits` until `shutdown` completes; then
/// stops accepting and waits for the requests in progress (each bounded by the
/// limits).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let service = TowerToHyperService::new(warp::service(crate::routes(state)));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection(
            stream,
            peer,
            permit,
            service.clone(),
            limits,
            graceful.watcher(),
        ));
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A failed accept: a client that went away before it was accepted is nothing;
/// anything else (out of descriptors, say) is logged and retried shortly.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        tracing::debug!(%error, "a client left before its connection was accepted");
        return;
    }
    tracing::warn!(%error, "could not accept a connection; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn connection<S, B>(
    stream: TcpStream,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
    service: S,
    limits: ServerLimits,
    watcher: Watcher,
) where
    S: hyper::service::Service<Request<TimedBody>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: hyper::body::Body + Unpin + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    // Small responses go out at once rather than waiting for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let watch = Arc::new(ConnWatch::new(limits));
    let io = TokioIo::new(Watched::new(stream, Arc::clone(&watch), permit));
    let service = Guarded {
        inner: service,
        watch: Arc::clone(&watch),
        body_read: limits.body_read,
        peer,
    };
    let mut http = http1::Builder::new();
    http.max_headers(MAX_HEADERS)
        .max_header_size(MAX_HEAD_BYTES);
    let served = watcher.watch(http.serve_connection(io, service));
    tokio::select! {
        outcome = served => {
            if let Err(error) = outcome {
                log_connection_error(&error);
            }
        }
        stalled = watch.expired() => {
            tracing::debug!(%peer, stalled = stalled.as_str(), "closed a stalled connection");
        }
    }
}

/// Connection errors are the client's doing (a hang-up, a reset, a malformed
/// request): worth a debug line, never an error in the server's log.
fn log_connection_error(error: &hyper::Error) {
    if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
        tracing::debug!(%error, "the client hung up mid-request");
    } else if error.is_parse() || error.is_parse_too_large() || error.is_timeout() {
        tracing::debug!(%error, "refused a malformed request");
    } else {
        tracing::info!(%error, "connection ended with an error");
    }
}

/// The routes' service with the connection's bookkeeping around each request: the
/// body's deadline, the client's address, and the in-flight mark that keeps the
/// idle timer off until the response is written.
#[derive(Debug, Clone)]
struct Guarded<S> {
    inner: S,
    watch: Arc<ConnWatch>,
    body_read: Duration,
    peer: SocketAddr,
}

type Answer<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, B> hyper::service::Service<Request<Incoming>> for Guarded<S>
where
    S: hyper::service::Service<Request<TimedBody>, Response = Response<B>>,
    S::Future: Send + 'static,
    B: hyper::body::Body + Unpin + Send + 'static,
{
    type Response = Response<Tracked<B>>;
    type Error = S::Error;
    type Future = Answer<Self::Response, Self::Error>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let in_flight = ConnWatch::request_started(&self.watch);
        let mut request = request.map(|body| TimedBody::new(body, self.body_read));
        request.extensions_mut().insert(PeerAddr(self.peer));
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| Tracked::new(body, in_flight)))
        })
    }
}
