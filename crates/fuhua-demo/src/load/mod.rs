//! Writes the demo district (SPEC §7) into an empty database, in two steps:
//!
//! 1. the pure [`plan`] resolved to database ids and inserted through the
//!    repositories, so that every row has its audit row (SPEC §6), all in ONE write
//!    transaction — an error anywhere leaves nothing behind (SPEC §6 "Nothing lost:
//!    every multi-row change is one transaction"): places, organisations, carriers,
//!    tenants and stays, the accounts and the evaluation round;
//! 2. once that is committed, what people do in the district, made through the use
//!    cases of `fuhua-service` as the users who would do it, each committing its own
//!    change as it would from the portal ([`steps`]): the rent-relief cases, the fund
//!    sources and appropriations (finance), the award history (one transaction of
//!    its own, since it draws on the appropriations), the monthly reports (filed by
//!    the operators, accepted or returned by officials) and the settled quarters
//!    (generated, submitted, approved and paid).
//!
//! Loading is idempotent and never pollutes real data: a database that already
//! holds the whole demo answers [`LoadOutcome::AlreadyLoaded`] without writing, a
//! load cut short in its second step is finished by the next one, and a database
//! holding anything else is refused.

mod awards;
mod cases;
mod district;
mod evaluation;
mod funds;
mod inspect;
mod keys;
mod reports;
mod settle;
mod steps;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::NaiveDate;
use fuhua_core::ParameterSet;
use fuhua_store::repo::people::User;
use fuhua_store::repo::{self, reference};
use fuhua_store::{Actor, Store, StoreError, Write, password};

use super::model::DemoDistrict;
use super::plan;
use crate::DemoError;
use inspect::{Found, inspect, kept_admins};
use keys::Ids;

