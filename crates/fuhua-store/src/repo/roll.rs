//! The tenant roll (issue: operators run their carriers): the stays of a set of
//! carriers with their entity and founder, searched, filtered and paged by keyset so
//! that no page of a 100,000-tenant district scans a table whole. Search is by exact
//! credit code or by a prefix of the entity's or the founder's name (a range over the
//! code-point order the name indexes keep).

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use fuhua_core::Money;
use fuhua_core::vocab::FounderGroup;

use super::{now, parse_code};
use crate::entities::stay;
use crate::error::StoreError;
use crate::{Store, Write};

/// Which stays a roll shows by their dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RollStatus {
    /// Every stay.
    #[default]
    All,
    /// Not moved out by `today` (在孵).
    InIncubation,
    /// Moved out before `today` (已退出).
    MovedOut,
    /// An approved waiver window ending within 90 days of `today`.
    WindowEnding,
}

/// The roll's order; each is a keyset (value, stay id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RollSort {
    /// Newest move-in first.
    #[default]
    MoveIn,
    /// Entity name (in code-point order), then entity, then stay.
    Name,
    /// Soonest window end first (stays without a window are left out).
    WindowEnd,
}

/// Where the next page starts: the last row's sort value and stay id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollCursor {
    /// After (move-in, id) in the descending order.
    MoveIn(NaiveDate, i64),
    /// After (entity name, entity id, stay id).
    Name(String, i64, i64),
    /// After (window end, id).
    WindowEnd(NaiveDate, i64),
}

/// What a roll page asks for. `carrier_ids` is the actor's scope, already resolved
/// (an empty list selects nothing).
#[derive(Debug, Clone, Default)]
pub struct RollFilter {
    pub carrier_ids: Vec<i64>,
    pub carrier_id: Option<i64>,
    pub founder_group: Option<FounderGroup>,
    pub status: RollStatus,
    /// A normalised credit code (exact match).
    pub credit_code: Option<String>,
    /// A name prefix, matched against the entity's and the founder's name.
    pub name_prefix: Option<String>,
    pub sort: RollSort,
    pub after: Option<RollCursor>,
    /// Rows per page (at least 1).
    pub limit: u64,
    pub today: Option<NaiveDate>,
}

/// One line of the roll. No personal identifier: the founder by name only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollRow {
    pub stay_id: i64,
    pub carrier_id: i64,
    pub carrier_name: String,
    pub entity_id: i64,
    pub entity_name: String,
    pub credit_code: String,
    pub founder_name: String,
    pub founder_group: FounderGroup,
    pub move_in: NaiveDate,
    pub move_out: Option<NaiveDate>,
    pub monthly_rent: Money,
    pub jobs: i32,
    pub window_end: Option<NaiveDate>,
}

impl RollRow {
    /// The cursor that starts the page after this row in `sort`.
    pub fn cursor(&self, sort: RollSort) -> Option<RollCursor> {
        match sort {
            RollSort::MoveIn => Some(RollCursor::MoveIn(self.move_in, self.stay_id)),
            RollSort::Name => Some(RollCursor::Name(
                self.entity_name.clone(),
                self.entity_id,
                self.stay_id,
            )),
            RollSort::WindowEnd => self
                .window_end
                .map(|end| RollCursor::WindowEnd(end, self.stay_id)),
        }
    }
}

/// The smallest string greater than every string starting with `prefix`, in
/// code-point order.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// `column` starts with `prefix`, as a range the name index answers.
fn starts_with(backend: DbBackend, table: &str, column: &str, prefix: &str) -> SimpleExpr {
    let collate = if backend == DbBackend::Postgres {
        " COLLATE \"C\""
    } else {
        ""
    };
    let name = || Expr::cust(format!("{table}.{column}{collate}"));
    name()
        .gte(prefix.to_owned())
        .and(name().lt(prefix_end(prefix)))
}

fn stay_col(column: &'static str) -> Expr {
    Expr::col((Alias::new("stays"), Alias::new(column)))
}

