//! Settlement claims (SPEC §4 "settlement claim"): `fuhua settle` or an official
//! generates them after the quarter ends ([`generate`]); the carrier's operator
//! submits; an official of the carrier's jurisdiction approves — reserving the
//! amount on the fund source's appropriation for the quarter's year (R-AWARD-BUDGET,
//! refused beyond what is left unless finance wrote an override) — or rejects with a
//! reason (the operator reopens it); finance pays with voucher number and date, once,
//! ever. Every action checks the actor's party for the claim (a claim outside it is
//! `NotFound`), the transition table (`fuhua_waiver::ClaimAction`), the rules, then
//! writes the move, its audit row and its emails in one transaction.

mod batch;
mod generate;
mod notify;

use chrono::{NaiveDate, Utc};
use fuhua_core::workflow::{Actions, Party};
use fuhua_core::{Money, Problem};
use fuhua_store::Write;
use fuhua_store::repo::awards::{self, NewReservation};
use fuhua_store::repo::cases::{self, CaseState, CaseTable, CaseValue};
use fuhua_store::repo::claims::{self as repo, Claim, ClaimPayment};
use fuhua_store::repo::reference;

use crate::System;
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};
use crate::scope;
pub use batch::{BatchItem, BatchOutcome, approve_many, pay_many, preview_approve, preview_pay};
pub use fuhua_waiver::{ClaimAction, ClaimState, Quarter};
pub use generate::{Generated, GeneratedSummary, Initiator, Progress, generate};
pub use repo::{Claim as ClaimRecord, ClaimFilter, ClaimRow};

pub(crate) const TABLE: CaseTable = CaseTable::SettlementClaims;

/// Money as people read it in mail and pages: `12,345.67`.
pub fn money_text(money: Money) -> String {
    let text = money.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// A claim with the actor's parties for it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub claim: Claim,
    pub parties: Vec<Party>,
}

/// The jurisdictions the actor's grants of `role` cover (each granted one and its
/// streets and towns).
pub(crate) async fn covered(system: &System, actor: &Actor, role: Role) -> ServiceResult<Vec<i64>> {
    let granted: Vec<i64> = actor
        .grants_of(role)
        .filter_map(|g| g.jurisdiction_id)
        .collect();
    if granted.is_empty() {
        return Ok(Vec::new());
    }
    Ok(reference::list_jurisdictions(system.store())
        .await?
        .into_iter()
        .filter(|j| granted.contains(&j.id) || j.parent_id.is_some_and(|p| granted.contains(&p)))
        .map(|j| j.id)
        .collect())
}

/// The parties `actor` is for `claim`: the carrier's operator, an official or a
/// finance user whose jurisdiction holds the carrier.
pub async fn parties(system: &System, actor: &Actor, claim: &Claim) -> ServiceResult<Vec<Party>> {
    let mut parties = Vec::new();
    if claim
        .operator_org_id
        .is_some_and(|org| actor.operated_organisations().contains(&org))
    {
        parties.push(Party::Operator);
    }
    if scope::official_jurisdictions(system, actor)
        .await?
        .is_some_and(|j| j.contains(&claim.jurisdiction_id))
    {
        parties.push(Party::Official);
    }
    if covered(system, actor, Role::Finance)
        .await?
        .contains(&claim.jurisdiction_id)
    {
        parties.push(Party::Finance);
    }
    Ok(parties)
}

