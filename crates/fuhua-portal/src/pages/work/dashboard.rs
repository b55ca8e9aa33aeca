//! `GET /dashboard`: each role lands on its work — the entrepreneur on their
//! entities, stays, applications and notices; operators and officials on their 待办
//! inbox; other roles on what they can do today.

use chrono::Utc;
use fuhua_core::Lang;
use fuhua_service::Role;
use fuhua_service::{entrepreneur, inbox};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;

fn entrepreneur_view(work: &Work, dash: &entrepreneur::Dashboard) -> Value {
    let lang = work.lang();
    let entities: Vec<Value> = dash
        .entities
        .iter()
        .map(|e| {
            json!({
                "id": e.entity.id,
                "name": e.entity.name,
                "credit_code": e.entity.credit_code,
                "stays": e.stays.iter().map(|s| json!({
                    "id": s.stay.id,
                    "carrier": s.carrier_name,
                    "move_in": s.stay.move_in.to_string(),
                    "move_out": s.stay.move_out.map(|d| d.to_string()),
                    "rent": s.stay.monthly_rent.to_string(),
                    "regime": s.regime.as_str(),
                    "regime_label": s.regime.label(lang),
                    "window_start": s.window.map(|w| w.start.to_string()),
                    "window_end": s.window.map(|w| w.end.to_string()),
                    "months_remaining": s.months_remaining,
                    "application": s.application.as_ref().map(|a| json!({
                        "id": a.id, "state": a.state.as_str(), "state_label": a.state.label(lang),
                    })),
                    "can_apply": s.regime != fuhua_core::vocab::Regime::None
                        && s.application.as_ref().is_none_or(|a| matches!(a.state, fuhua_waiver::ReliefState::Withdrawn | fuhua_waiver::ReliefState::Rejected)),
                })).collect::<Vec<_>>(),
                "extensions": e.extensions.iter().map(|x| json!({
                    "id": x.id, "months": x.months, "state": x.state.as_str(), "state_label": x.state.label(lang),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "linked": dash.linked,
        "entities": entities,
        "notices": dash.notices.iter().map(|m| json!({
            "template": m.template,
            "label": notice_label(&m.template, lang),
            "at": m.created_at.to_rfc3339(),
            "link": m.case_table.as_deref().zip(m.case_id).map(|(t, id)| case_link(t, id)),
        })).collect::<Vec<_>>(),
    })
}

fn case_link(table: &str, id: i64) -> String {
    match table {
        "extension_requests" => format!("/extensions/{id}"),
        "settlement_claims" => format!("/claims/{id}"),
        _ => format!("/relief/{id}"),
    }
}

fn notice_label(template: &str, lang: Lang) -> &'static str {
    match template {
        "relief_confirmed" => lang.pick(
            "运营机构已确认您的租金减免申请",
            "The operator confirmed your application",
        ),
        "relief_disputed" => lang.pick(
            "运营机构对您的申请有异议",
            "The operator disputed your application",
        ),
        "relief_decided" => lang.pick(
            "您的租金减免申请已有审核结果",
            "Your application has been decided",
        ),
        "extension_decided" => lang.pick(
            "您的延长申请已有审核结果",
            "Your extension request has been decided",
        ),
        "relief_submitted" => lang.pick("收到新的租金减免申请", "A new rent-relief application"),
        "extension_requested" => lang.pick("收到新的延长孵化期申请", "A new extension request"),
        "claim_generated" => lang.pick(
            "季度结算申请已生成",
            "A quarter's settlement claim was generated",
        ),
        "claim_submitted" => lang.pick("收到待审核的结算申请", "A settlement claim to decide"),
        "claim_decided" => lang.pick("结算申请已有审核结果", "A settlement claim was decided"),
        "claim_paid" => lang.pick("结算款已拨付", "A settlement claim was paid"),
        _ => lang.pick("通知", "Notice"),
    }
}

/// `GET /dashboard`.
pub async fn page(work: Work) -> Response {
    let actor = &work.session.actor;
    let lang = work.lang();
    let today = work.state.today();
    let mut ctx = json!({"entrepreneur": null, "inbox": null});
    if actor.has(Role::Entrepreneur) {
        match entrepreneur::dashboard(&work.system, actor, today).await {
            Ok(dash) => ctx["entrepreneur"] = entrepreneur_view(&work, &dash),
            Err(error) => return work.refused(error),
        }
    }
    if actor.has(Role::Operator) || actor.has(Role::Official) {
        match inbox::inbox(&work.system, actor, Utc::now()).await {
            Ok(items) => {
                ctx["inbox"] = json!(
                    items
                        .iter()
                        .map(|i| json!({
                            "label": i.label.get(lang),
                            "count": i.count,
                            "oldest_days": i.oldest_days,
                            "overdue": i.overdue,
                            "link": i.link,
                        }))
                        .collect::<Vec<_>>()
                );
            }
            Err(error) => return work.refused(error),
        }
    }
    ctx["charts"] = super::charts::for_dashboard(&work).await;
    ctx["on_time"] = super::charts::reports_on_time(&work).await;
    ctx["claims"] = if actor.has(Role::Operator) || actor.has(Role::Official) {
        super::charts::claims_by_state(&work).await
    } else {
        serde_json::Value::Null
    };
    ctx["is_operator"] = json!(actor.has(Role::Operator));
    ctx["is_official"] = json!(actor.has(Role::Official));
    ctx["is_finance"] = json!(actor.has(Role::Finance));
    ctx["other_roles"] = json!(
        actor
            .grants
            .iter()
            .filter(|g| matches!(g.role, Role::Evaluator | Role::Admin))
            .map(|g| g.role.label(lang))
            .collect::<Vec<_>>()
    );
    work.page("pages/work/dashboard.html", StatusCode::OK, ctx)
}
