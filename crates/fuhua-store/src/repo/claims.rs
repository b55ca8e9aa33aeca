//! Settlement claims (SPEC §4): the unclaimed ledger rows a quarter's generation
//! takes (read in bulk, one query per quarter), the claims inserted in bulk and the
//! rows linked to them, the claim's moves (a decision note, a finance override,
//! the payment) and the lists the pages show. States are
//! `fuhua_waiver::ClaimState`; moves go through [`super::cases`] or
//! [`super::update_case`] on the version the caller read, so a claim is paid once.

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_core::Money;
use fuhua_core::vocab::FundingSource;
use fuhua_core::workflow::transition;
use fuhua_waiver::ClaimState;
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::json;

use super::{AuditImages, now, parse_code, update_case};
use crate::entities::settlement_claim;
use crate::error::StoreError;
use crate::repo::cases::CaseState;
use crate::{Store, Write};

/// Rows linked or inserted per statement.
const CHUNK: usize = 500;

/// An unclaimed ledger row with waived rent, with its stay's carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnclaimedRow {
    pub id: i64,
    pub carrier_id: i64,
    pub funding_source: FundingSource,
    /// "YYYY-MM".
    pub month: String,
    pub waived: Money,
}

/// Every ledger row not yet in a claim, with a fund source and waived rent, of one
/// of `months` ("YYYY-MM"), in one query (SPEC §4 "money over time"); the index on
/// (claim_id, month) keeps it to the rows asked for.
pub async fn unclaimed_rows(w: &Write, months: &[String]) -> Result<Vec<UnclaimedRow>, StoreError> {
    if months.is_empty() {
        return Ok(Vec::new());
    }
    let q = Query::select()
        .expr_as(Expr::col(("ledger_rows", "id")), "id")
        .expr_as(Expr::col(("stays", "carrier_id")), "carrier_id")
        .expr_as(
            Expr::col(("ledger_rows", "funding_source")),
            "funding_source",
        )
        .expr_as(Expr::col(("ledger_rows", "month")), "month")
        .expr_as(Expr::col(("ledger_rows", "waived_fen")), "waived_fen")
        .from("ledger_rows")
        .join(
            JoinType::InnerJoin,
            "stays",
            Expr::col(("stays", "id")).equals(("ledger_rows", "stay_id")),
        )
        .and_where(Expr::col(("ledger_rows", "claim_id")).is_null())
        .and_where(Expr::col(("ledger_rows", "funding_source")).is_not_null())
        .and_where(Expr::col(("ledger_rows", "waived_fen")).ne(0))
        .and_where(Expr::col(("ledger_rows", "month")).is_in(months.iter().cloned()))
        .order_by(("ledger_rows", "id"), Order::Asc)
        .to_owned();
    let rows = w.conn().query_all(&q).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let source: String = row.try_get("", "funding_source")?;
        out.push(UnclaimedRow {
            id: row.try_get("", "id")?,
            carrier_id: row.try_get("", "carrier_id")?,
            funding_source: parse_code("funding_source", &source)?,
            month: row.try_get("", "month")?,
            waived: Money::from_fen(row.try_get("", "waived_fen")?),
        });
    }
    Ok(out)
}

/// The carrier, fund source, year and quarter of every claim generated so far.
pub async fn claim_keys(w: &Write) -> Result<Vec<(i64, FundingSource, i32, i32)>, StoreError> {
    let q = Query::select()
        .columns(["carrier_id", "funding_source", "year", "quarter"])
        .from("settlement_claims")
        .to_owned();
    let mut out = Vec::new();
    for row in w.conn().query_all(&q).await? {
        let source: String = row.try_get("", "funding_source")?;
        out.push((
            row.try_get("", "carrier_id")?,
            parse_code("funding_source", &source)?,
            row.try_get("", "year")?,
            row.try_get("", "quarter")?,
        ));
    }
    Ok(out)
}

/// A claim to generate with the ledger rows it takes.
#[derive(Debug, Clone)]
pub struct GeneratedClaim {
    pub carrier_id: i64,
    pub year: i32,
    pub quarter: i32,
    pub funding_source: FundingSource,
    pub total: Money,
    pub rows: Vec<i64>,
    pub adjustments: Vec<i64>,
}

