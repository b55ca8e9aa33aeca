//! Requests to link an account to a person on record, pending until proven by a
//! one-time code (`email_code`, stored as a keyed hash) or an operator (`operator`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub person_id: i64,
    pub method: String,
    pub state: String,
    #[sea_orm(default_value = false)]
    pub created_person: bool,
    #[sea_orm(default_value = false)]
    pub phone_matches: bool,
    pub code_hash: Option<String>,
    pub code_expires_at: Option<DateTimeUtc>,
    #[sea_orm(default_value = 0)]
    pub code_attempts: i32,
    #[sea_orm(default_value = 0)]
    pub codes_sent: i32,
    pub created_at: DateTimeUtc,
    pub proven_at: Option<DateTimeUtc>,
    pub confirmed_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Person,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
