//! Organisations: operators, tenants' companies, accrediting bodies, evaluators.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub credit_code: String,
    pub kind: String,
    pub contact_name: Option<String>,
    #[sea_orm(column_type = "Blob")]
    pub contact_phone_enc: Option<Vec<u8>>,
    pub contact_phone_hash: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
