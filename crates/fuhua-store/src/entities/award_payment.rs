//! Award payments: one payment per step, ever (`step_key` is unique).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award_payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub award_step_id: i64,
    #[sea_orm(unique)]
    pub step_key: String,
    pub amount_fen: i64,
    pub paid_on: Date,
    pub voucher_no: String,
    pub paid_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::award_step::Entity",
        from = "Column::AwardStepId",
        to = "super::award_step::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    AwardStep,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::PaidBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    PaidBy,
}

impl Related<super::award_step::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AwardStep.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PaidBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
