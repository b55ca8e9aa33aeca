//! The entrepreneur's own records (SPEC §1: "registers self and entity … sees own
//! waiver ledger and remaining months"): the dashboard, registering an entity, and
//! the ledger of a stay. An account whose link to its person is not proven yet sees
//! nothing of that person's records.

use chrono::NaiveDate;
use fuhua_core::vocab::Regime;
use fuhua_core::{CreditCode, DateRange, Problem};
use fuhua_store::repo::carriers;
use fuhua_store::repo::relief::{self as repo, ExtensionRequest, ReliefApplication};
use fuhua_store::repo::tenants::{self, Entity, EntityKind, NewEntity, Stay};
use fuhua_store::repo::timeline::{self, MailEntry};

use crate::System;
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};
use crate::relief::eligibility::{self, Eligibility};

/// One stay on the dashboard: where, and what the rules give it today.
#[derive(Debug, Clone)]
pub struct StaySummary {
    pub stay: Stay,
    pub carrier_name: String,
    pub regime: Regime,
    pub window: Option<DateRange>,
    pub months_remaining: Option<u32>,
    /// The latest application on this stay.
    pub application: Option<ReliefApplication>,
}

/// One of the entrepreneur's entities with its stays.
#[derive(Debug, Clone)]
pub struct EntitySummary {
    pub entity: Entity,
    pub stays: Vec<StaySummary>,
    pub extensions: Vec<ExtensionRequest>,
}

/// What the entrepreneur's dashboard shows.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// False while the account's link to its person waits for proof.
    pub linked: bool,
    pub entities: Vec<EntitySummary>,
    pub applications: Vec<ReliefApplication>,
    pub notices: Vec<MailEntry>,
}

fn person_of(actor: &Actor) -> ServiceResult<Option<i64>> {
    if !actor.has(Role::Entrepreneur) {
        return Err(ServiceError::Forbidden);
    }
    Ok(actor.person_id)
}

/// The dashboard of an entrepreneur as of `today`.
pub async fn dashboard(
    system: &System,
    actor: &Actor,
    today: NaiveDate,
) -> ServiceResult<Dashboard> {
    let notices = timeline::mails_of_user(system.store(), actor.user_id, 20).await?;
    let Some(person_id) = person_of(actor)? else {
        return Ok(Dashboard {
            linked: false,
            notices,
            ..Dashboard::default()
        });
    };
    let store = system.store();
    let params = system.parameters().await?;
    let entities = tenants::entities_of_founder(store, person_id).await?;
    let ids: Vec<i64> = entities.iter().map(|e| e.id).collect();
    let applications = repo::relief_applications_of_entities(store, &ids).await?;
    let mut summaries = Vec::new();
    for entity in entities {
        let facts = eligibility::load(system, entity.id, &params, today).await?;
        let decision = eligibility::compute(&facts, &params, today).ok();
        let mut stays = Vec::new();
        for (index, recorded) in facts.stays.iter().enumerate() {
            let outcome = decision.as_ref().and_then(|d| d.value.stays.get(index));
            stays.push(StaySummary {
                stay: recorded.stay.clone(),
                carrier_name: recorded.carrier.name.clone(),
                regime: outcome.map_or(Regime::None, |o| o.regime),
                window: decision
                    .as_ref()
                    .and_then(|d| d.value.window)
                    .map(|w| w.range()),
                months_remaining: decision.as_ref().and_then(|d| d.value.months_remaining),
                application: applications
                    .iter()
                    .find(|a| a.stay_id == recorded.stay.id)
                    .cloned(),
            });
        }
        let extensions = repo::extension_requests(store, Some(&[entity.id]), &[]).await?;
        summaries.push(EntitySummary {
            entity,
            stays,
            extensions,
        });
    }
    Ok(Dashboard {
        linked: true,
        entities: summaries,
        applications,
        notices,
    })
}

