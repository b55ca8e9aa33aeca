//! Entrepreneurs register themselves (issue 6 point 2).
//!
//! A resident ID already on record is linked to that person — never a duplicate
//! person — but the account stays unlinked (`person_id` `None`) until the link is
//! proven; a new resident ID records a new person, whose link is proven the same way
//! (the code goes to the email just given, which is that person's email on record).
//! Either way the caller gets the same answer, so a resident ID reveals nothing.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{Lang, Problem, ResidentId};
use fuhua_store::StoreError;
use fuhua_store::repo::links::{self, LinkMethod, NewLink};
use fuhua_store::repo::people::{self, NewPerson, NewUser, RoleGrant};
use serde_json::json;

use super::{hashing, link, rules};
use crate::actor::Role;
use crate::error::{ServiceError, ServiceResult};
use crate::system::System;

/// What the registration form sends. `Debug` hides the resident ID, the phone and
/// the password.
#[derive(Clone, Default)]
pub struct Registration {
    pub name: String,
    /// GB 11643 resident ID as typed (full-width digits and a lowercase x are fine).
    pub resident_id: String,
    pub phone: String,
    pub email: String,
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("name", &self.name)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The account just registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub user_id: i64,
    pub username: String,
}

/// The checked fields of a registration.
struct Checked {
    name: String,
    resident_id: ResidentId,
    phone: String,
    email: String,
    username: String,
}

/// Today in Asia/Shanghai at `now` (birth dates may not be later).
fn shanghai_day(now: DateTime<Utc>) -> chrono::NaiveDate {
    FixedOffset::east_opt(8 * 3600).map_or_else(
        || now.date_naive(),
        |offset| now.with_timezone(&offset).date_naive(),
    )
}

fn check(form: &Registration, now: DateTime<Utc>) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let name = rules::parse_name("name", &form.name).map_err(|p| problems.push(p));
    let resident_id = if form.resident_id.trim().is_empty() {
        problems.push(rules::required(
            "resident_id",
            "身份证号",
            "resident ID number",
        ));
        None
    } else {
        match ResidentId::parse_as_of(&form.resident_id, shanghai_day(now)) {
            Ok(id) => Some(id),
            Err(e) => {
                let text = e.text();
                problems.push(Problem::new(
                    "resident_id",
                    e.code(),
                    format!("身份证号{}", text.zh),
                    format!("Resident ID: {}", text.en),
                ));
                None
            }
        }
    };
    let phone = rules::parse_phone("phone", &form.phone).map_err(|p| problems.push(p));
    let email = rules::parse_email("email", &form.email).map_err(|p| problems.push(p));
    let username = rules::normalise_username(&form.username);
    problems.extend(rules::username_problems("username", &username));
    problems.extend(rules::password_problems(
        "password",
        &username,
        &form.password,
    ));
    match (name, resident_id, phone, email) {
        (Ok(name), Some(resident_id), Ok(phone), Ok(email)) if problems.is_empty() => Ok(Checked {
            name,
            resident_id,
            phone,
            email,
            username,
        }),
        _ => Err(problems),
    }
}

fn username_taken() -> ServiceError {
    ServiceError::invalid(Problem::new(
        "username",
        "taken",
        "该用户名已被使用，请换一个",
        "This username is taken; choose another",
    ))
}

/// Registers an entrepreneur account (role `entrepreneur`, no scope) and starts
/// proving its link to the person of the resident ID: a code mailed (template
/// `account_link_code`, in `lang`) to the email on record, or a wait for the operator.
/// Audited as `register` on `users` with the resident ID's keyed hash.
///
/// Errors: `Invalid` naming each bad field (`name`, `resident_id`, `phone`, `email`,
/// `username` — also "taken" —, `password`). Nothing else tells whether the person
/// was on record.
pub async fn register_entrepreneur(
    system: &System,
    form: &Registration,
    lang: Lang,
    now: DateTime<Utc>,
) -> ServiceResult<Registered> {
    let checked = check(form, now).map_err(ServiceError::Invalid)?;
    let store = system.store();
    if people::find_user(store, &checked.username).await?.is_some() {
        return Err(username_taken());
    }
    let password_hash = hashing::hash(&form.password).await?;
    let existing = people::find_person_by_resident_id(store, &checked.resident_id).await?;
    let phone_matches = match &existing {
        Some(person) => links::phone_matches(store, person.id, &checked.phone).await?,
        None => false,
    };

    let w = store
        .write(&fuhua_store::Actor::user(&checked.username))
        .await?;
    let (person_id, created_person) = match existing {
        Some(person) => (person.id, false),
        None => {
            let person = people::add_person(
                &w,
                &NewPerson {
                    name: checked.name.clone(),
                    resident_id: checked.resident_id.clone(),
                    phone: Some(checked.phone.clone()),
                    founder_group: FounderGroup::Other,
                    graduated_on: None,
                    unemployed_on: None,
                },
            )
            .await
            .map_err(|e| match e {
                // Someone registered the same new resident ID at the same moment.
                StoreError::Duplicate { .. } => ServiceError::conflict(
                    "注册未完成，请再提交一次。",
                    "The registration did not go through; please submit it again.",
                ),
                other => ServiceError::from(other),
            })?;
            (person.id, true)
        }
    };
    let user = people::add_user(
        &w,
        &NewUser {
            username: checked.username.clone(),
            display_name: checked.name.clone(),
            email: Some(checked.email.clone()),
            password_hash,
            person_id: None,
            organisation_id: None,
            roles: vec![RoleGrant {
                role: Role::Entrepreneur.as_str().to_owned(),
                jurisdiction_id: None,
                organisation_id: None,
            }],
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate { .. } => username_taken(),
        other => ServiceError::from(other),
    })?;
    let pending = links::add_link(
        &w,
        &NewLink {
            user_id: user.id,
            person_id,
            method: LinkMethod::EmailCode,
            created_person,
            phone_matches,
        },
        now,
    )
    .await?;
    let resident_id_hash = w
        .crypto()
        .keyed_hash(people::RESIDENT_ID, checked.resident_id.as_str());
    w.audit_change(
        "register",
        "users",
        user.id,
        None,
        Some(&json!({
            "resident_id_hash": resident_id_hash,
            "person_id": person_id,
            "person_created": created_person,
        })),
    )
    .await?;
    let registrant = link::Registrant {
        display_name: &checked.name,
        email: Some(&checked.email),
    };
    link::send(&w, store, &pending, &registrant, lang, now).await?;
    w.commit().await?;
    Ok(Registered {
        user_id: user.id,
        username: user.username,
    })
}
