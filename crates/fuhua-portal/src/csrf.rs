//! Cross-site request forgery (issue 6 point 3): every state-changing form carries
//! its session's CSRF token in the hidden field `csrf`, compared in constant time
//! with the one stored for the session, and must come from this site — its
//! `Origin` (or, without one, its `Referer`) must be the origin of
//! `FUHUA_PUBLIC_URL` or of the request's own `Host`. GET never changes state.
//!
//! # For POST routes
//!
//! ```text
//! let confirm = warp::post()
//!     .and(warp::path!("relief" / i64 / "confirm"))
//!     .and(csrf::form(state.clone()))
//!     .and(with_state(state.clone()))
//!     .then(|id: i64, (session, pairs): (Session, Vec<(String, String)>), state| async move {
//!         // pairs: the form's fields in order (without `csrf`);
//!         // answer with session::see_other("/…") — never a page — on success.
//!     });
//! ```
//!
//! A missing or wrong token, or another origin, answers 403 with a page in the
//! user's language; no session answers a redirect to the login page; a body over
//! [`FORM_LIMIT`] answers 413. The route must sit inside
//! `session::with_recovery` (every page route does, through `pages::routes`).

use bytes::Bytes;
use fuhua_core::Lang;
use fuhua_service::auth::constant_time_eq;
use warp::http::HeaderMap;
use warp::{Filter, Rejection};

use crate::AppState;
use crate::filters::{BodyError, limited_body, with_state};
use crate::session::{self, PageRejection, Session, language};
use crate::settings::origin_of;

/// The largest form body read (64 KiB: forms here are a few fields of text).
pub const FORM_LIMIT: usize = 64 * 1024;

/// The name of the hidden field that carries the token.
pub const FIELD: &str = "csrf";

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether the request comes from this site: its `Origin` — or, when the browser
/// sent none, its `Referer` — has the public origin or `http(s)://<Host>`. A
/// request with neither is refused.
pub fn same_origin(headers: &HeaderMap, public_origin: &str) -> bool {
    let claimed = match header(headers, "origin") {
        Some(origin) => origin_of(origin),
        None => header(headers, "referer").and_then(origin_of),
    };
    let Some(claimed) = claimed else {
        return false;
    };
    if claimed == public_origin {
        return true;
    }
    let Some(host) = header(headers, "host").map(str::to_ascii_lowercase) else {
        return false;
    };
    ["http", "https"]
        .iter()
        .filter_map(|scheme| origin_of(&format!("{scheme}://{host}")))
        .any(|own| own == claimed)
}

/// Passes requests from this site only (for forms without a session yet: login and
/// registration); others get the 403 page.
pub fn origin_checked(state: AppState) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and(language())
        .and(with_state(state))
        .and_then(
            |headers: HeaderMap, lang: Lang, state: AppState| async move {
                if same_origin(&headers, &state.settings().public_origin) {
                    Ok(())
                } else {
                    Err(warp::reject::custom(PageRejection::Forbidden { lang }))
                }
            },
        )
        .untuple_one()
}

/// A urlencoded form body of at most [`FORM_LIMIT`] bytes as name/value pairs
/// (undecodable input becomes no pairs; 413 through the recovery when too large).
pub fn form_pairs() -> impl Filter<Extract = (Vec<(String, String)>,), Error = Rejection> + Clone {
    language().and(limited_body(FORM_LIMIT)).and_then(
        |lang: Lang, body: Result<Bytes, BodyError>| async move {
            match body {
                Ok(bytes) => Ok(
                    serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                        .unwrap_or_default(),
                ),
                Err(_) => Err(warp::reject::custom(PageRejection::TooLarge { lang })),
            }
        },
    )
}

/// For POST routes that change state: the signed-in [`Session`] and the form's
/// fields (without `csrf`), once the origin and the session's CSRF token check out.
pub fn form(
    state: AppState,
) -> impl Filter<Extract = ((Session, Vec<(String, String)>),), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and(language())
        .and(with_state(state))
        .and(form_pairs())
        .and_then(
            |headers: HeaderMap, lang: Lang, state: AppState, pairs: Vec<(String, String)>| async move {
                if !same_origin(&headers, &state.settings().public_origin) {
                    return Err(warp::reject::custom(PageRejection::Forbidden { lang }));
                }
                let token = session::token_of(&headers, state.settings());
                let Some(session) = session::load(&state, token, lang).await? else {
                    // Back to the page the form was on, once signed in.
                    let next = header(&headers, "referer").and_then(session::path_of_uri);
                    return Err(warp::reject::custom(PageRejection::LoginRequired { next }));
                };
                let sent = pairs
                    .iter()
                    .find(|(k, _)| k == FIELD)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or_default();
                if sent.is_empty() || !constant_time_eq(sent, &session.csrf) {
                    return Err(warp::reject::custom(PageRejection::Forbidden { lang }));
                }
                let fields = pairs.into_iter().filter(|(k, _)| k != FIELD).collect();
                Ok((session, fields))
            },
        )
}

/// The largest upload body read: a little above the use case's 10 MiB file limit,
/// so a file just over it is still answered by the use case's own message.
pub const UPLOAD_LIMIT: usize = fuhua_service::tenants::import::MAX_BYTES + 1024 * 1024;

