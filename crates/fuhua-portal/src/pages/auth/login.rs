//! `GET/POST /login` and `POST /logout`.

use chrono::Utc;
use fuhua_core::Lang;
use fuhua_service::ServiceError;
use fuhua_service::auth;
use minijinja::context;
use minijinja::value::Serde;
use warp::http::StatusCode;
use warp::http::header::HeaderMap;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::{FormView, failure_page, render, unavailable};
use crate::AppState;
use crate::csrf::{self, field};
use crate::filters::{query_pairs, with_state};
use crate::session::{
    self, Session, clear_session_cookie, language, local_path, see_other, session_cookie, token_of,
    with_cookie,
};

/// Where a user lands after login when no `next` was asked for.
pub const AFTER_LOGIN: &str = "/dashboard";

const FIELDS: [&str; 3] = ["username", "password", "next"];

/// The return address of a login form: the local path in `next`, or nothing.
fn next_of(pairs: &[(String, String)]) -> String {
    local_path(field(pairs, "next"))
        .unwrap_or_default()
        .to_owned()
}

fn page(
    state: &AppState,
    lang: Lang,
    form: FormView,
    status: StatusCode,
    registered: bool,
) -> Response {
    let ctx = context! { form => Serde(form), registered => registered };
    render(
        state,
        "pages/auth/login.html",
        lang,
        "/login",
        None,
        status,
        ctx,
    )
}

/// `GET /login?next=…`: the form; a signed-in user goes straight on.
async fn show(
    lang: Lang,
    query: Vec<(String, String)>,
    current: Option<Session>,
    state: AppState,
) -> Response {
    let next = next_of(&query);
    if current.is_some() {
        return see_other(if next.is_empty() { AFTER_LOGIN } else { &next });
    }
    let mut form = FormView::new(&FIELDS);
    form.values.insert("next".to_owned(), next);
    let registered = field(&query, "registered") == "1";
    page(&state, lang, form, StatusCode::OK, registered)
}

/// `POST /login`: a new session (the one the browser had is ended first), then
/// 303 to `next` or `/dashboard`; otherwise the form again. The answer to an
/// unknown username is the same as to a wrong password, byte for byte.
async fn submit(
    lang: Lang,
    pairs: Vec<(String, String)>,
    client: String,
    headers: HeaderMap,
    state: AppState,
) -> Response {
    let Some(system) = state.system() else {
        return unavailable(&state, lang);
    };
    let form = FormView::new(&FIELDS).with_values(&pairs, &["password"]);
    let outcome = auth::login(
        system,
        &state.settings().session,
        field(&pairs, "username"),
        field(&pairs, "password"),
        &client,
        Utc::now(),
    )
    .await;
    match outcome {
        Ok(opened) => {
            // A session id is never carried over a login (session fixation).
            if let Some(old) = token_of(&headers, state.settings())
                && let Err(error) = auth::logout(system, &old).await
            {
                tracing::warn!(%error, "the previous session could not be ended");
            }
            let next = next_of(&pairs);
            let target = if next.is_empty() { AFTER_LOGIN } else { &next };
            with_cookie(
                see_other(target),
                session_cookie(state.settings(), &opened.token),
            )
        }
        Err(ServiceError::Invalid(problems)) => page(
            &state,
            lang,
            form.with_problems(&problems, lang, "password"),
            StatusCode::BAD_REQUEST,
            false,
        ),
        Err(ServiceError::Throttled) => {
            let text = state.templates().text(lang, "login_locked").to_owned();
            page(
                &state,
                lang,
                form.with_notice("username", &text),
                StatusCode::TOO_MANY_REQUESTS,
                false,
            )
        }
        Err(error) => failure_page(&state, lang, &error),
    }
}

/// `POST /logout`: ends the session on the server and forgets the cookie.
async fn logout((session, _pairs): (Session, Vec<(String, String)>), state: AppState) -> Response {
    if let Some(system) = state.system()
        && let Err(error) = auth::logout(system, session.token()).await
    {
        return failure_page(&state, session.lang, &error);
    }
    with_cookie(see_other("/"), clear_session_cookie(state.settings()))
}

pub(super) fn routes(
    state: AppState,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let show = warp::get()
        .and(warp::path!("login"))
        .and(language())
        .and(query_pairs())
        .and(session::optional(state.clone()))
        .and(with_state(state.clone()))
        .then(show);
    let submit = warp::post()
        .and(warp::path!("login"))
        .and(csrf::origin_checked(state.clone()))
        .and(language())
        .and(csrf::form_pairs())
        .and(session::client_addr(state.clone()))
        .and(warp::header::headers_cloned())
        .and(with_state(state.clone()))
        .then(submit);
    let logout = warp::post()
        .and(warp::path!("logout"))
        .and(csrf::form(state.clone()))
        .and(with_state(state))
        .then(logout);
    show.or(submit).unify().or(logout).unify()
}
