//! Appropriations: a fund source's budget for a year, in fen.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appropriations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fund_source_id: i64,
    pub year: i32,
    pub amount_fen: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::fund_source::Entity",
        from = "Column::FundSourceId",
        to = "super::fund_source::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    FundSource,
}

impl Related<super::fund_source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FundSource.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
