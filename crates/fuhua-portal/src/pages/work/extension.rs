//! Extension requests (R-WAIVER-EXTEND): the entrepreneur's form, the official's
//! list and decision page.

use fuhua_service::ServiceError;
use fuhua_service::extension::{self, ExtensionDecision};
use fuhua_waiver::ExtensionState;
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::{field, redirect, version, with_keys};

fn form_page(
    work: &Work,
    entity_id: i64,
    typed: Value,
    problems: Option<(Value, Value)>,
    status: StatusCode,
) -> Response {
    let (errors, list) = problems.unwrap_or((json!({}), json!([])));
    let errors = with_keys(errors, &["months", "reason"], Value::Null);
    work.page(
        "pages/work/extension_new.html",
        status,
        json!({"entity_id": entity_id, "typed": typed, "errors": errors, "error_list": list}),
    )
}

fn entity_param(pairs: &[(String, String)]) -> Option<i64> {
    field(pairs, "entity")
        .trim()
        .parse()
        .ok()
        .filter(|id: &i64| *id > 0)
}

/// `GET /extensions/new?entity=ID`.
pub async fn new(work: Work, query: Vec<(String, String)>) -> Response {
    let Some(entity_id) = entity_param(&query) else {
        return work.refused(ServiceError::NotFound);
    };
    match extension::can_request(&work.system, &work.session.actor, entity_id).await {
        Ok(_) => form_page(
            &work,
            entity_id,
            json!({"months": "", "reason": ""}),
            None,
            StatusCode::OK,
        ),
        Err(error) => work.refused(error),
    }
}

/// `POST /extensions` (entity, months, reason).
pub async fn create(work: Work, form: Vec<(String, String)>) -> Response {
    let Some(entity_id) = entity_param(&form) else {
        return work.refused(ServiceError::NotFound);
    };
    if let Err(error) = extension::can_request(&work.system, &work.session.actor, entity_id).await {
        return work.refused(error);
    }
    let typed = json!({"months": field(&form, "months"), "reason": field(&form, "reason")});
    let Ok(months) = field(&form, "months").trim().parse::<u32>() else {
        let problem = fuhua_core::Problem::new(
            "months",
            "not_a_number",
            "请填写整数月数。",
            "Enter a whole number of months.",
        );
        let problems = work.problems(&[problem]);
        return form_page(
            &work,
            entity_id,
            typed,
            Some(problems),
            StatusCode::BAD_REQUEST,
        );
    };
    match extension::request(
        &work.system,
        &work.session.actor,
        entity_id,
        months,
        field(&form, "reason"),
        work.today(),
    )
    .await
    {
        Ok(id) => redirect(&format!("/extensions/{id}?done=1")),
        Err(ServiceError::Invalid(problems)) => {
            let problems = work.problems(&problems);
            form_page(
                &work,
                entity_id,
                typed,
                Some(problems),
                StatusCode::BAD_REQUEST,
            )
        }
        Err(error) => work.refused(error),
    }
}

/// `GET /extensions`: the requests waiting for the official.
pub async fn list(work: Work) -> Response {
    let lang = work.lang();
    match extension::pending(&work.system, &work.session.actor).await {
        Ok(pending) => {
            let rows: Vec<Value> = pending
                .iter()
                .map(|v| {
                    json!({
                        "id": v.request.id,
                        "entity": v.entity.name,
                        "months": v.request.months,
                        "state_label": v.request.state.label(lang),
                        "created_at": v.request.created_at.to_rfc3339(),
                    })
                })
                .collect();
            work.page(
                "pages/work/extension_list.html",
                StatusCode::OK,
                json!({"rows": rows}),
            )
        }
        Err(error) => work.refused(error),
    }
}

async fn render(
    work: Work,
    id: i64,
    done: bool,
    problems: Option<(Value, Value, Value)>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let view = match extension::view(&work.system, &work.session.actor, id).await {
        Ok(view) => view,
        Err(error) => return work.refused(error),
    };
    let params = work.state.params().at(work.today());
    let (errors, list, typed) = problems.unwrap_or((
        json!({}),
        json!([]),
        json!({"months": view.request.months.to_string(), "note": ""}),
    ));
    let errors = with_keys(errors, &["months", "note"], Value::Null);
    let ctx = json!({
        "id": view.request.id,
        "version": view.request.version,
        "entity": view.entity.name,
        "months": view.request.months,
        "reason": view.request.reason,
        "state": view.request.state.as_str(),
        "state_label": view.request.state.label(lang),
        "decision_note": view.request.decision_note,
        "approved_before": view.approved_before,
        "cap_single": params.extension_max_months,
        "cap_total": params.extension_total_max_months,
        "can_decide": view.request.state == ExtensionState::Submitted && view.parties.contains(&fuhua_core::workflow::Party::Official),
        "done": done,
        "errors": errors,
        "error_list": list,
        "typed": typed,
    });
    work.page("pages/work/extension_case.html", status, ctx)
}

/// `GET /extensions/{id}`.
pub async fn show(work: Work, id: i64, query: Vec<(String, String)>) -> Response {
    let done = !field(&query, "done").is_empty();
    render(work, id, done, None, StatusCode::OK).await
}

/// `POST /extensions/{id}/decide` (version, decision=approve|reject, months, note).
pub async fn decide(work: Work, id: i64, form: Vec<(String, String)>) -> Response {
    let Some(version) = version(&form) else {
        return work.refused(ServiceError::NotFound);
    };
    let approve = match field(&form, "decision") {
        "approve" => true,
        "reject" => false,
        _ => return work.refused(ServiceError::NotFound),
    };
    let typed = json!({"months": field(&form, "months"), "note": field(&form, "note")});
    let months = match field(&form, "months").trim().parse::<u32>() {
        Ok(m) => m,
        Err(_) if !approve => 0,
        Err(_) => {
            let problem = fuhua_core::Problem::new(
                "months",
                "not_a_number",
                "请填写整数月数。",
                "Enter a whole number of months.",
            );
            let (errors, list) = work.problems(&[problem]);
            return render(
                work,
                id,
                false,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let decision = ExtensionDecision {
        approve,
        months,
        note: field(&form, "note").to_owned(),
    };
    match extension::decide(
        &work.system,
        &work.session.actor,
        id,
        version,
        &decision,
        work.today(),
    )
    .await
    {
        Ok(()) => redirect(&format!("/extensions/{id}?done=1")),
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
