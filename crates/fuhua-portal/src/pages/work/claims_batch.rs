//! Batches of claims: an official's bulk approval and finance's batch payment.
//! Choose → preview (nothing written; what each item would do) → confirm → a
//! per-item result. Each item runs the use case it would run alone, so it passes
//! the same checks and sends the same emails.

use fuhua_core::Lang;
use fuhua_service::ServiceError;
use fuhua_service::claims::{self, BatchItem, BatchOutcome, ClaimFilter, ClaimState};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::claims::row_json;
use super::render::field;

/// Which batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An official approves submitted claims.
    Approve,
    /// Finance pays approved claims, a voucher number per row.
    Pay,
}

impl Kind {
    fn state(self) -> ClaimState {
        match self {
            Kind::Approve => ClaimState::Submitted,
            Kind::Pay => ClaimState::Approved,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Kind::Approve => "/claims/approve",
            Kind::Pay => "/finance/pay",
        }
    }

    fn role(self) -> fuhua_service::Role {
        match self {
            Kind::Approve => fuhua_service::Role::Official,
            Kind::Pay => fuhua_service::Role::Finance,
        }
    }
}

/// The items a form carries: `id` (checked), `v_<id>` (version) and `voucher_<id>`.
fn items(form: &[(String, String)]) -> Vec<BatchItem> {
    form.iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
        .map(|id| BatchItem {
            id,
            version: field(form, &format!("v_{id}")).trim().parse().unwrap_or(0),
            voucher_no: field(form, &format!("voucher_{id}")).to_owned(),
        })
        .collect()
}

fn page(work: &Work, kind: Kind, ctx: Value, status: StatusCode) -> Response {
    let mut ctx = ctx;
    ctx["kind"] = json!(match kind {
        Kind::Approve => "approve",
        Kind::Pay => "pay",
    });
    ctx["action"] = json!(kind.action());
    for key in ["rows", "results", "note", "paid_on", "error"] {
        if ctx.get(key).is_none() {
            ctx[key] = Value::Null;
        }
    }
    work.page("pages/work/claim_batch.html", status, ctx)
}

/// `GET /claims/approve`, `GET /finance/pay`: the claims waiting for this batch.
pub async fn choose(work: Work, kind: Kind) -> Response {
    if !work.session.actor.has(kind.role()) {
        return work.refused(ServiceError::Forbidden);
    }
    let lang = work.lang();
    let filter = ClaimFilter {
        state: Some(kind.state()),
        ..ClaimFilter::default()
    };
    match claims::list(&work.system, &work.session.actor, &filter, 500).await {
        Ok(rows) => {
            let rows: Vec<Value> = rows
                .iter()
                .map(|c| {
                    let mut row = row_json(c, lang);
                    row["voucher"] = json!("");
                    row["checked"] = json!(false);
                    row
                })
                .collect();
            page(
                &work,
                kind,
                json!({"step": "choose", "rows": rows, "note": "", "paid_on": work.today().to_string()}),
                StatusCode::OK,
            )
        }
        Err(error) => work.refused(error),
    }
}

fn outcomes_json(outcomes: &[BatchOutcome], items: &[BatchItem], lang: Lang) -> Vec<Value> {
    outcomes
        .iter()
        .map(|o| {
            let item = items.iter().find(|i| i.id == o.id);
            json!({
                "id": o.id,
                "ok": o.ok(),
                "message": o.message(lang),
                "version": item.map_or(0, |i| i.version),
                "voucher": item.map_or("", |i| i.voucher_no.as_str()),
            })
        })
        .collect()
}

/// `POST /claims/approve`, `POST /finance/pay` (step = preview | confirm, `id`
/// per chosen claim with `v_<id>` and, for payments, `voucher_<id>` and `paid_on`).
pub async fn submit(work: Work, kind: Kind, form: Vec<(String, String)>) -> Response {
    if !work.session.actor.has(kind.role()) {
        return work.refused(ServiceError::Forbidden);
    }
    let lang = work.lang();
    let items = items(&form);
    let note = field(&form, "note").to_owned();
    let paid_on_text = field(&form, "paid_on").trim().to_owned();
    if items.is_empty() {
        return page(
            &work,
            kind,
            json!({
                "step": "choose",
                "rows": [],
                "note": note,
                "paid_on": paid_on_text,
                "error": lang.pick("请至少选择一项。", "Choose at least one claim."),
            }),
            StatusCode::BAD_REQUEST,
        );
    }
    let paid_on = match (kind, paid_on_text.parse()) {
        (Kind::Pay, Err(_)) => {
            return page(
                &work,
                kind,
                json!({
                    "step": "choose",
                    "rows": [],
                    "note": note,
                    "paid_on": paid_on_text,
                    "error": lang.pick("请按 2026-01-20 的格式填写拨付日期。", "Give the payment date as 2026-01-20."),
                }),
                StatusCode::BAD_REQUEST,
            );
        }
        (_, Ok(date)) => date,
        (Kind::Approve, Err(_)) => work.today(),
    };
    let system = &work.system;
    let actor = &work.session.actor;
    let confirm = field(&form, "step") == "confirm";
    let outcomes = match (kind, confirm) {
        (Kind::Approve, false) => {
            let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
            claims::preview_approve(system, actor, &ids).await
        }
        (Kind::Approve, true) => Ok(claims::approve_many(system, actor, &items, &note).await),
        (Kind::Pay, false) => {
            claims::preview_pay(system, actor, &items, paid_on, work.today()).await
        }
        (Kind::Pay, true) => {
            Ok(claims::pay_many(system, actor, &items, paid_on, work.today()).await)
        }
    };
    match outcomes {
        Ok(outcomes) => page(
            &work,
            kind,
            json!({
                "step": if confirm { "done" } else { "preview" },
                "results": outcomes_json(&outcomes, &items, lang),
                "note": note,
                "paid_on": paid_on_text,
            }),
            StatusCode::OK,
        ),
        Err(error) => work.refused(error),
    }
}
