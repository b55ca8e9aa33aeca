//! Reusable warp filters: state, language, query, bounded bodies. None of them
//! rejects a request for a malformed header or query: bad input gets an answer, not
//! a fall-through to 404.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use fuhua_core::Lang;
use futures_util::{Stream, StreamExt};
use warp::http::HeaderMap;
use warp::{Filter, Rejection};

use crate::AppState;
use crate::server::{BodyReadError, BodyTimedOut, PeerAddr};

/// The address of the client's end of the connection (`None` when the request did
/// not come through [`crate::server::run`], as in `warp::test`). Behind a reverse
/// proxy this is the proxy's address.
pub fn peer_addr() -> impl Filter<Extract = (Option<SocketAddr>,), Error = Infallible> + Clone {
    warp::ext::optional::<PeerAddr>().map(|peer: Option<PeerAddr>| peer.map(|PeerAddr(a)| a))
}

/// Hands the shared state to a handler.
pub fn with_state(
    state: AppState,
) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The language of the `Accept-Language` header (Chinese when absent).
pub fn accept_language() -> impl Filter<Extract = (Lang,), Error = Infallible> + Clone {
    warp::header::headers_cloned().map(|headers: HeaderMap| {
        header_text(&headers, "accept-language")
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

/// The query string as name/value pairs (empty when there is none; undecodable
/// bytes are replaced, never refused).
pub fn query_pairs() -> impl Filter<Extract = (Vec<(String, String)>,), Error = Infallible> + Clone
{
    warp::query::raw()
        .or(warp::any().and_then(|| async { Ok::<_, Rejection>(String::new()) }))
        .unify()
        .map(|raw: String| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(&raw).unwrap_or_default()
        })
        .recover(|_| async { Ok::<_, Infallible>(Vec::new()) })
        .unify()
}

/// The value of one cookie.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language of a page: `?lang=` first, then the `lang` cookie, then
/// `Accept-Language`; with whether it came from the query (so the page remembers it)
/// and the query's pairs.
pub fn page_language()
-> impl Filter<Extract = (Lang, bool, Vec<(String, String)>), Error = Infallible> + Clone {
    query_pairs()
        .and(warp::header::headers_cloned())
        .map(|pairs: Vec<(String, String)>, headers: HeaderMap| {
            let asked = pairs
                .iter()
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::from_code(v));
            let (lang, remember) = match asked {
                Some(lang) => (lang, true),
                None => {
                    let kept = cookie(&headers, "lang").and_then(Lang::from_code);
                    let header =
                        header_text(&headers, "accept-language").map(Lang::from_accept_language);
                    (kept.or(header).unwrap_or_default(), false)
                }
            };
            (lang, remember, pairs)
        })
        .untuple_one()
}

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Over the limit (answered with 413).
    TooLarge,
    /// The connection failed while reading, or the client hung up.
    Unreadable,
    /// The body did not arrive within the server's body-read limit (answered with
    /// 408).
    TimedOut(Duration),
    /// The `Content-Type` is not JSON (answered with 415): the header's value, if any.
    UnsupportedMediaType(Option<String>),
}

/// What a failed read of the body stream means: a timeout of the server's
/// body-read limit, or a connection that failed.
fn read_failure(error: &(dyn std::error::Error + 'static)) -> BodyError {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(BodyReadError::TimedOut(timed_out)) = error.downcast_ref::<BodyReadError>() {
            return BodyError::TimedOut(timed_out.after);
        }
        if let Some(timed_out) = error.downcast_ref::<BodyTimedOut>() {
            return BodyError::TimedOut(timed_out.after);
        }
        cause = error.source();
    }
    BodyError::Unreadable
}

async fn collect<S, B, E>(
    declared: Option<u64>,
    stream: S,
    limit: usize,
) -> Result<Bytes, BodyError>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::error::Error + 'static,
{
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut stream = std::pin::pin!(stream);
    let mut collected = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk.map_err(|e| read_failure(&e))?;
        if collected.len() + chunk.remaining() > limit {
            return Err(BodyError::TooLarge);
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            let n = part.len();
            collected.extend_from_slice(part);
            chunk.advance(n);
        }
    }
    Ok(collected.freeze())
}

/// Reads the body up to `limit` bytes, whether or not the client sent a
/// Content-Length (chunked bodies are counted as they arrive). Never rejects for
/// size, so the handler answers in the API's own error format.
pub fn limited_body(
    limit: usize,
) -> impl Filter<Extract = (Result<Bytes, BodyError>,), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .map(|headers: HeaderMap| {
            header_text(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
        })
        .and(warp::body::stream())
        .then(move |declared, stream| collect(declared, stream, limit))
}

/// Whether a `Content-Type` names JSON: `application/json`, with no parameter but
/// an optional `charset=utf-8` (any case).
pub fn is_json(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|parameter| match parameter.split_once('=') {
            Some((name, value)) => {
                name.trim().eq_ignore_ascii_case("charset")
                    && value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            None => parameter.trim().is_empty(),
        })
}

/// Like [`limited_body`], for a JSON API: a body whose `Content-Type` is not JSON
/// (see [`is_json`]) is refused before it is read.
pub fn json_body(
    limit: usize,
) -> impl Filter<Extract = (Result<Bytes, BodyError>,), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and(warp::body::stream())
        .then(move |headers: HeaderMap, stream| async move {
            if !header_text(&headers, "content-type").is_some_and(is_json) {
                let given = headers
                    .get("content-type")
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                return Err(BodyError::UnsupportedMediaType(given));
            }
            let declared =
                header_text(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
            collect(declared, stream, limit).await
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", "a=1; lang=en; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, "lang"), Some("en"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn json_is_application_json_with_at_most_a_utf8_charset() {
        for yes in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/json;",
        ] {
            assert!(is_json(yes), "{yes}");
        }
        for no in [
            "",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=gbk",
            "application/json; version=2",
            "application/jsonp",
            "application/problem+json",
        ] {
            assert!(!is_json(no), "{no}");
        }
    }
}
