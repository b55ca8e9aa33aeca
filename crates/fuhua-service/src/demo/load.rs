//! Writes the demo district (SPEC §7) into an empty database: the pure [`plan`]
//! resolved to database ids and inserted through the repositories, so that every
//! row has its audit row (SPEC §6), all in ONE write transaction — an error
//! anywhere leaves nothing behind (SPEC §6 "Nothing lost: every multi-row change is
//! one transaction").
//!
//! Loading is idempotent and never pollutes real data: a database that already
//! holds the demo answers [`LoadOutcome::AlreadyLoaded`] without writing, and a
//! database holding anything else is refused.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use fuhua_awards::{
    AreaRequest, AwardCaseState, LadderRequest, PaidStep, Programme, StepLevel, area, ladder,
};
use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::{AreaKind, Level};
use fuhua_core::{Clause, CreditCode, ParameterSet, ResidentId, Trace};
use fuhua_evaluation::{Scheme, evaluate};
use fuhua_store::repo::people::{NewPerson, NewUser, RoleGrant, User};
use fuhua_store::repo::{self, awards, carriers, evaluation, people, reference, tenants};
use fuhua_store::{Actor, Store, StoreError, Write, password};
use serde_json::{Value, json};

use super::accounts::{DemoAccount, OFFICIAL_A, Role, Scope};
use super::model::{
    AwardCase, AwardSubject, DemoDistrict, EntityKind, EvaluationEntry, OrganisationKind,
};
use super::{places, plan};

