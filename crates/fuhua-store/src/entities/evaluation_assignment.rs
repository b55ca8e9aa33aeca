//! Evaluation assignments: a carrier in a round, with its evaluator.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub carrier_id: i64,
    pub evaluator_org_id: Option<i64>,
    pub evaluator_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::evaluation_round::Entity",
        from = "Column::RoundId",
        to = "super::evaluation_round::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Round,
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
        from = "Column::EvaluatorOrgId",
        to = "super::organisation::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    EvaluatorOrg,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::EvaluatorUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    EvaluatorUser,
}

impl Related<super::evaluation_round::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Round.def()
    }
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EvaluatorOrg.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EvaluatorUser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