/// Loads a claim the actor may see; anything else is `NotFound`.
pub async fn load(system: &System, actor: &Actor, id: i64) -> ServiceResult<Loaded> {
    let claim = repo::find_claim(system.store(), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parties = parties(system, actor, &claim).await?;
    if parties.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(Loaded { claim, parties })
}

/// The state `action` moves the claim to for one of the actor's parties; else why
/// not: waiting for someone else (conflict) or never this actor's (forbidden).
fn allowed(loaded: &Loaded, action: ClaimAction) -> ServiceResult<ClaimState> {
    crate::scope::allowed_move(&loaded.parties, loaded.claim.state, action)
}

/// The actions the actor may take on the claim now (the buttons a page shows).
pub fn available(loaded: &Loaded) -> Vec<ClaimAction> {
    let mut out = Vec::new();
    for &party in &loaded.parties {
        for action in ClaimAction::available(loaded.claim.state, party) {
            if !out.contains(&action) {
                out.push(action);
            }
        }
    }
    out
}

fn stale() -> ServiceError {
    ServiceError::conflict(
        "该结算申请已有新的变化（可能是其他人刚刚处理过），请查看最新状态后再操作。",
        "This claim changed in the meantime (someone may have just acted on it); review its current state and try again.",
    )
}

/// Begins the change and checks that the claim is still as the form showed it.
async fn begin(
    system: &System,
    actor: &Actor,
    loaded: &Loaded,
    version: i32,
) -> ServiceResult<(Write, CaseState<ClaimState>)> {
    let w = system.store().write(&actor.audit_actor()).await?;
    let read = cases::case_state_in::<ClaimState>(&w, TABLE, loaded.claim.id).await?;
    if read.version != version || read.state != loaded.claim.state {
        return Err(stale());
    }
    Ok((w, read))
}

pub(crate) use crate::relief::required_text;

/// The operator submits a generated claim; the officials of the carrier's
/// jurisdiction are told.
pub async fn submit(system: &System, actor: &Actor, id: i64, version: i32) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    let to = allowed(&loaded, ClaimAction::Submit)?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    cases::move_case(
        &w,
        TABLE,
        id,
        &read,
        to,
        &[("submitted_at", CaseValue::Time(Some(Utc::now())))],
    )
    .await?;
    notify::submitted(system, &w, &loaded.claim).await?;
    w.commit().await?;
    Ok(())
}

/// The operator reopens a rejected claim (rejected → generated) to submit it again.
pub async fn reopen(system: &System, actor: &Actor, id: i64, version: i32) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    let to = allowed(&loaded, ClaimAction::Reopen)?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    cases::move_case(&w, TABLE, id, &read, to, &[]).await?;
    w.commit().await?;
    Ok(())
}

/// An official's decision on a submitted claim; a rejection needs a reason.
#[derive(Debug, Clone)]
pub struct ClaimDecision {
    pub approve: bool,
    pub note: String,
}

/// The appropriation a claim draws on: its fund source's for the quarter's year
/// (SPEC §4 "draws on the fund source's appropriation for the quarter's year"). A
/// street/town budget is the carrier's street's (`street_town_budget:<code>`).
pub(crate) async fn appropriation_of(
    system: &System,
    claim: &Claim,
) -> ServiceResult<reference::Appropriation> {
    let store = system.store();
    let key = match claim.funding_source {
        fuhua_core::vocab::FundingSource::StreetTownBudget => {
            let code = reference::find_jurisdiction(store, claim.jurisdiction_id)
                .await?
                .map(|j| j.code)
                .unwrap_or_default();
            format!("street_town_budget:{code}")
        }
        other => other.as_str().to_owned(),
    };
    let missing = || {
        ServiceError::conflict(
            format!(
                "{}尚无 {} 年度的预算指标，请财政部门先录入后再批准。",
                claim.funding_source.label(fuhua_core::Lang::Zh),
                claim.year
            ),
            format!(
                "{} has no appropriation for {} yet; finance must record it before the claim can be approved.",
                claim.funding_source.label(fuhua_core::Lang::En),
                claim.year
            ),
        )
    };
    let source = reference::find_fund_source_by_key(store, &key)
        .await?
        .ok_or_else(missing)?;
    reference::find_appropriation(store, source.id, claim.year)
        .await?
        .ok_or_else(missing)
}