/// What [`load`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    /// The demo district was written; the sizes of the main tables afterwards.
    Loaded { counts: Vec<(&'static str, i64)> },
    /// The database already holds the demo district; nothing was written.
    AlreadyLoaded,
}

/// The refusal when the database holds something other than the demo.
const NOT_EMPTY: &str =
    "the database already holds data; the demo district only loads into an empty database";

/// Tables whose rows mean the database is in use. Every other business table
/// hangs off one of these (stays off entities, rounds off schemes …).
const IN_USE: [&str; 8] = [
    "jurisdictions",
    "organisations",
    "carriers",
    "people",
    "entities",
    "fund_sources",
    "award_cases",
    "evaluation_schemes",
];

/// The tables whose sizes [`LoadOutcome::Loaded`] reports, read back after commit.
const COUNTED: [&str; 15] = [
    "jurisdictions",
    "organisations",
    "carriers",
    "accreditation_records",
    "people",
    "entities",
    "stays",
    "monthly_reports",
    "fund_sources",
    "appropriations",
    "award_cases",
    "award_payments",
    "evaluation_results",
    "users",
    "audit_log",
];

/// Progress is reported every this many items inside the big loops.
const TICK: usize = 25;

/// Loads the demo district as of `today` into `store`, as `actor`, reporting
/// progress as (step, done, total).
pub async fn load(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<LoadOutcome, StoreError> {
    progress("checking the database", 0, 1);
    let admins = match inspect(store).await? {
        Found::Demo => return Ok(LoadOutcome::AlreadyLoaded),
        Found::Empty { admins } => admins,
    };
    progress("planning the district", 0, 1);
    let district = plan(today);
    let kept = kept_admins(&district.users, &admins)?;

    // Hashing is slow on purpose (argon2, SPEC §6): done before the write begins,
    // so the database is not locked meanwhile.
    let to_create: Vec<&DemoAccount> = district
        .users
        .iter()
        .filter(|a| !kept.contains_key(&a.username))
        .collect();
    let mut hashes = HashMap::new();
    for (index, account) in to_create.iter().enumerate() {
        progress(
            "hashing demo passwords",
            index as u64,
            to_create.len() as u64,
        );
        hashes.insert(
            account.username.clone(),
            password::hash_password(&account.password)?,
        );
    }
    // SPEC §3 "Parameters": the rules read the parameter set the database holds.
    let params = reference::load_parameters(store).await?;

    let w = store.write(actor).await?;
    // Checked again inside the write: on SQLite the write transaction holds the
    // database's write lock, so nothing can change between this check and the
    // commit; on PostgreSQL a concurrent loader loses on the unique keys instead.
    let again = match inspect(store).await {
        Ok(found) => found,
        Err(e) => return rolled_back(w, Err(e)).await,
    };
    match again {
        Found::Demo => return rolled_back(w, Ok(LoadOutcome::AlreadyLoaded)).await,
        Found::Empty { admins: now } if now != admins => {
            return rolled_back(w, Err(StoreError::Invalid(NOT_EMPTY.to_owned()))).await;
        }
        Found::Empty { .. } => {}
    }

    let mut ids = Ids {
        users: kept,
        ..Ids::default()
    };
    let context = Context {
        district: &district,
        params: &params,
        hashes: &hashes,
        progress,
    };
    if let Err(e) = fill(&w, &context, &mut ids).await {
        return rolled_back(w, Err(e)).await;
    }
    progress("committing", 0, 1);
    w.commit().await?;

    let mut counts = Vec::with_capacity(COUNTED.len());
    for (index, table) in COUNTED.iter().enumerate() {
        progress("counting", index as u64, COUNTED.len() as u64);
        counts.push((*table, repo::count(store, table).await?));
    }
    progress("done", 1, 1);
    Ok(LoadOutcome::Loaded { counts })
}

/// Rolls the write back, then answers `outcome` (a failed rollback is only logged:
/// the transaction is dropped and rolled back by the database anyway).
async fn rolled_back(
    w: Write,
    outcome: Result<LoadOutcome, StoreError>,
) -> Result<LoadOutcome, StoreError> {
    if let Err(e) = w.rollback().await {
        tracing::warn!(error = %e, "demo: rolling back the demo load failed");
    }
    outcome
}

// ---------------------------------------------------------------------------
// Is the database empty?
// ---------------------------------------------------------------------------

/// What the database holds, as far as loading the demo is concerned.
enum Found {
    /// The demo's marker: the district 370211 and the user official.a.
    Demo,
    /// Nothing but administrators' accounts (possibly none).
    Empty { admins: Vec<User> },
}

/// Looks at the database. Refuses (`Invalid`) when it holds anything but the demo
/// or administrators' accounts.
///
/// Why administrators are allowed: `fuhua user add --role admin` is how the first
/// person gets into a fresh installation, and "add an administrator, then load the
/// demo" must work. An administrator makes no business decisions (SPEC §1: "users,
/// roles, jurisdictions; no business decisions") and, with no jurisdiction on
/// record, holds no scope either — the account is no district data to pollute. Any
/// other account (an official, operator, entrepreneur …) belongs to a district in
/// use, so it refuses like any other data does.
async fn inspect(store: &Store) -> Result<Found, StoreError> {
    let district = reference::find_jurisdiction_by_code(store, places::DISTRICT).await?;
    if district.is_some() && people::find_user(store, OFFICIAL_A).await?.is_some() {
        return Ok(Found::Demo);
    }
    for table in IN_USE {
        if repo::count(store, table).await? > 0 {
            return Err(StoreError::Invalid(NOT_EMPTY.to_owned()));
        }
    }
    let users = repo::count(store, "users").await?;
    if users == 0 {
        return Ok(Found::Empty { admins: Vec::new() });
    }
    let mut admins = Vec::new();
    for user in people::list_users(store).await? {
        let admin_only = !user.roles.is_empty()
            && user.roles.iter().all(|g| g.role == Role::Admin.as_str())
            && user.person_id.is_none()
            && user.organisation_id.is_none();
        if !admin_only {
            return Err(StoreError::Invalid(NOT_EMPTY.to_owned()));
        }
        admins.push(user);
    }
    Ok(Found::Empty { admins })
}

/// Administrators already on record that take the place of the demo's own admin
/// account (same username): kept as they are, password included. An existing
/// administrator named like one of the demo's other accounts is refused, since the
/// demo needs that account with its own role.
fn kept_admins(
    accounts: &[DemoAccount],
    admins: &[User],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut kept = HashMap::new();
    for admin in admins {
        let Some(account) = accounts.iter().find(|a| a.username == admin.username) else {
            continue;
        };
        if account.role != Role::Admin {
            return Err(StoreError::Invalid(format!(
                "the database already holds a user “{}”, which the demo district needs for its {} \
                 account; load the demo into an empty database, or add your administrator \
                 under another name",
                admin.username,
                account.role.as_str()
            )));
        }
        kept.insert(admin.username.clone(), admin.id);
    }
    Ok(kept)
}

// ---------------------------------------------------------------------------
// Natural keys → database ids
// ---------------------------------------------------------------------------

/// The database ids of what was written, by the plan's natural keys.
#[derive(Debug, Default)]
struct Ids {
    jurisdictions: HashMap<String, i64>,
    organisations: HashMap<String, i64>,
    carriers: HashMap<String, i64>,
    /// By certificate number.
    records: HashMap<String, i64>,
    /// The founder's person id, by the credit code of their entity (never keyed
    /// by resident ID: personal data stays out of maps and messages).
    founders: HashMap<String, i64>,
    entities: HashMap<String, i64>,
    users: HashMap<String, i64>,
    fund_sources: HashMap<String, i64>,
    /// By (fund source code, year).
    appropriations: HashMap<(String, i32), i64>,
}

/// The id of `key` in `map`; a key the plan names but did not define is a bug in
/// the plan, reported as such.
fn id_of(map: &HashMap<String, i64>, what: &str, key: &str) -> Result<i64, StoreError> {
    map.get(key).copied().ok_or_else(|| {
        StoreError::Invalid(format!(
            "the demo plan refers to {what} “{key}”, which it does not define"
        ))
    })
}

fn user_of(ids: &Ids, username: Option<&str>) -> Result<Option<i64>, StoreError> {
    username
        .map(|name| id_of(&ids.users, "user", name))
        .transpose()
}

/// A count from the plan as a database integer.
fn int(what: &str, value: u32) -> Result<i32, StoreError> {
    i32::try_from(value)
        .map_err(|_| StoreError::Invalid(format!("{what} {value} is too large to store")))
}

/// A day of the plan as a timestamp. SPEC §2: dates are calendar days in
/// Asia/Shanghai, timestamps UTC — a day's event is put at 10:00 Shanghai time
/// (02:00 UTC), well inside that calendar day.
fn on_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(2, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

fn credit_code(code: &str) -> Result<CreditCode, StoreError> {
    // SPEC §2: identifiers are validated on every input path.
    CreditCode::parse(code)
        .map_err(|e| StoreError::Invalid(format!("credit code {code} is not valid: {e}")))
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// What every step of [`fill`] reads.
struct Context<'a> {
    district: &'a DemoDistrict,
    params: &'a ParameterSet,
    /// Argon2 hashes of the demo passwords, by username.
    hashes: &'a HashMap<String, String>,
    progress: &'a dyn Fn(&str, u64, u64),
}

impl Context<'_> {
    /// Reports `done` of `total` for `step`: always at 0 and at the end, and every
    /// [`TICK`] items in between.
    fn tick(&self, step: &str, done: usize, total: usize) {
        if done == 0 || done == total || done.is_multiple_of(TICK) {
            (self.progress)(step, done as u64, total as u64);
        }
    }
}

/// Inserts the whole district in dependency order, resolving natural keys through
/// `ids`. Users come before the monthly reports, because an accepted report names
/// the official who accepted it (`monthly_reports.accepted_by` → `users`).
async fn fill(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    jurisdictions(w, cx, ids).await?;
    organisations(w, cx, ids).await?;
    carriers(w, cx, ids).await?;
    founders_and_entities(w, cx, ids).await?;
    stays(w, cx, ids).await?;
    users(w, cx, ids).await?;
    monthly_reports(w, cx, ids).await?;
    funds(w, cx, ids).await?;
    award_cases(w, cx, ids).await?;
    evaluation_round(w, cx, ids).await
}

async fn jurisdictions(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
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

async fn organisations(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
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
async fn carriers(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
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
async fn founders_and_entities(
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

async fn stays(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
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
async fn users(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
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
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// Monthly reports (SPEC §4), January of last year to last month.
async fn monthly_reports(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "monthly reports";
    let all = &cx.district.monthly_reports;
    for (index, report) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let decider = user_of(ids, report.decided_by.as_deref())?;
        let accepted = report.state == fuhua_waiver::MonthlyReportState::Accepted;
        let returned = report.state == fuhua_waiver::MonthlyReportState::Returned;
        let mut data = json!({
            "tenants": report.tenants,
            "jobs": report.jobs,
            "move_ins": report.move_ins,
            "move_outs": report.move_outs,
            "return_reason": report.return_reason,
        });
        // The schema records who accepted a report; who returned it, and when,
        // goes with the reason.
        if returned && let Some(object) = data.as_object_mut() {
            object.insert("returned_on".into(), json!(report.decided_on));
            object.insert("returned_by".into(), json!(decider));
        }
        tenants::add_monthly_report(
            w,
            &tenants::NewMonthlyReport {
                carrier_id: id_of(&ids.carriers, "carrier", &report.carrier)?,
                period: report.period.clone(),
                due_on: report.due_on,
                state: report.state.as_str().to_owned(),
                submitted_at: report.submitted_on.map(on_day),
                late: report.late,
                accepted_at: report.decided_on.filter(|_| accepted).map(on_day),
                accepted_by: decider.filter(|_| accepted),
                data,
            },
        )
        .await?;
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// Fund sources and their yearly appropriations (SPEC §3 fund sources).
async fn funds(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "funds";
    let sources = &cx.district.fund_sources;
    let appropriations = &cx.district.appropriations;
    let total = sources.len() + appropriations.len();
    for (index, source) in sources.iter().enumerate() {
        cx.tick(STEP, index, total);
        let stored = reference::add_fund_source(
            w,
            &reference::NewFundSource {
                key: source.code.clone(),
                kind: source.kind,
                name: source.name.clone(),
                jurisdiction_id: Some(id_of(
                    &ids.jurisdictions,
                    "jurisdiction",
                    &source.jurisdiction,
                )?),
            },
        )
        .await?;
        ids.fund_sources.insert(source.code.clone(), stored.id);
    }
    for (index, a) in appropriations.iter().enumerate() {
        cx.tick(STEP, sources.len() + index, total);
        let stored = reference::add_appropriation(
            w,
            &reference::NewAppropriation {
                fund_source_id: id_of(&ids.fund_sources, "fund source", &a.fund_source)?,
                year: a.year,
                amount: a.amount,
            },
        )
        .await?;
        ids.appropriations
            .insert((a.fund_source.clone(), a.year), stored.id);
    }
    cx.tick(STEP, total, total);
    Ok(())
}

/// Award cases with their steps, the payments of paid cases and the budget
/// reservations of approved and paid ones.
async fn award_cases(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "award cases";
    let all = &cx.district.award_cases;
    for (index, case) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let (carrier_id, jurisdiction_id) = match &case.subject {
            AwardSubject::Carrier { code } => (Some(id_of(&ids.carriers, "carrier", code)?), None),
            AwardSubject::Area { jurisdiction } => (
                None,
                Some(id_of(&ids.jurisdictions, "jurisdiction", jurisdiction)?),
            ),
        };
        let accreditation_record_id = case
            .certificate_no
            .as_deref()
            .map(|no| id_of(&ids.records, "certificate", no))
            .transpose()?;
        let fund_source_code = case.funding_source.as_str();
        let fund_source_id = id_of(&ids.fund_sources, "fund source", fund_source_code)?;
        let mut steps = Vec::with_capacity(case.steps.len());
        for step in &case.steps {
            steps.push(awards::NewAwardStep {
                step_key: step_key(carrier_id, jurisdiction_id, step.level)?,
                level: step.level.as_str().to_owned(),
                cap: step.cap,
                amount: step.amount,
            });
        }
        let approved_by = user_of(ids, case.approved_by.as_deref())?;
        let stored = awards::add_award_case(
            w,
            &awards::NewAwardCase {
                programme: case.programme.as_str().to_owned(),
                carrier_id,
                jurisdiction_id,
                accreditation_record_id,
                new_level: case.new_level,
                area_kind: case.area_kind,
                state: case.state.as_str().to_owned(),
                total: case.total,
                fund_source_id: Some(fund_source_id),
                decision: award_trace(cx.district, case, cx.params),
                // SPEC §4 maker–checker: two different officials (the repository
                // refuses the same one twice).
                reviewed_by: user_of(ids, case.reviewed_by.as_deref())?,
                reviewed_at: case.reviewed_on.map(on_day),
                approved_by,
                approved_at: case.approved_on.map(on_day),
                closing_reason: case.closed_reason.clone(),
                created_by: user_of(ids, Some(&case.computed_by))?,
                steps,
            },
        )
        .await?;

        // R-AWARD-BUDGET: approval reserves the total on the appropriation of the
        // fund source for the year of approval.
        if matches!(case.state, AwardCaseState::Approved | AwardCaseState::Paid) {
            let approved_on = case.approved_on.ok_or_else(|| {
                StoreError::Invalid(format!("award case {} has no approval date", case.number))
            })?;
            let year = approved_on.year();
            let appropriation_id = ids
                .appropriations
                .get(&(fund_source_code.to_owned(), year))
                .copied()
                .ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "award case {}: fund source {fund_source_code} has no appropriation for {year}",
                        case.number
                    ))
                })?;
            awards::reserve(
                w,
                &awards::NewReservation {
                    appropriation_id,
                    award_case_id: Some(stored.id),
                    claim_id: None,
                    amount: case.total,
                    override_reason: None,
                    reserved_by: approved_by,
                },
            )
            .await?;
        }

        // SPEC §3/§4: a paid case records each step's payment, with its voucher;
        // a step is paid at most once per carrier, ever (UNIQUE step_key).
        if case.state == AwardCaseState::Paid {
            let (Some(paid_on), Some(voucher_no)) = (case.paid_on, case.voucher_no.as_deref())
            else {
                return Err(StoreError::Invalid(format!(
                    "paid award case {} has no payment date or voucher",
                    case.number
                )));
            };
            let paid_by = user_of(ids, case.paid_by.as_deref())?;
            for step in &stored.steps {
                awards::record_payment(
                    w,
                    &awards::NewPayment {
                        award_step_id: step.id,
                        step_key: step.step_key.clone(),
                        amount: step.amount,
                        paid_on,
                        voucher_no: voucher_no.to_owned(),
                        paid_by,
                    },
                )
                .await?;
            }
        }
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// The ladder level of a step, if it is a ladder step.
fn ladder_level(step: StepLevel) -> Option<Level> {
    match step {
        StepLevel::Municipal => Some(Level::Municipal),
        StepLevel::Provincial => Some(Level::Provincial),
        StepLevel::National => Some(Level::National),
        StepLevel::District | StepLevel::StreetTown => None,
    }
}

/// The area kind of a step, if it is an area award.
fn area_kind(step: StepLevel) -> Option<AreaKind> {
    match step {
        StepLevel::District => Some(AreaKind::District),
        StepLevel::StreetTown => Some(AreaKind::StreetTown),
        StepLevel::Municipal | StepLevel::Provincial | StepLevel::National => None,
    }
}

/// The step key of a step, built from DATABASE ids: `ladder:<carrier id>:<level>`
/// (R-AWARD-LADDER) or `area:<jurisdiction id>:<kind>` (R-AWARD-AREA).
fn step_key(
    carrier_id: Option<i64>,
    jurisdiction_id: Option<i64>,
    step: StepLevel,
) -> Result<String, StoreError> {
    if let (Some(level), Some(carrier)) = (ladder_level(step), carrier_id) {
        return Ok(awards::ladder_step_key(carrier, level));
    }
    if let (Some(kind), Some(jurisdiction)) = (area_kind(step), jurisdiction_id) {
        return Ok(awards::area_step_key(jurisdiction, kind));
    }
    Err(StoreError::Invalid(format!(
        "award step {} does not fit the subject of its case",
        step.as_str()
    )))
}

/// The amount an official set for a step when it is below the step's cap (the
/// rules take the cap when none is given).
fn set_amount(case: &AwardCase, level: StepLevel) -> Option<fuhua_core::Money> {
    case.steps
        .iter()
        .find(|s| s.level == level && s.amount != s.cap)
        .map(|s| s.amount)
}

/// The ladder steps the case's carrier was paid before this case: the steps of its
/// paid ladder cases at lower levels (R-AWARD-LADDER "差额阶梯奖补").
fn paid_before(district: &DemoDistrict, case: &AwardCase) -> Vec<PaidStep> {
    district
        .award_cases
        .iter()
        .filter(|c| {
            c.state == AwardCaseState::Paid
                && c.programme == Programme::Ladder
                && c.subject == case.subject
                && c.new_level < case.new_level
        })
        .flat_map(|c| c.steps.iter())
        .filter_map(|s| {
            Some(PaidStep {
                level: ladder_level(s.level)?,
                amount: s.amount,
            })
        })
        .collect()
}

/// The decision trace of a case: recomputed with fuhua-awards and the parameters in
/// force on the case's reference date (SPEC §3 "Parameters": for awards, the
/// accreditation or creation date); when that does not give the plan's amounts, a
/// step saying what was recorded and why.
fn award_trace(district: &DemoDistrict, case: &AwardCase, params: &ParameterSet) -> Trace {
    let at = params.at(case.reference_date);
    let recomputed = match (case.programme, case.new_level, case.area_kind) {
        (Programme::Ladder, Some(new_level), _) => ladder(
            &LadderRequest {
                paid_steps: paid_before(district, case),
                new_level,
                municipal_amount: set_amount(case, StepLevel::Municipal),
            },
            &at,
        )
        .ok(),
        (Programme::Area, _, Some(kind)) => area(
            &AreaRequest {
                area_kind: kind,
                amount: set_amount(case, StepLevel::from(kind)),
                already_paid: None,
            },
            &at,
        )
        .ok(),
        _ => None,
    };
    match recomputed {
        Some(decision)
            if decision.value.steps == case.steps && decision.value.total == case.total =>
        {
            decision.trace
        }
        _ => {
            let (rule, clause): (&'static str, &Clause) = match case.programme {
                Programme::Ladder => (rules::AWARD_LADDER, &clauses::LADDER),
                Programme::Area => (rules::AWARD_AREA, &clauses::AREA),
                Programme::Operating => (rules::AWARD_OPERATING, &clauses::OPERATING),
                Programme::KeyGroupSettlement => {
                    (rules::AWARD_KEYGROUP, &clauses::KEY_GROUP_FUNDING)
                }
            };
            let mut trace = Trace::new();
            trace.step(
                rule,
                clause,
                format!(
                    "演示数据：本案按演示计划记录，共{}项，合计{}元（依据{}有效的参数计算）",
                    case.steps.len(),
                    case.total,
                    case.reference_date
                ),
                format!(
                    "Demo data: recorded as planned, {} step(s) totalling {} yuan \
                     (computed with the parameters in force on {})",
                    case.steps.len(),
                    case.total,
                    case.reference_date
                ),
            );
            trace
        }
    }
}

/// Last year's evaluation round (R-EVAL) with its scheme, assignments,
/// self-reports, verifications and results.
async fn evaluation_round(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "evaluation round";
    let round = &cx.district.evaluation_round;
    let total = round.entries.len();
    cx.tick(STEP, 0, total);
    let scheme = Scheme::qx_default();
    if round.scheme != scheme.key || round.scheme_version != scheme.version {
        return Err(StoreError::Invalid(format!(
            "the demo round uses scheme {} v{}, the loader knows {} v{}",
            round.scheme, round.scheme_version, scheme.key, scheme.version
        )));
    }
    let version = i32::try_from(scheme.version)
        .map_err(|_| StoreError::Invalid("the scheme version is too large".into()))?;
    let stored_scheme =
        evaluation::add_scheme(w, &scheme.key, version, serde_json::to_value(&scheme)?).await?;
    let stored_round = evaluation::add_round(
        w,
        &evaluation::NewRound {
            name: round.name.clone(),
            scheme_id: stored_scheme.id,
            period_start: round.period_start,
            period_end: round.period_end,
            state: round.state.as_str().to_owned(),
            opened_by: user_of(ids, Some(&round.opened_by))?,
            published_at: Some(on_day(round.published_on)),
        },
    )
    .await?;
    let evaluator_org = id_of(&ids.organisations, "organisation", &round.evaluator)?;
    // R-EVAL: the parameters in force at the end of the evaluation period.
    let params = cx.params.at(round.period_end);

    for (index, entry) in round.entries.iter().enumerate() {
        cx.tick(STEP, index, total);
        let carrier = cx.district.carrier(&entry.carrier).ok_or_else(|| {
            StoreError::Invalid(format!(
                "the demo round evaluates carrier {}, which the plan does not define",
                entry.carrier
            ))
        })?;
        let evaluator = user_of(ids, Some(&entry.verified_by))?;
        let assignment = evaluation::add_assignment(
            w,
            stored_round.id,
            id_of(&ids.carriers, "carrier", &entry.carrier)?,
            Some(evaluator_org),
            evaluator,
        )
        .await?;
        // The operator's self-report, submitted by the demo operator account when
        // it is that carrier's operator.
        let operator_user = cx
            .district
            .users
            .iter()
            .find(|a| {
                a.role == Role::Operator && a.scope == Scope::Organisation(carrier.operator.clone())
            })
            .and_then(|a| ids.users.get(&a.username).copied());
        evaluation::record_self_report(
            w,
            assignment.id,
            &serde_json::to_value(&entry.self_reported)?,
            operator_user,
            on_day(entry.self_reported_on),
        )
        .await?;
        // Clause 二十六: third-party verification — the verified value counts.
        evaluation::record_verification(
            w,
            assignment.id,
            &serde_json::to_value(&entry.verified)?,
            evaluator,
            on_day(entry.verified_on),
            Some(entry.verified_on),
        )
        .await?;
        evaluation::add_result(
            w,
            &evaluation::NewResult {
                assignment_id: assignment.id,
                score: entry.score,
                grade: entry.grade,
                coefficient: entry.coefficient,
                violations: int("violations", entry.verified.violations)?,
                false_reporting: entry.verified.false_reporting,
                items: serde_json::to_value(&entry.items)?,
                flags: flags(entry),
                trace: evaluation_trace(&scheme, entry, &params),
            },
        )
        .await?;
    }
    cx.tick(STEP, total, total);
    Ok(())
}

/// R-EVAL: the indicators whose self-report differs from the verification by more
/// than `eval_flag_tolerance`, with both values.
fn flags(entry: &EvaluationEntry) -> Value {
    Value::Array(
        entry
            .flagged
            .iter()
            .map(|key| {
                json!({
                    "key": key,
                    "self_reported": entry.self_reported.values.get(key),
                    "verified": entry.verified.values.get(key),
                })
            })
            .collect(),
    )
}

/// The result's trace: fuhua-evaluation run again on the verified values; when that
/// does not give the plan's score, a step saying what was recorded.
fn evaluation_trace(
    scheme: &Scheme,
    entry: &EvaluationEntry,
    params: &fuhua_core::Params,
) -> Trace {
    match evaluate(scheme, &entry.verified, params) {
        Ok(decision)
            if decision.value.score == entry.score
                && decision.value.grade == entry.grade
                && decision.value.coefficient == entry.coefficient
                && decision.value.items == entry.items =>
        {
            decision.trace
        }
        _ => {
            let mut trace = Trace::new();
            trace.step(
                rules::EVAL,
                &clauses::THIRD_PARTY,
                format!(
                    "演示数据：按演示计划记录得分{}，等级{}，系数{}",
                    entry.score,
                    entry.grade.as_str(),
                    entry.coefficient
                ),
                format!(
                    "Demo data: recorded as planned, score {}, grade {}, coefficient {}",
                    entry.score,
                    entry.grade.as_str(),
                    entry.coefficient
                ),
            );
            trace
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    use fuhua_core::Money;
    use fuhua_store::testing::TestDb;

    use super::*;
    use crate::accounts::{UserRequest, add_user};

    /// Every table the loader writes (each insert has its audit row).
    const WRITTEN: [&str; 23] = [
        "jurisdictions",
        "organisations",
        "carriers",
        "operator_contracts",
        "accreditation_records",
        "people",
        "entities",
        "stays",
        "users",
        "user_roles",
        "monthly_reports",
        "fund_sources",
        "appropriations",
        "evaluation_schemes",
        "award_cases",
        "award_steps",
        "budget_reservations",
        "award_payments",
        "evaluation_rounds",
        "evaluation_assignments",
        "evaluation_self_reports",
        "evaluation_verifications",
        "evaluation_results",
    ];

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    fn quiet(_: &str, _: u64, _: u64) {}

    async fn written_rows(store: &Store) -> i64 {
        let mut sum = 0;
        for table in WRITTEN {
            sum += repo::count(store, table).await.unwrap();
        }
        sum
    }

    fn approved_or_paid(case: &AwardCase) -> bool {
        matches!(case.state, AwardCaseState::Approved | AwardCaseState::Paid)
    }

    #[tokio::test]
    async fn loads_the_plan_once_then_reports_it_already_loaded() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let plan = plan(today());
        let steps = RefCell::new(Vec::<String>::new());
        let record = |step: &str, _done: u64, _total: u64| {
            let mut steps = steps.borrow_mut();
            if steps.last().map(String::as_str) != Some(step) {
                steps.push(step.to_owned());
            }
        };

        let started = std::time::Instant::now();
        let outcome = load(store, &Actor::cli(), today(), &record).await.unwrap();
        println!("demo load took {:?}", started.elapsed());
        let LoadOutcome::Loaded { counts } = outcome else {
            panic!("expected a load, got {outcome:?}");
        };
        let counts: BTreeMap<&str, i64> = counts.into_iter().collect();
        let size = |n: usize| i64::try_from(n).unwrap();
        assert_eq!(counts.len(), COUNTED.len());
        assert_eq!(counts["entities"], 300);
        assert!(counts["carriers"] >= 12);
        assert_eq!(counts["jurisdictions"], size(plan.jurisdictions.len()));
        assert_eq!(counts["organisations"], size(plan.organisations.len()));
        assert_eq!(counts["carriers"], size(plan.carriers.len()));
        let records: usize = plan.carriers.iter().map(|c| c.accreditations.len()).sum();
        assert_eq!(counts["accreditation_records"], size(records));
        assert_eq!(counts["people"], size(plan.entities.len()));
        assert_eq!(counts["stays"], size(plan.stays.len()));
        assert_eq!(counts["monthly_reports"], size(plan.monthly_reports.len()));
        assert_eq!(counts["fund_sources"], size(plan.fund_sources.len()));
        assert_eq!(counts["appropriations"], size(plan.appropriations.len()));
        assert_eq!(counts["award_cases"], size(plan.award_cases.len()));
        let paid_steps: usize = plan
            .award_cases
            .iter()
            .filter(|c| c.state == AwardCaseState::Paid)
            .map(|c| c.steps.len())
            .sum();
        assert!(paid_steps > 0);
        assert_eq!(counts["award_payments"], size(paid_steps));
        assert_eq!(
            counts["evaluation_results"],
            size(plan.evaluation_round.entries.len())
        );
        assert_eq!(counts["users"], size(plan.users.len()));
        let reserved = plan
            .award_cases
            .iter()
            .filter(|c| approved_or_paid(c))
            .count();
        assert_eq!(
            repo::count(store, "budget_reservations").await.unwrap(),
            size(reserved)
        );

        // SPEC §6: one audit row per insert, the chain intact.
        let verification = store.verify_audit().await.unwrap();
        assert!(verification.is_intact(), "{verification:?}");
        let inserts = written_rows(store).await;
        assert_eq!(i64::try_from(verification.rows).unwrap(), inserts);
        assert_eq!(counts["audit_log"], inserts);

        // Progress named every step, in order.
        let steps = steps.into_inner();
        for step in [
            "jurisdictions",
            "carriers",
            "founders and entities",
            "stays",
            "users",
            "monthly reports",
            "award cases",
            "evaluation round",
            "done",
        ] {
            assert!(steps.iter().any(|s| s == step), "{step} in {steps:?}");
        }

        // A second load writes nothing.
        let again = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
        assert_eq!(again, LoadOutcome::AlreadyLoaded);
        let after = store.verify_audit().await.unwrap();
        assert_eq!(after.head_seq, verification.head_seq);
        assert_eq!(after.rows, verification.rows);

        // The paid municipal step of 青岛西海岸青年创新创业孵化基地 (R-AWARD-LADDER input).
        let youth = plan.carrier("QXZT002").unwrap();
        let carrier = carriers::find_carrier_by_name(store, &youth.name)
            .await
            .unwrap()
            .unwrap();
        let paid = awards::paid_steps_for_carrier(store, carrier.id)
            .await
            .unwrap();
        assert_eq!(paid, vec![("municipal".to_owned(), Money::yuan(4_500_000))]);
        let cases = awards::list_award_cases_for_carrier(store, carrier.id)
            .await
            .unwrap();
        assert!(cases.iter().all(|c| !c.decision.is_empty()));
        assert!(
            cases
                .iter()
                .flat_map(|c| &c.steps)
                .all(|s| s.step_key.starts_with(&format!("ladder:{}:", carrier.id)))
        );

        // The entrepreneur is the founder of their entity, with the resident ID sealed.
        let user = people::find_user(store, "entrepreneur")
            .await
            .unwrap()
            .unwrap();
        let person_id = user.person_id.unwrap();
        let account = plan
            .users
            .iter()
            .find(|a| a.username == "entrepreneur")
            .unwrap();
        let entity = plan.entity(account.scope.code()).unwrap();
        let person = people::find_person(store, person_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(person.name, entity.founder.name);
        let founded = tenants::entities_of_founder(store, person_id)
            .await
            .unwrap();
        assert_eq!(founded.len(), 1);
        assert_eq!(founded[0].credit_code, entity.credit_code);
        assert_eq!(
            people::reveal_resident_id(store, person_id)
                .await
                .unwrap()
                .as_str(),
            entity.founder.resident_id
        );
        assert_eq!(user.roles[0].role, "entrepreneur");
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn a_database_with_other_data_is_refused_untouched() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let w = store.write(&Actor::cli()).await.unwrap();
        reference::add_jurisdiction(
            &w,
            &reference::NewJurisdiction {
                code: "370202".into(),
                name: "市南区".into(),
                kind: reference::JurisdictionKind::District,
                parent_id: None,
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let before = store.verify_audit().await.unwrap();

        match load(store, &Actor::cli(), today(), &quiet).await {
            Err(StoreError::Invalid(message)) => assert_eq!(message, NOT_EMPTY),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let after = store.verify_audit().await.unwrap();
        assert_eq!(after.head_seq, before.head_seq);
        assert_eq!(repo::count(store, "carriers").await.unwrap(), 0);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn an_account_other_than_an_administrator_is_refused() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let request = UserRequest {
            username: "someone".into(),
            display_name: "某创业者".into(),
            email: None,
            password: "a long enough password".into(),
            role: "entrepreneur".into(),
            scope: None,
        };
        add_user(store, &Actor::cli(), &request).await.unwrap();
        match load(store, &Actor::cli(), today(), &quiet).await {
            Err(StoreError::Invalid(message)) => assert_eq!(message, NOT_EMPTY),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(repo::count(store, "jurisdictions").await.unwrap(), 0);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn a_first_administrator_does_not_block_the_demo() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        // The demo's own admin account has this name: the existing one is kept.
        let request = UserRequest {
            username: "admin".into(),
            display_name: "管理员".into(),
            email: None,
            password: "the first admin's password".into(),
            role: "admin".into(),
            scope: None,
        };
        let admin = add_user(store, &Actor::cli(), &request).await.unwrap();
        let outcome = load(store, &Actor::user("admin"), today(), &quiet)
            .await
            .unwrap();
        assert!(matches!(outcome, LoadOutcome::Loaded { .. }), "{outcome:?}");
        let plan = plan(today());
        assert_eq!(
            repo::count(store, "users").await.unwrap(),
            i64::try_from(plan.users.len()).unwrap()
        );
        let kept = people::find_user(store, "admin").await.unwrap().unwrap();
        assert_eq!(kept.id, admin.id);
        let verification = store.verify_audit().await.unwrap();
        assert!(verification.is_intact(), "{verification:?}");
        assert_eq!(
            i64::try_from(verification.rows).unwrap(),
            written_rows(store).await
        );
        let again = load(store, &Actor::cli(), today(), &quiet).await.unwrap();
        assert_eq!(again, LoadOutcome::AlreadyLoaded);
        db.drop_db().await.unwrap();
    }

    #[test]
    fn every_reserved_case_finds_an_appropriation_whatever_the_day() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        for months in 0..36 {
            let today = start
                .checked_add_months(chrono::Months::new(months))
                .unwrap();
            let plan = plan(today);
            for case in plan.award_cases.iter().filter(|c| approved_or_paid(c)) {
                let year = case.approved_on.unwrap().year();
                let code = case.funding_source.as_str();
                assert!(
                    plan.appropriations
                        .iter()
                        .any(|a| a.fund_source == code && a.year == year),
                    "{today}: {} approved in {year}",
                    case.number
                );
            }
        }
    }

    #[test]
    fn recomputed_award_traces_match_the_plan() {
        let plan = plan(today());
        let params = ParameterSet::defaults();
        for case in &plan.award_cases {
            let trace = serde_json::to_string(&award_trace(&plan, case, &params)).unwrap();
            assert!(
                !trace.contains("Demo data"),
                "{} fell back: {trace}",
                case.number
            );
        }
        for entry in &plan.evaluation_round.entries {
            let trace = evaluation_trace(
                &Scheme::qx_default(),
                entry,
                &params.at(plan.evaluation_round.period_end),
            );
            let trace = serde_json::to_string(&trace).unwrap();
            assert!(
                !trace.contains("Demo data"),
                "{} fell back: {trace}",
                entry.carrier
            );
        }
    }
}