/// The roll's query without its select list.
fn roll_query(backend: DbBackend, filter: &RollFilter) -> SelectStatement {
    let sqlite = backend != DbBackend::Postgres;
    let searching = sqlite && (filter.name_prefix.is_some() || filter.credit_code.is_some());
    let mut q = Query::select();
    let entity_on = Expr::col(("entities", "id")).equals(("stays", "entity_id"));
    if sqlite && filter.sort == RollSort::Name && !searching {
        // By name, SQLite walks the entities' name index; CROSS JOIN is SQLite's way
        // of fixing that join order.
        q.from(Alias::new("entities"))
            .join(JoinType::CrossJoin, Alias::new("stays"), Cond::all())
            .and_where(entity_on);
    } else {
        q.from(Alias::new("stays"))
            .join(JoinType::InnerJoin, Alias::new("entities"), entity_on);
    }
    q.join(
        JoinType::InnerJoin,
        Alias::new("carriers"),
        Expr::col(("carriers", "id")).equals(("stays", "carrier_id")),
    )
    .join(
        JoinType::InnerJoin,
        Alias::new("people"),
        Expr::col(("people", "id")).equals(("entities", "founder_person_id")),
    );
    // SQLite plans without statistics: a scope of several carriers is checked row by
    // row (`+` keeps it off the carrier index) while the sort's index is walked, so a
    // page reads about a page of rows; one carrier is looked up by its index.
    match (filter.carrier_id, filter.carrier_ids.as_slice()) {
        (Some(id), _) | (None, &[id]) => {
            q.and_where(stay_col("carrier_id").eq(id))
                .and_where(stay_col("carrier_id").is_in(filter.carrier_ids.iter().copied()));
        }
        (None, ids) if sqlite => {
            q.and_where(Expr::cust("+stays.carrier_id").is_in(ids.iter().copied()));
        }
        (None, ids) => {
            q.and_where(stay_col("carrier_id").is_in(ids.iter().copied()));
        }
    }
    if let Some(group) = filter.founder_group {
        q.and_where(Expr::col(("people", "founder_group")).eq(group.as_str()));
    }
    let today = filter.today.unwrap_or(NaiveDate::MIN);
    match filter.status {
        RollStatus::All => {}
        RollStatus::InIncubation => {
            q.and_where(stay_col("move_in").lte(today)).cond_where(
                Cond::any()
                    .add(stay_col("move_out").is_null())
                    .add(stay_col("move_out").gte(today)),
            );
        }
        RollStatus::MovedOut => {
            q.and_where(stay_col("move_out").lt(today));
        }
        RollStatus::WindowEnding => {
            let until = today
                .checked_add_days(chrono::Days::new(90))
                .unwrap_or(today);
            q.and_where(stay_col("window_end").gte(today))
                .and_where(stay_col("window_end").lte(until));
        }
    }
    if let Some(code) = &filter.credit_code {
        let mut entity = Query::select();
        entity
            .column(Alias::new("id"))
            .from(Alias::new("entities"))
            .and_where(Expr::col(Alias::new("credit_code")).eq(code.as_str()));
        q.and_where(stay_col("entity_id").in_subquery(entity));
    }
    if let Some(prefix) = &filter.name_prefix {
        let mut by_name = Query::select();
        by_name
            .column(Alias::new("id"))
            .from(Alias::new("entities"))
            .and_where(starts_with(backend, "entities", "name", prefix));
        let mut founders = Query::select();
        founders
            .column(Alias::new("id"))
            .from(Alias::new("people"))
            .and_where(starts_with(backend, "people", "name", prefix));
        let mut by_founder = Query::select();
        by_founder
            .column(Alias::new("id"))
            .from(Alias::new("entities"))
            .and_where(Expr::col(Alias::new("founder_person_id")).in_subquery(founders));
        q.cond_where(
            Cond::any()
                .add(stay_col("entity_id").in_subquery(by_name))
                .add(stay_col("entity_id").in_subquery(by_founder)),
        );
    }
    let collate = if sqlite { "" } else { " COLLATE \"C\"" };
    let name = || Expr::cust(format!("entities.name{collate}"));
    let id = || stay_col("id");
    // Keyset conditions in the form an index range answers: col ≥ v AND (col > v OR id > last).
    let after_asc = |col: Expr, value: Expr, last: i64| {
        Cond::all()
            .add(col.clone().gte(value.clone()))
            .add(Cond::any().add(col.gt(value)).add(id().gt(last)))
    };
    let after_desc = |col: Expr, value: Expr, last: i64| {
        Cond::all()
            .add(col.clone().lte(value.clone()))
            .add(Cond::any().add(col.lt(value)).add(id().lt(last)))
    };
    match (&filter.sort, &filter.after) {
        (RollSort::MoveIn, Some(RollCursor::MoveIn(date, last))) => {
            q.cond_where(after_desc(stay_col("move_in"), Expr::val(*date), *last));
        }
        (RollSort::Name, Some(RollCursor::Name(after, entity, last))) => {
            let entity_col = || Expr::col((Alias::new("entities"), Alias::new("id")));
            q.cond_where(
                Cond::all().add(name().gte(after.as_str())).add(
                    Cond::any()
                        .add(name().gt(after.as_str()))
                        .add(entity_col().gt(*entity))
                        .add(
                            Cond::all()
                                .add(entity_col().eq(*entity))
                                .add(id().gt(*last)),
                        ),
                ),
            );
        }
        (RollSort::WindowEnd, Some(RollCursor::WindowEnd(date, last))) => {
            q.cond_where(after_asc(stay_col("window_end"), Expr::val(*date), *last));
        }
        _ => {}
    }
    // A search selects few rows: on SQLite, `+` tells the planner to find them by the
    // search's indexes and sort them, instead of walking the sort's index.
    let sort_key = |column: &'static str| {
        if searching {
            Expr::cust(format!("+stays.{column}"))
        } else {
            stay_col(column)
        }
    };
    match filter.sort {
        RollSort::MoveIn => {
            q.order_by_expr(sort_key("move_in"), Order::Desc)
                .order_by_expr(sort_key("id"), Order::Desc);
        }
        RollSort::Name => {
            q.order_by_expr(name(), Order::Asc)
                .order_by_expr(
                    Expr::col((Alias::new("entities"), Alias::new("id"))),
                    Order::Asc,
                )
                .order_by_expr(sort_key("id"), Order::Asc);
        }
        RollSort::WindowEnd => {
            q.and_where(stay_col("window_end").is_not_null())
                .order_by_expr(sort_key("window_end"), Order::Asc)
                .order_by_expr(sort_key("id"), Order::Asc);
        }
    }
    q.limit(Ord::max(filter.limit, 1));
    q
}

