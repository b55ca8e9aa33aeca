//! Settlement claims (SPEC §4): the list with its filters in the URL (quarter,
//! state, carrier, fund source) and its CSV/XLSX exports, the official's
//! "generate" button, a claim's page with its rows, adjustment rows and actions.
//! Bulk approval is in [`super::claims_batch`].

use fuhua_core::vocab::FundingSource;
use fuhua_core::{Lang, Problem};
use fuhua_service::ServiceError;
use fuhua_service::claims::{
    self, ClaimAction, ClaimDecision, ClaimFilter, ClaimRecord, ClaimState, Initiator,
    PaymentInput, Quarter, money_text,
};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::{field, redirect, version, with_keys};
use crate::export::{self, Cell};

/// Claims a list or an export shows at most.
const LIMIT: u64 = 5000;

/// The list's filters as typed in the URL, and the ones that could not be read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    pub filter: ClaimFilter,
    pub quarter: String,
    pub state: String,
    pub carrier: String,
    pub source: String,
    pub ignored: Vec<String>,
}

pub(crate) fn filters(query: &[(String, String)]) -> Filters {
    let mut f = Filters::default();
    let quarter = field(query, "quarter").trim();
    if !quarter.is_empty() {
        match Quarter::parse("quarter", quarter) {
            Ok(q) => {
                f.filter.year = Some(q.year());
                f.filter.quarter = i32::try_from(q.number()).ok();
                f.quarter = q.to_string();
            }
            Err(_) => f.ignored.push(format!("quarter={quarter}")),
        }
    }
    let state = field(query, "state").trim();
    if !state.is_empty() {
        match state.parse::<ClaimState>() {
            Ok(s) => {
                f.filter.state = Some(s);
                f.state = s.as_str().to_owned();
            }
            Err(_) => f.ignored.push(format!("state={state}")),
        }
    }
    let carrier = field(query, "carrier").trim();
    if !carrier.is_empty() {
        match carrier.parse::<i64>() {
            Ok(id) if id > 0 => {
                f.filter.carrier_id = Some(id);
                f.carrier = id.to_string();
            }
            _ => f.ignored.push(format!("carrier={carrier}")),
        }
    }
    let source = field(query, "source").trim();
    if !source.is_empty() {
        match source.parse::<FundingSource>() {
            Ok(s) => {
                f.filter.funding_source = Some(s);
                f.source = s.as_str().to_owned();
            }
            Err(_) => f.ignored.push(format!("source={source}")),
        }
    }
    f
}

pub(crate) fn quarter_label(claim: &ClaimRecord, lang: Lang) -> String {
    Quarter::new(claim.year, u32::try_from(claim.quarter).unwrap_or(0))
        .map(|q| q.label(lang))
        .unwrap_or_default()
}

pub(crate) fn row_json(claim: &ClaimRecord, lang: Lang) -> Value {
    json!({
        "id": claim.id,
        "version": claim.version,
        "carrier": claim.carrier_name,
        "carrier_id": claim.carrier_id,
        "quarter": quarter_label(claim, lang),
        "source": claim.funding_source.label(lang),
        "total": money_text(claim.total),
        "state": claim.state.as_str(),
        "state_label": claim.state.label(lang),
        "voucher_no": claim.voucher_no.clone().unwrap_or_default(),
        "paid_on": claim.paid_on.map(|d| d.to_string()).unwrap_or_default(),
    })
}

fn list_page(
    work: &Work,
    f: &Filters,
    rows: &[ClaimRecord],
    generate: (Value, Value, Value),
    generated: Option<u64>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let actor = &work.session.actor;
    let query = serde_urlencoded::to_string([
        ("quarter", f.quarter.as_str()),
        ("state", f.state.as_str()),
        ("carrier", f.carrier.as_str()),
        ("source", f.source.as_str()),
    ])
    .unwrap_or_default();
    let (typed, errors, list) = generate;
    let ctx = json!({
        "rows": rows.iter().map(|c| row_json(c, lang)).collect::<Vec<_>>(),
        "f": {"quarter": f.quarter, "state": f.state, "carrier": f.carrier, "source": f.source},
        "ignored": f.ignored,
        "states": ClaimState::ALL.iter().map(|s| json!({"code": s.as_str(), "label": s.label(lang)})).collect::<Vec<_>>(),
        "sources": FundingSource::ALL.iter().map(|s| json!({"code": s.as_str(), "label": s.label(lang)})).collect::<Vec<_>>(),
        "query": query,
        "can_generate": actor.has(fuhua_service::Role::Official),
        "can_bulk": actor.has(fuhua_service::Role::Official),
        "typed": typed,
        "errors": with_keys(errors, &["quarter"], Value::Null),
        "error_list": list,
        "generated": generated,
    });
    work.page("pages/work/claim_list.html", status, ctx)
}

