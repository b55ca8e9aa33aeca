//! Is the database empty? What the demo finds before it writes anything.

use std::collections::HashMap;

use fuhua_store::repo::people::{self, User};
use fuhua_store::repo::{self, reference};
use fuhua_store::{Store, StoreError};

use crate::accounts::{OFFICIAL_A, Role};
use crate::model::DemoDistrict;
use crate::places;

/// The refusal when the database holds something other than the demo.
pub(crate) const NOT_EMPTY: &str =
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

/// What the database holds, as far as loading the demo is concerned.
pub(super) enum Found {
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
pub(super) async fn inspect(store: &Store) -> Result<Found, StoreError> {
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
/// administrator named like one of the demo's other accounts (a README account, a
/// founder's or an operator's staff) is refused, since the demo needs that account
/// with its own role.
pub(super) fn kept_admins(
    district: &DemoDistrict,
    admins: &[User],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut kept = HashMap::new();
    for admin in admins {
        let role = district
            .users
            .iter()
            .find(|a| a.username == admin.username)
            .map(|a| a.role)
            .or_else(|| {
                district
                    .cases
                    .founder_accounts
                    .iter()
                    .any(|a| a.username == admin.username)
                    .then_some(Role::Entrepreneur)
            })
            .or_else(|| {
                district
                    .cases
                    .operator_accounts
                    .iter()
                    .any(|a| a.username == admin.username)
                    .then_some(Role::Operator)
            });
        let Some(role) = role else {
            continue;
        };
        if role != Role::Admin {
            return Err(StoreError::Invalid(format!(
                "the database already holds a user “{}”, which the demo district needs for its {} \
                 account; load the demo into an empty database, or add your administrator \
                 under another name",
                admin.username,
                role.as_str()
            )));
        }
        kept.insert(admin.username.clone(), admin.id);
    }
    Ok(kept)
}
