//! Finance (SPEC §3 fund sources): per fund source and year what is appropriated,
//! reserved, paid and left — as a table and as a server-drawn SVG chart — the
//! claims waiting for payment, and the forms to create fund sources and
//! appropriations and to adjust an appropriation with a reason. The batch payment
//! is in [`super::claims_batch`].

use fuhua_core::Problem;
use fuhua_core::vocab::FundingSource;
use fuhua_service::ServiceError;
use fuhua_service::claims::{self, ClaimFilter, ClaimState, money_text};
use fuhua_service::finance::{self, FundSourceInput};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::claims::row_json;
use super::finance_chart::{Bar, budget_chart};
use super::render::{field, redirect, version, with_keys};

const FIELDS: [&str; 8] = [
    "kind",
    "name",
    "jurisdiction_id",
    "fund_source_id",
    "year",
    "amount",
    "reason",
    "appropriation_id",
];

async fn render(
    work: &Work,
    done: bool,
    problems: Option<(Value, Value, Value)>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let actor = &work.session.actor;
    let lines = match finance::overview(&work.system, actor).await {
        Ok(lines) => lines,
        Err(error) => return work.refused(error),
    };
    let sources = match finance::fund_sources(&work.system, actor).await {
        Ok(sources) => sources,
        Err(error) => return work.refused(error),
    };
    let waiting = match claims::list(
        &work.system,
        actor,
        &ClaimFilter {
            state: Some(ClaimState::Approved),
            ..ClaimFilter::default()
        },
        500,
    )
    .await
    {
        Ok(rows) => rows,
        Err(error) => return work.refused(error),
    };
    let streets = fuhua_service::scope::jurisdiction_choices(&work.system, actor)
        .await
        .unwrap_or_default();
    let bars: Vec<Bar> = lines
        .iter()
        .map(|l| Bar {
            label: format!("{} {}", l.fund_source_name, l.year),
            appropriated: l.appropriated,
            reserved: l.reserved,
            paid: l.paid,
        })
        .collect();
    let chart = budget_chart(
        &bars,
        lang.pick("预算使用情况", "Budget use"),
        (
            lang.pick("已拨付", "Paid"),
            lang.pick("已预留", "Reserved"),
            lang.pick("剩余", "Left"),
        ),
    );
    let (errors, list, typed) = problems.unwrap_or((
        json!({}),
        json!([]),
        json!({"kind": "", "name": "", "jurisdiction_id": "", "fund_source_id": "", "year": "", "amount": "", "reason": "", "appropriation_id": ""}),
    ));
    let ctx = json!({
        "lines": lines.iter().map(|l| json!({
            "appropriation_id": l.appropriation_id,
            "version": l.version,
            "source": l.fund_source_name,
            "key": l.fund_source_key,
            "year": l.year,
            "appropriated": money_text(l.appropriated),
            "reserved": money_text(l.reserved),
            "paid": money_text(l.paid),
            "left": money_text(l.left),
            "over": l.left.is_negative(),
        })).collect::<Vec<_>>(),
        "chart": chart,
        "sources": sources.iter().map(|s| json!({"id": s.id, "name": s.name, "key": s.key})).collect::<Vec<_>>(),
        "kinds": FundingSource::ALL.iter().map(|k| json!({"code": k.as_str(), "label": k.label(lang)})).collect::<Vec<_>>(),
        "streets": streets.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
        "waiting": waiting.iter().map(|c| row_json(c, lang)).collect::<Vec<_>>(),
        "done": done,
        "errors": with_keys(errors, &FIELDS, Value::Null),
        "error_list": list,
        "typed": with_keys(typed, &FIELDS, json!("")),
    });
    work.page("pages/work/finance.html", status, ctx)
}

/// `GET /finance`.
pub async fn page(work: Work, query: Vec<(String, String)>) -> Response {
    let done = !field(&query, "done").is_empty();
    render(&work, done, None, StatusCode::OK).await
}

fn typed(form: &[(String, String)]) -> Value {
    let mut typed = serde_json::Map::new();
    for key in FIELDS {
        typed.insert(key.to_owned(), json!(field(form, key)));
    }
    Value::Object(typed)
}

async fn answer(
    work: Work,
    form: &[(String, String)],
    result: Result<(), ServiceError>,
) -> Response {
    match result {
        Ok(()) => redirect("/finance?done=1"),
        Err(ServiceError::Invalid(problems)) => {
            let (errors, list) = work.problems(&problems);
            render(
                &work,
                false,
                Some((errors, list, typed(form))),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}

/// `POST /finance/sources` (kind, name, jurisdiction_id for a street/town budget).
pub async fn add_source(work: Work, form: Vec<(String, String)>) -> Response {
    let result = match field(&form, "kind").parse::<FundingSource>() {
        Ok(kind) => {
            let input = FundSourceInput {
                kind,
                name: field(&form, "name").to_owned(),
                jurisdiction_id: field(&form, "jurisdiction_id").trim().parse().ok(),
            };
            finance::add_fund_source(&work.system, &work.session.actor, &input)
                .await
                .map(|_| ())
        }
        Err(_) => Err(ServiceError::invalid(Problem::new(
            "kind",
            "required",
            "请选择资金来源类别。",
            "Choose the kind of fund source.",
        ))),
    };
    answer(work, &form, result).await
}

fn year_of(form: &[(String, String)]) -> Result<i32, ServiceError> {
    field(form, "year").trim().parse().map_err(|_| {
        ServiceError::invalid(Problem::new(
            "year",
            "year",
            "请填写四位数年度，例如 2026。",
            "Give a four-digit year such as 2026.",
        ))
    })
}

/// `POST /finance/appropriations` (fund_source_id, year, amount in yuan).
pub async fn add_appropriation(work: Work, form: Vec<(String, String)>) -> Response {
    let result = async {
        let source: i64 = field(&form, "fund_source_id").trim().parse().map_err(|_| {
            ServiceError::invalid(Problem::new(
                "fund_source_id",
                "required",
                "请选择资金来源。",
                "Choose a fund source.",
            ))
        })?;
        let year = year_of(&form)?;
        let amount = finance::parse_amount("amount", field(&form, "amount"))?;
        finance::add_appropriation(&work.system, &work.session.actor, source, year, amount).await
    }
    .await
    .map(|_| ());
    answer(work, &form, result).await
}

/// `POST /finance/appropriations/{id}/adjust` (version, amount, reason).
pub async fn adjust(work: Work, id: i64, form: Vec<(String, String)>) -> Response {
    let Some(version) = version(&form) else {
        return work.refused(ServiceError::NotFound);
    };
    let result = async {
        let amount = finance::parse_amount("amount", field(&form, "amount"))?;
        finance::adjust_appropriation(
            &work.system,
            &work.session.actor,
            id,
            version,
            amount,
            field(&form, "reason"),
        )
        .await
    }
    .await;
    answer(work, &form, result).await
}
