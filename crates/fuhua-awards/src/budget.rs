//! R-AWARD-BUDGET — approving an award reserves its amount on the fund source's
//! yearly appropriation (clause 二十六: "在财政预算中合理安排就业创业资金，强化资金预算执行
//! 和监督"); it is refused when the amount exceeds what is left, unless finance
//! overrides with a written reason.

use fuhua_core::clauses::{self, rules};
use fuhua_core::{Decision, Money, Text, Trace};

use crate::outcome::yuan;

/// An amount set aside on a fund source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub amount: Money,
    /// What was left before: appropriation minus reserved and paid.
    pub available_before: Money,
    /// What is left after; negative only under an override.
    pub available_after: Money,
    /// The finance user's written reason when the reservation exceeds what is left.
    pub override_reason: Option<String>,
}

/// Why a reservation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetRefusal {
    #[error("the amount {amount} exceeds the {available} left on the fund source by {shortfall}")]
    Exceeds {
        amount: Money,
        available: Money,
        shortfall: Money,
    },
    #[error(
        "the amount {amount} exceeds the {available} left by {shortfall}, and an override needs a written reason"
    )]
    OverrideWithoutReason {
        amount: Money,
        available: Money,
        shortfall: Money,
    },
    #[error("the amount to reserve must not be negative")]
    NegativeAmount,
}

impl BudgetRefusal {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            BudgetRefusal::Exceeds { .. } => "over_budget",
            BudgetRefusal::OverrideWithoutReason { .. } => "override_reason_required",
            BudgetRefusal::NegativeAmount => "negative",
        }
    }

    /// The message in Chinese and English.
    pub fn text(&self) -> Text {
        match self {
            BudgetRefusal::Exceeds {
                amount,
                available,
                shortfall,
            } => Text::new(
                format!(
                    "金额 {} 元超过该资金来源剩余额度 {} 元（差 {} 元）；如确需发放，须由财政人员书面说明理由后超额批准",
                    yuan(*amount),
                    yuan(*available),
                    yuan(*shortfall)
                ),
                format!(
                    "the amount {} yuan exceeds the {} yuan left on the fund source by {} yuan; finance may override only with a written reason",
                    yuan(*amount),
                    yuan(*available),
                    yuan(*shortfall)
                ),
            ),
            BudgetRefusal::OverrideWithoutReason {
                amount,
                available,
                shortfall,
            } => Text::new(
                format!(
                    "金额 {} 元超过剩余额度 {} 元（差 {} 元），超额批准必须填写书面理由",
                    yuan(*amount),
                    yuan(*available),
                    yuan(*shortfall)
                ),
                format!(
                    "the amount {} yuan exceeds the {} yuan left by {} yuan; an override needs a written reason",
                    yuan(*amount),
                    yuan(*available),
                    yuan(*shortfall)
                ),
            ),
            BudgetRefusal::NegativeAmount => Text::new(
                "预留金额不能为负数",
                "the amount to reserve must not be negative",
            ),
        }
    }
}

