//! People (founders, contacts), users and their roles. Resident IDs and phone
//! numbers are stored sealed with their keyed hash; audit rows carry the hash only.

use chrono::{Datelike, NaiveDate};
use fuhua_core::ResidentId;
use fuhua_core::vocab::FounderGroup;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{by_id, first, insert, now, parse_code};
use crate::entities::{person, user, user_role};
use crate::error::StoreError;
use crate::{Store, Write};

/// Purposes bound to sealed values and keyed hashes.
pub const RESIDENT_ID: &str = "resident_id";
pub const PHONE: &str = "phone";

/// A person to record. `Debug` masks the resident ID and leaves out the phone.
#[derive(Clone)]
pub struct NewPerson {
    pub name: String,
    pub resident_id: ResidentId,
    pub phone: Option<String>,
    pub founder_group: FounderGroup,
    pub graduated_on: Option<NaiveDate>,
    pub unemployed_on: Option<NaiveDate>,
}

impl std::fmt::Debug for NewPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPerson")
            .field("name", &self.name)
            .field("resident_id", &self.resident_id)
            .field("phone", &self.phone.as_ref().map(|_| "<redacted>"))
            .field("founder_group", &self.founder_group)
            .field("graduated_on", &self.graduated_on)
            .field("unemployed_on", &self.unemployed_on)
            .finish()
    }
}

/// A stored person, as most screens see them: the resident ID masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub resident_id_masked: String,
    pub birth_year: i32,
    pub founder_group: FounderGroup,
    pub graduated_on: Option<NaiveDate>,
    pub unemployed_on: Option<NaiveDate>,
    pub has_phone: bool,
}

pub(crate) fn person_of(m: person::Model) -> Result<Person, StoreError> {
    Ok(Person {
        id: m.id,
        name: m.name,
        resident_id_masked: m.resident_id_masked,
        birth_year: m.birth_year,
        founder_group: parse_code("founder_group", &m.founder_group)?,
        graduated_on: m.graduated_on,
        unemployed_on: m.unemployed_on,
        has_phone: m.phone_enc.is_some(),
    })
}

/// Digits only, so that "138 0000 0000" and "13800000000" are the same phone.
pub fn normalise_phone(phone: &str) -> String {
    fuhua_core::ids::normalise(phone)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// Records a person. A resident ID already on record is refused as a duplicate.
pub async fn add_person(w: &Write, new: &NewPerson) -> Result<Person, StoreError> {
    let crypto = w.crypto();
    let id = new.resident_id.as_str();
    let resident_id_hash = crypto.keyed_hash(RESIDENT_ID, id);
    let phone = new
        .phone
        .as_deref()
        .map(normalise_phone)
        .filter(|p| !p.is_empty());
    let phone_hash = phone.as_deref().map(|p| crypto.keyed_hash(PHONE, p));
    let at = now();
    let row = person::ActiveModel {
        name: Set(new.name.clone()),
        resident_id_enc: Set(crypto.seal(RESIDENT_ID, id)?),
        resident_id_hash: Set(resident_id_hash.clone()),
        resident_id_masked: Set(new.resident_id.masked()),
        birth_year: Set(new.resident_id.birth_date().year()),
        phone_enc: Set(phone
            .as_deref()
            .map(|p| crypto.seal(PHONE, p))
            .transpose()?),
        phone_hash: Set(phone_hash.clone()),
        founder_group: Set(new.founder_group.as_str().to_owned()),
        graduated_on: Set(new.graduated_on),
        unemployed_on: Set(new.unemployed_on),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    let audit = json!({
        "name": new.name,
        "resident_id_hash": resident_id_hash,
        "phone_hash": phone_hash,
        "founder_group": new.founder_group,
        "graduated_on": new.graduated_on,
        "unemployed_on": new.unemployed_on,
    });
    person_of(insert(w, "people", row, |m| m.id, audit).await?)
}

/// Finds a person by resident ID (through its keyed hash).
pub async fn find_person_by_resident_id(
    store: &Store,
    resident_id: &ResidentId,
) -> Result<Option<Person>, StoreError> {
    let hash = store.crypto().keyed_hash(RESIDENT_ID, resident_id.as_str());
    first(
        store,
        person::Entity::find().filter(person::Column::ResidentIdHash.eq(hash)),
        person_of,
    )
    .await
}

pub async fn find_person(store: &Store, id: i64) -> Result<Option<Person>, StoreError> {
    by_id::<person::Entity, _>(store, id, person_of).await
}

/// The full resident ID, for the person themself and the deciding official only
/// (SPEC §2). The caller checks who is asking.
pub async fn reveal_resident_id(store: &Store, person_id: i64) -> Result<ResidentId, StoreError> {
    let row = person::Entity::find_by_id(person_id)
        .one(store.db())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "people",
            id: person_id.to_string(),
        })?;
    let clear = store.crypto().open(RESIDENT_ID, &row.resident_id_enc)?;
    // Stored values were checked when recorded; birth dates cannot be in the future.
    ResidentId::parse_as_of(&clear, NaiveDate::MAX).map_err(|_| StoreError::Decrypt)
}

