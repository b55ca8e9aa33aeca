//! Entering entities (入驻创业实体) and their principal founder.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "entities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub kind: String,
    #[sea_orm(unique)]
    pub credit_code: String,
    pub registered_on: Date,
    pub founder_person_id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::FounderPersonId",
        to = "super::person::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Founder,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Founder.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
