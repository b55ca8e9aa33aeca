//! Repositories: typed reads and audited writes, one module per area. Every write
//! takes the [`Write`](crate::Write) of the change it belongs to and records its
//! audit row in the same transaction; personal identifiers appear in audit rows only
//! as their keyed hash. Money crosses this boundary as `Money` and is stored as fen.

pub mod awards;
pub mod carriers;
pub mod cases;
pub mod claims;
pub mod documents;
pub mod evaluation;
pub mod finance;
pub mod links;
pub mod people;
pub mod reference;
pub mod relief;
pub mod reminders;
pub mod reports;
pub mod roll;
pub mod sessions;
pub mod signin;
pub mod stats;
pub mod tenant_records;
pub mod tenants;
pub mod timeline;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, IntoActiveModel};
use serde_json::Value;

use crate::error::StoreError;
use crate::{Store, Write};

/// The moment a change is written.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Inserts a row, then writes its audit row (`create`) with `audit` as the after
/// image, in the same transaction. Returns the stored row.
pub(crate) async fn insert<A>(
    w: &Write,
    table: &'static str,
    row: A,
    id_of: fn(&<A::Entity as sea_orm::EntityTrait>::Model) -> i64,
    audit: Value,
) -> Result<<A::Entity as sea_orm::EntityTrait>::Model, StoreError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as sea_orm::EntityTrait>::Model: IntoActiveModel<A>,
{
    let model = row.insert(w.conn()).await?;
    w.audit_change("create", table, id_of(&model), None, Some(&audit))
        .await?;
    Ok(model)
}

/// Moves a case: sets `changes`, bumps `version` and `updated_at`, but only if the
/// row still has the version the caller read (optimistic locking); otherwise
/// `Conflict`. Writes the audit row with the before and after images.
pub(crate) async fn update_case(
    w: &Write,
    table: &'static str,
    id: i64,
    read_version: i32,
    changes: Vec<(&'static str, SimpleExpr)>,
    audit: AuditImages<'_>,
) -> Result<(), StoreError> {
    let mut update = Query::update();
    update.table(table);
    for (column, value) in changes {
        update.value(column, value);
    }
    update
        .value("version", Expr::col("version").add(1))
        .value("updated_at", now())
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(read_version));
    let result = w.conn().execute(&update).await?;
    if result.rows_affected() != 1 {
        return Err(StoreError::Conflict { entity: table, id });
    }
    w.audit_change(
        audit.action,
        table,
        id,
        Some(audit.before),
        Some(audit.after),
    )
    .await?;
    Ok(())
}

/// What an update's audit row says: the action and the before and after images.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuditImages<'a> {
    pub action: &'a str,
    pub before: &'a Value,
    pub after: &'a Value,
}

/// One row by id, converted to its record.
pub(crate) async fn by_id<E, T>(
    store: &Store,
    id: i64,
    convert: impl Fn(E::Model) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(store.db())
        .await?
        .map(convert)
        .transpose()
}

/// The first row a query finds, converted to its record.
pub(crate) async fn first<E, T>(
    store: &Store,
    query: sea_orm::Select<E>,
    convert: impl Fn(E::Model) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError>
where
    E: sea_orm::EntityTrait,
{
    query.one(store.db()).await?.map(convert).transpose()
}

/// Every row a query finds, converted to its record.
pub(crate) async fn every<E, T>(
    store: &Store,
    query: sea_orm::Select<E>,
    convert: impl Fn(E::Model) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError>
where
    E: sea_orm::EntityTrait,
{
    query
        .all(store.db())
        .await?
        .into_iter()
        .map(convert)
        .collect()
}

/// How many rows a table holds (for `fuhua demo` and dashboards).
pub async fn count(store: &Store, table: &str) -> Result<i64, StoreError> {
    let query = Query::select()
        .expr_as(Expr::col("id").count(), "n")
        .from(sea_orm::sea_query::Alias::new(table))
        .to_owned();
    let row = store.db().query_one(&query).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Parses a stored vocabulary value, naming the column when it is not one.
pub(crate) fn parse_code<T: std::str::FromStr>(
    column: &'static str,
    value: &str,
) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{column} “{value}” is not a known value")))
}