/// Inserts claims (state `generated`) in bulk, one audit row each, and links their
/// ledger rows. A row another generation linked meanwhile, or a claim that exists
/// already (unique per carrier, quarter and fund source), fails the whole change.
/// Returns the new claims' ids in the order given. `progress` is told how many
/// claims are linked so far.
pub async fn add_generated_claims(
    w: &Write,
    claims: &[GeneratedClaim],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<i64>, StoreError> {
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    for chunk in claims.chunks(CHUNK) {
        let models = chunk.iter().map(|c| settlement_claim::ActiveModel {
            carrier_id: Set(c.carrier_id),
            year: Set(c.year),
            quarter: Set(c.quarter),
            funding_source: Set(c.funding_source.as_str().to_owned()),
            state: Set(ClaimState::Generated.as_str().to_owned()),
            total_fen: Set(c.total.to_fen()),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
            ..Default::default()
        });
        settlement_claim::Entity::insert_many(models)
            .exec(w.conn())
            .await?;
    }
    // The new claims' ids, by their unique key.
    let mut ids = Vec::with_capacity(claims.len());
    let quarters: Vec<(i32, i32)> = {
        let mut q: Vec<_> = claims.iter().map(|c| (c.year, c.quarter)).collect();
        q.sort_unstable();
        q.dedup();
        q
    };
    let mut by_key = std::collections::HashMap::new();
    for (year, quarter) in quarters {
        let q = Query::select()
            .columns(["id", "carrier_id", "funding_source"])
            .from("settlement_claims")
            .and_where(Expr::col("year").eq(year))
            .and_where(Expr::col("quarter").eq(quarter))
            .to_owned();
        for row in w.conn().query_all(&q).await? {
            let carrier: i64 = row.try_get("", "carrier_id")?;
            let source: String = row.try_get("", "funding_source")?;
            let id: i64 = row.try_get("", "id")?;
            by_key.insert((carrier, source, year, quarter), id);
        }
    }
    for (n, claim) in claims.iter().enumerate() {
        let key = (
            claim.carrier_id,
            claim.funding_source.as_str().to_owned(),
            claim.year,
            claim.quarter,
        );
        let id = *by_key
            .get(&key)
            .ok_or_else(|| StoreError::Corrupt("a generated claim did not read back".into()))?;
        link_rows(w, id, &claim.rows).await?;
        link_rows(w, id, &claim.adjustments).await?;
        let audit = json!({
            "carrier_id": claim.carrier_id,
            "year": claim.year,
            "quarter": claim.quarter,
            "funding_source": claim.funding_source,
            "total": claim.total,
            "state": ClaimState::Generated.as_str(),
            "rows": claim.rows.len(),
            "adjustment_rows": claim.adjustments.len(),
        });
        w.audit_change("create", "settlement_claims", id, None, Some(&audit))
            .await?;
        ids.push(id);
        progress(n + 1);
    }
    Ok(ids)
}

/// Links unclaimed ledger rows to a claim; a row already linked is a conflict.
async fn link_rows(w: &Write, claim_id: i64, rows: &[i64]) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let update = Query::update()
            .table("ledger_rows")
            .value("claim_id", claim_id)
            .and_where(Expr::col("id").is_in(chunk.iter().copied()))
            .and_where(Expr::col("claim_id").is_null())
            .to_owned();
        let done = w.conn().execute(&update).await?.rows_affected();
        if usize::try_from(done).ok() != Some(chunk.len()) {
            return Err(StoreError::Conflict {
                entity: "settlement_claims",
                id: claim_id,
            });
        }
    }
    Ok(())
}

/// A stored settlement claim with its carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: i64,
    pub carrier_id: i64,
    pub carrier_name: String,
    pub jurisdiction_id: i64,
    pub operator_org_id: Option<i64>,
    pub year: i32,
    pub quarter: i32,
    pub funding_source: FundingSource,
    pub state: ClaimState,
    pub total: Money,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub override_reason: Option<String>,
    pub override_by: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    pub voucher_no: Option<String>,
    pub paid_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// Which claims a list shows; `None` is any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub year: Option<i32>,
    pub quarter: Option<i32>,
    pub state: Option<ClaimState>,
    pub carrier_id: Option<i64>,
    pub funding_source: Option<FundingSource>,
    /// Only carriers in these jurisdictions (officials, finance).
    pub jurisdictions: Option<Vec<i64>>,
    /// Only carriers of these operators.
    pub operators: Option<Vec<i64>>,
    /// Only these claims.
    pub ids: Option<Vec<i64>>,
}

