//! Evaluation verifications: the evaluator's verified indicator values for an assignment.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_verifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub assignment_id: i64,
    #[sea_orm(column_type = "Text")]
    pub indicator_values: String,
    pub verified_by: Option<i64>,
    pub verified_at: DateTimeUtc,
    pub site_visit_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::evaluation_assignment::Entity",
        from = "Column::AssignmentId",
        to = "super::evaluation_assignment::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Assignment,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::VerifiedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    VerifiedBy,
}

impl Related<super::evaluation_assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assignment.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VerifiedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
