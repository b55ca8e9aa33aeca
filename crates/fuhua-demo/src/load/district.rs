//! The district's reference data, tenants and accounts: jurisdictions,
//! organisations, carriers (with contracts and accreditation records), founders and
//! their entities, stays, and users.

use fuhua_core::ResidentId;
use fuhua_core::vocab::AreaKind;
use fuhua_store::repo::people::{self, NewPerson, NewUser, RoleGrant};
use fuhua_store::repo::{carriers, reference, tenants};
use fuhua_store::{StoreError, Write};

use super::Context;
use super::keys::{Ids, credit_code, id_of, int};
use crate::accounts::{Role, Scope};
use crate::model::{EntityKind, OrganisationKind};

pub(super) async fn jurisdictions(
    w: &Write,
    cx: &Context<'_>,
    ids: &mut Ids,
) -> Result<(), StoreError> {
    const STEP: &str = "jurisdictions";
    let all = &cx.district.jurisdictions;
    // The plan lists the district first; a street names it as its parent.
    for (index, j) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let parent_id = j
            .parent
            .as_deref()
            .map(|code| id_of(&ids.jurisdictions, "jurisdiction", code))
            .transpose()?;
        let kind = match j.kind {
            AreaKind::District => reference::JurisdictionKind::District,
            AreaKind::StreetTown => reference::JurisdictionKind::StreetTown,
        };
        let stored = reference::add_jurisdiction(
            w,
            &reference::NewJurisdiction {
                code: j.code.clone(),
                name: j.name.clone(),
                kind,
                parent_id,
            },
        )
        .await?;
        ids.jurisdictions.insert(j.code.clone(), stored.id);
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

pub(super) async fn organisations(
    w: &Write,
    cx: &Context<'_>,
    ids: &mut Ids,
) -> Result<(), StoreError> {
    const STEP: &str = "organisations";
    let all = &cx.district.organisations;
    for (index, org) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let kind = match org.kind {
            OrganisationKind::OperatingCompany => reference::OrganisationKind::Operator,
            // A street's public service centre (事业单位) runs its carrier itself.
            OrganisationKind::PublicInstitution => reference::OrganisationKind::Other,
            OrganisationKind::Evaluator => reference::OrganisationKind::Evaluator,
        };
        let stored = reference::add_organisation(
            w,
            &reference::NewOrganisation {
                name: org.name.clone(),
                credit_code: credit_code(&org.credit_code)?,
                kind,
                contact_name: None,
                // An office landline; the repository seals it all the same (SPEC §6).
                contact_phone: Some(org.phone.clone()),
                email: None,
            },
        )
        .await?;
        ids.organisations.insert(org.credit_code.clone(), stored.id);
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// Carriers with their operator contracts and accreditation records.
pub(super) async fn carriers(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "carriers";
    let all = &cx.district.carriers;
    for (index, c) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let operator = id_of(&ids.organisations, "organisation", &c.operator)?;
        let stored = carriers::add_carrier(
            w,
            &carriers::NewCarrier {
                name: c.name.clone(),
                kind: c.kind,
                founding: c.founding,
                operation: c.operation,
                jurisdiction_id: id_of(&ids.jurisdictions, "jurisdiction", &c.jurisdiction)?,
                address: c.address.clone(),
                floor_area_centi: c.floor_area_centi_m2,
                workstations: int("workstations", c.workstations)?,
                operator_org_id: Some(operator),
                // R-WAIVER-FULL: the district may switch the full waiver off ("可").
                waives_rent: c.waives_rent,
                base_operating_subsidy: None,
                contact_name: Some(c.contact_name.clone()),
                contact_phone: Some(c.contact_phone.clone()),
            },
        )
        .await?;
        ids.carriers.insert(c.code.clone(), stored.id);
        // SPEC §2 operation: entrusted carriers run under a contract with dates.
        if let Some(contract) = &c.contract {
            carriers::add_operator_contract(
                w,
                &carriers::NewOperatorContract {
                    carrier_id: stored.id,
                    operator_org_id: operator,
                    contract_no: contract.number.clone(),
                    starts_on: contract.start,
                    ends_on: contract.end,
                },
            )
            .await?;
        }
        // SPEC §2 accreditation history, oldest first. A carrier that moved up a
        // level keeps its old record (active, with valid_until set).
        for a in &c.accreditations {
            let record = carriers::add_accreditation_record(
                w,
                &carriers::NewAccreditationRecord {
                    carrier_id: stored.id,
                    level: a.level,
                    accrediting_body: a.accrediting_body.clone(),
                    certificate_no: a.certificate_no.clone(),
                    valid_from: a.valid_from,
                    valid_until: a.valid_until,
                    status: a.status,
                    application_id: None,
                },
            )
            .await?;
            ids.records.insert(a.certificate_no.clone(), record.id);
        }
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// Each entity's principal founder (a person, resident ID and phone sealed by the
/// repository, SPEC §6), then the entity.
pub(super) async fn founders_and_entities(
    w: &Write,
    cx: &Context<'_>,
    ids: &mut Ids,
) -> Result<(), StoreError> {
    const STEP: &str = "founders and entities";
    let today = cx.district.today;
    let all = &cx.district.entities;
    for (index, entity) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let founder = &entity.founder;
        // SPEC §2: a resident ID's birth date must not be in the future.
        let resident_id = ResidentId::parse_as_of(&founder.resident_id, today).map_err(|e| {
            StoreError::Invalid(format!(
                "the founder of entity {}: the resident ID is not valid ({e})",
                entity.credit_code
            ))
        })?;
        let person = people::add_person(
            w,
            &NewPerson {
                name: founder.name.clone(),
                resident_id,
                phone: Some(founder.phone.clone()),
                founder_group: founder.group,
                graduated_on: founder.graduated_on,
                unemployed_on: founder.unemployment_registered_on,
            },
        )
        .await?;
        let kind = match entity.kind {
            EntityKind::Enterprise => tenants::EntityKind::Enterprise,
            EntityKind::IndividualBusiness => tenants::EntityKind::IndividualBusiness,
        };
        let stored = tenants::add_entity(
            w,
            &tenants::NewEntity {
                name: entity.name.clone(),
                kind,
                credit_code: credit_code(&entity.credit_code)?,
                registered_on: entity.registered_on,
                founder_person_id: person.id,
            },
        )
        .await?;
        ids.founders.insert(entity.credit_code.clone(), person.id);
        ids.entities.insert(entity.credit_code.clone(), stored.id);
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

pub(super) async fn stays(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "stays";
    let all = &cx.district.stays;
    for (index, stay) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        // SPEC §2: move_out is the last occupied day, inclusive; stays of one entity
        // never overlap (checked by the repository and the database).
        tenants::add_stay(
            w,
            &tenants::NewStay {
                entity_id: id_of(&ids.entities, "entity", &stay.entity)?,
                carrier_id: id_of(&ids.carriers, "carrier", &stay.carrier)?,
                move_in: stay.move_in,
                move_out: stay.move_out,
                monthly_rent: stay.monthly_rent,
                area_centi: Some(stay.area_centi_m2),
                unit: Some(stay.unit.clone()),
                jobs: int("jobs", stay.jobs)?,
            },
        )
        .await?;
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// The demo accounts with their roles and scopes (SPEC §1).
pub(super) async fn users(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "users";
    let all = &cx.district.users;
    for (index, account) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        if ids.users.contains_key(&account.username) {
            // An administrator already on record under this name is kept.
            continue;
        }
        let password_hash = cx.hashes.get(&account.username).cloned().ok_or_else(|| {
            StoreError::Invalid(format!(
                "no password hash for demo user {}",
                account.username
            ))
        })?;
        // SPEC §1 scopes: officials, finance and admin see a jurisdiction, operators
        // and evaluators their organisation, an entrepreneur their own entities.
        let (jurisdiction_id, organisation_id, person_id) = match &account.scope {
            Scope::Jurisdiction(code) => (
                Some(id_of(&ids.jurisdictions, "jurisdiction", code)?),
                None,
                None,
            ),
            Scope::Organisation(code) => (
                None,
                Some(id_of(&ids.organisations, "organisation", code)?),
                None,
            ),
            Scope::Entity(code) => (None, None, Some(id_of(&ids.founders, "entity", code)?)),
        };
        let user = people::add_user(
            w,
            &NewUser {
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                email: Some(account.email.clone()),
                password_hash,
                person_id,
                organisation_id,
                roles: vec![RoleGrant {
                    role: account.role.as_str().to_owned(),
                    jurisdiction_id,
                    organisation_id,
                }],
            },
        )
        .await?;
        ids.users.insert(account.username.clone(), user.id);
    }
    // The founders' accounts of the rent-relief cases: entrepreneurs linked to
    // their person, like an account whose link was proven (SPEC §1).
    for account in &cx.district.cases.founder_accounts {
        let password_hash = cx.hashes.get(&account.username).cloned().ok_or_else(|| {
            StoreError::Invalid(format!(
                "no password hash for demo user {}",
                account.username
            ))
        })?;
        let user = people::add_user(
            w,
            &NewUser {
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                email: Some(account.email.clone()),
                password_hash,
                person_id: Some(id_of(&ids.founders, "entity", &account.entity)?),
                organisation_id: None,
                roles: vec![RoleGrant {
                    role: Role::Entrepreneur.as_str().to_owned(),
                    jurisdiction_id: None,
                    organisation_id: None,
                }],
            },
        )
        .await?;
        ids.users.insert(account.username.clone(), user.id);
    }
    // The staff of the other operating organisations, who file their carriers'
    // monthly reports (SPEC §1: an operator acts for its own organisation).
    for account in &cx.district.cases.operator_accounts {
        let password_hash = cx.hashes.get(&account.username).cloned().ok_or_else(|| {
            StoreError::Invalid(format!(
                "no password hash for demo user {}",
                account.username
            ))
        })?;
        let organisation_id = Some(id_of(
            &ids.organisations,
            "organisation",
            &account.organisation,
        )?);
        let user = people::add_user(
            w,
            &NewUser {
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                email: Some(account.email.clone()),
                password_hash,
                person_id: None,
                organisation_id,
                roles: vec![RoleGrant {
                    role: Role::Operator.as_str().to_owned(),
                    jurisdiction_id: None,
                    organisation_id,
                }],
            },
        )
        .await?;
        ids.users.insert(account.username.clone(), user.id);
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}
