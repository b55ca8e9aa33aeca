//! One connection's watch — which phase it is in and when that phase must end — and
//! the socket wrapper that reports reads and writes to it.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit};
use tokio::time::Instant;

use super::{ServerLimits, protocol};

/// How much of a request head is kept to answer hyper's own errors in kind.
const HEAD_CAPTURE: usize = 8 * 1024;
/// How long a closing connection keeps reading what the client still sends.
const LINGER: Duration = Duration::from_secs(2);
/// How much a closing connection reads and discards at most.
const LINGER_BYTES: usize = 256 * 1024;

/// What a stalled connection was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stalled {
    /// The rest of a request head.
    Head,
    /// A next request on a kept-alive connection.
    Idle,
}

impl Stalled {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Stalled::Head => "request head not received in time",
            Stalled::Idle => "idle too long",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading a request head: since the connection opened or the head's first byte.
    Head,
    /// A request is with the routes, or its response is being written. Its body has
    /// a deadline of its own.
    Busy,
    /// Between requests: since the last response or the last write.
    Idle,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    since: Instant,
    in_flight: usize,
    /// The start of the request head being read.
    head: Vec<u8>,
    /// The watch ran out: the connection is dropped, not closed politely.
    aborted: bool,
}

/// The watch over one connection, shared by its socket, its service and its task.
#[derive(Debug)]
pub(super) struct ConnWatch {
    limits: ServerLimits,
    state: Mutex<State>,
    changed: Notify,
}

impl ConnWatch {
    pub(super) fn new(limits: ServerLimits) -> ConnWatch {
        ConnWatch {
            limits,
            state: Mutex::new(State {
                phase: Phase::Head,
                since: Instant::now(),
                in_flight: 0,
                head: Vec::new(),
                aborted: false,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn on_read(&self, bytes: &[u8]) {
        let mut state = self.lock();
        match state.phase {
            Phase::Idle => {
                state.phase = Phase::Head;
                state.since = Instant::now();
                state.head.clear();
                capture(&mut state.head, bytes);
                drop(state);
                self.changed.notify_one();
            }
            Phase::Head => capture(&mut state.head, bytes),
            Phase::Busy => {}
        }
    }

    fn on_write(&self) {
        let mut state = self.lock();
        if state.phase == Phase::Idle {
            state.since = Instant::now();
        }
    }

    /// A request reached the routes; it counts until the returned mark is dropped.
    pub(super) fn request_started(this: &Arc<ConnWatch>) -> InFlight {
        {
            let mut state = this.lock();
            state.in_flight += 1;
            state.phase = Phase::Busy;
            state.head.clear();
        }
        this.changed.notify_one();
        InFlight(Arc::clone(this))
    }

    fn request_finished(&self) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.phase = Phase::Idle;
            state.since = Instant::now();
            drop(state);
            self.changed.notify_one();
        }
    }

    fn deadline(&self) -> Option<(Instant, Stalled)> {
        let state = self.lock();
        match state.phase {
            Phase::Head => Some((state.since + self.limits.header_read, Stalled::Head)),
            Phase::Idle => Some((state.since + self.limits.idle, Stalled::Idle)),
            Phase::Busy => None,
        }
    }

    /// Completes when the connection has stalled past its limit, and marks it
    /// aborted.
    pub(super) async fn expired(&self) -> Stalled {
        loop {
            let changed = self.changed.notified();
            let Some((at, stalled)) = self.deadline() else {
                changed.await;
                continue;
            };
            if at <= Instant::now() {
                self.lock().aborted = true;
                return stalled;
            }
            tokio::select! {
                () = tokio::time::sleep_until(at) => {}
                () = changed => {}
            }
        }
    }

    fn aborted(&self) -> bool {
        self.lock().aborted
    }

    /// The portal's own answer in place of `written`, when `written` is an answer
    /// hyper made up by itself for a request it could not parse.
    fn answer_for(&self, written: &[u8]) -> Option<Bytes> {
        let state = self.lock();
        if state.phase == Phase::Busy {
            return None;
        }
        let refusal = protocol::bare_refusal(written)?;
        Some(protocol::answer(refusal, &state.head))
    }
}

fn capture(head: &mut Vec<u8>, bytes: &[u8]) {
    let room = HEAD_CAPTURE.saturating_sub(head.len());
    head.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// A request in progress; dropping it ends the request.
#[derive(Debug)]
pub(super) struct InFlight(Arc<ConnWatch>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// The client's socket, reporting its traffic to the watch, answering hyper's own
/// error answers in the portal's format, and closing politely (see [`linger`]).
#[derive(Debug)]
pub(super) struct Watched {
    stream: Option<TcpStream>,
    watch: Arc<ConnWatch>,
    /// The portal's answer written in place of hyper's, still to be sent.
    pending: Bytes,
    /// The client closed its side.
    eof: bool,
    shut_down: bool,
    /// The connection's place under the cap, held until the socket is closed.
    permit: Option<OwnedSemaphorePermit>,
}

impl Watched {
    pub(super) fn new(
        stream: TcpStream,
        watch: Arc<ConnWatch>,
        permit: OwnedSemaphorePermit,
    ) -> Watched {
        Watched {
            stream: Some(stream),
            watch,
            pending: Bytes::new(),
            eof: false,
            shut_down: false,
            permit: Some(permit),
        }
    }

    fn stream(&mut self) -> io::Result<Pin<&mut TcpStream>> {
        self.stream
            .as_mut()
            .map(Pin::new)
            .ok_or_else(|| io::ErrorKind::NotConnected.into())
    }

    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let pending = self.pending.clone();
            let n = ready!(self.stream()?.poll_write(cx, &pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.advance(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let wanted = buf.remaining() > 0;
        ready!(this.stream()?.poll_read(cx, buf))?;
        let fresh = &buf.filled()[before..];
        if fresh.is_empty() {
            this.eof |= wanted;
        } else {
            this.watch.on_read(fresh);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(answer) = this.watch.answer_for(buf) {
            this.pending = answer;
            // Sent now or by the next flush; hyper's bytes count as written either way.
            if let Poll::Ready(Err(error)) = this.poll_pending(cx) {
                return Poll::Ready(Err(error));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        let n = ready!(this.stream()?.poll_write(cx, buf))?;
        if n > 0 {
            this.watch.on_write();
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        this.stream()?.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        let done = ready!(this.stream()?.poll_shutdown(cx));
        this.shut_down = true;
        Poll::Ready(done)
    }

    /// Whole writes only, so that hyper's own answers arrive in one piece.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let Some(stream) = self.stream.take() else {
            return;
        };
        if self.eof || self.watch.aborted() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(linger(stream, self.shut_down, self.permit.take()));
        }
    }
}

/// Closes politely: after our side is shut, reads and discards what the client still
/// sends until it closes (bounded by [`LINGER`] and [`LINGER_BYTES`]). Closing a
/// socket with unread data resets the connection, and a reset can destroy the
/// answer before the client reads it (say, a 413 to a client still uploading).
async fn linger(mut stream: TcpStream, shut_down: bool, _permit: Option<OwnedSemaphorePermit>) {
    if !shut_down {
        let _ = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_shutdown(cx)).await;
    }
    let deadline = Instant::now() + LINGER;
    let mut scratch = [0u8; 4096];
    let mut discarded = 0;
    while discarded < LINGER_BYTES {
        match tokio::time::timeout_at(deadline, stream.readable()).await {
            Ok(Ok(())) => match stream.try_read(&mut scratch) {
                Ok(0) => break,
                Ok(n) => discarded += n,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            },
            Ok(Err(_)) | Err(_) => break,
        }
    }
}
