//! Stays: an entity's occupancy of a carrier; `move_out` is the last occupied day, and stays of one entity never overlap.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stays")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_id: i64,
    pub carrier_id: i64,
    pub move_in: Date,
    pub move_out: Option<Date>,
    pub monthly_rent_fen: i64,
    pub area_centi: Option<i64>,
    pub unit: Option<String>,
    #[sea_orm(default_value = 0)]
    pub jobs: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
    /// The end of the approved waiver window (set at approval and extension).
    pub window_end: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::entity::Entity",
        from = "Column::EntityId",
        to = "super::entity::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Entity,
    #[sea_orm(
        belongs_to = "super::carrier::Entity",
        from = "Column::CarrierId",
        to = "super::carrier::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Carrier,
}

impl Related<super::entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Entity.def()
    }
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
