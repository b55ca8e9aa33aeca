//! Signing in and the account pages (issue 6 points 2 and 3):
//!
//! | route | does |
//! |---|---|
//! | `GET/POST /login` | sign in; back to `next` (a local path) or `/dashboard` |
//! | `POST /logout` | end the session on the server |
//! | `GET/POST /register` | an entrepreneur registers, then proves the link to their person |
//! | `GET/POST /account/password` | change one's password (other sessions end) |
//! | `GET/POST /account/link` | enter the link code, or ask for a new one |
//! | `GET /operator/links` | links waiting for this operator |
//! | `POST /operator/links/<id>/confirm` | the operator confirms one |
//!
//! Every POST answers with a 303 to a GET page; a form with errors is shown again
//! with what the user typed (never the passwords) and each error at its field and
//! in a list at the top. Every page here is `Cache-Control: no-store`.

mod account;
mod login;
mod operator;
mod register;

use std::collections::BTreeMap;

use fuhua_core::{Lang, Problem};
use fuhua_service::ServiceError;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::AppState;
use crate::pages::{html_page, message_page, switch_url};
use crate::session::{Session, no_store};

/// Every route of this module: (method, path pattern). The authorization table test
/// (tests/integration/authz.rs) must have a row for each.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/register"),
    ("POST", "/register"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("GET", "/account/link"),
    ("POST", "/account/link"),
    ("GET", "/operator/links"),
    ("POST", "/operator/links/{id}/confirm"),
];

/// Every route of this module; they must sit inside `session::with_recovery`.
pub fn routes(state: AppState) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    login::routes(state.clone())
        .or(register::routes(state.clone()))
        .unify()
        .or(account::routes(state.clone()))
        .unify()
        .or(operator::routes(state))
        .unify()
}

/// One problem as the error list at the top shows it: the field's id and the text.
#[derive(Debug, Clone, Serialize)]
struct Listed {
    input: String,
    message: String,
}

/// What a form shows again: the values typed, the error of each field (`None` when
/// fine, so templates never meet an undefined name) and the list at the top.
#[derive(Debug, Clone, Default, Serialize)]
struct FormView {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, Option<String>>,
    problems: Vec<Listed>,
}

impl FormView {
    /// A blank form with these fields.
    fn new(fields: &[&str]) -> FormView {
        FormView {
            values: fields
                .iter()
                .map(|f| ((*f).to_owned(), String::new()))
                .collect(),
            errors: fields.iter().map(|f| ((*f).to_owned(), None)).collect(),
            problems: Vec::new(),
        }
    }

    /// Keeps what the user typed, except in the `secret` fields.
    fn with_values(mut self, pairs: &[(String, String)], secret: &[&str]) -> FormView {
        for (name, value) in self.values.iter_mut() {
            if !secret.contains(&name.as_str()) {
                value.clone_from(&crate::csrf::field(pairs, name).to_owned());
            }
        }
        self
    }

    /// Adds problems: each at its field (the first wins) and in the list. A problem
    /// for a field the form does not have goes to `fallback`.
    fn with_problems(mut self, problems: &[Problem], lang: Lang, fallback: &str) -> FormView {
        for p in problems {
            let input = if self.errors.contains_key(&p.field) {
                p.field.clone()
            } else {
                fallback.to_owned()
            };
            let message = p.message(lang).to_owned();
            if let Some(slot) = self.errors.get_mut(&input)
                && slot.is_none()
            {
                *slot = Some(message.clone());
            }
            self.problems.push(Listed { input, message });
        }
        self
    }

    /// One message for the whole form (shown in the list at the top only).
    fn with_notice(mut self, input: &str, message: &str) -> FormView {
        self.problems.push(Listed {
            input: input.to_owned(),
            message: message.to_owned(),
        });
        self
    }
}

/// Renders one of this module's pages with the layout's context (language switch,
/// catalogue, and the signed-in user when there is one), never cached.
fn render(
    state: &AppState,
    template: &str,
    lang: Lang,
    path: &str,
    session: Option<&Session>,
    status: StatusCode,
    extra: minijinja::Value,
) -> Response {
    let t = state.templates().catalogue(lang);
    let base = context! {
        lang => lang.tag(),
        other_lang => match lang { Lang::Zh => "en", Lang::En => "zh-CN" },
        switch_url => switch_url(path, &[], lang),
        t => Serde(t),
        ..extra
    };
    let ctx = match session {
        Some(s) => context! { session => s.view(), ..base },
        None => base,
    };
    no_store(html_page(state, template, lang, false, status, ctx))
}

/// The page for a use case's failure that is not a form error: 404, 403, 409, 429
/// or 500 (the last one logged).
fn failure_page(state: &AppState, lang: Lang, error: &ServiceError) -> Response {
    let (status, title, text) = match error {
        ServiceError::NotFound => (StatusCode::NOT_FOUND, "not_found_title", "not_found_text"),
        ServiceError::Forbidden => (
            StatusCode::FORBIDDEN,
            "forbidden_title",
            "forbidden_role_text",
        ),
        ServiceError::Throttled => (
            StatusCode::TOO_MANY_REQUESTS,
            "throttled_title",
            "throttled_text",
        ),
        ServiceError::Conflict { .. } => {
            let t = state.templates();
            let ctx = context! {
                title => t.text(lang, "conflict_title"),
                text => error.conflict_text(lang).unwrap_or_default(),
            };
            return render(
                state,
                "pages/message.html",
                lang,
                "/",
                None,
                StatusCode::CONFLICT,
                ctx,
            );
        }
        ServiceError::Invalid(_) => (StatusCode::CONFLICT, "conflict_title", "conflict_text"),
        ServiceError::Store(e) => {
            tracing::error!(error = %e, "an account page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "error_title",
                "error_text",
            )
        }
    };
    no_store(message_page(state, lang, status, title, text))
}

/// The page when the portal runs without a system of record (calculator only).
fn unavailable(state: &AppState, lang: Lang) -> Response {
    no_store(message_page(
        state,
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        "error_title",
        "error_text",
    ))
}
