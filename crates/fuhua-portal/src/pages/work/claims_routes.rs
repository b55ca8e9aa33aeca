//! The routes of the settlement-claim and finance pages (listed in
//! [`super::ROUTES`]).

use warp::reply::Response;
use warp::{Filter, Rejection};

use super::claims_batch::Kind;
use super::{claims, claims_batch, finance, read, write};
use crate::AppState;
use crate::filters::query_pairs;

/// `/claims…` and `/finance…`.
pub fn routes(state: AppState) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let get = read(state.clone());
    let post = write(state);
    let reads = warp::path!("claims")
        .and(get.clone())
        .and(query_pairs())
        .then(claims::list)
        .or(warp::path!("claims.csv")
            .and(get.clone())
            .and(query_pairs())
            .then(|w, q| claims::export(w, q, claims::Format::Csv)))
        .unify()
        .or(warp::path!("claims.xlsx")
            .and(get.clone())
            .and(query_pairs())
            .then(|w, q| claims::export(w, q, claims::Format::Xlsx)))
        .unify()
        .or(warp::path!("claims" / "approve")
            .and(get.clone())
            .then(|w| claims_batch::choose(w, Kind::Approve)))
        .unify()
        .or(warp::path!("claims" / i64)
            .and(get.clone())
            .and(query_pairs())
            .then(|id, w, q| claims::show(w, id, q)))
        .unify()
        .or(warp::path!("finance")
            .and(get.clone())
            .and(query_pairs())
            .then(finance::page))
        .unify()
        .or(warp::path!("finance" / "pay")
            .and(get)
            .then(|w| claims_batch::choose(w, Kind::Pay)))
        .unify();
    let writes = warp::path!("claims" / "generate")
        .and(post.clone())
        .then(claims::generate)
        .or(warp::path!("claims" / "approve")
            .and(post.clone())
            .then(|w, f| claims_batch::submit(w, Kind::Approve, f)))
        .unify()
        .or(warp::path!("claims" / i64 / "act")
            .and(post.clone())
            .then(|id, w, f| claims::act(w, id, f)))
        .unify()
        .or(warp::path!("finance" / "sources")
            .and(post.clone())
            .then(finance::add_source))
        .unify()
        .or(warp::path!("finance" / "appropriations")
            .and(post.clone())
            .then(finance::add_appropriation))
        .unify()
        .or(warp::path!("finance" / "appropriations" / i64 / "adjust")
            .and(post.clone())
            .then(|id, w, f| finance::adjust(w, id, f)))
        .unify()
        .or(warp::path!("finance" / "pay")
            .and(post)
            .then(|w, f| claims_batch::submit(w, Kind::Pay, f)))
        .unify();
    reads.or(writes).unify()
}
