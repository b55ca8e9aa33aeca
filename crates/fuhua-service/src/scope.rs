//! Who the acting user is for one record (SPEC §1): the entrepreneur whose entity
//! it is, the operator of its carrier, an official whose jurisdiction holds the
//! carrier (a district official the whole district, a street official that street).
//! A user who is none of these for a record does not see it at all.

use fuhua_core::workflow::Party;
use fuhua_store::repo::carriers::Carrier;
use fuhua_store::repo::reference::{self, Jurisdiction};
use fuhua_store::repo::tenants::Entity;

use crate::System;
use crate::actor::{Actor, Role};
use crate::error::ServiceResult;

/// The jurisdictions an official's grants cover: each granted one and its streets
/// and towns. `None` when the actor is no official.
pub async fn official_jurisdictions(
    system: &System,
    actor: &Actor,
) -> ServiceResult<Option<Vec<i64>>> {
    let granted = actor.official_jurisdictions();
    if granted.is_empty() {
        return Ok(None);
    }
    let all = reference::list_jurisdictions(system.store()).await?;
    Ok(Some(covered(&all, &granted)))
}

fn covered(all: &[Jurisdiction], granted: &[i64]) -> Vec<i64> {
    all.iter()
        .filter(|j| granted.contains(&j.id) || j.parent_id.is_some_and(|p| granted.contains(&p)))
        .map(|j| j.id)
        .collect()
}

/// The parties `actor` is for a case about `entity` in `carrier`.
pub async fn parties(
    system: &System,
    actor: &Actor,
    entity: &Entity,
    carrier: &Carrier,
) -> ServiceResult<Vec<Party>> {
    let mut parties = Vec::new();
    if actor.has(Role::Entrepreneur) && actor.person_id == Some(entity.founder_person_id) {
        parties.push(Party::Applicant);
    }
    if carrier
        .operator_org_id
        .is_some_and(|org| actor.operated_organisations().contains(&org))
    {
        parties.push(Party::Operator);
    }
    if let Some(jurisdictions) = official_jurisdictions(system, actor).await?
        && jurisdictions.contains(&carrier.jurisdiction_id)
    {
        parties.push(Party::Official);
    }
    Ok(parties)
}

/// The state `action` moves a case in `state` to, for the first of `parties` that
/// may take it (the case type's transition table, `Actions`); otherwise why not:
/// the case waits for someone else (conflict, naming what it waits for) or these
/// parties never take this action (forbidden).
pub(crate) fn allowed_move<A: fuhua_core::workflow::Actions>(
    parties: &[Party],
    state: A::State,
    action: A,
) -> ServiceResult<A::State> {
    let mut waits = false;
    for &party in parties {
        match A::apply(state, action, party) {
            Ok(to) => return Ok(to),
            Err(fuhua_core::workflow::Unavailable::State) => waits = true,
            Err(fuhua_core::workflow::Unavailable::Party) => {}
        }
    }
    if waits {
        let (zh, en) = A::waiting_for(state);
        Err(crate::error::ServiceError::conflict(
            format!("此操作现在不可用：{zh}。"),
            format!("This action is not available now: {en}."),
        ))
    } else {
        Err(crate::error::ServiceError::Forbidden)
    }
}

/// The jurisdictions an official may filter by, as (id, name), by code.
pub async fn jurisdiction_choices(
    system: &System,
    actor: &Actor,
) -> ServiceResult<Vec<(i64, String)>> {
    let Some(ids) = official_jurisdictions(system, actor).await? else {
        return Ok(Vec::new());
    };
    Ok(reference::list_jurisdictions(system.store())
        .await?
        .into_iter()
        .filter(|j| ids.contains(&j.id))
        .map(|j| (j.id, j.name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_store::repo::reference::JurisdictionKind;

    fn j(id: i64, parent: Option<i64>) -> Jurisdiction {
        Jurisdiction {
            id,
            code: id.to_string(),
            name: id.to_string(),
            kind: if parent.is_some() {
                JurisdictionKind::StreetTown
            } else {
                JurisdictionKind::District
            },
            parent_id: parent,
        }
    }

    #[test]
    fn a_district_official_covers_its_streets_and_a_street_official_only_its_own() {
        let all = [j(1, None), j(2, Some(1)), j(3, Some(1))];
        assert_eq!(covered(&all, &[1]), vec![1, 2, 3]);
        assert_eq!(covered(&all, &[3]), vec![3]);
        assert!(covered(&all, &[9]).is_empty());
    }
}
