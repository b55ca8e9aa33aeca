//! The demo's users: one per role (SPEC §1) plus two more officials, so that award
//! cases can pass maker–checker (SPEC §4: "official A reviews, official B ≠ A
//! approves") and a street official sees only 辛安街道's carriers.
//!
//! The passwords are fixed and readable on purpose: `fuhua demo` prints them and the
//! README lists them. They exist only in demo databases. The founders' accounts of
//! the rent-relief cases ([`FounderAccount`]) are no README users and have no known
//! password.

use serde::Serialize;

use super::ids;
use super::places;
use super::tenants::ENTREPRENEUR_ENTITY_BODY;

/// The roles of SPEC §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Entrepreneur,
    Operator,
    Official,
    Finance,
    Evaluator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Entrepreneur,
        Role::Operator,
        Role::Official,
        Role::Finance,
        Role::Evaluator,
        Role::Admin,
    ];

    /// The wire name: "entrepreneur", "operator", "official", "finance", "evaluator",
    /// "admin".
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Entrepreneur => "entrepreneur",
            Role::Operator => "operator",
            Role::Official => "official",
            Role::Finance => "finance",
            Role::Evaluator => "evaluator",
            Role::Admin => "admin",
        }
    }
}

/// What a user may see (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "code", rename_all = "snake_case")]
pub enum Scope {
    /// Officials, finance and admin: a jurisdiction code; "370211" is the whole
    /// district, "370211002" one street.
    Jurisdiction(String),
    /// Operators and evaluators: an organisation's credit code.
    Organisation(String),
    /// Entrepreneurs: the credit code of the entity whose principal founder the user
    /// is (the founder is that entity's `founder`).
    Entity(String),
}

impl Scope {
    /// The code the scope names, whatever its kind.
    pub fn code(&self) -> &str {
        match self {
            Scope::Jurisdiction(code) | Scope::Organisation(code) | Scope::Entity(code) => code,
        }
    }
}

/// A demo login. Natural key: `username`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub scope: Scope,
    /// The demo password in clear, to be hashed (argon2) when stored.
    pub password: String,
}

fn account(
    username: &str,
    display_name: &str,
    role: Role,
    scope: Scope,
    password: &str,
) -> DemoAccount {
    DemoAccount {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        email: format!("{username}@example.org"),
        role,
        scope,
        password: password.to_owned(),
    }
}

/// The demo's users, the same whatever the day: one per role, plus official B and
/// the 辛安街道 official.
pub fn demo_accounts() -> Vec<DemoAccount> {
    let district = || Scope::Jurisdiction(places::DISTRICT.to_owned());
    let entity = ids::credit_code("91", ENTREPRENEUR_ENTITY_BODY).unwrap_or_default();
    vec![
        account(
            ENTREPRENEUR,
            "陈晓雨（青岛启明星电子商务有限公司）",
            Role::Entrepreneur,
            Scope::Entity(entity),
            "demo-entrepreneur-2026",
        ),
        account(
            OPERATOR,
            "刘洋（青岛启航创业服务有限公司）",
            Role::Operator,
            Scope::Organisation(places::QIHANG.code()),
            "demo-operator-2026",
        ),
        account(
            OFFICIAL_A,
            "王建国（区人社局创业服务科）",
            Role::Official,
            district(),
            "demo-official-a-2026",
        ),
        account(
            "official.b",
            "李秀兰（区人社局创业服务科）",
            Role::Official,
            district(),
            "demo-official-b-2026",
        ),
        account(
            "official.xinan",
            "张丽（辛安街道劳动保障服务中心）",
            Role::Official,
            Scope::Jurisdiction(places::XINAN.to_owned()),
            "demo-official-xinan-2026",
        ),
        account(
            "finance",
            "孙丽娟（区财政局社会保障科）",
            Role::Finance,
            district(),
            "demo-finance-2026",
        ),
        account(
            "evaluator",
            "周明（青岛正衡绩效评估咨询有限公司）",
            Role::Evaluator,
            Scope::Organisation(places::ZHENGHENG.code()),
            "demo-evaluator-2026",
        ),
        account(
            "admin",
            "系统管理员",
            Role::Admin,
            district(),
            "demo-admin-2026",
        ),
    ]
}

/// An account the rent-relief cases need for a founder who is not a README user:
/// an entrepreneur linked to the founder's person (SPEC §1), so that the founder's
/// application goes through `relief::apply` like anyone's. Not listed in README, and
/// given a random password at load time that nobody is told. Natural key: `username`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FounderAccount {
    /// "founder.0042": the founder's entity's place in the plan's entity list.
    pub username: String,
    /// "姓名（企业名称）", like the demo entrepreneur's.
    pub display_name: String,
    pub email: String,
    /// The credit code of the entity whose principal founder the account stands for.
    pub entity: String,
}

impl FounderAccount {
    /// The account of the founder of the plan's entity number `index`.
    pub fn new(index: usize, founder: &str, entity_name: &str, entity: &str) -> FounderAccount {
        let username = format!("founder.{index:04}");
        FounderAccount {
            email: format!("{username}@example.org"),
            display_name: format!("{founder}（{entity_name}）"),
            entity: entity.to_owned(),
            username,
        }
    }
}

/// An account for the staff of an operating organisation other than the README
/// operator's: the operator who files its carriers' monthly reports through
/// `reports::file` (SPEC §1: an operator acts for its own organisation only). Not
/// listed in README, and given a random password at load time that nobody is
/// told. Natural key: `username`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorAccount {
    /// "operator.03": the organisation's place in the plan's organisation list.
    pub username: String,
    /// "运营专员（组织名称）".
    pub display_name: String,
    pub email: String,
    /// The credit code of the organisation the account works for.
    pub organisation: String,
}

impl OperatorAccount {
    /// The account of the staff of the plan's organisation number `index`.
    pub fn new(index: usize, organisation_name: &str, organisation: &str) -> OperatorAccount {
        let username = format!("operator.{index:02}");
        OperatorAccount {
            email: format!("{username}@example.org"),
            display_name: format!("运营专员（{organisation_name}）"),
            organisation: organisation.to_owned(),
            username,
        }
    }
}

/// Usernames the other modules record as actors.
pub const ENTREPRENEUR: &str = "entrepreneur";
pub const OPERATOR: &str = "operator";
pub const OFFICIAL_A: &str = "official.a";
pub const OFFICIAL_B: &str = "official.b";
pub const OFFICIAL_XINAN: &str = "official.xinan";
pub const FINANCE: &str = "finance";
pub const EVALUATOR: &str = "evaluator";
