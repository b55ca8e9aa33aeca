//! `GET/POST /register`: an entrepreneur creates an account. Whether the resident
//! ID was already on record changes nothing in the answer: either way the new
//! account is signed in and sent to `/account/link` to prove who they are.

use chrono::Utc;
use fuhua_core::{Lang, Problem};
use fuhua_service::ServiceError;
use fuhua_service::auth::{self, Registration};
use minijinja::context;
use minijinja::value::Serde;
use warp::http::StatusCode;
use warp::http::header::HeaderMap;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::{FormView, failure_page, render, unavailable};
use crate::AppState;
use crate::csrf::{self, field};
use crate::filters::with_state;
use crate::session::{self, language, see_other, session_cookie, token_of, with_cookie};

const FIELDS: [&str; 7] = [
    "name",
    "resident_id",
    "phone",
    "email",
    "username",
    "password",
    "password_confirm",
];
const SECRET: [&str; 2] = ["password", "password_confirm"];

/// Where a new account goes: proving the link to its person.
const AFTER_REGISTRATION: &str = "/account/link?registered=1";

fn page(state: &AppState, lang: Lang, form: FormView, status: StatusCode) -> Response {
    let ctx = context! { form => Serde(form) };
    render(
        state,
        "pages/auth/register.html",
        lang,
        "/register",
        None,
        status,
        ctx,
    )
}

async fn show(lang: Lang, state: AppState) -> Response {
    page(&state, lang, FormView::new(&FIELDS), StatusCode::OK)
}

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
    let form = FormView::new(&FIELDS).with_values(&pairs, &SECRET);
    if field(&pairs, "password") != field(&pairs, "password_confirm") {
        let mismatch = Problem::new(
            "password_confirm",
            "mismatch",
            "两次输入的密码不一致",
            "The two passwords differ",
        );
        return page(
            &state,
            lang,
            form.with_problems(&[mismatch], lang, "password"),
            StatusCode::BAD_REQUEST,
        );
    }
    let registration = Registration {
        name: field(&pairs, "name").to_owned(),
        resident_id: field(&pairs, "resident_id").to_owned(),
        phone: field(&pairs, "phone").to_owned(),
        email: field(&pairs, "email").to_owned(),
        username: field(&pairs, "username").to_owned(),
        password: field(&pairs, "password").to_owned(),
    };
    let now = Utc::now();
    let registered = match auth::register_entrepreneur(system, &registration, lang, now).await {
        Ok(registered) => registered,
        Err(ServiceError::Invalid(problems)) => {
            return page(
                &state,
                lang,
                form.with_problems(&problems, lang, "name"),
                StatusCode::BAD_REQUEST,
            );
        }
        Err(error @ ServiceError::Conflict { .. }) => {
            let text = error.conflict_text(lang).unwrap_or_default().to_owned();
            return page(
                &state,
                lang,
                form.with_notice("name", &text),
                StatusCode::CONFLICT,
            );
        }
        Err(error) => return failure_page(&state, lang, &error),
    };
    let opened = auth::login(
        system,
        &state.settings().session,
        &registered.username,
        &registration.password,
        &client,
        now,
    )
    .await;
    match opened {
        Ok(opened) => {
            if let Some(old) = token_of(&headers, state.settings())
                && let Err(error) = auth::logout(system, &old).await
            {
                tracing::warn!(%error, "the previous session could not be ended");
            }
            with_cookie(
                see_other(AFTER_REGISTRATION),
                session_cookie(state.settings(), &opened.token),
            )
        }
        // The account exists; signing in is left to the login page.
        Err(_) => see_other("/login?registered=1"),
    }
}

pub(super) fn routes(
    state: AppState,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let show = warp::get()
        .and(warp::path!("register"))
        .and(language())
        .and(with_state(state.clone()))
        .then(show);
    let submit = warp::post()
        .and(warp::path!("register"))
        .and(csrf::origin_checked(state.clone()))
        .and(language())
        .and(csrf::form_pairs())
        .and(session::client_addr(state.clone()))
        .and(warp::header::headers_cloned())
        .and(with_state(state))
        .then(submit);
    show.or(submit).unify()
}
