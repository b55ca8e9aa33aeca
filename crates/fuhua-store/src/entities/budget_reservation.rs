//! Budget reservations: money set aside from an appropriation for an award case or a claim.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_reservations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub appropriation_id: i64,
    pub award_case_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub amount_fen: i64,
    #[sea_orm(column_type = "Text")]
    pub override_reason: Option<String>,
    pub reserved_by: Option<i64>,
    pub released_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::appropriation::Entity",
        from = "Column::AppropriationId",
        to = "super::appropriation::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Appropriation,
    #[sea_orm(
        belongs_to = "super::award_case::Entity",
        from = "Column::AwardCaseId",
        to = "super::award_case::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    AwardCase,
    #[sea_orm(
        belongs_to = "super::settlement_claim::Entity",
        from = "Column::ClaimId",
        to = "super::settlement_claim::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Claim,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ReservedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    ReservedBy,
}

impl Related<super::appropriation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Appropriation.def()
    }
}

impl Related<super::award_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AwardCase.def()
    }
}

impl Related<super::settlement_claim::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claim.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ReservedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
