//! Extension requests (R-WAIVER-EXTEND, clause 七 "对确有需要的创业企业,可适当延长孵化周期";
//! SPEC §4 "extension request"): the entrepreneur or the operator asks for whole
//! months with a reason; an official whose jurisdiction holds one of the entity's
//! carriers approves within the caps (`extension_max_months` per request,
//! `extension_total_max_months` in all) or rejects.

use chrono::{NaiveDate, Utc};
use fuhua_core::workflow::{Actions, Party, Unavailable};
use fuhua_core::{Decision, Problem};
use fuhua_store::repo::carriers;
use fuhua_store::repo::cases::{self, CaseTable, CaseValue};
use fuhua_store::repo::relief::{self as repo, ExtensionRequest, NewExtensionRequest};
use fuhua_store::repo::tenants::{self, Entity};
use fuhua_waiver::{ExtensionAction, ExtensionRefusal, ExtensionState, check_extension};
use serde_json::json;

use crate::System;
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::relief::eligibility;
use crate::scope;

const TABLE: CaseTable = CaseTable::ExtensionRequests;

/// The actor's parties for an entity: over all carriers it stayed in.
async fn parties_for_entity(
    system: &System,
    actor: &Actor,
    entity: &Entity,
) -> ServiceResult<(Vec<Party>, Option<i64>)> {
    let mut parties = Vec::new();
    let mut operator_org = None;
    for stay in tenants::stays_of_entity(system.store(), entity.id).await? {
        let Some(carrier) = carriers::find_carrier(system.store(), stay.carrier_id).await? else {
            continue;
        };
        operator_org = carrier.operator_org_id.or(operator_org);
        for party in scope::parties(system, actor, entity, &carrier).await? {
            if !parties.contains(&party) {
                parties.push(party);
            }
        }
    }
    Ok((parties, operator_org))
}

fn months_problem(refusal: ExtensionRefusal) -> Problem {
    match refusal {
        ExtensionRefusal::Zero => Problem::new(
            "months",
            "too_few",
            "延长月数至少为 1 个月。",
            "An extension adds at least one month.",
        ),
        ExtensionRefusal::OverSingleCap { cap } => Problem::new(
            "months",
            "over_cap",
            format!("单次延长不能超过 {cap} 个月。"),
            format!("One extension adds at most {cap} months."),
        ),
        ExtensionRefusal::OverTotalCap { cap, remaining } => Problem::new(
            "months",
            "over_total_cap",
            format!("累计延长不能超过 {cap} 个月，最多还可延长 {remaining} 个月。"),
            format!("Extensions total at most {cap} months; {remaining} are left."),
        ),
    }
}

async fn check_months(
    system: &System,
    entity_id: i64,
    months: u32,
    today: NaiveDate,
) -> ServiceResult<Decision<u32>> {
    let params = system.parameters().await?.at(today);
    let approved = u32::try_from(repo::approved_extension_months(system.store(), entity_id).await?)
        .unwrap_or(0);
    let decision = check_extension(months, approved, &params);
    match decision.value {
        Ok(months) => Ok(Decision::new(months, decision.trace)),
        Err(refusal) => Err(ServiceError::invalid(months_problem(refusal))),
    }
}

