//! Moving cases through their SPEC §4 states. The caller checks the move against
//! its rule crate's `Workflow` table; this module makes the move atomic and
//! race-free: it succeeds only if the case is still in the state and version the
//! caller read, so two officials deciding at once get one winner and one clear
//! conflict.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use fuhua_core::workflow::{Workflow, transition};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use serde_json::json;

use super::{AuditImages, parse_code, update_case};
use crate::error::StoreError;
use crate::{Store, Write};

/// The case tables of SPEC §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseTable {
    AccreditationApplications,
    ReliefApplications,
    ExtensionRequests,
    MonthlyReports,
    SettlementClaims,
    AwardCases,
    EvaluationRounds,
}

impl CaseTable {
    pub fn table(self) -> &'static str {
        match self {
            CaseTable::AccreditationApplications => "accreditation_applications",
            CaseTable::ReliefApplications => "relief_applications",
            CaseTable::ExtensionRequests => "extension_requests",
            CaseTable::MonthlyReports => "monthly_reports",
            CaseTable::SettlementClaims => "settlement_claims",
            CaseTable::AwardCases => "award_cases",
            CaseTable::EvaluationRounds => "evaluation_rounds",
        }
    }
}

/// A case's state and version, as read before deciding. `S` is the case type's
/// state enum (e.g. `fuhua_waiver::ReliefState`): no state string leaves the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseState<S> {
    pub state: S,
    pub version: i32,
}

/// Reads a case's current state and version. A stored state that is not one of
/// `S`'s values (the wrong type for this table, or a damaged row) is `Corrupt`.
pub async fn case_state<S>(
    store: &Store,
    case: CaseTable,
    id: i64,
) -> Result<CaseState<S>, StoreError>
where
    S: Workflow + FromStr,
{
    read_state(store.db(), case, id).await
}

/// [`case_state`] inside a change (so the read and the move see the same data).
pub async fn case_state_in<S>(
    w: &Write,
    case: CaseTable,
    id: i64,
) -> Result<CaseState<S>, StoreError>
where
    S: Workflow + FromStr,
{
    read_state(w.conn(), case, id).await
}

async fn read_state<S, C>(conn: &C, case: CaseTable, id: i64) -> Result<CaseState<S>, StoreError>
where
    S: Workflow + FromStr,
    C: ConnectionTrait,
{
    let query = Query::select()
        .columns(["state", "version"])
        .from(case.table())
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let row = conn
        .query_one(&query)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: case.table(),
            id: id.to_string(),
        })?;
    let state: String = row.try_get("", "state")?;
    Ok(CaseState {
        state: parse_code("state", &state)?,
        version: row.try_get("", "version")?,
    })
}

/// A further column a move sets (who decided, when, a note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseValue {
    Int(Option<i64>),
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
}

impl CaseValue {
    fn to_expr(&self) -> SimpleExpr {
        match self {
            CaseValue::Int(v) => Expr::val(*v),
            CaseValue::Text(v) => Expr::val(v.clone()),
            CaseValue::Time(v) => Expr::val(*v),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            CaseValue::Int(v) => json!(v),
            CaseValue::Text(v) => json!(v),
            CaseValue::Time(v) => json!(v),
        }
    }
}

/// Moves case `id` from `read` (state and version as the caller read them) to
/// `to`, in the caller's transaction, with its audit row (action
/// `transition:<to>`). A move the case type's workflow table does not allow is
/// refused (`Transition`); another decision that landed first makes this one a
/// `Conflict`. `changes` are further columns set in the same update (who decided,
/// a note …).
pub async fn move_case<S>(
    w: &Write,
    case: CaseTable,
    id: i64,
    read: &CaseState<S>,
    to: S,
    changes: &[(&'static str, CaseValue)],
) -> Result<(), StoreError>
where
    S: Workflow,
{
    transition(read.state, to).map_err(|e| StoreError::Transition(e.to_string()))?;
    let before = json!({"state": read.state.code(), "version": read.version});
    let mut after = json!({"state": to.code(), "version": read.version + 1});
    let mut all = vec![("state", Expr::val(to.code()))];
    for (column, value) in changes {
        after[*column] = value.to_json();
        all.push((*column, value.to_expr()));
    }
    let action = format!("transition:{}", to.code());
    update_case(
        w,
        case.table(),
        id,
        read.version,
        all,
        AuditImages {
            action: &action,
            before: &before,
            after: &after,
        },
    )
    .await
}
