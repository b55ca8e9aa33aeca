//! The rent-relief pages: the preview and application (entrepreneur), the case page
//! every party shares (actions, eligibility with the trace, timeline, notes), the
//! filtered list (operators and officials) and the printable decision letter.

use fuhua_core::Lang;
use fuhua_core::vocab::FounderGroup;
use fuhua_service::ServiceError;
use fuhua_service::relief::{self, Decision, DecisionReason, Eligibility, ListQuery, PER_PAGE};
use fuhua_waiver::{ReliefAction, ReliefState};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::{field, redirect, version, with_keys};

/// The eligibility as the templates show it.
pub fn eligibility_json(e: &Eligibility, lang: Lang) -> Value {
    json!({
        "regime": e.regime.as_str(),
        "regime_label": e.regime.label(lang),
        "rate": e.rate.to_string(),
        "funding_source": e.funding_source.map(|f| f.label(lang)),
        "reasons": e.reasons.iter().map(|r| r.get(lang)).collect::<Vec<_>>(),
        "window_start": e.window.map(|w| w.start.to_string()),
        "window_end": e.window.map(|w| w.end.to_string()),
        "window_months": e.window_months,
        "months_remaining": e.months_remaining,
        "total_waived": e.total_waived.to_string(),
        "as_of": e.as_of.to_string(),
        "ledger": e.ledger.iter().map(|l| json!({
            "month": l.month,
            "days": format!("{}/{}", l.occupied_days, l.days_in_month),
            "rent_due": l.rent_due.to_string(),
            "waived": l.waived.to_string(),
            "payable": l.payable.to_string(),
        })).collect::<Vec<_>>(),
        "trace": e.trace.steps().iter().map(|s| json!({
            "rule": s.rule,
            "detail": s.detail.get(lang),
            "clause": s.clause.render(lang),
        })).collect::<Vec<_>>(),
        "prior_window": e.prior_window.map(|w| json!({"start": w.start.to_string(), "end": w.end.to_string()})),
    })
}

fn id_param(query: &[(String, String)], name: &str) -> Option<i64> {
    field(query, name)
        .trim()
        .parse()
        .ok()
        .filter(|id: &i64| *id > 0)
}

/// `GET /relief/new?stay=ID`: what the rules give the stay, and the button to apply.
pub async fn new(work: Work, query: Vec<(String, String)>) -> Response {
    let Some(stay_id) = id_param(&query, "stay") else {
        return work.refused(ServiceError::NotFound);
    };
    match relief::preview(&work.system, &work.session.actor, stay_id, work.today()).await {
        Ok(e) => {
            let ctx =
                json!({"stay_id": stay_id, "e": eligibility_json(&e, work.lang()), "error": null});
            work.page("pages/work/relief_new.html", StatusCode::OK, ctx)
        }
        Err(error) => work.refused(error),
    }
}

/// `POST /relief` (stay): applies, then shows the application.
pub async fn create(work: Work, form: Vec<(String, String)>) -> Response {
    let Some(stay_id) = id_param(&form, "stay") else {
        return work.refused(ServiceError::NotFound);
    };
    match relief::apply(&work.system, &work.session.actor, stay_id, work.today()).await {
        Ok(id) => redirect(&format!("/relief/{id}?done=submit")),
        Err(error) => work.refused(error),
    }
}

fn done_text(done: &str, lang: Lang) -> Option<String> {
    let action = done.parse::<ReliefAction>().ok()?;
    Some(format!(
        "{}{}",
        lang.pick("已完成：", "Done: "),
        action.label(lang)
    ))
}