/// A stay of the actor's own entity with its eligibility and ledger (the "my
/// ledger" page and its CSV/XLSX downloads).
pub async fn stay_ledger(
    system: &System,
    actor: &Actor,
    stay_id: i64,
    today: NaiveDate,
) -> ServiceResult<(Entity, String, Eligibility)> {
    let Some(person_id) = person_of(actor)? else {
        return Err(ServiceError::NotFound);
    };
    let stay = tenants::find_stay(system.store(), stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let entity = tenants::find_entity(system.store(), stay.entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if entity.founder_person_id != person_id {
        return Err(ServiceError::NotFound);
    }
    let carrier = carriers::find_carrier(system.store(), stay.carrier_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let params = system.parameters().await?;
    let facts = eligibility::load(system, entity.id, &params, today).await?;
    let decision = eligibility::compute(&facts, &params, today)?;
    Ok((
        entity,
        carrier.name,
        eligibility::of_stay(&facts, &decision, stay.id)?,
    ))
}

/// What an entrepreneur enters to register an entity.
#[derive(Debug, Clone, Default)]
pub struct EntityForm {
    pub name: String,
    pub credit_code: String,
    /// "enterprise" or "individual_business".
    pub kind: String,
    /// YYYY-MM-DD.
    pub registered_on: String,
}

/// Registers an entity of the actor (GB 32100 credit code). When the operator
/// already recorded it for this founder, that record is the one (found, not
/// duplicated); a credit code recorded for another founder is refused.
pub async fn register_entity(
    system: &System,
    actor: &Actor,
    form: &EntityForm,
    today: NaiveDate,
) -> ServiceResult<Entity> {
    let Some(person_id) = person_of(actor)? else {
        return Err(ServiceError::conflict(
            "您的账户尚未完成身份关联，完成后才能登记企业。",
            "Your account is not linked to your person record yet; link it first.",
        ));
    };
    let mut problems = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        problems.push(Problem::new(
            "name",
            "required",
            "请填写企业名称。",
            "Enter the entity's name.",
        ));
    } else if name.chars().count() > 100 {
        problems.push(Problem::new(
            "name",
            "too_long",
            "企业名称最多 100 个字。",
            "At most 100 characters.",
        ));
    }
    let code = match CreditCode::parse(&form.credit_code) {
        Ok(code) => Some(code),
        Err(error) => {
            problems.push(Problem::new(
                "credit_code",
                "invalid",
                format!("统一社会信用代码不正确：{error}"),
                format!("Not a valid unified social credit code: {error}"),
            ));
            None
        }
    };
    let kind = match form.kind.as_str() {
        "enterprise" => Some(EntityKind::Enterprise),
        "individual_business" => Some(EntityKind::IndividualBusiness),
        _ => {
            problems.push(Problem::new(
                "kind",
                "required",
                "请选择主体类型。",
                "Choose the kind of entity.",
            ));
            None
        }
    };
    let registered_on = match NaiveDate::parse_from_str(form.registered_on.trim(), "%Y-%m-%d") {
        Ok(day) if day <= today && day.year_ce().1 >= 1950 => Some(day),
        Ok(_) => {
            problems.push(Problem::new(
                "registered_on",
                "out_of_range",
                "登记日期不能晚于今天。",
                "The registration date cannot be in the future.",
            ));
            None
        }
        Err(_) => {
            problems.push(Problem::new(
                "registered_on",
                "invalid_date",
                "请按 YYYY-MM-DD 填写日期。",
                "Enter the date as YYYY-MM-DD.",
            ));
            None
        }
    };
    let (Some(code), Some(kind), Some(registered_on), true) =
        (code, kind, registered_on, problems.is_empty())
    else {
        return Err(ServiceError::Invalid(problems));
    };
    if let Some(existing) = tenants::find_entity_by_credit_code(system.store(), &code).await? {
        if existing.founder_person_id == person_id {
            return Ok(existing);
        }
        return Err(ServiceError::invalid(Problem::new(
            "credit_code",
            "taken",
            "该统一社会信用代码已登记在其他负责人名下；如有疑问请联系所在载体的运营机构。",
            "This credit code is recorded for another founder; ask your carrier's operator.",
        )));
    }
    let w = system.store().write(&actor.audit_actor()).await?;
    let entity = tenants::add_entity(
        &w,
        &NewEntity {
            name: name.to_owned(),
            kind,
            credit_code: code,
            registered_on,
            founder_person_id: person_id,
        },
    )
    .await?;
    w.commit().await?;
    Ok(entity)
}

use chrono::Datelike as _;