fn select_list(q: &mut SelectStatement) {
    for (table, column, alias) in [
        ("stays", "id", "stay_id"),
        ("stays", "carrier_id", "carrier_id"),
        ("carriers", "name", "carrier_name"),
        ("entities", "id", "entity_id"),
        ("entities", "name", "entity_name"),
        ("entities", "credit_code", "credit_code"),
        ("people", "name", "founder_name"),
        ("people", "founder_group", "founder_group"),
        ("stays", "move_in", "move_in"),
        ("stays", "move_out", "move_out"),
        ("stays", "monthly_rent_fen", "monthly_rent_fen"),
        ("stays", "jobs", "jobs"),
        ("stays", "window_end", "window_end"),
    ] {
        q.expr_as(Expr::col((Alias::new(table), Alias::new(column))), alias);
    }
}

/// One page of the roll: at most `filter.limit` rows after `filter.after`.
pub async fn list_roll(store: &Store, filter: &RollFilter) -> Result<Vec<RollRow>, StoreError> {
    if filter.carrier_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = roll_query(store.db().get_database_backend(), filter);
    select_list(&mut q);
    let mut rows = Vec::new();
    for row in store.db().query_all(&q).await? {
        let group: String = row.try_get("", "founder_group")?;
        rows.push(RollRow {
            stay_id: row.try_get("", "stay_id")?,
            carrier_id: row.try_get("", "carrier_id")?,
            carrier_name: row.try_get("", "carrier_name")?,
            entity_id: row.try_get("", "entity_id")?,
            entity_name: row.try_get("", "entity_name")?,
            credit_code: row.try_get("", "credit_code")?,
            founder_name: row.try_get("", "founder_name")?,
            founder_group: parse_code("founder_group", &group)?,
            move_in: row.try_get("", "move_in")?,
            move_out: row.try_get("", "move_out")?,
            monthly_rent: Money::from_fen(row.try_get("", "monthly_rent_fen")?),
            jobs: row.try_get("", "jobs")?,
            window_end: row.try_get("", "window_end")?,
        });
    }
    Ok(rows)
}

