//! The emails of a settlement claim (SPEC §4: each transition notifies the
//! parties), written into the outbox in the move's transaction: submitted (to the
//! officials of the carrier's jurisdiction), decided and paid (to the operator).
//! `claim_generated` is sent by the generation itself.

use chrono::NaiveDate;
use fuhua_core::Lang;
use fuhua_store::Write;
use fuhua_store::repo::claims::{self as repo, Claim};
use fuhua_store::repo::people::{self, User};
use fuhua_store::repo::reference;
use fuhua_waiver::Quarter;
use serde_json::{Value, json};

use super::{TABLE, money_text};
use crate::System;
use crate::error::ServiceResult;
use crate::relief::send_mail;

/// What every claim email says about the claim.
pub(crate) fn context(claim: &Claim) -> Value {
    let quarter = Quarter::new(claim.year, u32::try_from(claim.quarter).unwrap_or(1))
        .map(|q| q.label(Lang::Zh))
        .unwrap_or_default();
    json!({
        "carrier_name": claim.carrier_name,
        "quarter_label": quarter,
        "funding_source_label": claim.funding_source.label(Lang::Zh),
        "total": money_text(claim.total),
        "claim_id": claim.id,
        "url": format!("/claims/{}", claim.id),
    })
}

async fn operators(system: &System, claim: &Claim) -> ServiceResult<Vec<User>> {
    Ok(match claim.operator_org_id {
        Some(org) => {
            people::users_with_role_in_organisation(system.store(), "operator", org).await?
        }
        None => Vec::new(),
    })
}

/// To the officials whose jurisdiction holds the carrier (its street and the
/// district above it).
pub(crate) async fn submitted(system: &System, w: &Write, claim: &Claim) -> ServiceResult<()> {
    let store = system.store();
    let mut jurisdictions = vec![claim.jurisdiction_id];
    if let Some(parent) = reference::find_jurisdiction(store, claim.jurisdiction_id)
        .await?
        .and_then(|j| j.parent_id)
    {
        jurisdictions.push(parent);
    }
    let mut users = Vec::new();
    for id in repo::users_with_role_in_jurisdictions(store, "official", &jurisdictions).await? {
        if let Some(user) = people::find_user_by_id(store, id).await?
            && user.active
        {
            users.push(user);
        }
    }
    send_mail(
        w,
        &users,
        "claim_submitted",
        (TABLE.table(), claim.id),
        &context(claim),
    )
    .await
}

/// To the operator: approved or rejected, with the official's note.
pub(crate) async fn decided(
    system: &System,
    w: &Write,
    claim: &Claim,
    approved: bool,
    note: &str,
) -> ServiceResult<()> {
    let mut context = context(claim);
    context["approved"] = json!(approved);
    context["note"] = json!(note);
    let users = operators(system, claim).await?;
    send_mail(
        w,
        &users,
        "claim_decided",
        (TABLE.table(), claim.id),
        &context,
    )
    .await
}

/// To the operator: finance paid the claim.
pub(crate) async fn paid(
    system: &System,
    w: &Write,
    claim: &Claim,
    voucher_no: &str,
    paid_on: NaiveDate,
) -> ServiceResult<()> {
    let mut context = context(claim);
    context["voucher_no"] = json!(voucher_no);
    context["paid_on"] = json!(paid_on.to_string());
    let users = operators(system, claim).await?;
    send_mail(w, &users, "claim_paid", (TABLE.table(), claim.id), &context).await
}