const CLAIM_COLUMNS: [&str; 18] = [
    "id",
    "carrier_id",
    "year",
    "quarter",
    "funding_source",
    "state",
    "total_fen",
    "submitted_at",
    "decided_by",
    "decided_at",
    "decision_note",
    "override_reason",
    "override_by",
    "paid_on",
    "voucher_no",
    "paid_by",
    "created_at",
    "version",
];

fn select(filter: &ClaimFilter) -> SelectStatement {
    let mut q = Query::select();
    for column in CLAIM_COLUMNS {
        q.expr_as(Expr::col(("settlement_claims", column)), column);
    }
    q.expr_as(Expr::col(("carriers", "name")), "carrier_name")
        .expr_as(
            Expr::col(("carriers", "jurisdiction_id")),
            "jurisdiction_id",
        )
        .expr_as(
            Expr::col(("carriers", "operator_org_id")),
            "operator_org_id",
        )
        .from("settlement_claims")
        .join(
            JoinType::InnerJoin,
            "carriers",
            Expr::col(("carriers", "id")).equals(("settlement_claims", "carrier_id")),
        );
    if let Some(year) = filter.year {
        q.and_where(Expr::col(("settlement_claims", "year")).eq(year));
    }
    if let Some(quarter) = filter.quarter {
        q.and_where(Expr::col(("settlement_claims", "quarter")).eq(quarter));
    }
    if let Some(state) = filter.state {
        q.and_where(Expr::col(("settlement_claims", "state")).eq(state.as_str()));
    }
    if let Some(carrier) = filter.carrier_id {
        q.and_where(Expr::col(("settlement_claims", "carrier_id")).eq(carrier));
    }
    if let Some(source) = filter.funding_source {
        q.and_where(Expr::col(("settlement_claims", "funding_source")).eq(source.as_str()));
    }
    if let Some(jurisdictions) = &filter.jurisdictions {
        q.and_where(
            Expr::col(("carriers", "jurisdiction_id")).is_in(jurisdictions.iter().copied()),
        );
    }
    if let Some(operators) = &filter.operators {
        q.and_where(Expr::col(("carriers", "operator_org_id")).is_in(operators.iter().copied()));
    }
    if let Some(ids) = &filter.ids {
        q.and_where(Expr::col(("settlement_claims", "id")).is_in(ids.iter().copied()));
    }
    q
}

fn claim_of(row: &sea_orm::QueryResult) -> Result<Claim, StoreError> {
    let source: String = row.try_get("", "funding_source")?;
    let state: String = row.try_get("", "state")?;
    Ok(Claim {
        id: row.try_get("", "id")?,
        carrier_id: row.try_get("", "carrier_id")?,
        carrier_name: row.try_get("", "carrier_name")?,
        jurisdiction_id: row.try_get("", "jurisdiction_id")?,
        operator_org_id: row.try_get("", "operator_org_id")?,
        year: row.try_get("", "year")?,
        quarter: row.try_get("", "quarter")?,
        funding_source: parse_code("funding_source", &source)?,
        state: parse_code("state", &state)?,
        total: Money::from_fen(row.try_get("", "total_fen")?),
        submitted_at: row.try_get("", "submitted_at")?,
        decided_by: row.try_get("", "decided_by")?,
        decided_at: row.try_get("", "decided_at")?,
        decision_note: row.try_get("", "decision_note")?,
        override_reason: row.try_get("", "override_reason")?,
        override_by: row.try_get("", "override_by")?,
        paid_on: row.try_get("", "paid_on")?,
        voucher_no: row.try_get("", "voucher_no")?,
        paid_by: row.try_get("", "paid_by")?,
        created_at: row.try_get("", "created_at")?,
        version: row.try_get("", "version")?,
    })
}

