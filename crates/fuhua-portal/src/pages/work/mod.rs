//! The signed-in portal: each role's dashboard and the pages of the rent-relief
//! journey. Handlers are thin: read the form, call one use case, render or redirect.
//! Every POST answers with a redirect to a GET page on success (the back button
//! never re-posts a decision); a form that fails is shown again with what the user
//! typed and a message at each field.

pub mod charts;
pub mod claims;
pub mod claims_batch;
mod claims_routes;
pub mod dashboard;
pub mod entity;
pub mod extension;
pub mod finance;
pub mod finance_chart;
pub mod import;
pub mod ledger;
pub mod relief;
mod render;
pub mod reports;
pub mod roll;
pub mod stays;

pub use render::{Work, redirect};

use fuhua_service::System;
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::AppState;
use crate::filters::query_pairs;
use crate::session::{self, Session};

/// Every route of the signed-in portal: (method, path pattern). The authorization
/// table test (tests/integration/authz.rs) must have a row for each.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/dashboard"),
    ("GET", "/relief"),
    ("GET", "/relief/new"),
    ("POST", "/relief"),
    ("GET", "/relief/{id}"),
    ("POST", "/relief/{id}/act"),
    ("POST", "/relief/{id}/notes"),
    ("GET", "/relief/{id}/letter"),
    ("GET", "/stays/{id}/ledger"),
    ("GET", "/stays/{id}/ledger.csv"),
    ("GET", "/stays/{id}/ledger.xlsx"),
    ("GET", "/entities/new"),
    ("POST", "/entities"),
    ("GET", "/extensions"),
    ("GET", "/extensions/new"),
    ("POST", "/extensions"),
    ("GET", "/extensions/{id}"),
    ("POST", "/extensions/{id}/decide"),
    ("GET", "/carriers"),
    ("GET", "/carriers/{id}"),
    ("GET", "/tenants"),
    ("GET", "/tenants.csv"),
    ("GET", "/tenants.xlsx"),
    ("GET", "/carriers/{id}/tenants/new"),
    ("POST", "/carriers/{id}/tenants"),
    ("GET", "/stays/{id}"),
    ("POST", "/stays/{id}/move-out"),
    ("POST", "/stays/{id}/rent"),
    ("POST", "/stays/{id}/jobs"),
    ("GET", "/claims"),
    ("GET", "/claims.csv"),
    ("GET", "/claims.xlsx"),
    ("POST", "/claims/generate"),
    ("GET", "/claims/approve"),
    ("POST", "/claims/approve"),
    ("GET", "/claims/{id}"),
    ("POST", "/claims/{id}/act"),
    ("GET", "/finance"),
    ("POST", "/finance/sources"),
    ("POST", "/finance/appropriations"),
    ("POST", "/finance/appropriations/{id}/adjust"),
    ("GET", "/finance/pay"),
    ("POST", "/finance/pay"),
    ("GET", "/reports"),
    ("GET", "/reports/file"),
    ("POST", "/reports"),
    ("POST", "/reports/upload"),
    ("GET", "/reports/template.xlsx"),
    ("GET", "/reports/{id}"),
    ("POST", "/reports/{id}/decide"),
    ("GET", "/reports/bulk"),
    ("POST", "/reports/bulk"),
    ("GET", "/reports/bulk/result"),
    ("GET", "/carriers/{id}/import"),
    ("POST", "/carriers/{id}/import"),
    ("GET", "/carriers/{id}/import/{upload}"),
    ("GET", "/carriers/{id}/import/{upload}/report.xlsx"),
    ("POST", "/carriers/{id}/import/{upload}/confirm"),
    ("GET", "/import/template.xlsx"),
];

type Pairs = Vec<(String, String)>;

/// The portal's system of record, or a 404 when it runs without one.
fn system_of(state: &AppState) -> Result<System, Rejection> {
    state.system().cloned().ok_or_else(warp::reject::not_found)
}

/// A signed-in GET: the [`Work`] of the request.
fn read(state: AppState) -> impl Filter<Extract = (Work,), Error = Rejection> + Clone {
    warp::get()
        .and(session::required(state.clone()))
        .and(warp::path::full())
        .and_then(move |session: Session, path: FullPath| {
            let state = state.clone();
            async move {
                Ok::<_, Rejection>(Work::new(
                    state.clone(),
                    system_of(&state)?,
                    session,
                    path.as_str(),
                ))
            }
        })
}

/// A signed-in POST whose origin and CSRF token checked out: the [`Work`] and the
/// form's fields.
fn write(state: AppState) -> impl Filter<Extract = (Work, Pairs), Error = Rejection> + Clone {
    warp::post()
        .and(crate::csrf::form(state.clone()))
        .and(warp::path::full())
        .and_then(move |(session, pairs): (Session, Pairs), path: FullPath| {
            let state = state.clone();
            async move {
                let work = Work::new(state.clone(), system_of(&state)?, session, path.as_str());
                Ok::<_, Rejection>((work, pairs))
            }
        })
        .untuple_one()
}

