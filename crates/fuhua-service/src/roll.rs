//! The carriers an actor runs or oversees, and their tenant roll (issue: operators
//! run their carriers). An operator sees the carriers its organisation operates; an
//! official those in its jurisdictions (a district official the whole district);
//! anyone else is refused. A carrier outside that set is not found.

use std::collections::HashMap;

use chrono::NaiveDate;
use fuhua_core::CreditCode;
use fuhua_core::vocab::FounderGroup;
use fuhua_store::repo::carriers::{self, AccreditationRecord, Carrier};
use fuhua_store::repo::roll::{self as repo, RollFilter};

pub use fuhua_store::repo::roll::{RollCursor, RollRow, RollSort, RollStatus};

use crate::System;
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::scope;

/// Rows per roll page (keyset pages: "next" only; 25 like every list).
pub const ROLL_PAGE: u64 = 25;

/// Rows an export of the roll holds at most (a spreadsheet stays openable).
pub const EXPORT_MAX: u64 = 100_000;

/// The carriers `actor` may see, by name. `Forbidden` for a user who neither
/// operates nor oversees carriers.
pub async fn visible_carriers(system: &System, actor: &Actor) -> ServiceResult<Vec<Carrier>> {
    let store = system.store();
    let mut found: Vec<Carrier> = Vec::new();
    if let Some(jurisdictions) = scope::official_jurisdictions(system, actor).await? {
        found.extend(carriers::list_carriers_in_jurisdictions(store, &jurisdictions).await?);
    }
    for org in actor.operated_organisations() {
        found.extend(carriers::list_carriers_by_operator(store, org).await?);
    }
    if actor.official_jurisdictions().is_empty() && actor.operated_organisations().is_empty() {
        return Err(ServiceError::Forbidden);
    }
    found.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    found.dedup_by_key(|c| c.id);
    Ok(found)
}

/// One carrier as its operator or official sees it: details, accreditation history
/// and occupancy.
#[derive(Debug, Clone)]
pub struct CarrierView {
    pub carrier: Carrier,
    /// Every accreditation record, oldest first.
    pub accreditations: Vec<AccreditationRecord>,
    /// Stays not moved out on `today`.
    pub occupied: u64,
    /// The jurisdiction's name.
    pub jurisdiction: String,
}

/// A carrier in the actor's scope (`NotFound` otherwise), with its occupancy on `today`.
pub async fn carrier(
    system: &System,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> ServiceResult<CarrierView> {
    let visible = visible_carriers(system, actor).await?;
    let carrier = visible
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(ServiceError::NotFound)?;
    let store = system.store();
    let accreditations = carriers::list_accreditation_records(store, id).await?;
    let occupied = occupancy(system, &[id], today)
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    let jurisdiction =
        fuhua_store::repo::reference::find_jurisdiction(store, carrier.jurisdiction_id)
            .await?
            .map(|j| j.name)
            .unwrap_or_default();
    Ok(CarrierView {
        carrier,
        accreditations,
        occupied,
        jurisdiction,
    })
}

/// Stays not moved out on `today`, per carrier id.
pub async fn occupancy(
    system: &System,
    carrier_ids: &[i64],
    today: NaiveDate,
) -> ServiceResult<HashMap<i64, u64>> {
    Ok(repo::occupancy(system.store(), carrier_ids, today).await?)
}

/// What a roll page asks for, read from the URL. `search` is a credit code (exact)
/// or the start of an entity's or founder's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollQuery {
    pub search: Option<String>,
    pub carrier_id: Option<i64>,
    pub founder_group: Option<FounderGroup>,
    pub status: RollStatus,
    pub sort: RollSort,
    pub after: Option<RollCursor>,
}

/// One page of the roll and the cursor of the next page (`None` on the last).
#[derive(Debug, Clone)]
pub struct RollPage {
    pub rows: Vec<RollRow>,
    pub next: Option<RollCursor>,
}

/// The roll page `query` selects within the actor's carriers. A carrier filter
/// outside the actor's carriers is `NotFound`.
pub async fn roll(
    system: &System,
    actor: &Actor,
    query: &RollQuery,
    today: NaiveDate,
) -> ServiceResult<RollPage> {
    let mut rows = list(system, actor, query, today, ROLL_PAGE + 1).await?;
    let next = if rows.len() as u64 > ROLL_PAGE {
        rows.truncate(ROLL_PAGE as usize);
        rows.last().and_then(|r| r.cursor(query.sort))
    } else {
        None
    };
    Ok(RollPage { rows, next })
}

/// Every row of the roll `query` selects from its cursor on (for exports), at most
/// [`EXPORT_MAX`].
pub async fn export(
    system: &System,
    actor: &Actor,
    query: &RollQuery,
    today: NaiveDate,
) -> ServiceResult<Vec<RollRow>> {
    list(system, actor, query, today, EXPORT_MAX).await
}

async fn list(
    system: &System,
    actor: &Actor,
    query: &RollQuery,
    today: NaiveDate,
    limit: u64,
) -> ServiceResult<Vec<RollRow>> {
    let carrier_ids: Vec<i64> = visible_carriers(system, actor)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    if query
        .carrier_id
        .is_some_and(|id| !carrier_ids.contains(&id))
    {
        return Err(ServiceError::NotFound);
    }
    let (credit_code, name_prefix) = match query.search.as_deref().map(str::trim) {
        None | Some("") => (None, None),
        Some(text) => match CreditCode::parse(text) {
            Ok(code) => (Some(code.as_str().to_owned()), None),
            Err(_) => (None, Some(text.to_owned())),
        },
    };
    let filter = RollFilter {
        carrier_ids,
        carrier_id: query.carrier_id,
        founder_group: query.founder_group,
        status: query.status,
        credit_code,
        name_prefix,
        sort: query.sort,
        after: query.after.clone(),
        limit,
        today: Some(today),
    };
    Ok(repo::list_roll(system.store(), &filter).await?)
}

/// One stay as the operator or official keeping the roll sees it.
#[derive(Debug, Clone)]
pub struct StayView {
    pub stay: fuhua_store::repo::tenants::Stay,
    pub entity: fuhua_store::repo::tenants::Entity,
    pub founder_name: String,
    pub founder_group: FounderGroup,
    /// The founder's resident ID, masked (first 4 and last 4).
    pub founder_id_masked: String,
    pub carrier: Carrier,
}

/// Stay `stay_id` of one of the actor's carriers; `NotFound` otherwise.
pub async fn stay(system: &System, actor: &Actor, stay_id: i64) -> ServiceResult<StayView> {
    use fuhua_store::repo::{people, tenants};
    let store = system.store();
    let stay = tenants::find_stay(store, stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let carrier = visible_carriers(system, actor)
        .await?
        .into_iter()
        .find(|c| c.id == stay.carrier_id)
        .ok_or(ServiceError::NotFound)?;
    let entity = tenants::find_entity(store, stay.entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let founder = people::find_person(store, entity.founder_person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(StayView {
        stay,
        entity,
        founder_name: founder.name,
        founder_group: founder.founder_group,
        founder_id_masked: founder.resident_id_masked,
        carrier,
    })
}
