//! Award cases: a computed award (ladder, area, operating, key-group settlement) and its maker–checker decision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programme: String,
    pub carrier_id: Option<i64>,
    pub jurisdiction_id: Option<i64>,
    pub accreditation_record_id: Option<i64>,
    pub new_level: Option<String>,
    pub area_kind: Option<String>,
    pub state: String,
    pub total_fen: i64,
    pub fund_source_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub decision: String,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub closing_reason: Option<String>,
    pub created_by: Option<i64>,
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
        belongs_to = "super::jurisdiction::Entity",
        from = "Column::JurisdictionId",
        to = "super::jurisdiction::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Jurisdiction,
    #[sea_orm(
        belongs_to = "super::accreditation_record::Entity",
        from = "Column::AccreditationRecordId",
        to = "super::accreditation_record::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    AccreditationRecord,
    #[sea_orm(
        belongs_to = "super::fund_source::Entity",
        from = "Column::FundSourceId",
        to = "super::fund_source::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    FundSource,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ReviewedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    ReviewedBy,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ApprovedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    ApprovedBy,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    CreatedBy,
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl Related<super::jurisdiction::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Jurisdiction.def()
    }
}

impl Related<super::accreditation_record::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AccreditationRecord.def()
    }
}

impl Related<super::fund_source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FundSource.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
