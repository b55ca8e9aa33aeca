//! Monthly reports: a carrier's report for a period (`YYYY-MM`), due, submitted and accepted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monthly_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(7))")]
    pub period: String,
    pub due_on: Date,
    pub state: String,
    pub submitted_at: Option<DateTimeUtc>,
    #[sea_orm(default_value = false)]
    pub late: bool,
    pub accepted_at: Option<DateTimeUtc>,
    pub accepted_by: Option<i64>,
    #[sea_orm(column_type = "Text", default_value = "{}")]
    pub data: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(default_value = 1)]
    pub version: i32,
    /// The operator's user who filed it last.
    pub filed_by: Option<i64>,
    /// Why an official returned it (the latest return).
    #[sea_orm(column_type = "Text")]
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTimeUtc>,
    pub returned_by: Option<i64>,
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
        belongs_to = "super::user::Entity",
        from = "Column::AcceptedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    AcceptedBy,
}

impl Related<super::carrier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Carrier.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AcceptedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