/// The query plan of a roll page (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on
/// PostgreSQL), one line a step — for the test that no page scans a table whole.
pub async fn explain_roll(store: &Store, filter: &RollFilter) -> Result<Vec<String>, StoreError> {
    let backend = store.db().get_database_backend();
    let mut q = roll_query(backend, filter);
    select_list(&mut q);
    explain(store, &q).await
}

/// The plan of the occupancy count (for the plan test): it should read the
/// covering index `ix_stays_occupancy`, never the stays' rows.
pub async fn explain_occupancy(
    store: &Store,
    carrier_ids: &[i64],
    today: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    explain(store, &occupancy_query(carrier_ids, today)).await
}

/// The database's plan of `q`, one line per step.
async fn explain(store: &Store, q: &SelectStatement) -> Result<Vec<String>, StoreError> {
    let backend = store.db().get_database_backend();
    let (sql, values) = match backend {
        DbBackend::Postgres => q.build(sea_orm::sea_query::PostgresQueryBuilder),
        _ => q.build(sea_orm::sea_query::SqliteQueryBuilder),
    };
    let (prefix, column) = match backend {
        DbBackend::Postgres => ("EXPLAIN ", "QUERY PLAN"),
        _ => ("EXPLAIN QUERY PLAN ", "detail"),
    };
    let statement = Statement::from_sql_and_values(backend, format!("{prefix}{sql}"), values);
    let mut lines = Vec::new();
    for row in store.db().query_all_raw(statement).await? {
        lines.push(row.try_get::<String>("", column)?);
    }
    Ok(lines)
}

/// Sets a stay's waiver window end (at a relief's approval or an extension's), in
/// the change's transaction, with its audit row.
pub async fn set_window_end(
    w: &Write,
    stay_id: i64,
    window_end: Option<NaiveDate>,
) -> Result<(), StoreError> {
    let mut update = Query::update();
    update
        .table(Alias::new("stays"))
        .value(Alias::new("window_end"), window_end)
        .value(Alias::new("updated_at"), now())
        .and_where(Expr::col(stay::Column::Id).eq(stay_id));
    w.conn().execute(&update).await?;
    w.audit_change(
        "set_window_end",
        "stays",
        stay_id,
        None,
        Some(&json!({ "window_end": window_end })),
    )
    .await?;
    Ok(())
}

/// Stays not moved out on `today`, per carrier (carriers without one are absent).
pub async fn occupancy(
    store: &Store,
    carrier_ids: &[i64],
    today: NaiveDate,
) -> Result<std::collections::HashMap<i64, u64>, StoreError> {
    let mut found = std::collections::HashMap::new();
    if carrier_ids.is_empty() {
        return Ok(found);
    }
    for row in store
        .db()
        .query_all(&occupancy_query(carrier_ids, today))
        .await?
    {
        let n: i64 = row.try_get("", "n")?;
        found.insert(
            row.try_get("", "carrier_id")?,
            u64::try_from(n).unwrap_or(0),
        );
    }
    Ok(found)
}

fn occupancy_query(carrier_ids: &[i64], today: NaiveDate) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new("stays"))
        .expr_as(stay_col("carrier_id"), "carrier_id")
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .and_where(stay_col("carrier_id").is_in(carrier_ids.iter().copied()))
        .and_where(stay_col("move_in").lte(today))
        .cond_where(
            Cond::any()
                .add(stay_col("move_out").is_null())
                .add(stay_col("move_out").gte(today)),
        )
        .group_by_col((Alias::new("stays"), Alias::new("carrier_id")));
    q
}

/// Moves the window end of every stay of `entity_id` that has one (an approved
/// extension lengthens the founder's one window), with one audit row per stay.
pub async fn extend_window_end(
    w: &Write,
    entity_id: i64,
    window_end: NaiveDate,
) -> Result<(), StoreError> {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("stays"))
        .and_where(stay_col("entity_id").eq(entity_id))
        .and_where(stay_col("window_end").is_not_null());
    let mut ids = Vec::new();
    for row in w.conn().query_all(&q).await? {
        ids.push(row.try_get::<i64>("", "id")?);
    }
    for id in ids {
        set_window_end(w, id, Some(window_end)).await?;
    }
    Ok(())
}
