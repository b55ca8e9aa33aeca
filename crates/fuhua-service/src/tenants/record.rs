//! One row of the tenant roll: a move-in (recorded by hand or by an import), and the
//! changes to a recorded stay (move-out, rent, jobs).

use chrono::NaiveDate;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{CreditCode, Lang, Money, Problem, ResidentId};
use fuhua_store::repo::carriers::Carrier;
use fuhua_store::repo::people::{self, NewPerson, Person};
use fuhua_store::repo::tenant_records::{self as records, NamedStay, StayChange};
use fuhua_store::repo::tenants::{self, Entity, EntityKind, NewEntity, NewStay, Stay};
use fuhua_store::{StoreError, Write};

use super::{Acting, carrier_for};
use crate::System;
use crate::error::{ServiceError, ServiceResult};

/// The most jobs one row may claim (a typing slip beyond this is refused).
const MAX_JOBS: i32 = 100_000;

/// The entering entity as the operator reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityFacts {
    pub name: String,
    pub credit_code: CreditCode,
    /// The registration date; when not given, the move-in date stands in for it
    /// (an entity moves in only once registered).
    pub registered_on: Option<NaiveDate>,
}

/// The principal founder (legal representative) as the operator reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FounderFacts {
    pub name: String,
    pub resident_id: ResidentId,
    pub group: FounderGroup,
    /// Required for a graduate (SPEC §2 "graduate, with graduation date").
    pub graduated_on: Option<NaiveDate>,
    pub unemployed_on: Option<NaiveDate>,
}

/// A move-in into one carrier (SPEC §2 "stay").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveIn {
    pub entity: EntityFacts,
    pub founder: FounderFacts,
    pub move_in: NaiveDate,
    /// The last occupied day, inclusive.
    pub move_out: Option<NaiveDate>,
    /// Yuan a month.
    pub monthly_rent: Money,
    /// Hundredths of m².
    pub area_centi: Option<i64>,
    /// Workstation or unit.
    pub unit: Option<String>,
    /// Jobs provided (带动就业人数).
    pub jobs: i32,
}

/// What a move-in recorded: the entity and founder (found or new) and the stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub entity: Entity,
    pub founder: Person,
    pub stay: Stay,
    pub new_entity: bool,
    pub new_founder: bool,
}

/// GB 32100-2015: the second character is the kind of organisation; `2` is an
/// individual business (个体工商户) registered by market regulation (`9`).
fn kind_of(code: &CreditCode) -> EntityKind {
    if code.as_str().starts_with("92") {
        EntityKind::IndividualBusiness
    } else {
        EntityKind::Enterprise
    }
}

/// The checks a move-in's facts pass before the database is asked (field names are
/// the template's English column names).
pub(crate) fn check_facts(row: &MoveIn) -> Vec<Problem> {
    let mut problems = Vec::new();
    let name = row.entity.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        problems.push(Problem::new(
            "name",
            "required",
            "请填写企业名称（最多 100 个字）。",
            "Enter the entity's name (at most 100 characters).",
        ));
    }
    let founder = row.founder.name.trim();
    if founder.is_empty() || founder.chars().count() > 50 {
        problems.push(Problem::new(
            "founder_name",
            "required",
            "请填写负责人姓名（最多 50 个字）。",
            "Enter the founder's name (at most 50 characters).",
        ));
    }
    // A credit code is never a person's resident ID (a column pasted twice).
    if row.entity.credit_code.as_str() == row.founder.resident_id.as_str() {
        problems.push(Problem::new(
            "credit_code",
            "same_as_founder_id",
            "统一社会信用代码与负责人身份证号相同，请核对。",
            "The credit code equals the founder's resident ID; check both columns.",
        ));
    }
    if row.founder.group == FounderGroup::Graduate && row.founder.graduated_on.is_none() {
        // SPEC §2: founder group graduate comes with a graduation date.
        problems.push(Problem::new(
            "graduated_on",
            "required",
            "人员类别为高校毕业生时须填写毕业日期。",
            "A graduate founder needs a graduation date.",
        ));
    }
    if row.move_out.is_some_and(|out| out < row.move_in) {
        problems.push(Problem::new(
            "move_out",
            "before_move_in",
            "退出日期早于入驻日期。",
            "The move-out date is before the move-in date.",
        ));
    }
    if !(0..=MAX_JOBS).contains(&row.jobs) {
        problems.push(Problem::new(
            "jobs",
            "out_of_range",
            format!("带动就业人数应在 0 到 {MAX_JOBS} 之间。"),
            format!("Jobs must be between 0 and {MAX_JOBS}."),
        ));
    }
    if row.area_centi.is_some_and(|a| a < 0) {
        problems.push(Problem::new(
            "area",
            "negative",
            "面积不能为负数。",
            "The area cannot be negative.",
        ));
    }
    problems
}