/// Whether the actor may ask for an extension for the entity: the entrepreneur whose
/// entity it is, or the operator of one of its carriers. `NotFound` outside scope.
pub async fn can_request(system: &System, actor: &Actor, entity_id: i64) -> ServiceResult<Entity> {
    let entity = tenants::find_entity(system.store(), entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (parties, _) = parties_for_entity(system, actor, &entity).await?;
    if parties.is_empty() {
        return Err(ServiceError::NotFound);
    }
    if !parties
        .iter()
        .any(|p| matches!(p, Party::Applicant | Party::Operator))
    {
        return Err(ServiceError::Forbidden);
    }
    Ok(entity)
}

/// Asks for `months` more months for the entity, with a reason. Returns the id.
pub async fn request(
    system: &System,
    actor: &Actor,
    entity_id: i64,
    months: u32,
    reason: &str,
    today: NaiveDate,
) -> ServiceResult<i64> {
    let entity = tenants::find_entity(system.store(), entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (parties, operator_org) = parties_for_entity(system, actor, &entity).await?;
    if parties.is_empty() {
        return Err(ServiceError::NotFound);
    }
    if !parties
        .iter()
        .any(|p| matches!(p, Party::Applicant | Party::Operator))
    {
        return Err(ServiceError::Forbidden);
    }
    let reason = reason.trim();
    let mut problems = Vec::new();
    if reason.is_empty() {
        problems.push(Problem::new(
            "reason",
            "required",
            "请说明延长的理由。",
            "Give the reason for the extension.",
        ));
    } else if reason.chars().count() > 1000 {
        problems.push(Problem::new(
            "reason",
            "too_long",
            "最多 1000 个字。",
            "At most 1000 characters.",
        ));
    }
    if let Err(ServiceError::Invalid(mut more)) =
        check_months(system, entity.id, months, today).await
    {
        problems.append(&mut more);
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let open = repo::extension_requests(
        system.store(),
        Some(&[entity.id]),
        &[ExtensionState::Submitted],
    )
    .await?;
    if let Some(open) = open.first() {
        return Err(ServiceError::conflict(
            format!("已有一份待审核的延长申请（编号 {}）。", open.id),
            format!(
                "An extension request is already waiting for a decision (no. {}).",
                open.id
            ),
        ));
    }
    let w = system.store().write(&actor.audit_actor()).await?;
    let stored = repo::add_extension_request(
        &w,
        &NewExtensionRequest {
            entity_id: entity.id,
            months: i32::try_from(months).unwrap_or(i32::MAX),
            reason: reason.to_owned(),
            requested_by: Some(actor.user_id),
        },
    )
    .await?;
    let rcpt =
        crate::relief::recipients(system, None, entity.founder_person_id, operator_org).await?;
    let context = json!({
        "entity_name": entity.name,
        "months": months,
        "reason": reason,
        "url": format!("/extensions/{}", stored.id),
    });
    crate::relief::send_mail(
        &w,
        &rcpt.operator,
        "extension_requested",
        (TABLE.table(), stored.id),
        &context,
    )
    .await?;
    w.commit().await?;
    Ok(stored.id)
}

/// An extension request with what the viewer may do with it.
#[derive(Debug, Clone)]
pub struct ExtensionView {
    pub request: ExtensionRequest,
    pub entity: Entity,
    pub parties: Vec<Party>,
    /// Months approved before this request.
    pub approved_before: u32,
}

/// One extension request; `NotFound` outside the actor's scope.
pub async fn view(system: &System, actor: &Actor, id: i64) -> ServiceResult<ExtensionView> {
    let request = repo::find_extension_request(system.store(), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let entity = tenants::find_entity(system.store(), request.entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (parties, _) = parties_for_entity(system, actor, &entity).await?;
    if parties.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let approved_before =
        u32::try_from(repo::approved_extension_months(system.store(), entity.id).await?)
            .unwrap_or(0);
    Ok(ExtensionView {
        request,
        entity,
        parties,
        approved_before,
    })
}

/// The extension requests an official may decide (submitted, in their jurisdiction).
pub async fn pending(system: &System, actor: &Actor) -> ServiceResult<Vec<ExtensionView>> {
    if scope::official_jurisdictions(system, actor)
        .await?
        .is_none()
    {
        return Err(ServiceError::Forbidden);
    }
    let mut out = Vec::new();
    for request in
        repo::extension_requests(system.store(), None, &[ExtensionState::Submitted]).await?
    {
        match view(system, actor, request.id).await {
            Ok(v) if v.parties.contains(&Party::Official) => out.push(v),
            Ok(_) | Err(ServiceError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

/// An official approves `months` (at most what was asked, within the caps) or
/// rejects with a note; the applicant and the operator are told, with the new end
/// of the window.
/// An official's decision on an extension request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionDecision {
    pub approve: bool,
    /// Months approved (ignored for a rejection).
    pub months: u32,
    pub note: String,
}

pub async fn decide(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    decision: &ExtensionDecision,
    today: NaiveDate,
) -> ServiceResult<()> {
    let (approve, months, note) = (decision.approve, decision.months, decision.note.as_str());
    let seen = view(system, actor, id).await?;
    let action = if approve {
        ExtensionAction::Approve
    } else {
        ExtensionAction::Reject
    };
    let to = match seen
        .parties
        .iter()
        .map(|&p| ExtensionAction::apply(seen.request.state, action, p))
        .find_map(Result::ok)
    {
        Some(to) => to,
        None => {
            let waits = seen.parties.iter().any(|&p| {
                ExtensionAction::apply(seen.request.state, action, p) == Err(Unavailable::State)
            });
            if waits {
                let (zh, en) = ExtensionAction::waiting_for(seen.request.state);
                return Err(ServiceError::conflict(
                    format!("此操作现在不可用：{zh}。"),
                    format!("Not available now: {en}."),
                ));
            }
            return Err(ServiceError::Forbidden);
        }
    };
    let note = note.trim().to_owned();
    if !approve && note.is_empty() {
        return Err(ServiceError::invalid(Problem::new(
            "note",
            "required",
            "不予批准时请写明理由。",
            "Give the reason for a rejection.",
        )));
    }
    let asked = u32::try_from(seen.request.months).unwrap_or(0);
    if approve {
        if months > asked {
            return Err(ServiceError::invalid(Problem::new(
                "months",
                "over_request",
                format!("批准月数不能超过申请的 {asked} 个月。"),
                format!("At most the {asked} months asked for can be approved."),
            )));
        }
        check_months(system, seen.entity.id, months, today).await?;
    }
    // The window as it will be once the months count, for the mail.
    let params = system.parameters().await?;
    let mut facts = eligibility::load(system, seen.entity.id, &params, today).await?;
    if approve {
        facts.extension_months += months;
    }
    let new_end = eligibility::compute(&facts, &params, today)
        .ok()
        .and_then(|d| d.value.window)
        .map(|w| w.end);
    let window_end = new_end.map(|end| end.to_string()).unwrap_or_default();
    let operator_org = facts.stays.last().and_then(|s| s.carrier.operator_org_id);
    let rcpt = crate::relief::recipients(
        system,
        seen.request.requested_by,
        seen.entity.founder_person_id,
        operator_org,
    )
    .await?;
    let context = json!({
        "entity_name": seen.entity.name,
        "months": if approve { months } else { asked },
        "approved": approve,
        "reason_text": note,
        "window_end": window_end,
        "url": format!("/extensions/{id}"),
    });
    let everyone: Vec<_> = rcpt
        .applicant
        .iter()
        .chain(rcpt.operator.iter())
        .cloned()
        .collect();
    let w = system.store().write(&actor.audit_actor()).await?;
    let read = cases::case_state_in::<ExtensionState>(&w, TABLE, id).await?;
    if read.version != version {
        return Err(ServiceError::conflict(
            "该申请已有新的变化，请查看最新状态后再操作。",
            "This request changed in the meantime; review it and try again.",
        ));
    }
    let mut changes = vec![
        ("decided_by", CaseValue::Int(Some(actor.user_id))),
        ("decided_at", CaseValue::Time(Some(Utc::now()))),
        ("decision_note", CaseValue::Text(Some(note.clone()))),
    ];
    if approve {
        changes.push(("months", CaseValue::Int(Some(i64::from(months)))));
    }
    cases::move_case(&w, TABLE, id, &read, to, &changes).await?;
    if approve && let Some(end) = new_end {
        fuhua_store::repo::roll::extend_window_end(&w, seen.entity.id, end).await?;
    }
    crate::relief::send_mail(
        &w,
        &everyone,
        "extension_decided",
        (TABLE.table(), id),
        &context,
    )
    .await?;
    w.commit().await?;
    Ok(())
}
