//! Ledger rows: the monthly ledger of approved reliefs; late changes become adjustment rows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub stay_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(7))")]
    pub month: String,
    pub kind: String,
    pub regime: String,
    pub funding_source: Option<String>,
    pub occupied_days: i32,
    pub days_in_month: i32,
    pub rent_due_fen: i64,
    pub waived_fen: i64,
    pub payable_fen: i64,
    pub claim_id: Option<i64>,
    pub relief_application_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::stay::Entity",
        from = "Column::StayId",
        to = "super::stay::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Stay,
    #[sea_orm(
        belongs_to = "super::settlement_claim::Entity",
        from = "Column::ClaimId",
        to = "super::settlement_claim::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Claim,
    #[sea_orm(
        belongs_to = "super::relief_application::Entity",
        from = "Column::ReliefApplicationId",
        to = "super::relief_application::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    ReliefApplication,
}

impl Related<super::stay::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Stay.def()
    }
}

impl Related<super::settlement_claim::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claim.def()
    }
}

impl Related<super::relief_application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ReliefApplication.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