/// Reserves `amount` against what is `available` (appropriation minus reserved and
/// paid). `override_reason` is a finance user's written reason to exceed it.
pub fn reserve(
    available: Money,
    amount: Money,
    override_reason: Option<&str>,
) -> Decision<Result<Reservation, BudgetRefusal>> {
    let mut trace = Trace::new();
    if amount.is_negative() {
        let refusal = BudgetRefusal::NegativeAmount;
        let text = refusal.text();
        trace.step(rules::AWARD_BUDGET, &clauses::FUNDS, text.zh, text.en);
        return Decision::new(Err(refusal), trace);
    }
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    let after = available - amount;
    // R-AWARD-BUDGET, clause 二十六: 强化资金预算执行和监督 — within what is left.
    if amount <= available {
        trace.step(
            rules::AWARD_BUDGET,
            &clauses::FUNDS,
            format!(
                "预留 {} 元，剩余额度 {} 元，预留后剩余 {} 元",
                yuan(amount),
                yuan(available),
                yuan(after)
            ),
            format!(
                "reserved {} yuan of the {} yuan left; {} yuan left afterwards",
                yuan(amount),
                yuan(available),
                yuan(after)
            ),
        );
        if reason.is_some() {
            trace.step(
                rules::AWARD_BUDGET,
                &clauses::FUNDS,
                "额度充足，无需超额批准，所填理由未使用",
                "the budget suffices, so no override was needed and the reason was not used",
            );
        }
        let reservation = Reservation {
            amount,
            available_before: available,
            available_after: after,
            override_reason: None,
        };
        return Decision::new(Ok(reservation), trace);
    }
    let shortfall = amount - available;
    match (override_reason, reason) {
        (_, Some(reason)) => {
            // R-AWARD-BUDGET, clause 二十六: a finance override with a written reason.
            trace.step(
                rules::AWARD_BUDGET,
                &clauses::FUNDS,
                format!(
                    "金额 {} 元超过剩余额度 {} 元（差 {} 元），财政人员书面说明理由后超额批准：“{reason}”",
                    yuan(amount),
                    yuan(available),
                    yuan(shortfall)
                ),
                format!(
                    "the amount {} yuan exceeds the {} yuan left by {} yuan; finance overrode with the written reason “{reason}”",
                    yuan(amount),
                    yuan(available),
                    yuan(shortfall)
                ),
            );
            let reservation = Reservation {
                amount,
                available_before: available,
                available_after: after,
                override_reason: Some(reason.to_owned()),
            };
            Decision::new(Ok(reservation), trace)
        }
        (given, None) => {
            let refusal = if given.is_some() {
                BudgetRefusal::OverrideWithoutReason {
                    amount,
                    available,
                    shortfall,
                }
            } else {
                BudgetRefusal::Exceeds {
                    amount,
                    available,
                    shortfall,
                }
            };
            let text = refusal.text();
            trace.step(rules::AWARD_BUDGET, &clauses::FUNDS, text.zh, text.en);
            Decision::new(Err(refusal), trace)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(yuan: i64) -> Money {
        Money::yuan(yuan)
    }

    #[test]
    fn a_reservation_within_what_is_left_is_allowed() {
        let decision = reserve(m(3_000_000), m(3_000_000), None);
        let reservation = decision.value.unwrap();
        assert_eq!(reservation.available_after, Money::ZERO);
        assert_eq!(reservation.override_reason, None);
        assert!(decision.trace.mentions(rules::AWARD_BUDGET));
    }

    #[test]
    fn a_reservation_over_what_is_left_is_refused() {
        let decision = reserve(m(2_999_999), m(3_000_000), None);
        let refusal = decision.value.unwrap_err();
        assert_eq!(
            refusal,
            BudgetRefusal::Exceeds {
                amount: m(3_000_000),
                available: m(2_999_999),
                shortfall: m(1)
            }
        );
        assert_eq!(refusal.code(), "over_budget");
        assert!(refusal.text().zh.contains("2,999,999.00"));
    }

    #[test]
    fn finance_can_override_with_a_written_reason() {
        let decision = reserve(m(1_000_000), m(3_000_000), Some("  追加预算已批复 "));
        let reservation = decision.value.unwrap();
        assert_eq!(
            reservation.available_after,
            Money::parse_signed("-2000000").unwrap()
        );
        assert_eq!(
            reservation.override_reason.as_deref(),
            Some("追加预算已批复")
        );
        assert!(decision.trace.steps()[0].detail.en.contains("overrode"));
        assert!(
            decision.trace.steps()[0]
                .detail
                .zh
                .contains("追加预算已批复")
        );
    }

    #[test]
    fn an_override_without_a_reason_is_refused() {
        for blank in ["", "   "] {
            let refusal = reserve(m(0), m(1), Some(blank)).value.unwrap_err();
            assert_eq!(refusal.code(), "override_reason_required");
        }
    }

    #[test]
    fn a_reason_given_when_the_budget_suffices_is_not_recorded_as_an_override() {
        let decision = reserve(m(10), m(5), Some("just in case"));
        assert_eq!(decision.value.unwrap().override_reason, None);
        assert_eq!(decision.trace.len(), 2);
    }

    #[test]
    fn a_negative_amount_is_refused() {
        let refusal = reserve(m(10), Money::parse_signed("-1").unwrap(), None)
            .value
            .unwrap_err();
        assert_eq!(refusal, BudgetRefusal::NegativeAmount);
    }
}
