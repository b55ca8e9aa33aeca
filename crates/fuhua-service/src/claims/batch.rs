//! Batches (issue 7 points 5 and 6): an official approves several submitted
//! claims, finance pays several approved ones. Preview (what each item would do,
//! nothing written) → confirm → a per-item result. Each item runs the very use case
//! it would run alone ([`super::decide`], [`super::pay`]): the same checks, its own
//! transaction, the same emails; one bad item never stops the others.

use chrono::NaiveDate;
use fuhua_core::{Lang, Money};
use fuhua_store::repo::awards;

use super::{
    ClaimDecision, PaymentInput, allowed, appropriation_of, check_payment, decide, load, pay,
};
use crate::System;
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use fuhua_waiver::ClaimAction;

/// One item of a batch: the claim, the version the page showed, and for payments
/// the voucher number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    pub id: i64,
    pub version: i32,
    pub voucher_no: String,
}

/// The result of one item: done, or why not (in both languages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    pub id: i64,
    /// `None` when it was (or would be) done.
    pub refusal: Option<(String, String)>,
}

impl BatchOutcome {
    pub fn ok(&self) -> bool {
        self.refusal.is_none()
    }

    /// The refusal in `lang`, or empty.
    pub fn message(&self, lang: Lang) -> &str {
        self.refusal
            .as_ref()
            .map_or("", |(zh, en)| lang.pick(zh, en))
    }
}

fn outcome(id: i64, result: ServiceResult<()>) -> BatchOutcome {
    let refusal = match result {
        Ok(()) => None,
        Err(ServiceError::NotFound) => Some((
            format!("结算申请 {id} 不存在或不在您的管辖范围内。"),
            format!("Claim {id} does not exist or is outside your jurisdiction."),
        )),
        Err(ServiceError::Forbidden) => Some((
            "您的角色不能办理此项。".to_owned(),
            "Your role cannot do this.".to_owned(),
        )),
        Err(ServiceError::Invalid(problems)) => Some((
            problems
                .iter()
                .map(|p| p.message(Lang::Zh).to_owned())
                .collect::<Vec<_>>()
                .join("；"),
            problems
                .iter()
                .map(|p| p.message(Lang::En).to_owned())
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(ServiceError::Conflict { zh, en }) => Some((zh, en)),
        Err(ServiceError::Throttled) => Some((
            "操作过于频繁，请稍后再试。".to_owned(),
            "Too many attempts; try again later.".to_owned(),
        )),
        Err(ServiceError::Store(error)) => {
            tracing::error!(%error, claim = id, "batch item failed");
            Some((
                "系统错误，此项未办理。".to_owned(),
                "A system error; this item was not done.".to_owned(),
            ))
        }
    };
    BatchOutcome { id, refusal }
}

/// What approving each claim would do, without writing: refusals for claims outside
/// the actor's scope, in the wrong state, or beyond what is left of the
/// appropriation (counting the earlier items of the batch on the same one).
pub async fn preview_approve(
    system: &System,
    actor: &Actor,
    ids: &[i64],
) -> ServiceResult<Vec<BatchOutcome>> {
    let mut spent: std::collections::HashMap<i64, Money> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let result = async {
            let loaded = load(system, actor, id).await?;
            allowed(&loaded, ClaimAction::Approve)?;
            let appropriation = appropriation_of(system, &loaded.claim).await?;
            let available =
                awards::appropriation_available(system.store(), appropriation.id).await?;
            let already = spent.get(&appropriation.id).copied().unwrap_or(Money::ZERO);
            let amount = loaded.claim.total.max(Money::ZERO);
            let decision = fuhua_awards::reserve(
                available - already,
                amount,
                loaded.claim.override_reason.as_deref(),
            );
            if let Err(refusal) = decision.value {
                let text = refusal.text();
                return Err(ServiceError::conflict(text.zh, text.en));
            }
            spent.insert(appropriation.id, already + amount);
            Ok(())
        }
        .await;
        out.push(outcome(id, result));
    }
    Ok(out)
}

/// Approves each claim as [`decide`] would alone (its own checks, transaction and
/// emails), with the same note; returns one outcome per item, in order.
pub async fn approve_many(
    system: &System,
    actor: &Actor,
    items: &[BatchItem],
    note: &str,
) -> Vec<BatchOutcome> {
    let decision = ClaimDecision {
        approve: true,
        note: note.to_owned(),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let result = decide(system, actor, item.id, item.version, &decision).await;
        out.push(outcome(item.id, result));
    }
    out
}

/// What paying each claim would do, without writing: scope, state and the voucher
/// number and date checks; a voucher number used twice in the batch is refused.
pub async fn preview_pay(
    system: &System,
    actor: &Actor,
    items: &[BatchItem],
    paid_on: NaiveDate,
    today: NaiveDate,
) -> ServiceResult<Vec<BatchOutcome>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let result = async {
            let loaded = load(system, actor, item.id).await?;
            allowed(&loaded, ClaimAction::Pay)?;
            let voucher = check_payment(
                &PaymentInput {
                    voucher_no: item.voucher_no.clone(),
                    paid_on,
                },
                today,
            )?;
            if !seen.insert(voucher.clone()) {
                return Err(ServiceError::conflict(
                    format!("凭证号 {voucher} 在本批中重复使用。"),
                    format!("Voucher number {voucher} is used twice in this batch."),
                ));
            }
            Ok(())
        }
        .await;
        out.push(outcome(item.id, result));
    }
    Ok(out)
}

/// Pays each claim as [`pay`] would alone, with its own voucher number and the
/// batch's date; one outcome per item, in order.
pub async fn pay_many(
    system: &System,
    actor: &Actor,
    items: &[BatchItem],
    paid_on: NaiveDate,
    today: NaiveDate,
) -> Vec<BatchOutcome> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let input = PaymentInput {
            voucher_no: item.voucher_no.clone(),
            paid_on,
        };
        let result = pay(system, actor, item.id, item.version, &input, today).await;
        out.push(outcome(item.id, result));
    }
    out
}