/// How a stay is named in a message: carrier and dates.
fn describe(other: &NamedStay, lang: Lang) -> String {
    let out = other.stay.move_out.map(|d| d.to_string());
    match lang {
        Lang::Zh => format!(
            "{}（{} 至 {}）",
            other.carrier_name,
            other.stay.move_in,
            out.as_deref().unwrap_or("今")
        ),
        Lang::En => format!(
            "{} ({} to {})",
            other.carrier_name,
            other.stay.move_in,
            out.as_deref().unwrap_or("now")
        ),
    }
}

/// SPEC §3 R-WAIVER: "Stays of one entity must not overlap" — the problem names
/// the other stay.
fn overlap_problem(field: &str, other: &NamedStay) -> Problem {
    Problem::new(
        field,
        "overlapping_stay",
        format!(
            "与该主体已登记的入驻时间重叠：{}。",
            describe(other, Lang::Zh)
        ),
        format!(
            "Overlaps a stay of this entity already on record: {}.",
            describe(other, Lang::En)
        ),
    )
}

/// Records one move-in into `carrier` inside `w` (shared by [`move_in`] and the
/// import): finds the founder by the keyed hash of the resident ID and the entity by
/// credit code, checks that what is on record agrees with the row, refuses an
/// overlapping stay, then writes what is new with its audit rows. `Ok(Err(problems))`
/// when the row breaks a rule (nothing of it written; the caller rolls back).
pub(crate) async fn record_in(
    w: &Write,
    carrier: &Carrier,
    row: &MoveIn,
) -> Result<Result<Recorded, Vec<Problem>>, StoreError> {
    let mut problems = check_facts(row);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let person = records::find_person_by_resident_id_in(w, &row.founder.resident_id).await?;
    if let Some(person) = &person {
        if person.name.trim() != row.founder.name.trim() {
            problems.push(Problem::new(
                "founder_name",
                "founder_mismatch",
                "该身份证号已登记在册，但负责人姓名与登记不一致，请核对。",
                "This resident ID is on record under another name; check the founder's name.",
            ));
        }
        if person.founder_group != row.founder.group {
            problems.push(Problem::new(
                "founder_group",
                "founder_mismatch",
                format!(
                    "该负责人已登记为“{}”，与本次填写的人员类别不一致。",
                    person.founder_group.label(Lang::Zh)
                ),
                format!(
                    "This founder is on record as “{}”, not the group given here.",
                    person.founder_group.label(Lang::En)
                ),
            ));
        }
        if let (Some(known), Some(given)) = (person.graduated_on, row.founder.graduated_on)
            && known != given
        {
            problems.push(Problem::new(
                "graduated_on",
                "founder_mismatch",
                format!("该负责人已登记的毕业日期为 {known}，与本次填写的不一致。"),
                format!(
                    "This founder is on record as graduated on {known}, not the date given here."
                ),
            ));
        }
    }
    let entity = records::find_entity_by_credit_code_in(w, &row.entity.credit_code).await?;
    if let Some(entity) = &entity {
        if person.as_ref().map(|p| p.id) != Some(entity.founder_person_id) {
            problems.push(Problem::new(
                "credit_code",
                "other_founder",
                "该统一社会信用代码已登记在其他负责人名下，请核对负责人身份证号。",
                "This credit code is on record with another founder; check the founder's resident ID.",
            ));
        }
        if entity.name.trim() != row.entity.name.trim() {
            problems.push(Problem::new(
                "name",
                "entity_mismatch",
                format!(
                    "该统一社会信用代码已登记为“{}”，与本次填写的企业名称不一致。",
                    entity.name
                ),
                format!(
                    "This credit code is on record as “{}”, not the name given here.",
                    entity.name
                ),
            ));
        }
        let others =
            records::overlapping_stays_in(w, entity.id, row.move_in, row.move_out, None).await?;
        if let Some(other) = others.first() {
            problems.push(overlap_problem("move_in", other));
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let (founder, new_founder) = match person {
        Some(person) => (person, false),
        None => {
            let new = NewPerson {
                name: row.founder.name.trim().to_owned(),
                resident_id: row.founder.resident_id.clone(),
                phone: None,
                founder_group: row.founder.group,
                graduated_on: row.founder.graduated_on,
                unemployed_on: row.founder.unemployed_on,
            };
            (people::add_person(w, &new).await?, true)
        }
    };
    let (entity, new_entity) = match entity {
        Some(entity) => (entity, false),
        None => {
            let new = NewEntity {
                name: row.entity.name.trim().to_owned(),
                kind: kind_of(&row.entity.credit_code),
                credit_code: row.entity.credit_code.clone(),
                registered_on: row.entity.registered_on.unwrap_or(row.move_in),
                founder_person_id: founder.id,
            };
            (tenants::add_entity(w, &new).await?, true)
        }
    };
    let new_stay = NewStay {
        entity_id: entity.id,
        carrier_id: carrier.id,
        move_in: row.move_in,
        move_out: row.move_out,
        monthly_rent: row.monthly_rent,
        area_centi: row.area_centi,
        unit: row.unit.clone().filter(|u| !u.trim().is_empty()),
        jobs: row.jobs,
    };
    let stay = match tenants::add_stay(w, &new_stay).await {
        Ok(stay) => stay,
        // Another change recorded an overlapping stay after the check above.
        Err(StoreError::OverlappingStay) => {
            return Ok(Err(vec![Problem::new(
                "move_in",
                "overlapping_stay",
                "与该主体已登记的入驻时间重叠。",
                "Overlaps a stay of this entity already on record.",
            )]));
        }
        Err(other) => return Err(other),
    };
    Ok(Ok(Recorded {
        entity,
        founder,
        stay,
        new_entity,
        new_founder,
    }))
}

/// Records a move-in into carrier `carrier_id` (SPEC §1, §2): a new entity and
/// founder, or the ones already on record. Errors: `NotFound` (carrier outside
/// the actor's scope), `Invalid` (each broken rule named by field; an overlapping
/// stay names the other stay's carrier and dates), `Store`.
pub async fn move_in(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    row: &MoveIn,
) -> ServiceResult<Recorded> {
    let carrier = carrier_for(system, acting, carrier_id).await?;
    let problems = check_facts(row);
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let w = system.store().write(&acting.audit_actor()).await?;
    match record_in(&w, &carrier, row).await? {
        Ok(recorded) => {
            w.commit().await?;
            Ok(recorded)
        }
        Err(problems) => {
            w.rollback().await?;
            Err(ServiceError::Invalid(problems))
        }
    }
}

/// Loads stay `stay_id` for a change by `acting`, checking scope through its carrier
/// and that it still has the `version` the form showed.
async fn change(
    system: &System,
    acting: Acting<'_>,
    stay_id: i64,
    version: i32,
    what: StayChange,
) -> ServiceResult<Stay> {
    let stay = tenants::find_stay(system.store(), stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    carrier_for(system, acting, stay.carrier_id).await?;
    let w = system.store().write(&acting.audit_actor()).await?;
    let read = records::find_stay_in(&w, stay_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if read.version != version {
        return Err(ServiceError::conflict(
            "该入驻记录已有新的变化，请刷新后再操作。",
            "This stay changed in the meantime; reload it and try again.",
        ));
    }
    if let StayChange::MoveOut(Some(out)) = what {
        if out < read.move_in {
            return Err(ServiceError::invalid(Problem::new(
                "move_out",
                "before_move_in",
                "退出日期早于入驻日期。",
                "The move-out date is before the move-in date.",
            )));
        }
        let others = records::overlapping_stays_in(
            &w,
            read.entity_id,
            read.move_in,
            Some(out),
            Some(read.id),
        )
        .await?;
        if let Some(other) = others.first() {
            return Err(ServiceError::invalid(overlap_problem("move_out", other)));
        }
    }
    let changed = records::change_stay(&w, &read, what)
        .await
        .map_err(|e| match e {
            StoreError::OverlappingStay => ServiceError::invalid(Problem::new(
                "move_out",
                "overlapping_stay",
                "与该主体已登记的入驻时间重叠。",
                "Overlaps a stay of this entity already on record.",
            )),
            StoreError::Invalid(text) => {
                ServiceError::invalid(Problem::new("stay", "invalid", text.clone(), text))
            }
            other => other.into(),
        })?;
    // SPEC §4 "money over time" (clause 七): a late move-out or rent change becomes
    // adjustment rows of the approved relief's ledger, in this same transaction.
    if super::ledger::moves_ledger(what) {
        super::ledger::adjust_in(system, &w, &changed).await?;
    }
    w.commit().await?;
    Ok(changed)
}

/// Records the move-out of stay `stay_id` (`move_out` is the last occupied day,
/// inclusive; `None` takes a recorded move-out back). `version` is the stay's
/// version as the form showed it. When the stay has an approved relief, its stored
/// ledger is not edited: the months the change alters get adjustment rows, possibly
/// negative, which the next claim settles (SPEC §4). Errors: `NotFound`, `Invalid`
/// (before the move-in; overlapping another stay, named), `Conflict` (stale version).
pub async fn move_out(
    system: &System,
    acting: Acting<'_>,
    stay_id: i64,
    version: i32,
    move_out: Option<NaiveDate>,
) -> ServiceResult<Stay> {
    change(
        system,
        acting,
        stay_id,
        version,
        StayChange::MoveOut(move_out),
    )
    .await
}

/// Changes the monthly rent (yuan) of stay `stay_id`. The recorded rent is the
/// stay's rent (the ledger reads one rent for the whole stay), so the stored
/// ledger of an approved relief gets, for each stored month, an adjustment row with
/// the difference; stored rows are not edited and the next claim settles the
/// adjustments (SPEC §4). Errors as [`move_out`].
pub async fn change_rent(
    system: &System,
    acting: Acting<'_>,
    stay_id: i64,
    version: i32,
    monthly_rent: Money,
) -> ServiceResult<Stay> {
    change(
        system,
        acting,
        stay_id,
        version,
        StayChange::Rent(monthly_rent),
    )
    .await
}

/// Sets the jobs provided (带动就业人数, 0 to 100,000) by stay `stay_id`. Errors
/// as [`move_out`].
pub async fn set_jobs(
    system: &System,
    acting: Acting<'_>,
    stay_id: i64,
    version: i32,
    jobs: i32,
) -> ServiceResult<Stay> {
    if !(0..=MAX_JOBS).contains(&jobs) {
        return Err(ServiceError::invalid(Problem::new(
            "jobs",
            "out_of_range",
            format!("带动就业人数应在 0 到 {MAX_JOBS} 之间。"),
            format!("Jobs must be between 0 and {MAX_JOBS}."),
        )));
    }
    change(system, acting, stay_id, version, StayChange::Jobs(jobs)).await
}