async fn listed(work: &Work, f: &Filters) -> Result<Vec<ClaimRecord>, Response> {
    if !(work.session.actor.has(fuhua_service::Role::Operator)
        || work.session.actor.has(fuhua_service::Role::Official)
        || work.session.actor.has(fuhua_service::Role::Finance))
    {
        return Err(work.refused(ServiceError::Forbidden));
    }
    claims::list(&work.system, &work.session.actor, &f.filter, LIMIT)
        .await
        .map_err(|e| work.refused(e))
}

/// `GET /claims?quarter=&state=&carrier=&source=` (`generated=n` after the
/// "generate" button: how many claims it made).
pub async fn list(work: Work, query: Vec<(String, String)>) -> Response {
    let f = filters(&query);
    let generated = field(&query, "generated").trim().parse::<u64>().ok();
    match listed(&work, &f).await {
        Ok(rows) => list_page(
            &work,
            &f,
            &rows,
            (json!({"quarter": ""}), json!({}), json!([])),
            generated,
            StatusCode::OK,
        ),
        Err(response) => response,
    }
}

/// Which form of the claim list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

const HEADERS_ZH: [&str; 9] = [
    "编号",
    "载体",
    "季度",
    "资金来源",
    "金额（元）",
    "状态",
    "拨付日期",
    "凭证号",
    "生成时间",
];
const HEADERS_EN: [&str; 9] = [
    "No.",
    "Carrier",
    "Quarter",
    "Fund source",
    "Amount (yuan)",
    "State",
    "Paid on",
    "Voucher No.",
    "Generated",
];

/// `GET /claims.csv`, `/claims.xlsx` with the list's filters and the user's scope.
pub async fn export(work: Work, query: Vec<(String, String)>, format: Format) -> Response {
    let lang = work.lang();
    let f = filters(&query);
    let rows = match listed(&work, &f).await {
        Ok(rows) => rows,
        Err(response) => return response,
    };
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|c| {
            vec![
                Cell::Int(c.id),
                Cell::Text(c.carrier_name.clone()),
                Cell::Text(quarter_label(c, lang)),
                Cell::Text(c.funding_source.label(lang).to_owned()),
                Cell::Money(c.total.to_string()),
                Cell::Text(c.state.label(lang).to_owned()),
                Cell::Text(c.paid_on.map(|d| d.to_string()).unwrap_or_default()),
                Cell::Text(c.voucher_no.clone().unwrap_or_default()),
                Cell::Text(c.created_at.date_naive().to_string()),
            ]
        })
        .collect();
    let headers: &[&str] = match lang {
        Lang::Zh => &HEADERS_ZH,
        Lang::En => &HEADERS_EN,
    };
    let suffix = if f.quarter.is_empty() {
        String::new()
    } else {
        format!("-{}", f.quarter)
    };
    let name = format!("结算申请{suffix}");
    let ascii = format!("claims{suffix}");
    let written = match format {
        Format::Csv => export::csv(headers, &cells)
            .map(|b| (b, "text/csv; charset=utf-8", "csv"))
            .map_err(|e| e.to_string()),
        Format::Xlsx => export::xlsx(lang.pick("结算申请", "Claims"), headers, &cells)
            .map(|b| {
                (
                    b,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                )
            })
            .map_err(|e| e.to_string()),
    };
    match written {
        Ok((bytes, content_type, ext)) => export::download(
            bytes,
            content_type,
            &format!("{ascii}.{ext}"),
            &format!("{name}.{ext}"),
        ),
        Err(error) => {
            tracing::error!(%error, "claims export could not be written");
            work.server_error()
        }
    }
}

/// `POST /claims/generate` (quarter): the official's "generate" button.
pub async fn generate(work: Work, form: Vec<(String, String)>) -> Response {
    let typed = json!({"quarter": field(&form, "quarter")});
    let result = match Quarter::parse("quarter", field(&form, "quarter")) {
        Ok(quarter) => {
            claims::generate(
                &work.system,
                Initiator::Official(&work.session.actor),
                quarter,
                work.today(),
                &mut |_| {},
            )
            .await
        }
        Err(problem) => Err(ServiceError::invalid(problem)),
    };
    match result {
        Ok(done) => redirect(&format!(
            "/claims?quarter={}&generated={}",
            done.quarter,
            done.claims.len()
        )),
        Err(ServiceError::Invalid(problems)) => {
            let (errors, list) = work.problems(&problems);
            let f = filters(&[]);
            match listed(&work, &f).await {
                Ok(rows) => list_page(
                    &work,
                    &f,
                    &rows,
                    (typed, errors, list),
                    None,
                    StatusCode::BAD_REQUEST,
                ),
                Err(response) => response,
            }
        }
        Err(error) => work.refused(error),
    }
}