/// `GET /relief/{id}`: the case page.
pub async fn show(work: Work, id: i64, query: Vec<(String, String)>) -> Response {
    let done = field(&query, "done");
    render_case(
        work,
        id,
        (!done.is_empty()).then(|| done.to_owned()),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render_case(
    work: Work,
    id: i64,
    done: Option<String>,
    problems: Option<(Value, Value, Value)>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let view = match relief::view(&work.system, &work.session.actor, id, work.today()).await {
        Ok(view) => view,
        Err(error) => return work.refused(error),
    };
    let official = view.is_official();
    let (errors, error_list, typed) = problems.unwrap_or((json!({}), json!([]), json!({})));
    const FIELDS: [&str; 6] = [
        "action",
        "reason",
        "reason_code",
        "text",
        "body",
        "decision",
    ];
    let errors = with_keys(errors, &FIELDS, Value::Null);
    let typed = with_keys(typed, &FIELDS, json!(""));
    let ctx = json!({
        "id": view.app.id,
        "version": view.app.version,
        "state": view.app.state.as_str(),
        "state_label": view.app.state.label(lang),
        "entity": view.entity.name,
        "credit_code": view.entity.credit_code,
        "carrier": view.carrier.name,
        "founder": view.founder_name,
        "founder_id": view.founder_id_masked,
        "founder_group": view.founder_group.label(lang),
        "move_in": view.stay.move_in.to_string(),
        "move_out": view.stay.move_out.map(|d| d.to_string()),
        "rent": view.stay.monthly_rent.to_string(),
        "unit": view.stay.unit,
        "submitted_at": view.app.submitted_at.map(|t| t.to_rfc3339()),
        "operator_note": view.app.operator_note,
        "decision_reason": view.app.decision_reason.as_deref().and_then(|r| r.parse::<DecisionReason>().ok()).map(|r| r.label(lang)),
        "decision_note": view.app.decision_note,
        "decided": matches!(view.app.state, ReliefState::Approved | ReliefState::Rejected),
        "e": view.eligibility.as_ref().map(|e| eligibility_json(e, lang)),
        "actions": view.actions.iter().map(|a| json!({
            "code": a.action.as_str(),
            "label": a.action.label(lang),
            "available": a.available,
            "why_not": a.why_not.as_ref().map(|t| t.get(lang)),
        })).collect::<Vec<_>>(),
        "reasons": DecisionReason::ALL.iter().map(|r| json!({"code": r.as_str(), "label": r.label(lang)})).collect::<Vec<_>>(),
        "timeline": view.timeline.iter().map(|t| json!({
            "at": t.at.format("%Y-%m-%d %H:%M").to_string(),
            "who": t.who,
            "what": t.what.get(lang),
            "internal": t.internal,
        })).collect::<Vec<_>>(),
        "official": official,
        "can_note": official || view.parties.contains(&fuhua_core::workflow::Party::Operator),
        "done": done.as_deref().and_then(|d| done_text(d, lang)),
        "errors": errors,
        "error_list": error_list,
        "typed": typed,
        "stay_id": view.stay.id,
    });
    work.page("pages/work/relief_case.html", status, ctx)
}

/// `POST /relief/{id}/act` (action, version, and per action: reason, reason_code,
/// text): one transition through its use case.
pub async fn act(work: Work, id: i64, form: Vec<(String, String)>) -> Response {
    let Some(version) = version(&form) else {
        return work.refused(ServiceError::NotFound);
    };
    let Ok(action) = field(&form, "action").parse::<ReliefAction>() else {
        return work.refused(ServiceError::NotFound);
    };
    let actor = &work.session.actor;
    let system = &work.system;
    let today = work.today();
    let result = match action {
        ReliefAction::Submit => relief::submit(system, actor, id, version, today).await,
        ReliefAction::Dispute => {
            relief::dispute(system, actor, id, version, field(&form, "reason")).await
        }
        ReliefAction::Approve | ReliefAction::Reject => {
            let reason = field(&form, "reason_code").parse::<DecisionReason>();
            match reason {
                Ok(reason) => {
                    let decision = Decision {
                        approve: action == ReliefAction::Approve,
                        reason,
                        text: field(&form, "text").to_owned(),
                    };
                    relief::decide(system, actor, id, version, &decision, today).await
                }
                Err(_) => Err(ServiceError::invalid(fuhua_core::Problem::new(
                    "reason_code",
                    "required",
                    "请选择决定理由。",
                    "Choose the reason for the decision.",
                ))),
            }
        }
        ReliefAction::Withdraw | ReliefAction::Revise | ReliefAction::Confirm => {
            relief::act(system, actor, id, version, action).await
        }
    };
    match result {
        Ok(()) => redirect(&format!("/relief/{id}?done={}", action.as_str())),
        Err(ServiceError::Invalid(problems)) => {
            let (errors, list) = work.problems(&problems);
            let typed = json!({
                "action": action.as_str(),
                "reason": field(&form, "reason"),
                "reason_code": field(&form, "reason_code"),
                "text": field(&form, "text"),
            });
            render_case(
                work,
                id,
                None,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}

/// `POST /relief/{id}/notes` (body, internal): a note or a message to the applicant.
pub async fn note(work: Work, id: i64, form: Vec<(String, String)>) -> Response {
    let internal = field(&form, "internal") == "1";
    match relief::add_note(
        &work.system,
        &work.session.actor,
        id,
        internal,
        field(&form, "body"),
    )
    .await
    {
        Ok(()) => redirect(&format!("/relief/{id}#timeline")),
        Err(ServiceError::Invalid(problems)) => {
            let (errors, list) = work.problems(&problems);
            let typed = json!({"body": field(&form, "body")});
            render_case(
                work,
                id,
                None,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}

/// `GET /relief?state=&street=&carrier=&group=&page=`: the list, 25 a page, with
/// the filters in the URL. An unknown filter value is ignored with a notice.
pub async fn list(work: Work, query: Vec<(String, String)>) -> Response {
    let lang = work.lang();
    let mut ignored = Vec::new();
    let parse = |name: &str| -> Option<String> {
        let v = field(&query, name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    };
    let state = parse("state").and_then(|s| {
        s.parse::<ReliefState>()
            .map_err(|_| ignored.push("state"))
            .ok()
    });
    let jurisdiction_id =
        parse("street").and_then(|s| s.parse().map_err(|_| ignored.push("street")).ok());
    let carrier_id =
        parse("carrier").and_then(|s| s.parse().map_err(|_| ignored.push("carrier")).ok());
    let founder_group = parse("group").and_then(|s| {
        s.parse::<FounderGroup>()
            .map_err(|_| ignored.push("group"))
            .ok()
    });
    let page = parse("page")
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let q = ListQuery {
        state,
        jurisdiction_id,
        carrier_id,
        founder_group,
        page,
    };
    let (rows, total) = match relief::list(&work.system, &work.session.actor, &q).await {
        Ok(found) => found,
        Err(error) => return work.refused(error),
    };
    let pages = total.div_ceil(PER_PAGE).max(1);
    let link = |p: u64| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = state {
            pairs.push(("state", s.as_str().into()));
        }
        if let Some(j) = jurisdiction_id {
            pairs.push(("street", j.to_string()));
        }
        if let Some(c) = carrier_id {
            pairs.push(("carrier", c.to_string()));
        }
        if let Some(g) = founder_group {
            pairs.push(("group", g.as_str().into()));
        }
        pairs.push(("page", p.to_string()));
        format!(
            "/relief?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let streets = fuhua_service::scope::jurisdiction_choices(&work.system, &work.session.actor)
        .await
        .unwrap_or_default();
    let ctx = json!({
        "rows": rows.iter().map(|r| json!({
            "id": r.id,
            "state": r.state.as_str(),
            "state_label": r.state.label(lang),
            "entity": r.entity_name,
            "founder": r.founder_name,
            "group": r.founder_group.label(lang),
            "carrier": r.carrier_name,
            "submitted_at": r.submitted_at.map(|t| t.to_rfc3339()),
            "updated_at": r.updated_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "total": total,
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| link(page - 1)),
        "next": (page < pages).then(|| link(page + 1)),
        "f": {
            "state": state.map(|s| s.as_str()).unwrap_or(""),
            "street": jurisdiction_id.map(|j| j.to_string()).unwrap_or_default(),
            "carrier": carrier_id.map(|c| c.to_string()).unwrap_or_default(),
            "group": founder_group.map(|g| g.as_str()).unwrap_or(""),
        },
        "states": ReliefState::ALL.iter().map(|s| json!({"code": s.as_str(), "label": s.label(lang)})).collect::<Vec<_>>(),
        "groups": FounderGroup::ALL.iter().map(|g| json!({"code": g.as_str(), "label": g.label(lang)})).collect::<Vec<_>>(),
        "streets": streets.iter().map(|(id, name)| json!({"code": id.to_string(), "label": name})).collect::<Vec<_>>(),
        "ignored": ignored,
    });
    work.page("pages/work/relief_list.html", StatusCode::OK, ctx)
}

/// `GET /relief/{id}/letter`: the printable decision letter (决定书) with the trace
/// and the clause; only for a decided application.
pub async fn letter(work: Work, id: i64) -> Response {
    let lang = work.lang();
    let view = match relief::view(&work.system, &work.session.actor, id, work.today()).await {
        Ok(view) => view,
        Err(error) => return work.refused(error),
    };
    if !matches!(
        view.app.state,
        ReliefState::Approved | ReliefState::Rejected
    ) {
        return work.refused(ServiceError::conflict(
            "申请尚未作出决定，暂无决定书。",
            "The application is not decided yet; there is no letter.",
        ));
    }
    let ctx = json!({
        "id": view.app.id,
        "approved": view.app.state == ReliefState::Approved,
        "entity": view.entity.name,
        "credit_code": view.entity.credit_code,
        "founder": view.founder_name,
        "carrier": view.carrier.name,
        "move_in": view.stay.move_in.to_string(),
        "decided_at": view.app.decided_at.map(|t| t.date_naive().to_string()),
        "decision_reason": view.app.decision_reason.as_deref().and_then(|r| r.parse::<DecisionReason>().ok()).map(|r| r.label(lang)),
        "decision_note": view.app.decision_note,
        "e": view.eligibility.as_ref().map(|e| eligibility_json(e, lang)),
    });
    work.page("pages/work/relief_letter.html", StatusCode::OK, ctx)
}
