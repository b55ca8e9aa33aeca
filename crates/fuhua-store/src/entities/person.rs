//! People: resident IDs and phones only encrypted, with keyed hashes for lookups.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(column_type = "Blob")]
    pub resident_id_enc: Vec<u8>,
    #[sea_orm(unique)]
    pub resident_id_hash: String,
    pub resident_id_masked: String,
    pub birth_year: i32,
    #[sea_orm(column_type = "Blob")]
    pub phone_enc: Option<Vec<u8>>,
    pub phone_hash: Option<String>,
    pub founder_group: String,
    pub graduated_on: Option<Date>,
    pub unemployed_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