/// A signed-in POST with a file whose origin and CSRF token checked out: the
/// [`Work`] and the multipart form (or its being too large).
fn upload(
    state: AppState,
) -> impl Filter<Extract = (Work, crate::csrf::Sent), Error = Rejection> + Clone {
    warp::post()
        .and(crate::csrf::upload(state.clone()))
        .and(warp::path::full())
        .and_then(
            move |(session, sent): (Session, crate::csrf::Sent), path: FullPath| {
                let state = state.clone();
                async move {
                    let work = Work::new(state.clone(), system_of(&state)?, session, path.as_str());
                    Ok::<_, Rejection>((work, sent))
                }
            },
        )
        .untuple_one()
}

/// The signed-in routes (404 when the portal runs without a database). Their
/// rejections (login redirect, CSRF) are answered by `session::with_recovery`.
pub fn routes(state: AppState) -> warp::filters::BoxedFilter<(Response,)> {
    let get = read(state.clone());
    let post = write(state.clone());
    let money = claims_routes::routes(state.clone());
    let stay_routes = stays_routes(get.clone(), post.clone());
    let uploads = upload(state);
    let imports = import_routes(get.clone(), post.clone(), uploads.clone());
    let report_upload = warp::path!("reports" / "upload")
        .and(uploads)
        .then(reports::upload)
        .boxed();
    let reads = warp::path!("dashboard")
        .and(get.clone())
        .then(dashboard::page)
        .or(warp::path!("relief")
            .and(get.clone())
            .and(query_pairs())
            .then(relief::list))
        .unify()
        .or(warp::path!("relief" / "new")
            .and(get.clone())
            .and(query_pairs())
            .then(relief::new))
        .unify()
        .or(warp::path!("relief" / i64)
            .and(get.clone())
            .and(query_pairs())
            .then(|id, w, q| relief::show(w, id, q)))
        .unify()
        .or(warp::path!("relief" / i64 / "letter")
            .and(get.clone())
            .then(|id, w| relief::letter(w, id)))
        .unify()
        .or(warp::path!("stays" / i64 / "ledger")
            .and(get.clone())
            .then(|id, w| ledger::show(w, id, ledger::Format::Page)))
        .unify()
        .or(warp::path!("stays" / i64 / "ledger.csv")
            .and(get.clone())
            .then(|id, w| ledger::show(w, id, ledger::Format::Csv)))
        .unify()
        .or(warp::path!("stays" / i64 / "ledger.xlsx")
            .and(get.clone())
            .then(|id, w| ledger::show(w, id, ledger::Format::Xlsx)))
        .unify()
        .or(warp::path!("entities" / "new")
            .and(get.clone())
            .then(entity::new))
        .unify()
        .or(warp::path!("extensions")
            .and(get.clone())
            .then(extension::list))
        .unify()
        .or(warp::path!("extensions" / "new")
            .and(get.clone())
            .and(query_pairs())
            .then(extension::new))
        .unify()
        .or(warp::path!("extensions" / i64)
            .and(get.clone())
            .and(query_pairs())
            .then(|id, w, q| extension::show(w, id, q)))
        .unify()
        .or(report_reads(get.clone()))
        .unify();
    let writes = warp::path!("relief")
        .and(post.clone())
        .then(relief::create)
        .or(warp::path!("relief" / i64 / "act")
            .and(post.clone())
            .then(|id, w, f| relief::act(w, id, f)))
        .unify()
        .or(warp::path!("relief" / i64 / "notes")
            .and(post.clone())
            .then(|id, w, f| relief::note(w, id, f)))
        .unify()
        .or(warp::path!("entities")
            .and(post.clone())
            .then(entity::create))
        .unify()
        .or(warp::path!("extensions")
            .and(post.clone())
            .then(extension::create))
        .unify()
        .or(warp::path!("extensions" / i64 / "decide")
            .and(post.clone())
            .then(|id, w, f| extension::decide(w, id, f)))
        .unify()
        .or(report_writes(post))
        .unify();
    reads
        .or(writes)
        .unify()
        .or(roll_routes(get))
        .unify()
        .or(stay_routes)
        .unify()
        .or(money)
        .unify()
        .or(imports)
        .unify()
        .or(report_upload)
        .unify()
        // Boxed: the server's future type stays within the compiler's depth limit.
        .boxed()
}

