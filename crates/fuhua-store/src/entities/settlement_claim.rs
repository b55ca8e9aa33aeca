//! Settlement claims: a carrier's quarterly claim on one funding source for waived rent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier_id: i64,
    pub year: i32,
    pub quarter: i32,
    pub funding_source: String,
    pub state: String,
    pub total_fen: i64,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub paid_on: Option<Date>,
    pub voucher_no: Option<String>,
    pub paid_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub decision_note: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub override_reason: Option<String>,
    pub override_by: Option<i64>,
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
        belongs_to = "super::user::Entity",
        from = "Column::DecidedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    DecidedBy,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::PaidBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    PaidBy,
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
