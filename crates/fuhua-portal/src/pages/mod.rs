//! Server-rendered pages.

pub mod auth;
pub mod calculator;
pub mod work;

use fuhua_core::Lang;
use minijinja::context;
use minijinja::value::Serde;
use std::convert::Infallible;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_LANGUAGE, HeaderValue, SET_COOKIE};
use warp::reply::{Reply, Response};

use warp::Filter;

use crate::AppState;
use crate::filters::{page_language, with_state};
use crate::templates::SITE_CSS;

/// The query string with `lang` set to the other language, for the switch link.
pub fn switch_url(path: &str, pairs: &[(String, String)], lang: Lang) -> String {
    let other = match lang {
        Lang::Zh => "en",
        Lang::En => "zh-CN",
    };
    let mut kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    kept.push(("lang", other));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    )
}

/// Renders a page as HTML with its language, remembering a language chosen by link.
pub fn html_page(
    state: &AppState,
    name: &str,
    lang: Lang,
    remember: bool,
    status: StatusCode,
    ctx: minijinja::Value,
) -> Response {
    let mut response = match state.templates().render(name, ctx) {
        Ok(html) => warp::reply::with_status(warp::reply::html(html), status).into_response(),
        Err(error) => {
            tracing::error!(template = name, %error, "page could not be rendered");
            return plain_error(lang);
        }
    };
    let headers = response.headers_mut();
    headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
    if remember {
        headers.insert(SET_COOKIE, lang_cookie(lang));
    }
    response
}

/// The `lang` cookie that remembers a language chosen by link for a year.
fn lang_cookie(lang: Lang) -> HeaderValue {
    HeaderValue::from_static(match lang {
        Lang::Zh => "lang=zh-CN; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        Lang::En => "lang=en; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
    })
}

/// Remembers a language chosen by link (`?lang=`) on a page that did not set the
/// cookie itself (the account and signed-in pages), so the next page keeps it.
fn remember_language(
    lang: Lang,
    remember: bool,
    _query: Vec<(String, String)>,
    mut response: Response,
) -> Response {
    let set = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(b"lang="));
    if remember && !set {
        response.headers_mut().append(SET_COOKIE, lang_cookie(lang));
    }
    response
}

/// The last resort when even the error page cannot be rendered.
fn plain_error(lang: Lang) -> Response {
    let text = lang.pick(
        "服务器暂时无法处理您的请求，请稍后再试。",
        "The server could not handle your request. Please try again later.",
    );
    warp::reply::with_status(
        warp::reply::html(text.to_owned()),
        StatusCode::INTERNAL_SERVER_ERROR,
    )
    .into_response()
}

/// A page with a title and one paragraph (404, 405, 500).
pub fn message_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    title_key: &str,
    text_key: &str,
) -> Response {
    let t = state.templates();
    let ctx = context! {
        lang => lang.tag(),
        other_lang => match lang { Lang::Zh => "en", Lang::En => "zh-CN" },
        switch_url => switch_url("/", &[], lang),
        t => Serde(t.catalogue(lang)),
        title => t.text(lang, title_key),
        text => t.text(lang, text_key),
    };
    html_page(state, "pages/message.html", lang, false, status, ctx)
}

fn not_found(
    lang: Lang,
    _remember: bool,
    _query: Vec<(String, String)>,
    state: AppState,
) -> Response {
    message_page(
        &state,
        lang,
        StatusCode::NOT_FOUND,
        "not_found_title",
        "not_found_text",
    )
}

fn stylesheet() -> Response {
    let mut response =
        warp::reply::with_header(SITE_CSS, "content-type", "text/css; charset=utf-8")
            .into_response();
    response.headers_mut().insert(
        "cache-control",
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// `Cache-Control: no-store` unless the page chose its own caching: pages may show
/// a signed-in user's data, which no shared or browser cache should keep.
fn default_no_store(mut response: Response) -> Response {
    if !response.headers().contains_key("cache-control") {
        response
            .headers_mut()
            .insert("cache-control", HeaderValue::from_static("no-store"));
    }
    response
}

/// `/`, `/static/site.css`, and a 404 page for everything else. The pages sit
/// inside `session::with_recovery`, which answers the login redirect and the 403
/// page of the session and CSRF filters.
pub fn routes(state: AppState) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let calculator = warp::get()
        .and(warp::path::end())
        .and(page_language())
        .and(with_state(state.clone()))
        .map(calculator::page);
    let pages = page_language()
        .and(
            calculator
                .or(auth::routes(state.clone()))
                .unify()
                .or(work::routes(state.clone()))
                .unify(),
        )
        .map(remember_language);
    let pages = crate::session::with_recovery(state.clone(), pages).map(default_no_store);
    let css = warp::get()
        .and(warp::path!("static" / "site.css"))
        .map(stylesheet);
    let rest = page_language().and(with_state(state)).map(not_found);
    pages.or(css).unify().or(rest).unify()
}
