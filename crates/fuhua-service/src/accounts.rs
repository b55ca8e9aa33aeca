//! Accounts: `fuhua user add` and the users of the demo district.

use fuhua_store::repo::people::{self, NewUser, RoleGrant, User};
use fuhua_store::repo::reference;
use fuhua_store::{Actor, Store, StoreError, password};

/// What `fuhua user add` asks for. `Debug` leaves out the password.
#[derive(Clone)]
pub struct UserRequest {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password: String,
    pub role: String,
    /// A jurisdiction code (officials, finance, admin) or an organisation's credit
    /// code (operators, evaluators); the district when omitted for officials.
    pub scope: Option<String>,
}

impl std::fmt::Debug for UserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRequest")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("role", &self.role)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Creates a user with one role, resolving its scope, in one audited change.
pub async fn add_user(
    system: &crate::System,
    actor: &Actor,
    request: &UserRequest,
) -> Result<User, StoreError> {
    let store = system.store();
    people::check_username(&request.username)?;
    if !people::ROLES.contains(&request.role.as_str()) {
        return Err(StoreError::Invalid(format!(
            "unknown role “{}”; roles are {}",
            request.role,
            people::ROLES.join(", ")
        )));
    }
    if people::find_user(store, &request.username).await?.is_some() {
        return Err(StoreError::Duplicate {
            constraint: format!("username {} is taken", request.username),
        });
    }
    let password_hash = password::hash_password(&request.password)?;
    let mut grant = RoleGrant {
        role: request.role.clone(),
        jurisdiction_id: None,
        organisation_id: None,
    };
    let mut organisation_id = None;
    match (request.role.as_str(), request.scope.as_deref()) {
        ("operator" | "evaluator", Some(code)) => {
            let credit = fuhua_core::CreditCode::parse(code).map_err(|e| {
                StoreError::Invalid(format!("scope {code}: not a credit code ({e})"))
            })?;
            let org = reference::find_organisation_by_credit_code(store, &credit)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(format!("no organisation with credit code {code}"))
                })?;
            grant.organisation_id = Some(org.id);
            organisation_id = Some(org.id);
        }
        ("operator" | "evaluator", None) => {
            return Err(StoreError::Invalid(format!(
                "a {} needs --scope with the credit code of their organisation",
                request.role
            )));
        }
        (_, Some(code)) => {
            let jurisdiction = reference::find_jurisdiction_by_code(store, code)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("no jurisdiction with code {code}")))?;
            grant.jurisdiction_id = Some(jurisdiction.id);
        }
        ("official" | "finance", None) => {
            return Err(StoreError::Invalid(format!(
                "a {} needs --scope with a jurisdiction code (the district's or a street/town's)",
                request.role
            )));
        }
        (_, None) => {}
    }
    let w = store.write(actor).await?;
    let user = people::add_user(
        &w,
        &NewUser {
            username: request.username.clone(),
            display_name: request.display_name.clone(),
            email: request.email.clone(),
            password_hash,
            person_id: None,
            organisation_id,
            roles: vec![grant],
        },
    )
    .await?;
    w.commit().await?;
    Ok(user)
}

/// Whether an account with this username exists.
pub async fn user_exists(system: &crate::System, username: &str) -> Result<bool, StoreError> {
    Ok(people::find_user(system.store(), username).await?.is_some())
}

/// The acting user behind a stored account: its roles and scopes. An unknown role
/// in the database is skipped (and logged), never granted.
pub fn actor_of(user: &User) -> crate::actor::Actor {
    let grants = user
        .roles
        .iter()
        .filter_map(|g| match g.role.parse::<crate::actor::Role>() {
            Ok(role) => Some(crate::actor::Grant {
                role,
                jurisdiction_id: g.jurisdiction_id,
                organisation_id: g.organisation_id,
            }),
            Err(_) => {
                tracing::warn!(
                    user = user.id,
                    "an unknown role is stored for a user; ignored"
                );
                None
            }
        })
        .collect();
    crate::actor::Actor {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        person_id: user.person_id,
        grants,
    }
}

/// The acting user for an active account by username (`--as`, tests).
pub async fn actor_by_username(
    store: &Store,
    username: &str,
) -> Result<Option<crate::actor::Actor>, StoreError> {
    Ok(people::find_user(store, username)
        .await?
        .filter(|u| u.active)
        .map(|u| actor_of(&u)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_request_prints_without_its_password() {
        let request = UserRequest {
            username: "admin".into(),
            display_name: "系统管理员".into(),
            email: None,
            password: "correct horse battery".into(),
            role: "admin".into(),
            scope: None,
        };
        let shown = format!("{request:?}");
        assert!(!shown.contains("correct horse"), "{shown}");
        assert!(shown.contains("admin"), "{shown}");
    }
}
