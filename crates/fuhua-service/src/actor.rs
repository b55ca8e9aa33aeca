//! Who acts: a signed-in user with roles and scopes (SPEC §1), or the command line.
//! Every use case takes an [`Actor`] and checks role and scope itself; a record
//! outside the actor's scope answers "not found", never "forbidden", so nobody learns
//! that it exists.

use fuhua_core::vocabulary;

vocabulary! {
    /// The roles of SPEC §1.
    Role {
        Entrepreneur = "entrepreneur", "创业者", "entrepreneur";
        Operator = "operator", "运营机构", "operator";
        Official = "official", "官员", "official";
        Finance = "finance", "财政", "finance";
        Evaluator = "evaluator", "第三方评估机构", "evaluator";
        Admin = "admin", "系统管理员", "administrator";
    }
}

/// One role with its scope: a jurisdiction (officials, finance, admin), an
/// organisation (operators, evaluators), or none (entrepreneurs: their own records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub jurisdiction_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

/// The acting user. Built only from a stored account (a session or `--as`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// The person this account stands for (entrepreneurs), once the link is proven:
    /// until then `None`, so the account sees nothing of that person's records.
    pub person_id: Option<i64>,
    pub grants: Vec<Grant>,
}

impl Actor {
    /// Whether the actor holds `role` at all.
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The grants of one role.
    pub fn grants_of(&self, role: Role) -> impl Iterator<Item = &Grant> {
        self.grants.iter().filter(move |g| g.role == role)
    }

    /// The organisations the actor operates (operator role).
    pub fn operated_organisations(&self) -> Vec<i64> {
        self.grants_of(Role::Operator)
            .filter_map(|g| g.organisation_id)
            .collect()
    }

    /// The jurisdictions of the actor's official grants.
    pub fn official_jurisdictions(&self) -> Vec<i64> {
        self.grants_of(Role::Official)
            .filter_map(|g| g.jurisdiction_id)
            .collect()
    }

    /// The role a dashboard opens with: the first grant's.
    pub fn primary_role(&self) -> Option<Role> {
        self.grants.first().map(|g| g.role)
    }

    /// The name written into audit rows.
    pub fn audit_actor(&self) -> fuhua_store::Actor {
        fuhua_store::Actor::user(&self.username)
    }
}