/// What [`load`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    /// The demo district (or, when a load was cut short, what it had not made yet)
    /// was written; the sizes of the main tables afterwards.
    Loaded { counts: Vec<(&'static str, i64)> },
    /// The database already holds the demo district; nothing was written.
    AlreadyLoaded,
}

/// The tables whose sizes [`LoadOutcome::Loaded`] reports, read back after commit.
const COUNTED: [&str; 20] = [
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
    "relief_applications",
    "extension_requests",
    "ledger_rows",
    "settlement_claims",
    "mail_outbox",
    "audit_log",
];

/// Progress is reported every this many items inside the big loops.
const TICK: usize = 25;

/// Loads the demo district as of `today` into `store`, as `actor` (the district's
/// rows; everything of the second step is done by the user who would do it),
/// reporting progress as (step, done, total).
///
/// Errors: [`DemoError::Store`] when the database holds other data
/// (`StoreError::Invalid`, nothing written) or the district could not be written
/// (nothing written either); [`DemoError::Cases`] or [`DemoError::Missing`] when
/// the district is loaded but what the use cases were to make could not all be
/// made.
pub async fn load(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<LoadOutcome, DemoError> {
    progress("checking the database", 0, 1);
    let admins = match inspect(store).await? {
        Found::Demo => {
            if steps::complete(store).await? {
                return Ok(LoadOutcome::AlreadyLoaded);
            }
            // The district is there, but a load stopped in its second step: finish it.
            progress("planning the district", 0, 1);
            steps::make(store, actor, &plan(today), progress).await?;
            return Ok(LoadOutcome::Loaded {
                counts: counts(store, progress).await?,
            });
        }
        Found::Empty { admins } => admins,
    };
    progress("planning the district", 0, 1);
    let district = plan(today);
    if let Some(outcome) = write_district(store, actor, &district, &admins, progress).await? {
        return Ok(outcome);
    }
    steps::make(store, actor, &district, progress).await?;
    Ok(LoadOutcome::Loaded {
        counts: counts(store, progress).await?,
    })
}

/// The first step: the whole district in one write transaction, into a database
/// that holds nothing but `admins`. Answers `Some(AlreadyLoaded)`, writing nothing,
/// when a concurrent loader got there first.
async fn write_district(
    store: &Store,
    actor: &Actor,
    district: &DemoDistrict,
    admins: &[User],
    progress: &dyn Fn(&str, u64, u64),
) -> Result<Option<LoadOutcome>, DemoError> {
    let kept = kept_admins(district, admins)?;
    let hashes = hash_passwords(district, &kept, progress)?;
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
        Found::Demo => return rolled_back(w, Ok(Some(LoadOutcome::AlreadyLoaded))).await,
        Found::Empty { admins: now } if now != admins => {
            return rolled_back(w, Err(StoreError::Invalid(inspect::NOT_EMPTY.to_owned()))).await;
        }
        Found::Empty { .. } => {}
    }

    let mut ids = Ids {
        users: kept,
        ..Ids::default()
    };
    let context = Context {
        district,
        params: &params,
        hashes: &hashes,
        progress,
    };
    if let Err(e) = fill(&w, &context, &mut ids).await {
        return rolled_back(w, Err(e)).await;
    }
    progress("committing", 0, 1);
    w.commit().await?;
    Ok(None)
}

/// Argon2 hashes (SPEC §6) of the passwords of the accounts to create, by username:
/// the README accounts' own (except administrators kept as they are), a random one
/// for each founder's and operator staff account (never shown, so nobody signs in
/// with them). Hashing
/// is slow on purpose, so it is done before the write begins and the database is
/// not locked meanwhile.
fn hash_passwords(
    district: &DemoDistrict,
    kept: &HashMap<String, i64>,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<HashMap<String, String>, StoreError> {
    let mut to_hash: Vec<(&str, String)> = district
        .users
        .iter()
        .filter(|a| !kept.contains_key(&a.username))
        .map(|a| (a.username.as_str(), a.password.clone()))
        .collect();
    for account in &district.cases.founder_accounts {
        to_hash.push((account.username.as_str(), random_password()));
    }
    for account in &district.cases.operator_accounts {
        to_hash.push((account.username.as_str(), random_password()));
    }
    let mut hashes = HashMap::new();
    let total = to_hash.len() as u64;
    for (index, (username, clear)) in to_hash.into_iter().enumerate() {
        progress("hashing demo passwords", index as u64, total);
        hashes.insert(username.to_owned(), password::hash_password(&clear)?);
    }
    Ok(hashes)
}

/// 24 random bytes as hex: a password nobody knows.
fn random_password() -> String {
    let mut bytes = [0u8; 24];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The sizes of the [`COUNTED`] tables.
async fn counts(
    store: &Store,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<Vec<(&'static str, i64)>, StoreError> {
    let mut counts = Vec::with_capacity(COUNTED.len());
    for (index, table) in COUNTED.iter().enumerate() {
        progress("counting", index as u64, COUNTED.len() as u64);
        counts.push((*table, repo::count(store, table).await?));
    }
    progress("done", 1, 1);
    Ok(counts)
}

/// Rolls the write back, then answers `outcome` (a failed rollback is only logged:
/// the transaction is dropped and rolled back by the database anyway).
async fn rolled_back(
    w: Write,
    outcome: Result<Option<LoadOutcome>, StoreError>,
) -> Result<Option<LoadOutcome>, DemoError> {
    if let Err(e) = w.rollback().await {
        tracing::warn!(error = %e, "demo: rolling back the demo load failed");
    }
    Ok(outcome?)
}

/// What every step of [`fill`] reads.
struct Context<'a> {
    district: &'a DemoDistrict,
    params: &'a ParameterSet,
    /// Argon2 hashes of the passwords of the accounts to create, by username.
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
/// `ids`.
async fn fill(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    district::jurisdictions(w, cx, ids).await?;
    district::organisations(w, cx, ids).await?;
    district::carriers(w, cx, ids).await?;
    district::founders_and_entities(w, cx, ids).await?;
    district::stays(w, cx, ids).await?;
    district::users(w, cx, ids).await?;
    evaluation::evaluation_round(w, cx, ids).await
}
