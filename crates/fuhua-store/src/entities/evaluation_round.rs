//! Evaluation rounds: one evaluation of carriers over a period under a scheme.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub scheme_id: i64,
    pub period_start: Date,
    pub period_end: Date,
    pub state: String,
    pub opened_by: Option<i64>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::evaluation_scheme::Entity",
        from = "Column::SchemeId",
        to = "super::evaluation_scheme::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Scheme,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::OpenedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    OpenedBy,
}

impl Related<super::evaluation_scheme::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Scheme.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OpenedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
