//! Who is asking: the session cookie, the client address, and the filters pages use
//! to require a signed-in user.
//!
//! # For page handlers
//!
//! - [`optional`]`(state)` extracts `Option<Session>`: the signed-in user, or `None`.
//! - [`required`]`(state)` extracts a [`Session`], or answers with a 303 redirect to
//!   `/login?next=<this path and query>` (after login the user comes back).
//! - `csrf::form(state)` (see [`crate::csrf`]) is `required` for POST routes, plus
//!   the CSRF token and Origin checks; it extracts `(Session, pairs)`.
//!
//! The redirects and the 403/413/500 pages of these filters are rejections that
//! [`recover`] turns into responses: a route using them must sit inside
//! [`with_recovery`] (as `pages::routes` does for every page), otherwise a
//! rejection would fall through to the 404 page.
//!
//! Every response of a page that uses a session must not be cached: `pages::routes`
//! adds `Cache-Control: no-store` to every page that does not set its own caching.
//!
//! ```text
//! let dashboard = warp::get()
//!     .and(warp::path!("dashboard"))
//!     .and(session::required(state.clone()))
//!     .and(with_state(state.clone()))
//!     .then(|session: Session, state: AppState| async move {
//!         // session.actor is the acting user; session.lang the page language;
//!         // pass `session => session.view()` to templates so the header shows
//!         // the user's name and the logout button.
//!     });
//! ```

use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use chrono::Utc;
use cookie::{Cookie, SameSite};
use fuhua_core::Lang;
use fuhua_service::actor::Actor;
use fuhua_service::auth;
use minijinja::context;
use warp::http::header::{CACHE_CONTROL, HeaderMap, HeaderValue, LOCATION, SET_COOKIE};
use warp::http::{StatusCode, Uri};
use warp::reply::{Reply, Response};
use warp::{Filter, Rejection};

use crate::AppState;
use crate::filters::{page_language, with_state};
use crate::pages::message_page;
use crate::settings::PortalSettings;

/// A signed-in request: the acting user, the session's CSRF token (the hidden field
/// `csrf` of every form), and the page language. `Debug` hides the tokens.
#[derive(Clone)]
pub struct Session {
    pub actor: Actor,
    /// The token every state-changing form must carry in its `csrf` field.
    pub csrf: String,
    pub lang: Lang,
    /// The cookie's token, to end this session or keep it on a password change.
    token: String,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.actor.username)
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The cookie's token of this session.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// What `layouts/base.html` shows in its header (`session.display_name`, and
    /// `session.csrf` for the logout form): pass it as `session` in a page context.
    pub fn view(&self) -> minijinja::Value {
        context! {
            display_name => self.actor.display_name.clone(),
            username => self.actor.username.clone(),
            csrf => self.csrf.clone(),
        }
    }
}

/// Why a page filter did not let a request through; [`recover`] answers each.
#[derive(Debug)]
pub(crate) enum PageRejection {
    /// No session: 303 to `/login?next=…`.
    LoginRequired { next: Option<String> },
    /// A state-changing request without a valid CSRF token or from another origin.
    Forbidden { lang: Lang },
    /// A form body over the limit.
    TooLarge { lang: Lang },
    /// The database did not answer.
    Unavailable { lang: Lang },
}

impl warp::reject::Reject for PageRejection {}

/// A path on this site to come back to, or `None`: it must start with one `/` and
/// not with `//` or `/\` (which browsers read as another host), and hold only
/// printable ASCII without backslashes (what our links produce). Used for `next` after login and for return addresses.
pub fn local_path(candidate: &str) -> Option<&str> {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && candidate.chars().all(|c| c.is_ascii_graphic() && c != '\\')
        && candidate.len() <= 2000;
    ok.then_some(candidate)
}

/// `/login?next=<path>`, or `/login` when `next` is not a local path.
pub fn login_url(next: Option<&str>) -> String {
    match next.and_then(local_path) {
        Some(path) => format!(
            "/login?{}",
            serde_urlencoded::to_string([("next", path)]).unwrap_or_default()
        ),
        None => "/login".to_owned(),
    }
}

