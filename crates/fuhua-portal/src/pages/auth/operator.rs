//! `GET /operator/links` and `POST /operator/links/<id>/confirm`: an operator
//! confirms that an account stands for a founder of one of its tenants, when that
//! founder has no email on record to receive a code.

use chrono::Utc;
use fuhua_service::auth;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::{failure_page, render, unavailable};
use crate::AppState;
use crate::csrf::{self, field};
use crate::filters::{query_pairs, with_state};
use crate::session::{self, Session, see_other};

/// One waiting link as the page shows it.
#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    requested_at: String,
    username: String,
    display_name: String,
    email: Option<String>,
    person_name: String,
    resident_id_masked: String,
    phone_matches: bool,
    entities: Vec<String>,
}

async fn show(session: Session, query: Vec<(String, String)>, state: AppState) -> Response {
    let lang = session.lang;
    let Some(system) = state.system() else {
        return unavailable(&state, lang);
    };
    let links = match auth::pending_links_for_operator(system, &session.actor).await {
        Ok(links) => links,
        Err(error) => return failure_page(&state, lang, &error),
    };
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600);
    let rows: Vec<Row> = links
        .into_iter()
        .map(|l| Row {
            id: l.id,
            requested_at: shanghai.map_or_else(
                || l.requested_at.format("%Y-%m-%d %H:%M").to_string(),
                |tz| {
                    l.requested_at
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                },
            ),
            username: l.username,
            display_name: l.display_name,
            email: l.email,
            person_name: l.person_name,
            resident_id_masked: l.resident_id_masked,
            phone_matches: l.phone_matches,
            entities: l.entities,
        })
        .collect();
    let ctx = context! {
        rows => Serde(rows),
        confirmed => field(&query, "confirmed") == "1",
    };
    render(
        &state,
        "pages/auth/operator_links.html",
        lang,
        "/operator/links",
        Some(&session),
        StatusCode::OK,
        ctx,
    )
}

async fn confirm(
    id: i64,
    (session, _pairs): (Session, Vec<(String, String)>),
    state: AppState,
) -> Response {
    let lang = session.lang;
    let Some(system) = state.system() else {
        return unavailable(&state, lang);
    };
    match auth::confirm_link(system, &session.actor, id, Utc::now()).await {
        Ok(()) => see_other("/operator/links?confirmed=1"),
        Err(error) => failure_page(&state, lang, &error),
    }
}

pub(super) fn routes(
    state: AppState,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let show = warp::get()
        .and(warp::path!("operator" / "links"))
        .and(session::required(state.clone()))
        .and(query_pairs())
        .and(with_state(state.clone()))
        .then(show);
    let confirm = warp::post()
        .and(warp::path!("operator" / "links" / i64 / "confirm"))
        .and(csrf::form(state.clone()))
        .and(with_state(state))
        .then(confirm);
    show.or(confirm).unify()
}