/// An official approves or rejects a submitted claim. Approval reserves the claim's
/// total (nothing when it is not positive) on the appropriation for the quarter's
/// year, refused when that exceeds what is left unless finance recorded an override
/// ([`allow_over_budget`]) — R-AWARD-BUDGET. The operator is told.
pub async fn decide(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    decision: &ClaimDecision,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    let action = if decision.approve {
        ClaimAction::Approve
    } else {
        ClaimAction::Reject
    };
    let to = allowed(&loaded, action)?;
    let note = decision.note.trim().to_owned();
    // A rejection needs its reason; any note is at most 2000 characters.
    if !decision.approve || !note.is_empty() {
        required_text("note", &note, 2000)?;
    }
    let appropriation = if decision.approve {
        Some(appropriation_of(system, &loaded.claim).await?)
    } else {
        None
    };
    let (w, read) = begin(system, actor, &loaded, version).await?;
    if let Some(appropriation) = appropriation {
        let amount = loaded.claim.total.max(Money::ZERO);
        let available = awards::appropriation_available_in(&w, appropriation.id).await?;
        let claim = repo::find_claim_in(&w, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let decision = fuhua_awards::reserve(available, amount, claim.override_reason.as_deref());
        if let Err(refusal) = decision.value {
            let text = refusal.text();
            return Err(ServiceError::conflict(text.zh, text.en));
        }
        if amount > Money::ZERO {
            awards::reserve(
                &w,
                &NewReservation {
                    appropriation_id: appropriation.id,
                    award_case_id: None,
                    claim_id: Some(id),
                    amount,
                    override_reason: claim.override_reason.clone(),
                    reserved_by: claim.override_by.or(Some(actor.user_id)),
                },
            )
            .await?;
        }
    }
    cases::move_case(
        &w,
        TABLE,
        id,
        &read,
        to,
        &[
            ("decided_by", CaseValue::Int(Some(actor.user_id))),
            ("decided_at", CaseValue::Time(Some(Utc::now()))),
            ("decision_note", CaseValue::Text(Some(note.clone()))),
        ],
    )
    .await?;
    notify::decided(system, &w, &loaded.claim, decision.approve, &note).await?;
    w.commit().await?;
    Ok(())
}

/// A finance user allows the approval of a submitted claim beyond what is left of
/// its appropriation, with a written reason (SPEC §3 R-AWARD-BUDGET); the audit row
/// records who and why, and the reservation carries both.
pub async fn allow_over_budget(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    reason: &str,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    if !loaded.parties.contains(&Party::Finance) {
        return Err(ServiceError::Forbidden);
    }
    if loaded.claim.state != ClaimState::Submitted {
        let (zh, en) = ClaimAction::waiting_for(loaded.claim.state);
        return Err(ServiceError::conflict(
            format!("只有已提交、待审核的结算申请可以超额批准：{zh}。"),
            format!(
                "Only a submitted claim awaiting its decision can be allowed over budget: {en}."
            ),
        ));
    }
    let reason = required_text("override_reason", reason, 2000)?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    repo::set_override(&w, id, &read, &reason, actor.user_id).await?;
    w.commit().await?;
    Ok(())
}

/// A payment to record: voucher number and date.
#[derive(Debug, Clone)]
pub struct PaymentInput {
    pub voucher_no: String,
    pub paid_on: NaiveDate,
}

/// Checks a payment's fields: a voucher number (at most 64 characters, no control
/// characters) and a date not after today.
pub fn check_payment(input: &PaymentInput, today: NaiveDate) -> ServiceResult<String> {
    let voucher = required_text("voucher_no", &input.voucher_no, 64)?;
    if voucher.chars().any(char::is_control) {
        return Err(ServiceError::invalid(Problem::new(
            "voucher_no",
            "control",
            "凭证号不能包含控制字符。",
            "A voucher number cannot contain control characters.",
        )));
    }
    if input.paid_on > today {
        return Err(ServiceError::invalid(Problem::new(
            "paid_on",
            "future",
            "拨付日期不能晚于今天。",
            "The payment date cannot be after today.",
        )));
    }
    Ok(voucher)
}

/// Finance pays an approved claim with voucher number and date. A claim is paid
/// once, ever: of two payments at once (on one server or two) one wins and the
/// other gets a conflict. The operator is told.
pub async fn pay(
    system: &System,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &PaymentInput,
    today: NaiveDate,
) -> ServiceResult<()> {
    let loaded = load(system, actor, id).await?;
    // SPEC §4 settlement claim: paid once, ever — a second payment names the first.
    if loaded.claim.state == ClaimState::Paid && loaded.parties.contains(&Party::Finance) {
        return Err(paid_before(&loaded.claim));
    }
    allowed(&loaded, ClaimAction::Pay)?;
    let voucher = check_payment(input, today)?;
    let (w, read) = begin(system, actor, &loaded, version).await?;
    repo::pay(
        &w,
        id,
        &read,
        &ClaimPayment {
            voucher_no: voucher.clone(),
            paid_on: input.paid_on,
            paid_by: actor.user_id,
        },
    )
    .await
    .map_err(|e| match e {
        fuhua_store::StoreError::Conflict { .. } => already_paid(),
        other => other.into(),
    })?;
    notify::paid(system, &w, &loaded.claim, &voucher, input.paid_on).await?;
    w.commit().await?;
    Ok(())
}

fn paid_before(claim: &Claim) -> ServiceError {
    let on = claim.paid_on.map(|d| d.to_string()).unwrap_or_default();
    let voucher = claim.voucher_no.clone().unwrap_or_default();
    ServiceError::conflict(
        format!("该结算申请已于 {on} 拨付（凭证号 {voucher}），不能重复拨付。"),
        format!("This claim was paid on {on} (voucher {voucher}); it cannot be paid twice."),
    )
}

fn already_paid() -> ServiceError {
    ServiceError::conflict(
        "该结算申请刚刚已被处理（可能已拨付），不能重复拨付。",
        "This claim was just acted on (it may already be paid); it cannot be paid twice.",
    )
}

/// The claims the actor may see that `filter` selects (at most `limit`): an
/// operator its carriers', an official or finance user its jurisdiction's.
pub async fn list(
    system: &System,
    actor: &Actor,
    filter: &ClaimFilter,
    limit: u64,
) -> ServiceResult<Vec<Claim>> {
    let Some(filter) = scoped(system, actor, filter).await? else {
        return Ok(Vec::new());
    };
    Ok(repo::list_claims(system.store(), &filter, limit).await?)
}

/// `filter` narrowed to the actor's scope; `None` when the actor sees no claims.
pub(crate) async fn scoped(
    system: &System,
    actor: &Actor,
    filter: &ClaimFilter,
) -> ServiceResult<Option<ClaimFilter>> {
    let mut jurisdictions = scope::official_jurisdictions(system, actor)
        .await?
        .unwrap_or_default();
    jurisdictions.extend(covered(system, actor, Role::Finance).await?);
    let operators = actor.operated_organisations();
    let mut filter = filter.clone();
    if !jurisdictions.is_empty() {
        filter.jurisdictions = Some(jurisdictions);
    } else if !operators.is_empty() {
        filter.operators = Some(operators);
    } else {
        return Ok(None);
    }
    Ok(Some(filter))
}

/// A claim's ledger rows (regular and adjustment rows), for its page and export.
pub async fn rows(
    system: &System,
    actor: &Actor,
    id: i64,
) -> ServiceResult<(Loaded, Vec<ClaimRow>)> {
    let loaded = load(system, actor, id).await?;
    let rows = repo::rows_of_claim(system.store(), id).await?;
    Ok((loaded, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_with_thousands_separators() {
        assert_eq!(money_text(Money::from_fen(123_456_789)), "1,234,567.89");
        assert_eq!(money_text(Money::from_fen(-100_000)), "-1,000.00");
        assert_eq!(money_text(Money::ZERO), "0.00");
        assert_eq!(money_text(Money::from_fen(99_999)), "999.99");
    }
}