/// The full phone number of a person (for the people allowed to contact them).
pub async fn reveal_phone(store: &Store, person_id: i64) -> Result<Option<String>, StoreError> {
    let row = person::Entity::find_by_id(person_id)
        .one(store.db())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "people",
            id: person_id.to_string(),
        })?;
    row.phone_enc
        .as_deref()
        .map(|sealed| store.crypto().open(PHONE, sealed))
        .transpose()
}

/// The roles of SPEC §1.
pub const ROLES: [&str; 6] = [
    "entrepreneur",
    "operator",
    "official",
    "finance",
    "evaluator",
    "admin",
];

/// A role with its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// One of [`ROLES`].
    pub role: String,
    /// Officials: their jurisdiction (the district or one street/town).
    pub jurisdiction_id: Option<i64>,
    /// Operators and evaluators: their organisation.
    pub organisation_id: Option<i64>,
}

impl RoleGrant {
    fn scope_key(&self) -> String {
        match (self.jurisdiction_id, self.organisation_id) {
            (Some(j), _) => format!("j:{j}"),
            (None, Some(o)) => format!("o:{o}"),
            (None, None) => "-".to_owned(),
        }
    }
}

/// An account to create. The password is already hashed (`password::hash_password`);
/// `Debug` leaves the hash out.
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub person_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub roles: Vec<RoleGrant>,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("email", &self.email)
            .field("password_hash", &"<redacted>")
            .field("person_id", &self.person_id)
            .field("organisation_id", &self.organisation_id)
            .field("roles", &self.roles)
            .finish()
    }
}

/// A stored account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub person_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub active: bool,
    pub roles: Vec<RoleGrant>,
}

/// Usernames: 3–40 characters of lowercase letters, digits, `.`, `-`, `_`.
pub fn check_username(username: &str) -> Result<(), StoreError> {
    let ok = (3..=40).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "a username has 3–40 characters: lowercase letters, digits, “.”, “-” or “_”".into(),
        ))
    }
}

