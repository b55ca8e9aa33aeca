//! `GET/POST /account/password` and `GET/POST /account/link`.

use chrono::Utc;
use fuhua_core::Problem;
use fuhua_service::ServiceError;
use fuhua_service::auth::{self, LinkStatus};
use minijinja::context;
use minijinja::value::Serde;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::{FormView, failure_page, render, unavailable};
use crate::AppState;
use crate::csrf::{self, field};
use crate::filters::{query_pairs, with_state};
use crate::session::{self, Session, see_other};

const PASSWORD_FIELDS: [&str; 3] = ["old_password", "new_password", "new_password_confirm"];
const LINK_FIELDS: [&str; 1] = ["code"];

fn password_page(
    state: &AppState,
    session: &Session,
    form: FormView,
    changed: bool,
    status: StatusCode,
) -> Response {
    let ctx = context! { form => Serde(form), changed => changed };
    render(
        state,
        "pages/auth/password.html",
        session.lang,
        "/account/password",
        Some(session),
        status,
        ctx,
    )
}

async fn show_password(
    session: Session,
    query: Vec<(String, String)>,
    state: AppState,
) -> Response {
    let changed = field(&query, "changed") == "1";
    password_page(
        &state,
        &session,
        FormView::new(&PASSWORD_FIELDS),
        changed,
        StatusCode::OK,
    )
}

/// Changes the password; the other sessions of the account end, this one stays.
async fn change_password(
    (session, pairs): (Session, Vec<(String, String)>),
    state: AppState,
) -> Response {
    let lang = session.lang;
    let Some(system) = state.system() else {
        return unavailable(&state, lang);
    };
    let form = FormView::new(&PASSWORD_FIELDS);
    let new = field(&pairs, "new_password");
    if new != field(&pairs, "new_password_confirm") {
        let mismatch = Problem::new(
            "new_password_confirm",
            "mismatch",
            "两次输入的新密码不一致",
            "The two new passwords differ",
        );
        let form = form.with_problems(&[mismatch], lang, "new_password");
        return password_page(&state, &session, form, false, StatusCode::BAD_REQUEST);
    }
    let old = field(&pairs, "old_password");
    match auth::change_password(
        system,
        &session.actor,
        Some(session.token()),
        old,
        new,
        lang,
    )
    .await
    {
        Ok(_) => see_other("/account/password?changed=1"),
        Err(ServiceError::Invalid(problems)) => {
            let form = form.with_problems(&problems, lang, "new_password");
            password_page(&state, &session, form, false, StatusCode::BAD_REQUEST)
        }
        Err(error) => failure_page(&state, lang, &error),
    }
}

/// What the link page says about the account.
fn status_view(status: &LinkStatus) -> minijinja::Value {
    match status {
        LinkStatus::Linked { .. } => context! { kind => "linked" },
        LinkStatus::Pending { codes_left, .. } => {
            context! { kind => "pending", codes_left => *codes_left }
        }
        LinkStatus::Unlinked => context! { kind => "none" },
    }
}

async fn link_page(
    state: &AppState,
    session: &Session,
    form: FormView,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let Some(system) = state.system() else {
        return failure_page(state, session.lang, &ServiceError::NotFound);
    };
    let link = match auth::link_status(system, &session.actor).await {
        Ok(link) => link,
        Err(error) => return failure_page(state, session.lang, &error),
    };
    let ctx = context! {
        form => Serde(form),
        link => status_view(&link),
        notice => notice,
    };
    render(
        state,
        "pages/auth/link.html",
        session.lang,
        "/account/link",
        Some(session),
        status,
        ctx,
    )
}

async fn show_link(session: Session, query: Vec<(String, String)>, state: AppState) -> Response {
    let notice = ["registered", "sent", "proven"]
        .into_iter()
        .find(|flag| field(&query, flag) == "1")
        .map(|flag| format!("link_notice_{flag}"));
    link_page(
        &state,
        &session,
        FormView::new(&LINK_FIELDS),
        notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

/// `action=send` asks for a new code; otherwise the `code` proves the link.
async fn submit_link(
    (session, pairs): (Session, Vec<(String, String)>),
    state: AppState,
) -> Response {
    let lang = session.lang;
    let Some(system) = state.system() else {
        return unavailable(&state, lang);
    };
    let form = FormView::new(&LINK_FIELDS).with_values(&pairs, &[]);
    let now = Utc::now();
    let outcome = if field(&pairs, "action") == "send" {
        auth::request_link_code(system, &session.actor, lang, now)
            .await
            .map(|_| "/account/link?sent=1")
    } else {
        auth::prove_link(system, &session.actor, field(&pairs, "code"), now)
            .await
            .map(|()| "/account/link?proven=1")
    };
    match outcome {
        Ok(target) => see_other(target),
        Err(ServiceError::Invalid(problems)) => {
            let form = form.with_problems(&problems, lang, "code");
            link_page(&state, &session, form, None, StatusCode::BAD_REQUEST).await
        }
        Err(ServiceError::Throttled) => {
            let text = state
                .templates()
                .text(lang, "link_too_many_codes")
                .to_owned();
            let form = form.with_notice("code", &text);
            link_page(&state, &session, form, None, StatusCode::TOO_MANY_REQUESTS).await
        }
        Err(error @ ServiceError::Conflict { .. }) => {
            let text = error.conflict_text(lang).unwrap_or_default().to_owned();
            let form = form.with_notice("code", &text);
            link_page(&state, &session, form, None, StatusCode::CONFLICT).await
        }
        Err(error) => failure_page(&state, lang, &error),
    }
}

pub(super) fn routes(
    state: AppState,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let show_password = warp::get()
        .and(warp::path!("account" / "password"))
        .and(session::required(state.clone()))
        .and(query_pairs())
        .and(with_state(state.clone()))
        .then(show_password);
    let change_password = warp::post()
        .and(warp::path!("account" / "password"))
        .and(csrf::form(state.clone()))
        .and(with_state(state.clone()))
        .then(change_password);
    let show_link = warp::get()
        .and(warp::path!("account" / "link"))
        .and(session::required(state.clone()))
        .and(query_pairs())
        .and(with_state(state.clone()))
        .then(show_link);
    let submit_link = warp::post()
        .and(warp::path!("account" / "link"))
        .and(csrf::form(state.clone()))
        .and(with_state(state))
        .then(submit_link);
    show_password
        .or(change_password)
        .unify()
        .or(show_link)
        .unify()
        .or(submit_link)
        .unify()
}