/// The claims `filter` selects, newest quarter first, then by carrier and fund
/// source; at most `limit`.
pub async fn list_claims(
    store: &Store,
    filter: &ClaimFilter,
    limit: u64,
) -> Result<Vec<Claim>, StoreError> {
    let mut q = select(filter);
    q.order_by(("settlement_claims", "year"), Order::Desc)
        .order_by(("settlement_claims", "quarter"), Order::Desc)
        .order_by(("settlement_claims", "carrier_id"), Order::Asc)
        .order_by(("settlement_claims", "funding_source"), Order::Asc)
        .limit(limit);
    store
        .db()
        .query_all(&q)
        .await?
        .iter()
        .map(claim_of)
        .collect()
}

/// How many claims `filter` selects.
pub async fn count_claims(store: &Store, filter: &ClaimFilter) -> Result<u64, StoreError> {
    let mut q = select(filter);
    q.clear_selects();
    q.expr_as(Func::count(Expr::col(("settlement_claims", "id"))), "n");
    let n: i64 = match store.db().query_one(&q).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A claim by id.
pub async fn find_claim(store: &Store, id: i64) -> Result<Option<Claim>, StoreError> {
    let filter = ClaimFilter {
        ids: Some(vec![id]),
        ..ClaimFilter::default()
    };
    let row = store.db().query_one(&select(&filter)).await?;
    row.as_ref().map(claim_of).transpose()
}

/// A claim by id inside a change (what the move is checked against).
pub async fn find_claim_in(w: &Write, id: i64) -> Result<Option<Claim>, StoreError> {
    let filter = ClaimFilter {
        ids: Some(vec![id]),
        ..ClaimFilter::default()
    };
    let row = w.conn().query_one(&select(&filter)).await?;
    row.as_ref().map(claim_of).transpose()
}

/// One ledger row of a claim, with the tenant it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub id: i64,
    pub stay_id: i64,
    pub entity_name: String,
    pub credit_code: String,
    /// "YYYY-MM".
    pub month: String,
    /// Stored as an adjustment (a late change) by whoever recorded it.
    pub adjustment: bool,
    pub regime: String,
    pub occupied_days: i32,
    pub days_in_month: i32,
    pub rent_due: Money,
    pub waived: Money,
}

/// The ledger rows of a claim, by month then tenant.
pub async fn rows_of_claim(store: &Store, claim_id: i64) -> Result<Vec<ClaimRow>, StoreError> {
    let q = Query::select()
        .expr_as(Expr::col(("ledger_rows", "id")), "id")
        .expr_as(Expr::col(("ledger_rows", "stay_id")), "stay_id")
        .expr_as(Expr::col(("entities", "name")), "entity_name")
        .expr_as(Expr::col(("entities", "credit_code")), "credit_code")
        .expr_as(Expr::col(("ledger_rows", "month")), "month")
        .expr_as(Expr::col(("ledger_rows", "kind")), "kind")
        .expr_as(Expr::col(("ledger_rows", "regime")), "regime")
        .expr_as(Expr::col(("ledger_rows", "occupied_days")), "occupied_days")
        .expr_as(Expr::col(("ledger_rows", "days_in_month")), "days_in_month")
        .expr_as(Expr::col(("ledger_rows", "rent_due_fen")), "rent_due_fen")
        .expr_as(Expr::col(("ledger_rows", "waived_fen")), "waived_fen")
        .from("ledger_rows")
        .join(
            JoinType::InnerJoin,
            "stays",
            Expr::col(("stays", "id")).equals(("ledger_rows", "stay_id")),
        )
        .join(
            JoinType::InnerJoin,
            "entities",
            Expr::col(("entities", "id")).equals(("stays", "entity_id")),
        )
        .and_where(Expr::col(("ledger_rows", "claim_id")).eq(claim_id))
        .order_by(("ledger_rows", "month"), Order::Asc)
        .order_by(("entities", "name"), Order::Asc)
        .order_by(("ledger_rows", "id"), Order::Asc)
        .to_owned();
    let mut out = Vec::new();
    for row in store.db().query_all(&q).await? {
        let kind: String = row.try_get("", "kind")?;
        out.push(ClaimRow {
            id: row.try_get("", "id")?,
            stay_id: row.try_get("", "stay_id")?,
            entity_name: row.try_get("", "entity_name")?,
            credit_code: row.try_get("", "credit_code")?,
            month: row.try_get("", "month")?,
            adjustment: kind == "adjustment",
            regime: row.try_get("", "regime")?,
            occupied_days: row.try_get("", "occupied_days")?,
            days_in_month: row.try_get("", "days_in_month")?,
            rent_due: Money::from_fen(row.try_get("", "rent_due_fen")?),
            waived: Money::from_fen(row.try_get("", "waived_fen")?),
        });
    }
    Ok(out)
}

