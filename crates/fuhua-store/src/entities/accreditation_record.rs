//! Accreditation records: a carrier's accreditation at a level, with its validity and status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accreditation_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier_id: i64,
    pub level: String,
    pub accrediting_body: String,
    pub certificate_no: String,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub status: String,
    pub application_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
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
        belongs_to = "super::accreditation_application::Entity",
        from = "Column::ApplicationId",
        to = "super::accreditation_application::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Application,
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl Related<super::accreditation_application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Application.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
