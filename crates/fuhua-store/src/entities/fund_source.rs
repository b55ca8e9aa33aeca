//! Fund sources: key is "municipal_finance", "district_finance" or "street_town_budget:<jurisdiction code>".

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub key: String,
    pub kind: String,
    pub name: String,
    pub jurisdiction_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::jurisdiction::Entity",
        from = "Column::JurisdictionId",
        to = "super::jurisdiction::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Jurisdiction,
}

impl Related<super::jurisdiction::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Jurisdiction.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
