//! Relief applications: an entity's application for rent relief on a stay.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "relief_applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_id: i64,
    pub stay_id: i64,
    pub applicant_user_id: Option<i64>,
    pub state: String,
    #[sea_orm(column_type = "Text")]
    pub eligibility: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub operator_note: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub decision_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
    pub submitted_at: Option<DateTimeUtc>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<DateTimeUtc>,
    /// The official's reason code (approve or reject).
    pub decision_reason: Option<String>,
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
        belongs_to = "super::stay::Entity",
        from = "Column::StayId",
        to = "super::stay::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Stay,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ApplicantUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Applicant,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::DecidedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    DecidedBy,
}

impl Related<super::entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Entity.def()
    }
}

impl Related<super::stay::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Stay.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
