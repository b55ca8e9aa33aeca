//! The rent-relief journey (SPEC §4 "rent-relief application"): the entrepreneur
//! applies on a stay with a preview of what the rules give, the operator confirms or
//! disputes the stay facts, one official decides with the computed eligibility and
//! trace, and the approved relief's ledger is stored. Every action checks the actor's
//! party for the record, then the transition table (`fuhua_waiver::ReliefAction`),
//! then the rules, and writes the move, its audit row and its emails in one
//! transaction.

pub mod eligibility;
mod notify;
mod view;

use chrono::{NaiveDate, Utc};
use fuhua_core::vocab::Regime;
use fuhua_core::workflow::Party;
use fuhua_core::{Problem, vocabulary};
use fuhua_store::Write;
use fuhua_store::repo::carriers::{self, Carrier};
use fuhua_store::repo::cases::{self, CaseTable, CaseValue};
use fuhua_store::repo::relief::{
    self as repo, NewReliefApplication, NoteVisibility, ReliefApplication,
};
use fuhua_store::repo::tenants::{self, Entity, NewLedgerRow, Stay};
use fuhua_waiver::{ReliefAction, ReliefState};
use serde_json::json;

use crate::System;
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::scope;
pub use eligibility::{Eligibility, LedgerLine};
pub(crate) use notify::{recipients, send as send_mail};
pub use view::{ActionView, ApplicationView, ListQuery, PER_PAGE, TimelineEntry, list, view};

const TABLE: CaseTable = CaseTable::ReliefApplications;

vocabulary! {
    /// Why an official approves or rejects (the reason code of a decision).
    DecisionReason {
        Eligible = "eligible", "符合政策条件", "meets the policy's conditions";
        NotEligible = "not_eligible", "不符合政策条件", "does not meet the policy's conditions";
        FactsIncorrect = "facts_incorrect", "入驻信息不实", "the stay facts are incorrect";
        Duplicate = "duplicate", "重复申请", "duplicate application";
        Other = "other", "其他原因", "other reason";
    }
}

/// An application with the records it concerns and the actor's parties for it.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub app: ReliefApplication,
    pub stay: Stay,
    pub entity: Entity,
    pub carrier: Carrier,
    pub parties: Vec<Party>,
}

