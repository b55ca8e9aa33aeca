//! The bodies around each request: the request's with its deadline, the response's
//! with the mark that the request is still in progress.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::{Instant, Sleep};

use super::conn::InFlight;

/// The request body did not arrive whole within [`super::ServerLimits::body_read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request body did not arrive within {} s", .after.as_secs())]
pub struct BodyTimedOut {
    /// The limit that ran out.
    pub after: Duration,
}

/// Why a request body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyReadError {
    #[error(transparent)]
    TimedOut(#[from] BodyTimedOut),
    /// The connection failed or the client hung up.
    #[error("the request body could not be read: {0}")]
    Connection(#[source] hyper::Error),
}

/// A request body that must arrive whole by a deadline set when its head arrived.
/// Past it, the next read yields [`BodyTimedOut`] (wrapped in [`BodyReadError`]).
#[derive(Debug)]
pub struct TimedBody {
    inner: Incoming,
    limit: Duration,
    deadline: Instant,
    /// Armed the first time the body has to wait for the client.
    timer: Option<Pin<Box<Sleep>>>,
    timed_out: bool,
}

impl TimedBody {
    pub(super) fn new(inner: Incoming, limit: Duration) -> TimedBody {
        TimedBody {
            inner,
            limit,
            deadline: Instant::now() + limit,
            timer: None,
            timed_out: false,
        }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = BodyReadError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyReadError>>> {
        if self.timed_out {
            return Poll::Ready(None);
        }
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(BodyReadError::Connection)));
        }
        let deadline = self.deadline;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.as_mut().poll(cx).is_ready() {
            self.timed_out = true;
            let after = self.limit;
            return Poll::Ready(Some(Err(BodyTimedOut { after }.into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.timed_out || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that keeps its request counted as in progress until it is
/// written out (or dropped), so the idle timer starts only after the response.
#[derive(Debug)]
pub struct Tracked<B> {
    inner: B,
    _in_flight: InFlight,
}

impl<B> Tracked<B> {
    pub(super) fn new(inner: B, in_flight: InFlight) -> Tracked<B> {
        Tracked {
            inner,
            _in_flight: in_flight,
        }
    }
}

impl<B: Body + Unpin> Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
