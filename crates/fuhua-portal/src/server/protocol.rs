//! hyper answers some requests by itself, before they reach the routes: a head over
//! the size limits (431), a URI too long (414), a head it cannot parse or a bad
//! `Content-Length` (400). Its answers are a bare status line with
//! `content-length: 0`; these functions recognise one and write the portal's answer
//! instead, in the format of the path that was asked for (JSON `{"errors":[…]}`
//! under `/api`, plain text elsewhere) and the language of its `Accept-Language`.
//!
//! No answer of the routes can be mistaken for one of hyper's: every one of them
//! carries the portal's security headers.

use std::borrow::Cow;

use bytes::Bytes;
use fuhua_core::{Lang, Problem};
use warp::http::StatusCode;

use super::{MAX_HEAD_BYTES, MAX_HEADERS};

/// One of hyper's own answers, recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Refusal {
    status: StatusCode,
    version: &'static str,
}

/// `written` when it is exactly hyper's bare answer to an unparseable request.
pub(super) fn bare_refusal(written: &[u8]) -> Option<Refusal> {
    let text = std::str::from_utf8(written).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    if head.contains("\r\n\r\n") {
        return None;
    }
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let (version, rest) = status_line.split_once(' ')?;
    let version = match version {
        "HTTP/1.1" => "HTTP/1.1",
        "HTTP/1.0" => "HTTP/1.0",
        _ => return None,
    };
    let status = match rest.get(..3)? {
        "400" => StatusCode::BAD_REQUEST,
        "414" => StatusCode::URI_TOO_LONG,
        "431" => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => empty = value.trim() == "0",
            "date" | "connection" => {}
            _ => return None,
        }
    }
    empty.then_some(Refusal { status, version })
}

/// What the start of a request head tells: the path, the language and the headers.
struct Asked<'h> {
    api: bool,
    lang: Lang,
    headers: Vec<(String, &'h str)>,
}

fn asked(head: &str) -> Asked<'_> {
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let target = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or_default();
    // An absolute-form target (http://host/path) names its path after the authority.
    let path = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => target,
    };
    let api = path == "/api" || path.starts_with("/api/") || path.starts_with("/api?");
    let headers: Vec<(String, &str)> = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim()))
        .collect();
    let lang = headers
        .iter()
        .find(|(name, _)| name == "accept-language")
        .map(|(_, value)| Lang::from_accept_language(value))
        .unwrap_or_default();
    Asked { api, lang, headers }
}

/// Why hyper refused a request it answered 400, as far as its head shows.
fn bad_request(headers: &[(String, &str)]) -> Problem {
    let values = |wanted: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(name, _)| name == wanted)
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .collect()
    };
    let lengths = values("content-length");
    let encodings = values("transfer-encoding");
    let bad_length = lengths.iter().any(|v| {
        v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) || v.parse::<u64>().is_err()
    }) || lengths.windows(2).any(|pair| pair[0] != pair[1])
        || (!lengths.is_empty() && !encodings.is_empty());
    if bad_length {
        return Problem::new(
            "headers.content-length",
            "invalid_content_length",
            "Content-Length 请求头无效：应为一个不小于0的整数，且不能与 Transfer-Encoding 同时出现",
            "the Content-Length header is invalid: it must be one whole number, 0 or more, and not come with Transfer-Encoding",
        );
    }
    if encodings
        .last()
        .is_some_and(|last| !last.eq_ignore_ascii_case("chunked"))
    {
        return Problem::new(
            "headers.transfer-encoding",
            "invalid_transfer_encoding",
            "Transfer-Encoding 请求头无效：请求体只能以 chunked 方式传输",
            "the Transfer-Encoding header is invalid: a request body may only be sent chunked",
        );
    }
    Problem::new(
        "request",
        "malformed_request",
        "请求不符合 HTTP/1.1 格式（请求行或请求头有误）",
        "the request is not well-formed HTTP/1.1 (its request line or a header is wrong)",
    )
}

/// The portal's answer to a request hyper refused, from the start of its head.
pub(super) fn answer(refusal: Refusal, head: &[u8]) -> Bytes {
    let head: Cow<'_, str> = String::from_utf8_lossy(head);
    let asked = asked(&head);
    let problem = match refusal.status {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Problem::new(
            "headers",
            "headers_too_large",
            format!(
                "请求头过大：请求行和请求头合计不能超过{}KB，请求头最多{}个",
                MAX_HEAD_BYTES / 1024,
                MAX_HEADERS
            ),
            format!(
                "the request head is too large: at most {} KB with the request line, and at most {} header fields",
                MAX_HEAD_BYTES / 1024,
                MAX_HEADERS
            ),
        ),
        StatusCode::URI_TOO_LONG => Problem::new(
            "path",
            "uri_too_long",
            "请求地址过长",
            "the request URI is too long",
        ),
        _ => bad_request(&asked.headers),
    };
    let (content_type, body) = if asked.api {
        (
            "application/json",
            crate::api::problems_json(std::slice::from_ref(&problem), asked.lang),
        )
    } else {
        (
            "text/plain; charset=utf-8",
            problem.message(asked.lang).as_bytes().to_vec(),
        )
    };
    let mut out = format!(
        "{} {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncontent-language: {}\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n",
        refusal.version,
        refusal.status.as_u16(),
        refusal.status.canonical_reason().unwrap_or_default(),
        body.len(),
        asked.lang.tag(),
    )
    .into_bytes();
    out.extend_from_slice(&body);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bare_answers_are_recognised() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Fri, 27 Nov 2026 08:00:00 GMT\r\n\r\n";
        assert_eq!(
            bare_refusal(bare).map(|r| r.status),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        for other in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nx-frame-options: DENY\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
            b"{\"errors\": []}",
        ] {
            assert_eq!(
                bare_refusal(other),
                None,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn the_answer_follows_the_path_and_language_asked_for() {
        let refusal =
            bare_refusal(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").unwrap();
        let api = answer(
            refusal,
            b"POST /api/v1/calc/award HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nContent-Length: abc\r\n",
        );
        let text = String::from_utf8(api.to_vec()).unwrap();
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
        assert!(text.contains("content-type: application/json\r\n"));
        assert!(
            text.contains("\"field\":\"headers.content-length\""),
            "{text}"
        );
        assert!(text.contains("\"code\":\"invalid_content_length\""));
        assert!(text.contains("the Content-Length header is invalid"));
        let page = answer(refusal, b"GET /?a=1 HTTP/1.1\r\nHo st: x\r\n");
        let text = String::from_utf8(page.to_vec()).unwrap();
        assert!(text.contains("content-type: text/plain; charset=utf-8\r\n"));
        assert!(text.contains("content-language: zh-CN\r\n"));
        assert!(text.ends_with("请求不符合 HTTP/1.1 格式（请求行或请求头有误）"));
        let chunked = answer(
            refusal,
            b"POST /api HTTP/1.1\r\nTransfer-Encoding: gzip\r\n",
        );
        assert!(String::from_utf8_lossy(&chunked).contains("invalid_transfer_encoding"));
    }
}
