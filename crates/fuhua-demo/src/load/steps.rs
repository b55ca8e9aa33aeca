//! The second step of [`super::load`], in order: the rent-relief cases
//! ([`super::cases`]), the fund sources and appropriations ([`super::funds`]), the
//! award history ([`super::awards::write_awards`]), the monthly reports
//! ([`super::reports`]) and the settled quarters ([`super::settle`]). Each part
//! skips what is on record already, so a load cut short is finished by the next
//! one; a database where a claim has been paid holds the whole demo.

use std::collections::HashMap;

use fuhua_service::accounts::actor_by_username;
use fuhua_service::actor::Actor as User;
use fuhua_service::claims::ClaimState;
use fuhua_service::{ServiceError, System};
use fuhua_store::repo::claims::{ClaimFilter, count_claims};
use fuhua_store::{Actor, Store, StoreError};

use super::{awards, cases, funds, keys, reports, settle};
use crate::DemoError;
use crate::model::DemoDistrict;

/// Whether the second step is done: the rent-relief cases are made and a claim is
/// paid (the settlement is the last part, and a payment is never undone — SPEC §4
/// "a claim is paid once, ever"). Both facts stay true whatever people do in the
/// demo afterwards, so a later load never adds to it.
pub(super) async fn complete(store: &Store) -> Result<bool, StoreError> {
    if !cases::made(store).await? {
        return Ok(false);
    }
    let paid = ClaimFilter {
        state: Some(ClaimState::Paid),
        ..ClaimFilter::default()
    };
    Ok(count_claims(store, &paid).await? > 0)
}

/// Makes what the district's people do, as planned in `district` (the award
/// history is written as `actor`, like the district).
pub(super) async fn make(
    store: &Store,
    actor: &Actor,
    district: &DemoDistrict,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<(), DemoError> {
    let system = Seeding::new(store);
    if !cases::made(store).await? {
        cases::make(store, district, progress).await?;
    }
    let mut users = Users::new(&system);
    funds::make(&system, &mut users, district, progress).await?;
    awards::write_awards(store, actor, district, progress).await?;
    let ids = keys::resolve(store, district).await?;
    reports::make(&system, &mut users, district, &ids, progress).await?;
    settle::make(&system, &mut users, district, progress).await
}

/// The use cases ([`System`]) and the store under them, as the demo's loading holds
/// them: it seeds the store, makes its cases through the use cases and reads back
/// what they made. Outside the demo, nothing reaches the store through a `System`.
pub(super) struct Seeding {
    system: System,
    store: Store,
}

impl Seeding {
    pub(super) fn new(store: &Store) -> Seeding {
        Seeding {
            system: System::from_store(store.clone()),
            store: store.clone(),
        }
    }

    /// The store, for reading back what the use cases made.
    pub(super) fn store(&self) -> &Store {
        &self.store
    }
}

impl std::ops::Deref for Seeding {
    type Target = System;

    fn deref(&self) -> &System {
        &self.system
    }
}

/// The demo's users as the use cases know them, read once each.
pub(super) struct Users<'a> {
    system: &'a Seeding,
    known: HashMap<String, User>,
}

impl<'a> Users<'a> {
    pub(super) fn new(system: &'a Seeding) -> Users<'a> {
        Users {
            system,
            known: HashMap::new(),
        }
    }

    /// The acting user behind the account `username`.
    pub(super) async fn get(&mut self, username: &str) -> Result<User, DemoError> {
        if let Some(user) = self.known.get(username) {
            return Ok(user.clone());
        }
        let user = actor_by_username(self.system.store(), username)
            .await?
            .ok_or_else(|| DemoError::Missing {
                what: format!("the account {username}"),
            })?;
        self.known.insert(username.to_owned(), user.clone());
        Ok(user)
    }
}

/// Names the failed action for the error.
pub(super) fn failed(step: String) -> impl FnOnce(ServiceError) -> DemoError {
    move |source| DemoError::Cases { step, source }
}