/// A file sent in a multipart form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFile {
    /// The field it came in.
    pub field: String,
    /// The name the browser gave (may be empty).
    pub filename: String,
    pub bytes: Bytes,
}

/// An upload form as read: its text fields (without `csrf`) and its files, or a
/// body over [`UPLOAD_LIMIT`] (nothing of it read, so no token was checked and the
/// handler must change nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Form {
        fields: Vec<(String, String)>,
        files: Vec<SentFile>,
    },
    TooLarge,
}

/// The fields and files of a `multipart/form-data` body; a urlencoded (or any
/// other) body is read as urlencoded pairs without files. An unreadable multipart
/// body is an empty form.
async fn parse_upload(
    content_type: Option<String>,
    body: Bytes,
) -> (Vec<(String, String)>, Vec<SentFile>) {
    let boundary = content_type
        .as_deref()
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let Some(boundary) = boundary else {
        let pairs =
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default();
        return (pairs, Vec::new());
    };
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return (Vec::new(), Vec::new()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let Ok(bytes) = field.bytes().await else {
            return (Vec::new(), Vec::new());
        };
        match filename {
            Some(filename) => files.push(SentFile {
                field: name,
                filename,
                bytes,
            }),
            None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    (fields, files)
}

/// For POST routes that take a file (`multipart/form-data`): the signed-in
/// [`Session`] and the [`Sent`] form, once the origin and the CSRF token — read
/// from the form's `csrf` field — check out, as [`form`] does. A body over
/// [`UPLOAD_LIMIT`] is handed over as [`Sent::TooLarge`] (with the session, so the
/// 413 page is in the user's language and names the limit); other failures are
/// the same rejections as [`form`]'s.
pub fn upload(
    state: AppState,
) -> impl Filter<Extract = ((Session, Sent),), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and(language())
        .and(with_state(state))
        .and(limited_body(UPLOAD_LIMIT))
        .and_then(
            |headers: HeaderMap, lang: Lang, state: AppState, body: Result<Bytes, BodyError>| async move {
                if !same_origin(&headers, &state.settings().public_origin) {
                    return Err(warp::reject::custom(PageRejection::Forbidden { lang }));
                }
                let token = session::token_of(&headers, state.settings());
                let Some(session) = session::load(&state, token, lang).await? else {
                    let next = header(&headers, "referer").and_then(session::path_of_uri);
                    return Err(warp::reject::custom(PageRejection::LoginRequired { next }));
                };
                let body = match body {
                    Ok(body) => body,
                    Err(BodyError::TooLarge) => return Ok((session, Sent::TooLarge)),
                    Err(_) => Bytes::new(),
                };
                let content_type = header(&headers, "content-type").map(str::to_owned);
                let (pairs, files) = parse_upload(content_type, body).await;
                let sent = pairs
                    .iter()
                    .find(|(k, _)| k == FIELD)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or_default();
                if sent.is_empty() || !constant_time_eq(sent, &session.csrf) {
                    return Err(warp::reject::custom(PageRejection::Forbidden { lang }));
                }
                let fields = pairs.into_iter().filter(|(k, _)| k != FIELD).collect();
                Ok((session, Sent::Form { fields, files }))
            },
        )
}

/// The value of field `name` in form pairs (the first one), or "".
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forms_must_come_from_the_public_origin_or_the_host() {
        let public = "https://fuhua.example.gov.cn";
        assert!(same_origin(
            &headers(&[("origin", "https://fuhua.example.gov.cn")]),
            public
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(same_origin(
            &headers(&[
                ("referer", "https://fuhua.example.gov.cn/login?next=/x"),
                ("host", "internal:8080")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "fuhua.example.gov.cn")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("origin", "null"), ("host", "fuhua.example.gov.cn")]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("host", "fuhua.example.gov.cn")]),
            public
        ));
    }

    #[tokio::test]
    async fn multipart_bodies_give_their_fields_and_files_and_other_bodies_their_pairs() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n\
                    --b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"名册.csv\"\r\n\
                    Content-Type: text/csv\r\n\r\na,b\r\n1,2\r\n--b--\r\n";
        let (fields, files) = parse_upload(
            Some("multipart/form-data; boundary=b".into()),
            Bytes::from(body),
        )
        .await;
        assert_eq!(fields, vec![("csrf".to_owned(), "tok".to_owned())]);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].field, "file");
        assert_eq!(files[0].filename, "名册.csv");
        assert_eq!(&files[0].bytes[..], b"a,b\r\n1,2");
        // A broken multipart body is an empty form (so the token check refuses it).
        let (fields, files) = parse_upload(
            Some("multipart/form-data; boundary=b".into()),
            Bytes::from_static(b"--b\r\nnonsense"),
        )
        .await;
        assert!(fields.is_empty() && files.is_empty());
        // A urlencoded body: its pairs, no files.
        let (fields, files) = parse_upload(
            Some("application/x-www-form-urlencoded".into()),
            Bytes::from_static(b"csrf=t&sha256=x"),
        )
        .await;
        assert_eq!(fields.len(), 2);
        assert!(files.is_empty());
    }

    #[test]
    fn fields_are_found_by_name() {
        let pairs = vec![
            ("a".to_owned(), "1".to_owned()),
            ("a".to_owned(), "2".to_owned()),
        ];
        assert_eq!(field(&pairs, "a"), "1");
        assert_eq!(field(&pairs, "b"), "");
    }
}
