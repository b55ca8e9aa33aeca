//! Operator contracts: which organisation operates a carrier, and when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "operator_contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier_id: i64,
    pub operator_org_id: i64,
    pub contract_no: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::carrier::Entity",
        from = "Column::CarrierId",
        to = "super::carrier::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Carrier,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OperatorOrgId",
        to = "super::organisation::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    OperatorOrg,
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OperatorOrg.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
