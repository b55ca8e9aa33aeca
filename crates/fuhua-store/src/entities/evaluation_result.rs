//! Evaluation results: scores and coefficients in hundredths (like fen), exact on both databases.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_results")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub assignment_id: i64,
    pub score_centi: i64,
    pub grade: String,
    pub coefficient_centi: i64,
    #[sea_orm(default_value = 0)]
    pub violations: i32,
    #[sea_orm(default_value = false)]
    pub false_reporting: bool,
    #[sea_orm(column_type = "Text")]
    pub items: String,
    #[sea_orm(column_type = "Text")]
    pub flags: String,
    #[sea_orm(column_type = "Text")]
    pub trace: String,
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
}

impl Related<super::evaluation_assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assignment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