/// Records a finance user's written override on a submitted claim (SPEC §3: a
/// reservation beyond what is left needs one), on the version the caller read.
pub async fn set_override(
    w: &Write,
    id: i64,
    read: &CaseState<ClaimState>,
    reason: &str,
    by: i64,
) -> Result<(), StoreError> {
    let before = json!({"state": read.state.as_str(), "version": read.version});
    let after = json!({
        "state": read.state.as_str(),
        "version": read.version + 1,
        "override_reason": reason,
        "override_by": by,
    });
    update_case(
        w,
        "settlement_claims",
        id,
        read.version,
        vec![
            ("override_reason", Expr::val(reason.to_owned())),
            ("override_by", Expr::val(by)),
        ],
        AuditImages {
            action: "override",
            before: &before,
            after: &after,
        },
    )
    .await
}

/// The payment of an approved claim: voucher number, date and who paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPayment {
    pub voucher_no: String,
    pub paid_on: NaiveDate,
    pub paid_by: i64,
}

/// Moves an approved claim to paid on the version the caller read: of two payments
/// at once, on one server or two, one wins and the other is a `Conflict`; a paid
/// claim never moves again (SPEC §4: paid once, ever).
pub async fn pay(
    w: &Write,
    id: i64,
    read: &CaseState<ClaimState>,
    payment: &ClaimPayment,
) -> Result<(), StoreError> {
    transition(read.state, ClaimState::Paid).map_err(|e| StoreError::Transition(e.to_string()))?;
    let before = json!({"state": read.state.as_str(), "version": read.version});
    let after = json!({
        "state": ClaimState::Paid.as_str(),
        "version": read.version + 1,
        "voucher_no": payment.voucher_no,
        "paid_on": payment.paid_on,
        "paid_by": payment.paid_by,
    });
    let mut update = Query::update();
    update
        .table("settlement_claims")
        .value("state", ClaimState::Paid.as_str())
        .value("voucher_no", payment.voucher_no.clone())
        .value("paid_on", payment.paid_on)
        .value("paid_by", payment.paid_by)
        .value("version", Expr::col("version").add(1))
        .value("updated_at", now())
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(read.version))
        .and_where(Expr::col("state").eq(ClaimState::Approved.as_str()));
    if w.conn().execute(&update).await?.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            entity: "settlement_claims",
            id,
        });
    }
    w.audit_change(
        "transition:paid",
        "settlement_claims",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(())
}

/// The ids of the active accounts holding `role` in one of `jurisdictions` (the
/// officials a submitted claim goes to), by id.
pub async fn users_with_role_in_jurisdictions(
    store: &Store,
    role: &str,
    jurisdictions: &[i64],
) -> Result<Vec<i64>, StoreError> {
    if jurisdictions.is_empty() {
        return Ok(Vec::new());
    }
    let q = Query::select()
        .distinct()
        .expr_as(Expr::col(("user_roles", "user_id")), "user_id")
        .from("user_roles")
        .and_where(Expr::col(("user_roles", "role")).eq(role))
        .and_where(
            Expr::col(("user_roles", "jurisdiction_id")).is_in(jurisdictions.iter().copied()),
        )
        .order_by(("user_roles", "user_id"), Order::Asc)
        .to_owned();
    let mut out = Vec::new();
    for row in store.db().query_all(&q).await? {
        out.push(row.try_get("", "user_id")?);
    }
    Ok(out)
}
