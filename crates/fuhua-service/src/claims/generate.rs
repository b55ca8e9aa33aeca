//! Generating a quarter's settlement claims (SPEC §4 "settlement claim", "money over
//! time"): one claim per carrier × quarter × fund source from the stored ledger rows
//! of approved reliefs, only after the quarter has ended; late changes to claimed
//! quarters become adjustment rows of the next claim. The whole generation is one
//! transaction; running it again changes nothing.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use fuhua_core::vocab::FundingSource;
use fuhua_core::{Lang, Money, YearMonth};
use fuhua_store::repo::carriers::{self, Carrier};
use fuhua_store::repo::claims::{self as repo, GeneratedClaim};
use fuhua_store::repo::people::{self, User};
use fuhua_waiver::{ClaimableRow, Quarter, not_ended, plan_claims};
use serde_json::json;

use super::{TABLE, money_text};
use crate::System;
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};
use crate::relief::send_mail;
use crate::scope;

/// Who generates: an official (the button; only carriers of the official's
/// jurisdiction), or the command line (`fuhua settle`, every carrier).
#[derive(Debug, Clone, Copy)]
pub enum Initiator<'a> {
    Official(&'a Actor),
    /// The audit actor of the command line (`system:cli` or the `--as` user).
    Command(&'a fuhua_store::Actor),
}

/// Where a generation is (for a progress bar): rows read, then claims written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The unclaimed ledger rows were read.
    RowsRead(usize),
    /// `done` of `of` claims are written.
    Claims { done: usize, of: usize },
}

/// One generated claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSummary {
    pub id: i64,
    pub carrier_id: i64,
    pub carrier_name: String,
    pub funding_source: FundingSource,
    pub rows: usize,
    pub adjustments: usize,
    pub total: Money,
}

/// What a generation made; empty when there was nothing new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub quarter: Quarter,
    pub claims: Vec<GeneratedSummary>,
    pub total: Money,
}

/// Generates `quarter`'s settlement claims on `today` (see the module). Refused
/// (`Invalid`, field `quarter`) before the quarter has ended, naming its last day;
/// refused (`Forbidden`) for anyone but an official or the command line.
/// Emails `claim_generated` to each claim's operator.
pub async fn generate(
    system: &System,
    by: Initiator<'_>,
    quarter: Quarter,
    today: NaiveDate,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> ServiceResult<Generated> {
    let (audit_actor, jurisdictions) = match by {
        Initiator::Official(actor) => {
            if !actor.has(Role::Official) {
                return Err(ServiceError::Forbidden);
            }
            let covered = scope::official_jurisdictions(system, actor)
                .await?
                .unwrap_or_default();
            (actor.audit_actor(), Some(covered))
        }
        Initiator::Command(actor) => (actor.clone(), None),
    };
    // SPEC §4: a quarter can be settled only after it ends.
    if !quarter.has_ended(today) {
        return Err(ServiceError::invalid(not_ended("quarter", quarter)));
    }
    let store = system.store();
    let carriers: HashMap<i64, Carrier> = carriers::list_carriers(store)
        .await?
        .into_iter()
        .filter(|c| {
            jurisdictions
                .as_ref()
                .is_none_or(|j| j.contains(&c.jurisdiction_id))
        })
        .map(|c| (c.id, c))
        .collect();
    let w = store.write(&audit_actor).await?;
    let existing: BTreeSet<(i64, FundingSource, Quarter)> = repo::claim_keys(&w)
        .await?
        .into_iter()
        .filter_map(|(carrier, source, year, q)| {
            let q = Quarter::new(year, u32::try_from(q).ok()?)?;
            Some((carrier, source, q))
        })
        .collect();
    // The quarter's months, and those of earlier quarters that have claims (late
    // changes to them are adjustments); other quarters' rows wait for their own.
    let mut quarters: BTreeSet<Quarter> = existing
        .iter()
        .map(|(_, _, q)| *q)
        .filter(|q| *q < quarter)
        .collect();
    quarters.insert(quarter);
    let months: Vec<String> = quarters
        .iter()
        .flat_map(|q| {
            let first = q.first_month();
            [first, first.succ(), first.succ().succ()]
        })
        .map(|m| m.to_string())
        .collect();
    let stored = repo::unclaimed_rows(&w, &months).await?;
    progress(Progress::RowsRead(stored.len()));
    let mut rows = Vec::with_capacity(stored.len());
    for row in stored {
        if !carriers.contains_key(&row.carrier_id) {
            continue;
        }
        let month = parse_month(&row.month)?;
        rows.push(ClaimableRow {
            id: row.id,
            carrier: row.carrier_id,
            funding_source: row.funding_source,
            month,
            waived: row.waived,
        });
    }
    let plans = plan_claims(&rows, &existing, quarter);
    let new: Vec<GeneratedClaim> = plans
        .iter()
        .map(|p| GeneratedClaim {
            carrier_id: p.carrier,
            year: quarter.year(),
            quarter: i32::try_from(quarter.number()).unwrap_or(1),
            funding_source: p.funding_source,
            total: p.total,
            rows: p.rows.clone(),
            adjustments: p.adjustments.clone(),
        })
        .collect();
    let of = new.len();
    let ids = repo::add_generated_claims(&w, &new, &mut |done| {
        progress(Progress::Claims { done, of });
    })
    .await?;
    let mut operators: HashMap<i64, Vec<User>> = HashMap::new();
    let mut claims = Vec::with_capacity(ids.len());
    for (id, plan) in ids.into_iter().zip(&plans) {
        let carrier = carriers.get(&plan.carrier).ok_or(ServiceError::NotFound)?;
        if let Some(org) = carrier.operator_org_id {
            if let std::collections::hash_map::Entry::Vacant(slot) = operators.entry(org) {
                slot.insert(people::users_with_role_in_organisation(store, "operator", org).await?);
            }
            if let Some(users) = operators.get(&org) {
                let context = json!({
                    "carrier_name": carrier.name,
                    "quarter_label": quarter.label(Lang::Zh),
                    "funding_source_label": plan.funding_source.label(Lang::Zh),
                    "total": money_text(plan.total),
                    "rows": plan.rows.len(),
                    "adjustments": plan.adjustments.len(),
                    "claim_id": id,
                    "url": format!("/claims/{id}"),
                });
                send_mail(&w, users, "claim_generated", (TABLE.table(), id), &context).await?;
            }
        }
        claims.push(GeneratedSummary {
            id,
            carrier_id: plan.carrier,
            carrier_name: carrier.name.clone(),
            funding_source: plan.funding_source,
            rows: plan.rows.len(),
            adjustments: plan.adjustments.len(),
            total: plan.total,
        });
    }
    w.commit().await?;
    let total = claims.iter().map(|c| c.total).sum();
    Ok(Generated {
        quarter,
        claims,
        total,
    })
}

fn parse_month(text: &str) -> ServiceResult<YearMonth> {
    let corrupt = || {
        ServiceError::Store(fuhua_store::StoreError::Corrupt(format!(
            "ledger month “{text}” is not YYYY-MM"
        )))
    };
    let (y, m) = text.split_once('-').ok_or_else(corrupt)?;
    let y: i32 = y.parse().map_err(|_| corrupt())?;
    let m: u32 = m.parse().map_err(|_| corrupt())?;
    YearMonth::new(y, m).ok_or_else(corrupt)
}
