//! The first part of the second step of [`super::load`]: the rent-relief
//! applications and extension requests of [`crate::DemoDistrict::cases`], made through the use cases of
//! `fuhua-service` as the users who would make them — the founder applies
//! (`relief::apply`), the operator confirms (`relief::act`), an official approves
//! (`relief::decide`), the operator asks for an extension (`extension::request`) —
//! so the demo's cases pass the same transition tables, rules, ledger, audit rows
//! and emails as anyone's. Each use case commits its own change.

use fuhua_core::CreditCode;
use fuhua_service::accounts::actor_by_username;
use fuhua_service::actor::Actor;
use fuhua_service::relief::{self, Decision, DecisionReason};
use fuhua_service::{ServiceError, extension};

use super::steps::Seeding;
use fuhua_store::repo::relief::find_relief_application;
use fuhua_store::repo::{self, tenants};
use fuhua_store::{Store, StoreError};
use fuhua_waiver::ReliefAction;

use crate::DemoError;
use crate::cases::{PlannedExtension, PlannedRelief};
use crate::model::DemoDistrict;

const STEP: &str = "rent-relief cases";

/// What an official writes when approving a demo application.
const APPROVAL_NOTE: &str = "入驻信息经运营机构确认无误，符合租金减免政策条件，予以批准。";

/// Whether the cases were made already: any rent-relief application or extension
/// request on record. A second load then leaves them alone, whatever became of them.
pub(super) async fn made(store: &Store) -> Result<bool, StoreError> {
    Ok(repo::count(store, "relief_applications").await? > 0
        || repo::count(store, "extension_requests").await? > 0)
}

/// Makes every planned case, in order, as of the district's `today`. Stops at the
/// first failure, naming the case and the action.
pub(super) async fn make(
    store: &Store,
    district: &DemoDistrict,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<(), DemoError> {
    let system = Seeding::new(store);
    let cases = &district.cases;
    let total = (cases.relief.len() + cases.extensions.len()) as u64;
    let mut done = 0;
    for case in &cases.relief {
        progress(STEP, done, total);
        relief_case(&system, case, district).await?;
        done += 1;
    }
    for case in &cases.extensions {
        progress(STEP, done, total);
        extension_case(&system, case, district).await?;
        done += 1;
    }
    progress(STEP, total, total);
    Ok(())
}

/// The acting user behind a demo account.
async fn actor(system: &Seeding, username: &str) -> Result<Actor, DemoError> {
    actor_by_username(system.store(), username)
        .await?
        .ok_or_else(|| DemoError::Missing {
            what: format!("the account {username}"),
        })
}

/// The database id of the entity with this credit code.
async fn entity_id(system: &Seeding, code: &str) -> Result<i64, DemoError> {
    let parsed = CreditCode::parse(code)
        .map_err(|e| StoreError::Invalid(format!("credit code {code} is not valid: {e}")))?;
    let missing = || DemoError::Missing {
        what: format!("the entity {code}"),
    };
    let entity = tenants::find_entity_by_credit_code(system.store(), &parsed)
        .await?
        .ok_or_else(missing)?;
    Ok(entity.id)
}

/// The database id of the planned stay (natural key: entity and move-in).
async fn stay_id(system: &Seeding, case: &PlannedRelief) -> Result<i64, DemoError> {
    let entity = entity_id(system, &case.entity).await?;
    tenants::stays_of_entity(system.store(), entity)
        .await?
        .into_iter()
        .find(|s| s.move_in == case.move_in)
        .map(|s| s.id)
        .ok_or_else(|| DemoError::Missing {
            what: format!(
                "the stay of {} in {} from {}",
                case.entity, case.carrier, case.move_in
            ),
        })
}

/// The case's version now (the use cases refuse a move on a stale version).
async fn version(system: &Seeding, id: i64) -> Result<i32, DemoError> {
    find_relief_application(system.store(), id)
        .await?
        .map(|a| a.version)
        .ok_or_else(|| DemoError::Missing {
            what: format!("the application no. {id} just made"),
        })
}

/// Names the failed action for the error.
fn failed(case: &PlannedRelief, action: &str) -> impl FnOnce(ServiceError) -> DemoError {
    let step = format!(
        "{action} the application of entity {} for its stay in {} from {}",
        case.entity, case.carrier, case.move_in
    );
    move |source| DemoError::Cases { step, source }
}

/// One application taken as far as planned: applied, then confirmed, then approved.
async fn relief_case(
    system: &Seeding,
    case: &PlannedRelief,
    district: &DemoDistrict,
) -> Result<(), DemoError> {
    let today = district.today;
    let applicant = actor(system, &case.applicant).await?;
    let stay = stay_id(system, case).await?;
    let id = relief::apply(system, &applicant, stay, today)
        .await
        .map_err(failed(case, "applying for"))?;
    if let Some(operator) = &case.confirmed_by {
        let operator = actor(system, operator).await?;
        let version = version(system, id).await?;
        relief::act(system, &operator, id, version, ReliefAction::Confirm)
            .await
            .map_err(failed(case, "confirming"))?;
    }
    if let Some(official) = &case.decided_by {
        let official = actor(system, official).await?;
        let version = version(system, id).await?;
        let decision = Decision {
            approve: true,
            reason: DecisionReason::Eligible,
            text: APPROVAL_NOTE.to_owned(),
        };
        relief::decide(system, &official, id, version, &decision, today)
            .await
            .map_err(failed(case, "approving"))?;
    }
    Ok(())
}

/// One extension request, left waiting for an official.
async fn extension_case(
    system: &Seeding,
    case: &PlannedExtension,
    district: &DemoDistrict,
) -> Result<(), DemoError> {
    let requester = actor(system, &case.requested_by).await?;
    let entity = entity_id(system, &case.entity).await?;
    extension::request(
        system,
        &requester,
        entity,
        case.months,
        &case.reason,
        district.today,
    )
    .await
    .map_err(|source| DemoError::Cases {
        step: format!("asking for an extension for entity {}", case.entity),
        source,
    })?;
    Ok(())
}
