//! Figures for the dashboards (issue: operators run their carriers, point 9):
//! tenants over time and waived rent by quarter and fund source, each in one
//! aggregate query over the carriers a user may see.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query};

use fuhua_core::Money;

use crate::Store;
use crate::error::StoreError;

/// How a series of tenant counts is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// One series per carrier.
    Carrier,
    /// One series per street/town (the carrier's jurisdiction).
    Jurisdiction,
}

/// Tenants in incubation at each of `days` (moved in on or before, not moved out
/// before), per group, for the carriers `carrier_ids`. Returns (group id, counts in
/// the order of `days`), groups by id.
pub async fn tenants_on(
    store: &Store,
    carrier_ids: &[i64],
    days: &[NaiveDate],
    group: GroupBy,
) -> Result<Vec<(i64, Vec<u64>)>, StoreError> {
    if carrier_ids.is_empty() || days.is_empty() {
        return Ok(Vec::new());
    }
    let key = match group {
        GroupBy::Carrier => Expr::col((Alias::new("carriers"), Alias::new("id"))),
        GroupBy::Jurisdiction => Expr::col((Alias::new("carriers"), Alias::new("jurisdiction_id"))),
    };
    let mut q = Query::select();
    q.from(Alias::new("stays"))
        .join(
            JoinType::InnerJoin,
            Alias::new("carriers"),
            Expr::col(("carriers", "id")).equals(("stays", "carrier_id")),
        )
        .expr_as(key.clone(), "grp")
        .and_where(Expr::col(("stays", "carrier_id")).is_in(carrier_ids.iter().copied()))
        .group_by_columns([(Alias::new("grp"))])
        .order_by(Alias::new("grp"), sea_orm::sea_query::Order::Asc);
    for (i, day) in days.iter().enumerate() {
        let counted = Expr::case(
            Expr::col(("stays", "move_in")).lte(*day).and(
                Expr::col(("stays", "move_out"))
                    .is_null()
                    .or(Expr::col(("stays", "move_out")).gte(*day)),
            ),
            1,
        )
        .finally(0);
        q.expr_as(
            Func::cast_as(Func::sum(counted), Alias::new("BIGINT")),
            format!("d{i}"),
        );
    }
    let mut found = Vec::new();
    for row in store.db().query_all(&q).await? {
        let mut counts = Vec::with_capacity(days.len());
        for i in 0..days.len() {
            let n: Option<i64> = row.try_get("", &format!("d{i}"))?;
            counts.push(u64::try_from(n.unwrap_or(0)).unwrap_or(0));
        }
        found.push((row.try_get("", "grp")?, counts));
    }
    Ok(found)
}

/// Rent waived per month ("YYYY-MM") and fund source code (none for rows without
/// one), over the ledgers of stays in `carrier_ids`, from `from_month` on. Adjustment
/// rows count with their sign.
pub async fn waived_by_month(
    store: &Store,
    carrier_ids: &[i64],
    from_month: &str,
) -> Result<Vec<(String, Option<String>, Money)>, StoreError> {
    if carrier_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    q.from(Alias::new("ledger_rows"))
        .join(
            JoinType::InnerJoin,
            Alias::new("stays"),
            Expr::col(("stays", "id")).equals(("ledger_rows", "stay_id")),
        )
        .expr_as(Expr::col(("ledger_rows", "month")), "month")
        .expr_as(Expr::col(("ledger_rows", "funding_source")), "source")
        .expr_as(
            Func::cast_as(
                Func::sum(Expr::col(("ledger_rows", "waived_fen"))),
                Alias::new("BIGINT"),
            ),
            "waived",
        )
        .and_where(Expr::col(("stays", "carrier_id")).is_in(carrier_ids.iter().copied()))
        .and_where(Expr::col(("ledger_rows", "month")).gte(from_month))
        .group_by_columns([Alias::new("month"), Alias::new("source")])
        .order_by(Alias::new("month"), sea_orm::sea_query::Order::Asc);
    let mut found = Vec::new();
    for row in store.db().query_all(&q).await? {
        let waived: Option<i64> = row.try_get("", "waived")?;
        found.push((
            row.try_get("", "month")?,
            row.try_get("", "source")?,
            Money::from_fen(waived.unwrap_or(0)),
        ));
    }
    Ok(found)
}