const FORM_FIELDS: [&str; 5] = ["note", "voucher_no", "paid_on", "override_reason", "action"];

async fn render(
    work: Work,
    id: i64,
    done: bool,
    problems: Option<(Value, Value, Value)>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let (loaded, rows) = match claims::rows(&work.system, &work.session.actor, id).await {
        Ok(found) => found,
        Err(error) => return work.refused(error),
    };
    let claim = &loaded.claim;
    let quarter = Quarter::new(claim.year, u32::try_from(claim.quarter).unwrap_or(0));
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let outside = quarter.is_some_and(|q| {
                r.month < q.first_month().to_string() || r.month > q.last_month().to_string()
            });
            json!({
                "month": r.month,
                "entity": r.entity_name,
                "days": format!("{}/{}", r.occupied_days, r.days_in_month),
                "rent_due": money_text(r.rent_due),
                "waived": money_text(r.waived),
                "adjustment": r.adjustment || outside,
            })
        })
        .collect();
    let actions = claims::available(&loaded);
    let has = |a: ClaimAction| actions.contains(&a);
    let can_override = loaded
        .parties
        .contains(&fuhua_core::workflow::Party::Finance)
        && claim.state == ClaimState::Submitted;
    let (errors, list, typed) = problems.unwrap_or((
        json!({}),
        json!([]),
        json!({"note": "", "voucher_no": "", "paid_on": work.today().to_string(), "override_reason": ""}),
    ));
    let waiting = <ClaimAction as fuhua_core::workflow::Actions>::waiting_for(claim.state);
    let ctx = json!({
        "c": row_json(claim, lang),
        "rows": rows,
        "decision_note": claim.decision_note.clone().unwrap_or_default(),
        "override_reason": claim.override_reason.clone().unwrap_or_default(),
        "waiting": lang.pick(waiting.0, waiting.1),
        "can_submit": has(ClaimAction::Submit),
        "can_reopen": has(ClaimAction::Reopen),
        "can_decide": has(ClaimAction::Approve),
        "can_pay": has(ClaimAction::Pay),
        "can_override": can_override,
        "done": done,
        "errors": with_keys(errors, &FORM_FIELDS, Value::Null),
        "error_list": list,
        "typed": typed,
    });
    work.page("pages/work/claim_case.html", status, ctx)
}

/// `GET /claims/{id}`.
pub async fn show(work: Work, id: i64, query: Vec<(String, String)>) -> Response {
    let done = !field(&query, "done").is_empty();
    render(work, id, done, None, StatusCode::OK).await
}

/// `POST /claims/{id}/act` (version, action = submit | reopen | approve | reject |
/// pay | override, note, voucher_no, paid_on, override_reason).
pub async fn act(work: Work, id: i64, form: Vec<(String, String)>) -> Response {
    let Some(version) = version(&form) else {
        return work.refused(ServiceError::NotFound);
    };
    let typed = json!({
        "note": field(&form, "note"),
        "voucher_no": field(&form, "voucher_no"),
        "paid_on": field(&form, "paid_on"),
        "override_reason": field(&form, "override_reason"),
    });
    let system = &work.system;
    let actor = &work.session.actor;
    let result = match field(&form, "action") {
        "submit" => claims::submit(system, actor, id, version).await,
        "reopen" => claims::reopen(system, actor, id, version).await,
        "approve" | "reject" => {
            let decision = ClaimDecision {
                approve: field(&form, "action") == "approve",
                note: field(&form, "note").to_owned(),
            };
            claims::decide(system, actor, id, version, &decision).await
        }
        "override" => {
            claims::allow_over_budget(system, actor, id, version, field(&form, "override_reason"))
                .await
        }
        "pay" => match field(&form, "paid_on").trim().parse() {
            Ok(paid_on) => {
                let input = PaymentInput {
                    voucher_no: field(&form, "voucher_no").to_owned(),
                    paid_on,
                };
                claims::pay(system, actor, id, version, &input, work.today()).await
            }
            Err(_) => Err(ServiceError::invalid(Problem::new(
                "paid_on",
                "date",
                "请按 2026-01-20 的格式填写拨付日期。",
                "Give the payment date as 2026-01-20.",
            ))),
        },
        _ => Err(ServiceError::invalid(Problem::new(
            "action",
            "unknown",
            "请选择一项操作。",
            "Choose an action.",
        ))),
    };
    match result {
        Ok(()) => redirect(&format!("/claims/{id}?done=1")),
        Err(ServiceError::Invalid(problems)) => {
            let (errors, list) = work.problems(&problems);
            render(
                work,
                id,
                false,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}
