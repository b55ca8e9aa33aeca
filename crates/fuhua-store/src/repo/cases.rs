//! Moving cases through their SPEC §4 states. The caller checks the move against
//! its rule crate's `Workflow` table; this module makes the move atomic and
//! race-free: it succeeds only if the case is still in the state and version the
//! caller read, so two officials deciding at once get one winner and one clear
//! conflict.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

use super::{AuditImages, update_case};
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

/// A case's state and version, as read before deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub state: String,
    pub version: i32,
}

/// Reads a case's current state and version.
pub async fn case_state(store: &Store, case: CaseTable, id: i64) -> Result<CaseState, StoreError> {
    let query = Query::select()
        .columns(["state", "version"])
        .from(case.table())
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let row = store
        .db()
        .query_one(&query)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: case.table(),
            id: id.to_string(),
        })?;
    Ok(CaseState {
        state: row.try_get("", "state")?,
        version: row.try_get("", "version")?,
    })
}

/// Moves case `id` from `read` (state and version as the caller read them) to
/// `to`, in the caller's transaction, with its audit row. Another decision that
/// landed first makes this one a `Conflict`.
pub async fn move_case(
    w: &Write,
    case: CaseTable,
    id: i64,
    read: &CaseState,
    to: &str,
) -> Result<(), StoreError> {
    let before = json!({"state": read.state, "version": read.version});
    let after = json!({"state": to, "version": read.version + 1});
    let action = format!("transition:{to}");
    update_case(
        w,
        case.table(),
        id,
        read.version,
        vec![("state", Expr::val(to))],
        AuditImages {
            action: &action,
            before: &before,
            after: &after,
        },
    )
    .await
}