/// Creates an account with its roles. An existing username is a duplicate.
pub async fn add_user(w: &Write, new: &NewUser) -> Result<User, StoreError> {
    check_username(&new.username)?;
    for grant in &new.roles {
        if !ROLES.contains(&grant.role.as_str()) {
            return Err(StoreError::Invalid(format!(
                "unknown role “{}”; roles are {}",
                grant.role,
                ROLES.join(", ")
            )));
        }
    }
    let at = now();
    let row = user::ActiveModel {
        username: Set(new.username.clone()),
        display_name: Set(new.display_name.clone()),
        email: Set(new.email.clone()),
        password_hash: Set(new.password_hash.clone().into()),
        person_id: Set(new.person_id),
        organisation_id: Set(new.organisation_id),
        active: Set(true),
        last_login_at: Set(None),
        created_at: Set(at),
        ..Default::default()
    };
    // The audit row never holds the password hash.
    let audit = json!({
        "username": new.username,
        "display_name": new.display_name,
        "email": new.email,
        "person_id": new.person_id,
        "organisation_id": new.organisation_id,
    });
    let model = insert(w, "users", row, |m| m.id, audit).await?;
    for grant in &new.roles {
        let role = user_role::ActiveModel {
            user_id: Set(model.id),
            role: Set(grant.role.clone()),
            jurisdiction_id: Set(grant.jurisdiction_id),
            organisation_id: Set(grant.organisation_id),
            scope_key: Set(grant.scope_key()),
            created_at: Set(at),
            ..Default::default()
        };
        let audit = json!({
            "user_id": model.id,
            "role": grant.role,
            "jurisdiction_id": grant.jurisdiction_id,
            "organisation_id": grant.organisation_id,
        });
        insert(w, "user_roles", role, |m| m.id, audit).await?;
    }
    Ok(User {
        id: model.id,
        username: model.username,
        display_name: model.display_name,
        email: model.email,
        person_id: model.person_id,
        organisation_id: model.organisation_id,
        active: model.active,
        roles: new.roles.clone(),
    })
}

/// An account by username, with its password hash (for login).
pub async fn find_user_for_login(
    store: &Store,
    username: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let Some(model) = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(store.db())
        .await?
    else {
        return Ok(None);
    };
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(model.id))
        .order_by_asc(user_role::Column::Id)
        .all(store.db())
        .await?
        .into_iter()
        .map(|r| RoleGrant {
            role: r.role,
            jurisdiction_id: r.jurisdiction_id,
            organisation_id: r.organisation_id,
        })
        .collect();
    let hash = model.password_hash.clone().into_exposed();
    Ok(Some((
        User {
            id: model.id,
            username: model.username,
            display_name: model.display_name,
            email: model.email,
            person_id: model.person_id,
            organisation_id: model.organisation_id,
            active: model.active,
            roles,
        },
        hash,
    )))
}

/// Every account with its roles, by username.
pub async fn list_users(store: &Store) -> Result<Vec<User>, StoreError> {
    let models = user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(store.db())
        .await?;
    let mut users = Vec::with_capacity(models.len());
    for model in models {
        if let Some(user) = find_user(store, &model.username).await? {
            users.push(user);
        }
    }
    Ok(users)
}

pub async fn find_user(store: &Store, username: &str) -> Result<Option<User>, StoreError> {
    Ok(find_user_for_login(store, username)
        .await?
        .map(|(user, _)| user))
}

/// The active accounts holding `role` for organisation `organisation_id` (e.g. the
/// operator's staff, who receive its mail), by username.
pub async fn users_with_role_in_organisation(
    store: &Store,
    role: &str,
    organisation_id: i64,
) -> Result<Vec<User>, StoreError> {
    let grants = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(role))
        .filter(user_role::Column::OrganisationId.eq(organisation_id))
        .all(store.db())
        .await?;
    users_by_ids(store, grants.iter().map(|g| g.user_id).collect()).await
}

/// The active accounts that stand for a person, by username.
pub async fn users_of_person(store: &Store, person_id: i64) -> Result<Vec<User>, StoreError> {
    let ids = user::Entity::find()
        .filter(user::Column::PersonId.eq(person_id))
        .all(store.db())
        .await?
        .iter()
        .map(|u| u.id)
        .collect();
    users_by_ids(store, ids).await
}

/// An account by id.
pub async fn find_user_by_id(store: &Store, id: i64) -> Result<Option<User>, StoreError> {
    Ok(users_by_ids(store, vec![id]).await?.into_iter().next())
}

async fn users_by_ids(store: &Store, ids: Vec<i64>) -> Result<Vec<User>, StoreError> {
    let models = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Username)
        .all(store.db())
        .await?;
    let mut users = Vec::with_capacity(models.len());
    for model in models {
        if let Some(user) = find_user(store, &model.username).await? {
            users.push(user);
        }
    }
    Ok(users)
}