/// Loads an application the actor may see; anything else is `NotFound`.
pub(crate) async fn load(system: &System, actor: &Actor, id: i64) -> ServiceResult<Loaded> {
    let store = system.store();
    let app = repo::find_relief_application(store, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let stay = tenants::find_stay(store, app.stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let entity = tenants::find_entity(store, app.entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let carrier = carriers::find_carrier(store, stay.carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parties = scope::parties(system, actor, &entity, &carrier).await?;
    if parties.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(Loaded {
        app,
        stay,
        entity,
        carrier,
        parties,
    })
}

/// The state `action` moves the case to, for the first of the actor's parties that
/// may take it; otherwise why not: the case waits for someone else (conflict,
/// with what it waits for) or the actor never takes this action (forbidden).
fn allowed(loaded: &Loaded, action: ReliefAction) -> ServiceResult<ReliefState> {
    crate::scope::allowed_move(&loaded.parties, loaded.app.state, action)
}

/// Begins the change and checks that the case is still as the form showed it.
async fn begin(
    system: &System,
    actor: &Actor,
    loaded: &Loaded,
    version: i32,
) -> ServiceResult<(Write, cases::CaseState<ReliefState>)> {
    let w = system.store().write(&actor.audit_actor()).await?;
    let read = cases::case_state_in::<ReliefState>(&w, TABLE, loaded.app.id).await?;
    if read.version != version || read.state != loaded.app.state {
        return Err(stale());
    }
    Ok((w, read))
}

fn stale() -> ServiceError {
    ServiceError::conflict(
        "该申请已有新的变化（可能是其他人刚刚处理过），请查看最新状态后再操作。",
        "This application changed in the meantime (someone may have just acted on it); review its current state and try again.",
    )
}

fn mail_context(loaded: &Loaded) -> serde_json::Value {
    json!({
        "entity_name": loaded.entity.name,
        "carrier_name": loaded.carrier.name,
        "application_id": loaded.app.id,
        "url": format!("/relief/{}", loaded.app.id),
    })
}

/// What the rules give a stay of the actor's own entity, before applying.
pub async fn preview(
    system: &System,
    actor: &Actor,
    stay_id: i64,
    today: NaiveDate,
) -> ServiceResult<Eligibility> {
    let (_, _, eligibility) = own_stay(system, actor, stay_id, today).await?;
    Ok(eligibility)
}

async fn own_stay(
    system: &System,
    actor: &Actor,
    stay_id: i64,
    today: NaiveDate,
) -> ServiceResult<(Stay, Entity, Eligibility)> {
    let store = system.store();
    let stay = tenants::find_stay(store, stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let entity = tenants::find_entity(store, stay.entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if actor.person_id != Some(entity.founder_person_id) {
        return Err(ServiceError::NotFound);
    }
    let params = system.parameters().await?;
    let facts = eligibility::load(system, entity.id, &params, today).await?;
    let decision = eligibility::compute(&facts, &params, today)?;
    let eligibility = eligibility::of_stay(&facts, &decision, stay.id)?;
    Ok((stay, entity, eligibility))
}

/// Applies for rent relief on a stay of the actor's own entity: records the
/// application and submits it (draft → submitted) with the computed eligibility,
/// and tells the operator. One open application per stay.
pub async fn apply(
    system: &System,
    actor: &Actor,
    stay_id: i64,
    today: NaiveDate,
) -> ServiceResult<i64> {
    let (stay, entity, eligibility) = own_stay(system, actor, stay_id, today).await?;
    let open = repo::relief_applications_of_stay(system.store(), stay.id)
        .await?
        .into_iter()
        .find(|a| !closed_without_relief(a.state));
    if let Some(open) = open {
        return Err(ServiceError::conflict(
            format!(
                "该入驻已有一份办理中的申请（编号 {}），请勿重复申请。",
                open.id
            ),
            format!(
                "This stay already has an application in progress (no. {}).",
                open.id
            ),
        ));
    }
    let carrier = carriers::find_carrier(system.store(), stay.carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let w = system.store().write(&actor.audit_actor()).await?;
    let app = repo::add_relief_application(
        &w,
        &NewReliefApplication {
            entity_id: entity.id,
            stay_id: stay.id,
            applicant_user_id: Some(actor.user_id),
        },
    )
    .await?;
    let read = cases::CaseState {
        state: app.state,
        version: app.version,
    };
    let loaded = Loaded {
        app,
        stay,
        entity,
        carrier,
        parties: vec![Party::Applicant],
    };
    submit_in(system, &w, &loaded, &read, &eligibility).await?;
    w.commit().await?;
    Ok(loaded.app.id)
}

async fn submit_in(
    system: &System,
    w: &Write,
    loaded: &Loaded,
    read: &cases::CaseState<ReliefState>,
    eligibility: &Eligibility,
) -> ServiceResult<()> {
    let snapshot = serde_json::to_string(eligibility).map_err(fuhua_store::StoreError::from)?;
    cases::move_case(
        w,
        TABLE,
        loaded.app.id,
        read,
        ReliefState::Submitted,
        &[
            ("eligibility", CaseValue::Text(Some(snapshot))),
            ("submitted_at", CaseValue::Time(Some(Utc::now()))),
            ("operator_note", CaseValue::Text(None)),
        ],
    )
    .await?;
    let to = notify::recipients(
        system,
        loaded.app.applicant_user_id,
        loaded.entity.founder_person_id,
        loaded.carrier.operator_org_id,
    )
    .await?;
    let founder =
        fuhua_store::repo::people::find_person(system.store(), loaded.entity.founder_person_id)
            .await?;
    let mut context = mail_context(loaded);
    context["applicant_name"] =
        json!(founder.map_or_else(|| loaded.entity.name.clone(), |p| p.name));
    notify::send(
        w,
        &to.operator,
        "relief_submitted",
        (TABLE.table(), loaded.app.id),
        &context,
    )
    .await
}

/// Submits a draft again (after a dispute was revised).
pub async fn submit(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    today: NaiveDate,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    allowed(&loaded, ReliefAction::Submit)?;
    let (_, _, eligibility) = own_stay(system, actor, loaded.stay.id, today).await?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    submit_in(system, &w, &loaded, &read, &eligibility).await?;
    w.commit().await?;
    Ok(())
}

/// Simple moves with no further facts: withdraw (applicant), revise (applicant, a
/// disputed application back to draft), confirm (operator).
pub async fn act(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    action: ReliefAction,
) -> ServiceResult<()> {
    if !matches!(
        action,
        ReliefAction::Withdraw | ReliefAction::Revise | ReliefAction::Confirm
    ) {
        return Err(ServiceError::Forbidden);
    }
    let loaded = load(system, actor, id).await?;
    let to = allowed(&loaded, action)?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    let mut changes = Vec::new();
    if action == ReliefAction::Confirm {
        changes.push(("confirmed_by", CaseValue::Int(Some(actor.user_id))));
        changes.push(("confirmed_at", CaseValue::Time(Some(Utc::now()))));
    }
    cases::move_case(&w, TABLE, id, &read, to, &changes).await?;
    if action == ReliefAction::Confirm {
        let rcpt = notify::recipients(
            system,
            loaded.app.applicant_user_id,
            loaded.entity.founder_person_id,
            None,
        )
        .await?;
        notify::send(
            &w,
            &rcpt.applicant,
            "relief_confirmed",
            (TABLE.table(), id),
            &mail_context(&loaded),
        )
        .await?;
    }
    w.commit().await?;
    Ok(())
}

/// `text` trimmed, required and at most `max` characters; the problem names `field`.
pub(crate) fn required_text(field: &str, text: &str, max: usize) -> ServiceResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::invalid(Problem::new(
            field,
            "required",
            "请填写此项。",
            "This field is required.",
        )));
    }
    if text.chars().count() > max {
        return Err(ServiceError::invalid(Problem::new(
            field,
            "too_long",
            format!("最多 {max} 个字。"),
            format!("At most {max} characters."),
        )));
    }
    Ok(text.to_owned())
}

/// The operator disputes the stay facts with a reason; the application goes back
/// to the entrepreneur, who sees the reason.
pub async fn dispute(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    reason: &str,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    let to = allowed(&loaded, ReliefAction::Dispute)?;
    let reason = required_text("reason", reason, 1000)?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    cases::move_case(
        &w,
        TABLE,
        id,
        &read,
        to,
        &[("operator_note", CaseValue::Text(Some(reason.clone())))],
    )
    .await?;
    let rcpt = notify::recipients(
        system,
        loaded.app.applicant_user_id,
        loaded.entity.founder_person_id,
        None,
    )
    .await?;
    let mut context = mail_context(&loaded);
    context["reason"] = json!(reason);
    notify::send(
        &w,
        &rcpt.applicant,
        "relief_disputed",
        (TABLE.table(), id),
        &context,
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// An official's decision.
#[derive(Debug, Clone)]
pub struct Decision {
    pub approve: bool,
    pub reason: DecisionReason,
    pub text: String,
}

/// One official decides a confirmed application with the eligibility computed
/// today. An approval needs a regime (a stay the rules give nothing cannot be
/// approved) and stores the stay's monthly ledger through today (SPEC §4 "money
/// over time": it runs from the stay's move-in).
pub async fn decide(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    decision: &Decision,
    today: NaiveDate,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    let action = if decision.approve {
        ReliefAction::Approve
    } else {
        ReliefAction::Reject
    };
    let to = allowed(&loaded, action)?;
    let text = decision.text.trim().to_owned();
    if text.chars().count() > 2000 {
        return Err(ServiceError::invalid(Problem::new(
            "text",
            "too_long",
            "最多 2000 个字。",
            "At most 2000 characters.",
        )));
    }
    if !decision.approve && text.is_empty() {
        return Err(ServiceError::invalid(Problem::new(
            "text",
            "required",
            "不予批准时请写明理由。",
            "Give the reason for a rejection.",
        )));
    }
    let params = system.parameters().await?;
    let facts = eligibility::load(system, loaded.entity.id, &params, today).await?;
    let computed = eligibility::compute(&facts, &params, today)?;
    let eligibility = eligibility::of_stay(&facts, &computed, loaded.stay.id)?;
    if decision.approve && eligibility.regime == Regime::None {
        return Err(ServiceError::invalid(Problem::new(
            "decision",
            "no_regime",
            "按政策规则该入驻不享受租金减免，不能批准。",
            "The rules give this stay no rent relief; it cannot be approved.",
        )));
    }
    let (w, read) = begin(system, actor, &loaded, version).await?;
    let snapshot = serde_json::to_string(&eligibility).map_err(fuhua_store::StoreError::from)?;
    cases::move_case(
        &w,
        TABLE,
        id,
        &read,
        to,
        &[
            ("eligibility", CaseValue::Text(Some(snapshot))),
            ("decided_by", CaseValue::Int(Some(actor.user_id))),
            ("decided_at", CaseValue::Time(Some(Utc::now()))),
            (
                "decision_reason",
                CaseValue::Text(Some(decision.reason.as_str().to_owned())),
            ),
            ("decision_note", CaseValue::Text(Some(text.clone()))),
        ],
    )
    .await?;
    if decision.approve {
        store_ledger(&w, &loaded, &eligibility).await?;
        // The roll's window filter and the reminders read the window from the stay.
        fuhua_store::repo::roll::set_window_end(
            &w,
            loaded.stay.id,
            eligibility.window.map(|r| r.end),
        )
        .await?;
    }
    let rcpt = notify::recipients(
        system,
        loaded.app.applicant_user_id,
        loaded.entity.founder_person_id,
        loaded.carrier.operator_org_id,
    )
    .await?;
    let mut context = mail_context(&loaded);
    context["approved"] = json!(decision.approve);
    context["reason_label"] = json!(decision.reason.label(fuhua_core::Lang::Zh));
    context["reason_text"] = json!(text);
    context["regime_label"] = json!(eligibility.regime.label(fuhua_core::Lang::Zh));
    context["window_start"] = json!(
        eligibility
            .window
            .map(|w| w.start.to_string())
            .unwrap_or_default()
    );
    context["window_end"] = json!(
        eligibility
            .window
            .map(|w| w.end.to_string())
            .unwrap_or_default()
    );
    context["months_remaining"] = json!(
        eligibility
            .months_remaining
            .map(|m| m.to_string())
            .unwrap_or_default()
    );
    let everyone: Vec<_> = rcpt
        .applicant
        .iter()
        .chain(rcpt.operator.iter())
        .cloned()
        .collect();
    notify::send(
        &w,
        &everyone,
        "relief_decided",
        (TABLE.table(), id),
        &context,
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// The approved relief's monthly rows, once per stay and month (a second approval
/// on the same stay adds only months not stored yet).
async fn store_ledger(w: &Write, loaded: &Loaded, eligibility: &Eligibility) -> ServiceResult<()> {
    let stored = tenants::ledger_of_stay_in(w, loaded.stay.id).await?;
    let rows: Vec<NewLedgerRow> = eligibility
        .ledger
        .iter()
        .filter(|line| {
            !stored
                .iter()
                .any(|s| s.month == line.month && !s.adjustment)
        })
        .map(|line| NewLedgerRow {
            stay_id: loaded.stay.id,
            month: line.month.clone(),
            adjustment: false,
            regime: eligibility.regime,
            funding_source: eligibility.funding_source,
            occupied_days: i32::try_from(line.occupied_days).unwrap_or(0),
            days_in_month: i32::try_from(line.days_in_month).unwrap_or(0),
            rent_due: line.rent_due,
            waived: line.waived,
            payable: line.payable,
            relief_application_id: Some(loaded.app.id),
        })
        .collect();
    tenants::add_ledger_rows(w, &rows).await?;
    Ok(())
}

/// Adds a note to an application: officials write internal notes or messages to
/// the applicant; others only messages.
pub async fn add_note(
    system: &System,
    actor: &Actor,
    id: i64,
    internal: bool,
    body: &str,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    if internal && !loaded.parties.contains(&Party::Official) {
        return Err(ServiceError::Forbidden);
    }
    if !loaded
        .parties
        .iter()
        .any(|p| matches!(p, Party::Official | Party::Operator))
    {
        return Err(ServiceError::Forbidden);
    }
    let body = required_text("body", body, 2000)?;
    let visibility = if internal {
        NoteVisibility::Internal
    } else {
        NoteVisibility::Applicant
    };
    let w = system.store().write(&actor.audit_actor()).await?;
    repo::add_case_note(&w, TABLE.table(), id, actor.user_id, visibility, &body).await?;
    w.commit().await?;
    Ok(())
}

/// Whether a relief application is closed without relief (withdrawn or rejected),
/// so that a new one may be made on the same stay.
fn closed_without_relief(state: ReliefState) -> bool {
    matches!(state, ReliefState::Withdrawn | ReliefState::Rejected)
}