/// A 303 See Other to `location` (a local path), not cached.
pub fn see_other(location: &str) -> Response {
    let mut response =
        warp::reply::with_status(warp::reply(), StatusCode::SEE_OTHER).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    no_store(response)
}

/// Marks a response as never to be cached (signed-in pages, login, registration).
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `Set-Cookie` for a new session token: HttpOnly, SameSite=Lax, Path=/, and over
/// https `Secure` under the `__Host-` name. No Max-Age: the browser forgets it when
/// it closes, and the server ends it anyway after the idle or absolute time.
pub fn session_cookie(settings: &PortalSettings, token: &str) -> HeaderValue {
    let cookie = Cookie::build((settings.session_cookie(), token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.https)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(settings: &PortalSettings) -> HeaderValue {
    let cookie = Cookie::build((settings.session_cookie(), ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.https)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

/// The session token in the request's cookies, if any.
pub fn token_of(headers: &HeaderMap, settings: &PortalSettings) -> Option<String> {
    let name = settings.session_cookie();
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy
/// (read from the right, since a client can write anything on the left).
pub fn client_address(
    peer: Option<SocketAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> String {
    let Some(peer) = peer.map(|a| a.ip().to_canonical()) else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let mut client = peer;
    for entry in forwarded_for.unwrap_or_default().rsplit(',') {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip.to_canonical();
        if !trusted.contains(&client) {
            break;
        }
    }
    client.to_string()
}

/// The client address of a request (see [`client_address`]).
pub fn client_addr(
    state: AppState,
) -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    crate::filters::peer_addr()
        .and(warp::header::headers_cloned())
        .map(move |peer: Option<SocketAddr>, headers: HeaderMap| {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            client_address(peer, Some(&forwarded), &state.settings().trusted_proxies)
        })
}

/// The page language alone (`?lang=`, the `lang` cookie, `Accept-Language`).
pub fn language() -> impl Filter<Extract = (Lang,), Error = Infallible> + Clone {
    page_language().map(|lang: Lang, _remember: bool, _pairs: Vec<(String, String)>| lang)
}

/// Loads the session of a cookie token.
pub(crate) async fn load(
    state: &AppState,
    token: Option<String>,
    lang: Lang,
) -> Result<Option<Session>, Rejection> {
    let (Some(system), Some(token)) = (state.system(), token) else {
        return Ok(None);
    };
    match auth::session_actor(system, &state.settings().session, &token, Utc::now()).await {
        Ok(Some((actor, info))) => Ok(Some(Session {
            actor,
            csrf: info.csrf_token,
            lang,
            token,
        })),
        Ok(None) => Ok(None),
        Err(error) => {
            tracing::error!(%error, "the session could not be read");
            Err(warp::reject::custom(PageRejection::Unavailable { lang }))
        }
    }
}

/// The signed-in user, or `None`. Rejects only when the database does not answer
/// (a 500 page through [`recover`]).
pub fn optional(
    state: AppState,
) -> impl Filter<Extract = (Option<Session>,), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and(language())
        .and(with_state(state))
        .and_then(
            |headers: HeaderMap, lang: Lang, state: AppState| async move {
                let token = token_of(&headers, state.settings());
                load(&state, token, lang).await
            },
        )
}

/// The signed-in user; without one, a 303 redirect to `/login?next=<path?query>`
/// (through [`recover`]).
pub fn required(state: AppState) -> impl Filter<Extract = (Session,), Error = Rejection> + Clone {
    optional(state)
        .and(warp::path::full())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(
            |session: Option<Session>, path: warp::path::FullPath, query: String| async move {
                match session {
                    Some(session) => Ok(session),
                    None => {
                        let next = if query.is_empty() {
                            path.as_str().to_owned()
                        } else {
                            format!("{}?{query}", path.as_str())
                        };
                        Err(warp::reject::custom(PageRejection::LoginRequired {
                            next: Some(next),
                        }))
                    }
                }
            },
        )
}

/// Answers the rejections of the page filters: the login redirect, the 403 page of
/// a failed CSRF or Origin check, 413 for an oversized form, 500 when the database
/// is down. Anything else goes on to the next route.
pub async fn recover(state: AppState, rejection: Rejection) -> Result<Response, Rejection> {
    let Some(reason) = rejection.find::<PageRejection>() else {
        return Err(rejection);
    };
    Ok(match reason {
        PageRejection::LoginRequired { next } => see_other(&login_url(next.as_deref())),
        PageRejection::Forbidden { lang } => no_store(message_page(
            &state,
            *lang,
            StatusCode::FORBIDDEN,
            "forbidden_title",
            "forbidden_text",
        )),
        PageRejection::TooLarge { lang } => no_store(message_page(
            &state,
            *lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large_title",
            "too_large_text",
        )),
        PageRejection::Unavailable { lang } => no_store(message_page(
            &state,
            *lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error_title",
            "error_text",
        )),
    })
}

/// Wraps page routes so that the rejections of [`required`], [`optional`] and
/// `csrf::form` become their pages (see [`recover`]).
pub fn with_recovery<F>(
    state: AppState,
    routes: F,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone
where
    F: Filter<Extract = (Response,), Error = Rejection> + Clone + Send + Sync + 'static,
{
    routes
        .recover(move |rejection| recover(state.clone(), rejection))
        .unify()
}

/// The path and query of a URI (a `Referer`), when that is a local path (see
/// [`local_path`]); where a form sent without a session returns after login.
pub(crate) fn path_of_uri(uri: &str) -> Option<String> {
    let parsed: Uri = uri.parse().ok()?;
    let path = parsed.path_and_query()?.as_str().to_owned();
    local_path(&path).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_return_addresses() {
        assert_eq!(local_path("/dashboard?x=1"), Some("/dashboard?x=1"));
        for bad in [
            "//evil.com",
            "/\\evil.com",
            "https://evil.com",
            "evil.com",
            "",
            "/a\r\nSet-Cookie: x",
            "/a b",
            "/申请",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(login_url(Some("//evil.com")), "/login");
        assert_eq!(
            login_url(Some("/account/password?a=b")),
            "/login?next=%2Faccount%2Fpassword%3Fa%3Db"
        );
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let peer: SocketAddr = "10.0.0.5:4000".parse().unwrap();
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let xff = Some("1.2.3.4, 203.0.113.9");
        assert_eq!(client_address(Some(peer), xff, &[]), "10.0.0.5");
        assert_eq!(client_address(Some(peer), xff, &[proxy]), "203.0.113.9");
        let inner: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_address(Some(peer), xff, &[proxy, inner]), "1.2.3.4");
        assert_eq!(
            client_address(Some(peer), Some("garbage"), &[proxy]),
            "10.0.0.5"
        );
        assert_eq!(client_address(None, xff, &[proxy]), "unknown");
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:1".parse().unwrap();
        assert_eq!(client_address(Some(mapped), None, &[]), "127.0.0.1");
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_under_host_over_https() {
        let plain = PortalSettings::default();
        let text = session_cookie(&plain, "abc").to_str().unwrap().to_owned();
        assert!(text.starts_with("fuhua_session=abc"));
        for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(text.contains(part), "{text}");
        }
        assert!(!text.contains("Secure"));
        let https = PortalSettings {
            https: true,
            public_origin: "https://fuhua.example.gov.cn".into(),
            ..PortalSettings::default()
        };
        let text = session_cookie(&https, "abc").to_str().unwrap().to_owned();
        assert!(text.starts_with("__Host-fuhua_session=abc"));
        assert!(text.contains("Secure") && !text.contains("Domain"));
        let cleared = clear_session_cookie(&https).to_str().unwrap().to_owned();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
    }
}
