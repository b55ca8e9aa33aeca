//! Award steps: `step_key` names a step once and for all ("ladder:<carrier>:<level>", "area:<jurisdiction>:<kind>", "operating:<carrier>:<year>").

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award_steps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub award_case_id: i64,
    pub step_key: String,
    pub level: String,
    pub cap_fen: i64,
    pub amount_fen: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::award_case::Entity",
        from = "Column::AwardCaseId",
        to = "super::award_case::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    AwardCase,
}

impl Related<super::award_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AwardCase.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