/// Keeping the roll by hand: move-in, and a stay's page and changes.
fn stays_routes(
    get: impl Filter<Extract = (Work,), Error = Rejection> + Clone + Send + Sync + 'static,
    post: impl Filter<Extract = (Work, Pairs), Error = Rejection> + Clone + Send + Sync + 'static,
) -> warp::filters::BoxedFilter<(Response,)> {
    use stays::Change;
    warp::path!("carriers" / i64 / "tenants" / "new")
        .and(get.clone())
        .then(|id, w| stays::new(w, id))
        .or(warp::path!("stays" / i64)
            .and(get)
            .and(query_pairs())
            .then(|id, w, q| stays::show(w, id, q)))
        .unify()
        .or(warp::path!("carriers" / i64 / "tenants")
            .and(post.clone())
            .then(|id, w, f| stays::create(w, id, f)))
        .unify()
        .or(warp::path!("stays" / i64 / "move-out")
            .and(post.clone())
            .then(|id, w, f| stays::change(w, id, Change::MoveOut, f)))
        .unify()
        .or(warp::path!("stays" / i64 / "rent")
            .and(post.clone())
            .then(|id, w, f| stays::change(w, id, Change::Rent, f)))
        .unify()
        .or(warp::path!("stays" / i64 / "jobs")
            .and(post)
            .then(|id, w, f| stays::change(w, id, Change::Jobs, f)))
        .unify()
        .boxed()
}

/// My carriers and the tenant roll (boxed: keeps the route types small).
fn roll_routes(
    get: impl Filter<Extract = (Work,), Error = Rejection> + Clone + Send + Sync + 'static,
) -> warp::filters::BoxedFilter<(Response,)> {
    warp::path!("carriers")
        .and(get.clone())
        .then(roll::carriers)
        .or(warp::path!("carriers" / i64)
            .and(get.clone())
            .then(|id, w| roll::carrier(w, id)))
        .unify()
        .or(warp::path!("tenants")
            .and(get.clone())
            .and(query_pairs())
            .then(roll::tenants))
        .unify()
        .or(warp::path!("tenants.csv")
            .and(get.clone())
            .and(query_pairs())
            .then(|w, q| roll::export(w, q, crate::export::Kind::Csv)))
        .unify()
        .or(warp::path!("tenants.xlsx")
            .and(get)
            .and(query_pairs())
            .then(|w, q| roll::export(w, q, crate::export::Kind::Xlsx)))
        .unify()
        .boxed()
}

/// The monthly-report pages (`reports::*`).
fn report_reads(
    get: impl Filter<Extract = (Work,), Error = Rejection> + Clone + Send + Sync + 'static,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    warp::path!("reports")
        .and(get.clone())
        .and(query_pairs())
        .then(reports::list)
        .or(warp::path!("reports" / "file")
            .and(get.clone())
            .and(query_pairs())
            .then(reports::file_form))
        .unify()
        .or(warp::path!("reports" / "template.xlsx")
            .and(get.clone())
            .then(reports::template))
        .unify()
        .or(warp::path!("reports" / "bulk")
            .and(get.clone())
            .and(query_pairs())
            .then(reports::bulk_preview))
        .unify()
        .or(warp::path!("reports" / "bulk" / "result")
            .and(get.clone())
            .and(query_pairs())
            .then(reports::bulk_result))
        .unify()
        .or(warp::path!("reports" / i64)
            .and(get)
            .and(query_pairs())
            .then(|id, w, q| reports::show(w, id, q)))
        .unify()
}

/// The monthly-report forms (`reports::*`).
fn report_writes(
    post: impl Filter<Extract = (Work, Pairs), Error = Rejection> + Clone + Send + Sync + 'static,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    warp::path!("reports")
        .and(post.clone())
        .then(reports::file)
        .or(warp::path!("reports" / "bulk")
            .and(post.clone())
            .then(reports::bulk_confirm))
        .unify()
        .or(warp::path!("reports" / i64 / "decide")
            .and(post)
            .then(|id, w, f| reports::decide(w, id, f)))
        .unify()
}

/// Importing a tenant roll (boxed, like the roll).
fn import_routes(
    get: impl Filter<Extract = (Work,), Error = Rejection> + Clone + Send + Sync + 'static,
    post: impl Filter<Extract = (Work, Pairs), Error = Rejection> + Clone + Send + Sync + 'static,
    upload: impl Filter<Extract = (Work, crate::csrf::Sent), Error = Rejection>
    + Clone
    + Send
    + Sync
    + 'static,
) -> warp::filters::BoxedFilter<(Response,)> {
    warp::path!("carriers" / i64 / "import")
        .and(get.clone())
        .then(|id, w| import::form(w, id))
        .or(warp::path!("carriers" / i64 / "import")
            .and(upload)
            .then(|id, w, sent| import::create(w, id, sent)))
        .unify()
        .or(warp::path!("carriers" / i64 / "import" / i64)
            .and(get.clone())
            .then(|id, upload, w| import::report(w, id, upload)))
        .unify()
        .or(
            warp::path!("carriers" / i64 / "import" / i64 / "report.xlsx")
                .and(get.clone())
                .then(|id, upload, w| import::report_xlsx(w, id, upload)),
        )
        .unify()
        .or(warp::path!("carriers" / i64 / "import" / i64 / "confirm")
            .and(post)
            .then(|id, upload, w, f| import::confirm(w, id, upload, f)))
        .unify()
        .or(warp::path!("import" / "template.xlsx")
            .and(get)
            .then(import::template))
        .unify()
        .boxed()
}
