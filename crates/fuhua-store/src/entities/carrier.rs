//! Carriers (创业载体): incubation bases, maker spaces and the like, with their operator.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carriers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub founding: String,
    pub operation: String,
    pub jurisdiction_id: i64,
    pub address: String,
    pub floor_area_centi: i64,
    pub workstations: i32,
    pub operator_org_id: Option<i64>,
    #[sea_orm(default_value = true)]
    pub waives_rent: bool,
    pub base_operating_subsidy_fen: Option<i64>,
    pub contact_name: Option<String>,
    #[sea_orm(column_type = "Blob")]
    pub contact_phone_enc: Option<Vec<u8>>,
    pub contact_phone_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
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
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OperatorOrgId",
        to = "super::organisation::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    OperatorOrg,
}

impl Related<super::jurisdiction::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Jurisdiction.def()
    }
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OperatorOrg.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
