//! Finance's view of the money (SPEC §3 fund sources, R-AWARD-BUDGET): what each
//! appropriation has reserved and paid, and adjusting an appropriation with a
//! written reason (audited, on the version the caller read).

use std::collections::HashMap;

use fuhua_core::Money;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
use serde_json::json;

use super::{AuditImages, update_case};
use crate::error::StoreError;
use crate::{Store, Write};

/// What an appropriation has committed: every unreleased reservation (`reserved`,
/// paid ones included) and the part whose claim or award case is paid (`paid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Committed {
    pub reserved: Money,
    pub paid: Money,
}

/// The committed money of every appropriation, by appropriation id.
pub async fn committed(store: &Store) -> Result<HashMap<i64, Committed>, StoreError> {
    let q = Query::select()
        .expr_as(
            Expr::col(("budget_reservations", "appropriation_id")),
            "appropriation_id",
        )
        .expr_as(
            Expr::col(("budget_reservations", "amount_fen")),
            "amount_fen",
        )
        .expr_as(Expr::col(("settlement_claims", "state")), "claim_state")
        .expr_as(Expr::col(("award_cases", "state")), "award_state")
        .from("budget_reservations")
        .join(
            JoinType::LeftJoin,
            "settlement_claims",
            Expr::col(("settlement_claims", "id")).equals(("budget_reservations", "claim_id")),
        )
        .join(
            JoinType::LeftJoin,
            "award_cases",
            Expr::col(("award_cases", "id")).equals(("budget_reservations", "award_case_id")),
        )
        .and_where(Expr::col(("budget_reservations", "released_at")).is_null())
        .to_owned();
    let mut out: HashMap<i64, Committed> = HashMap::new();
    for row in store.db().query_all(&q).await? {
        let id: i64 = row.try_get("", "appropriation_id")?;
        let amount = Money::from_fen(row.try_get("", "amount_fen")?);
        let claim: Option<String> = row.try_get("", "claim_state")?;
        let award: Option<String> = row.try_get("", "award_state")?;
        let entry = out.entry(id).or_default();
        entry.reserved = entry.reserved + amount;
        if claim.as_deref() == Some("paid") || award.as_deref() == Some("paid") {
            entry.paid = entry.paid + amount;
        }
    }
    Ok(out)
}

/// Sets an appropriation's amount on the version the caller read, with the reason
/// in its audit row (action `adjust`). Refused below what is already reserved on it
/// or below zero.
pub async fn adjust_appropriation(
    w: &Write,
    id: i64,
    read_version: i32,
    before: Money,
    amount: Money,
    reason: &str,
) -> Result<(), StoreError> {
    if amount.is_negative() {
        return Err(StoreError::Invalid(
            "an appropriation cannot be negative".into(),
        ));
    }
    let reserved: i64 = {
        let q = Query::select()
            .expr_as(
                Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"),
                "reserved",
            )
            .from("budget_reservations")
            .and_where(Expr::col("appropriation_id").eq(id))
            .and_where(Expr::col("released_at").is_null())
            .to_owned();
        match w.conn().query_one(&q).await? {
            Some(row) => row.try_get("", "reserved")?,
            None => 0,
        }
    };
    if amount.to_fen() < reserved {
        return Err(StoreError::Invalid(format!(
            "the appropriation cannot be set below the {} already reserved on it",
            Money::from_fen(reserved)
        )));
    }
    let before_image = json!({"amount": before, "version": read_version});
    let after_image = json!({"amount": amount, "version": read_version + 1, "reason": reason});
    update_case(
        w,
        "appropriations",
        id,
        read_version,
        vec![("amount_fen", Expr::val(amount.to_fen()))],
        AuditImages {
            action: "adjust",
            before: &before_image,
            after: &after_image,
        },
    )
    .await
}
