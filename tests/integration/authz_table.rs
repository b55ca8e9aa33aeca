//! The authorization table (SPEC §1, issue: the portal's spine, point 4): every
//! signed-in route × role × own/other record → the status it must answer. Walked by
//! `authz::every_route_answers_each_role_as_the_table_says`; a route without a row
//! fails that test.

/// Whose record a row uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rec {
    /// No record in the path.
    None,
    /// The actor's own (street A's for the founder and operator.a; street B's for official.b).
    Own,
    /// Someone else's.
    Other,
}

use Rec::{None as N, Other as O, Own as M};

pub const ROLES: [&str; 5] = ["anon", "founder", "operator.a", "official.b", "finance"];

/// (method, route, record, [expected status per role in ROLES order]).
pub const TABLE: &[(&str, &str, Rec, [u16; 5])] = &[
    ("GET", "/dashboard", N, [303, 200, 200, 200, 200]),
    ("GET", "/relief", N, [303, 403, 200, 200, 403]),
    ("GET", "/relief/new", M, [303, 200, 404, 404, 404]),
    ("GET", "/relief/new", O, [303, 404, 404, 404, 404]),
    ("POST", "/relief", M, [303, 409, 404, 404, 404]),
    ("POST", "/relief", O, [303, 404, 404, 404, 404]),
    ("GET", "/relief/{id}", M, [303, 200, 200, 200, 404]),
    ("GET", "/relief/{id}", O, [303, 404, 404, 404, 404]),
    ("POST", "/relief/{id}/act", M, [303, 403, 403, 409, 404]),
    ("POST", "/relief/{id}/act", O, [303, 404, 404, 404, 404]),
    ("POST", "/relief/{id}/notes", M, [303, 403, 400, 400, 404]),
    ("POST", "/relief/{id}/notes", O, [303, 404, 404, 404, 404]),
    ("GET", "/relief/{id}/letter", M, [303, 409, 409, 409, 404]),
    ("GET", "/relief/{id}/letter", O, [303, 404, 404, 404, 404]),
    ("GET", "/stays/{id}/ledger", M, [303, 200, 403, 403, 403]),
    ("GET", "/stays/{id}/ledger", O, [303, 404, 403, 403, 403]),
    (
        "GET",
        "/stays/{id}/ledger.csv",
        M,
        [303, 200, 403, 403, 403],
    ),
    (
        "GET",
        "/stays/{id}/ledger.csv",
        O,
        [303, 404, 403, 403, 403],
    ),
    (
        "GET",
        "/stays/{id}/ledger.xlsx",
        M,
        [303, 200, 403, 403, 403],
    ),
    (
        "GET",
        "/stays/{id}/ledger.xlsx",
        O,
        [303, 404, 403, 403, 403],
    ),
    ("GET", "/entities/new", N, [303, 200, 403, 403, 403]),
    ("POST", "/entities", N, [303, 400, 403, 403, 403]),
    ("GET", "/extensions", N, [303, 403, 403, 200, 403]),
    ("GET", "/extensions/new", M, [303, 200, 200, 403, 404]),
    ("GET", "/extensions/new", O, [303, 404, 404, 404, 404]),
    ("POST", "/extensions", M, [303, 400, 400, 403, 404]),
    ("POST", "/extensions", O, [303, 404, 404, 404, 404]),
    ("GET", "/extensions/{id}", M, [303, 200, 200, 200, 404]),
    ("GET", "/extensions/{id}", O, [303, 404, 404, 404, 404]),
    (
        "POST",
        "/extensions/{id}/decide",
        M,
        [303, 403, 403, 409, 404],
    ),
    (
        "POST",
        "/extensions/{id}/decide",
        O,
        [303, 404, 404, 404, 404],
    ),
    // My carriers and the tenant roll.
    ("GET", "/carriers", N, [303, 403, 200, 200, 403]),
    ("GET", "/carriers/{id}", M, [303, 403, 200, 200, 403]),
    ("GET", "/carriers/{id}", O, [303, 403, 404, 404, 403]),
    ("GET", "/tenants", N, [303, 403, 200, 200, 403]),
    ("GET", "/tenants.csv", N, [303, 403, 200, 200, 403]),
    ("GET", "/tenants.xlsx", N, [303, 403, 200, 200, 403]),
    (
        "GET",
        "/carriers/{id}/tenants/new",
        M,
        [303, 404, 200, 200, 404],
    ),
    (
        "GET",
        "/carriers/{id}/tenants/new",
        O,
        [303, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/carriers/{id}/tenants",
        M,
        [303, 404, 400, 400, 404],
    ),
    (
        "POST",
        "/carriers/{id}/tenants",
        O,
        [303, 404, 404, 404, 404],
    ),
    ("GET", "/stays/{id}", M, [303, 403, 200, 200, 403]),
    ("GET", "/stays/{id}", O, [303, 403, 404, 404, 403]),
    ("POST", "/stays/{id}/move-out", M, [303, 403, 409, 409, 403]),
    ("POST", "/stays/{id}/move-out", O, [303, 403, 404, 404, 403]),
    ("POST", "/stays/{id}/rent", M, [303, 403, 409, 409, 403]),
    ("POST", "/stays/{id}/rent", O, [303, 403, 404, 404, 403]),
    ("POST", "/stays/{id}/jobs", M, [303, 403, 409, 409, 403]),
    ("POST", "/stays/{id}/jobs", O, [303, 403, 404, 404, 403]),
    // Settlement claims and finance.
    ("GET", "/claims", N, [303, 403, 200, 200, 200]),
    ("GET", "/claims.csv", N, [303, 403, 200, 200, 200]),
    ("GET", "/claims.xlsx", N, [303, 403, 200, 200, 200]),
    ("POST", "/claims/generate", N, [303, 403, 403, 400, 403]),
    ("GET", "/claims/approve", N, [303, 403, 403, 200, 403]),
    ("POST", "/claims/approve", N, [303, 403, 403, 400, 403]),
    ("GET", "/claims/{id}", M, [303, 404, 200, 200, 200]),
    ("GET", "/claims/{id}", O, [303, 404, 404, 404, 200]),
    ("POST", "/claims/{id}/act", M, [303, 404, 409, 403, 403]),
    ("POST", "/claims/{id}/act", O, [303, 404, 404, 404, 403]),
    ("GET", "/finance", N, [303, 403, 403, 403, 200]),
    ("POST", "/finance/sources", N, [303, 403, 403, 403, 400]),
    (
        "POST",
        "/finance/appropriations",
        N,
        [303, 403, 403, 403, 400],
    ),
    (
        "POST",
        "/finance/appropriations/{id}/adjust",
        N,
        [303, 403, 403, 403, 400],
    ),
    ("GET", "/finance/pay", N, [303, 403, 403, 403, 200]),
    ("POST", "/finance/pay", N, [303, 403, 403, 403, 400]),
    // Monthly reports: operators file, officials accept or return.
    ("GET", "/reports", N, [303, 403, 200, 200, 403]),
    ("GET", "/reports/file", M, [303, 403, 200, 403, 403]),
    ("GET", "/reports/file", O, [303, 403, 404, 404, 403]),
    ("POST", "/reports", M, [303, 403, 400, 403, 403]),
    ("POST", "/reports", O, [303, 403, 404, 404, 403]),
    // Without a file: the form again (400) for the carrier's operator.
    ("POST", "/reports/upload", M, [303, 403, 400, 403, 403]),
    ("POST", "/reports/upload", O, [303, 403, 404, 404, 403]),
    (
        "GET",
        "/reports/template.xlsx",
        N,
        [303, 200, 200, 200, 200],
    ),
    ("GET", "/reports/{id}", M, [303, 403, 200, 200, 403]),
    ("GET", "/reports/{id}", O, [303, 403, 404, 404, 403]),
    ("POST", "/reports/{id}/decide", M, [303, 403, 403, 409, 403]),
    ("POST", "/reports/{id}/decide", O, [303, 403, 404, 404, 403]),
    ("GET", "/reports/bulk", M, [303, 403, 403, 200, 403]),
    ("GET", "/reports/bulk", O, [303, 403, 403, 200, 403]),
    ("POST", "/reports/bulk", M, [303, 403, 403, 303, 403]),
    ("GET", "/reports/bulk/result", M, [303, 403, 403, 200, 403]),
    // Importing a tenant roll (an upload of each street's carrier).
    ("GET", "/carriers/{id}/import", M, [303, 404, 200, 200, 404]),
    ("GET", "/carriers/{id}/import", O, [303, 404, 404, 404, 404]),
    (
        "POST",
        "/carriers/{id}/import",
        M,
        [303, 404, 400, 400, 404],
    ),
    (
        "POST",
        "/carriers/{id}/import",
        O,
        [303, 404, 404, 404, 404],
    ),
    (
        "GET",
        "/carriers/{id}/import/{upload}",
        M,
        [303, 404, 200, 200, 404],
    ),
    (
        "GET",
        "/carriers/{id}/import/{upload}",
        O,
        [303, 404, 404, 404, 404],
    ),
    (
        "GET",
        "/carriers/{id}/import/{upload}/report.xlsx",
        M,
        [303, 404, 200, 200, 404],
    ),
    (
        "GET",
        "/carriers/{id}/import/{upload}/report.xlsx",
        O,
        [303, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/carriers/{id}/import/{upload}/confirm",
        M,
        [303, 404, 409, 409, 404],
    ),
    (
        "POST",
        "/carriers/{id}/import/{upload}/confirm",
        O,
        [303, 404, 404, 404, 404],
    ),
    ("GET", "/import/template.xlsx", N, [303, 200, 200, 200, 200]),
    // Sign-in and account pages.
    ("GET", "/login", N, [200, 303, 303, 303, 303]),
    ("POST", "/login", N, [400, 400, 400, 400, 400]),
    ("POST", "/logout", N, [303, 303, 303, 303, 303]),
    ("GET", "/register", N, [200, 200, 200, 200, 200]),
    ("POST", "/register", N, [400, 400, 400, 400, 400]),
    ("GET", "/account/password", N, [303, 200, 200, 200, 200]),
    ("POST", "/account/password", N, [303, 400, 400, 400, 400]),
    ("GET", "/account/link", N, [303, 200, 200, 200, 200]),
    ("POST", "/account/link", N, [303, 409, 409, 409, 409]),
    ("GET", "/operator/links", N, [303, 403, 200, 403, 403]),
    (
        "POST",
        "/operator/links/{id}/confirm",
        O,
        [303, 403, 404, 403, 403],
    ),
];
