//! The tenant roll's writes (SPEC §1: the operator "reports tenants (move in/out,
//! rent, jobs)"; officials see the same rolls for their jurisdiction): recording a
//! move-in — a new entity and founder, or ones already on record, found by credit
//! code or by the keyed hash of the resident ID, so that one person or entity is
//! never recorded twice across carriers —, a move-out, a rent change and the jobs
//! provided.
//!
//! Who may: the operator of the carrier (its organisation) or an official whose
//! jurisdiction holds it; a carrier outside the actor's scope is `NotFound`. The
//! command line acts as `system:cli` (or the user named by `--as`). Each change is
//! one `Write` with its audit rows; a move-out or rent change on a stay with an
//! approved relief adds, in the same `Write`, the adjustment rows of its ledger
//! (SPEC §4 "money over time").

pub mod form;
pub mod import;
mod ledger;
mod record;
pub mod upload;

use fuhua_store::repo::carriers::{self, Carrier};

use crate::System;
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::scope;

pub use ledger::ledger;
pub use record::{
    EntityFacts, FounderFacts, MoveIn, Recorded, change_rent, move_in, move_out, set_jobs,
};

/// Who records: a signed-in user (scope-checked), or the command line without
/// `--as` (the actor `system:cli`, which runs with the database's own rights).
#[derive(Debug, Clone, Copy)]
pub enum Acting<'a> {
    User(&'a Actor),
    Cli,
}

impl Acting<'_> {
    /// The name the audit rows record.
    pub fn audit_actor(&self) -> fuhua_store::Actor {
        match self {
            Acting::User(actor) => actor.audit_actor(),
            Acting::Cli => fuhua_store::Actor::cli(),
        }
    }
}

/// The carrier `carrier_id` if `acting` may keep its tenant roll: its operator or
/// an official of its jurisdiction (SPEC §1). Anyone else, and a carrier that does
/// not exist, get `NotFound`.
pub async fn carrier_for(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
) -> ServiceResult<Carrier> {
    let carrier = carriers::find_carrier(system.store(), carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Acting::User(actor) = acting else {
        return Ok(carrier);
    };
    let operates = carrier
        .operator_org_id
        .is_some_and(|org| actor.operated_organisations().contains(&org));
    if operates {
        return Ok(carrier);
    }
    if let Some(jurisdictions) = scope::official_jurisdictions(system, actor).await?
        && jurisdictions.contains(&carrier.jurisdiction_id)
    {
        return Ok(carrier);
    }
    Err(ServiceError::NotFound)
}
