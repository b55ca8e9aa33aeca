//! Settlement claims (SPEC §4 "settlement claim" and "money over time"): the
//! quarter a claim settles, which stored ledger rows a new claim takes, and the
//! claim's transition table.
//!
//! A claim is one carrier × quarter × fund source. Generating quarter Q takes every
//! unclaimed ledger row of a month in Q, and every unclaimed row of a month in an
//! earlier quarter that already has its claim: such a row was reported after that
//! quarter was claimed (a late move-out, a rent change, a late approval), so it
//! becomes an adjustment row of this claim — possibly negative — and the earlier
//! claim is never edited. Rows of an earlier quarter without a claim wait for it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use fuhua_core::vocab::FundingSource;
use fuhua_core::vocabulary;
use fuhua_core::workflow::{Actions, Move, Party};
use fuhua_core::{Money, Problem, YearMonth};

use crate::workflow::ClaimState;

/// A calendar quarter, written `2025Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    quarter: u32,
}

impl Quarter {
    /// The quarter `quarter` (1–4) of `year` (1900–9999); `None` otherwise.
    pub fn new(year: i32, quarter: u32) -> Option<Quarter> {
        ((1900..=9999).contains(&year) && (1..=4).contains(&quarter))
            .then_some(Quarter { year, quarter })
    }

    /// The quarter a month belongs to.
    pub fn of(month: YearMonth) -> Quarter {
        Quarter {
            year: month.year(),
            quarter: month.quarter(),
        }
    }

    /// Parses `2025Q4` (also `2025q4` and surrounding spaces). The problem names
    /// `field` and says what a quarter looks like.
    pub fn parse(field: &str, text: &str) -> Result<Quarter, Problem> {
        let bad = || {
            Problem::new(
                field,
                "quarter",
                format!(
                    "“{}”不是有效的季度，请按“2025Q4”的格式填写（年份后接 Q 和 1–4）。",
                    text.trim()
                ),
                format!(
                    "“{}” is not a quarter; write it like 2025Q4 (the year, Q, then 1 to 4).",
                    text.trim()
                ),
            )
        };
        let text = text.trim();
        let (year, quarter) = text.split_once(['Q', 'q']).ok_or_else(bad)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || quarter.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let quarter: u32 = quarter.parse().map_err(|_| bad())?;
        Quarter::new(year, quarter).ok_or_else(bad)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 4.
    pub fn number(self) -> u32 {
        self.quarter
    }

    /// The first month of the quarter.
    pub fn first_month(self) -> YearMonth {
        YearMonth::new(self.year, self.quarter * 3 - 2).unwrap_or(YearMonth::of(NaiveDate::MIN))
    }

    /// The last month of the quarter.
    pub fn last_month(self) -> YearMonth {
        YearMonth::new(self.year, self.quarter * 3).unwrap_or(YearMonth::of(NaiveDate::MIN))
    }

    /// The quarter's last day; it can be settled from the day after.
    pub fn last_day(self) -> NaiveDate {
        self.last_month().last_day()
    }

    /// Whether the quarter has ended on `today` (SPEC §4: settled only after it ends).
    pub fn has_ended(self, today: NaiveDate) -> bool {
        today > self.last_day()
    }

    /// The quarter before this one.
    pub fn pred(self) -> Quarter {
        if self.quarter == 1 {
            Quarter {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// "2025年第4季度" or "2025 Q4".
    pub fn label(self, lang: fuhua_core::Lang) -> String {
        lang.pick(
            &format!("{}年第{}季度", self.year, self.quarter),
            &format!("{} Q{}", self.year, self.quarter),
        )
        .to_owned()
    }
}

impl fmt::Display for Quarter {
    /// `2025Q4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

/// The problem when a quarter has not ended on `today`: it names the quarter's last
/// day (SPEC §4 "a quarter can be settled only after it ends").
pub fn not_ended(field: &str, quarter: Quarter) -> Problem {
    Problem::new(
        field,
        "quarter_not_ended",
        format!(
            "{}至 {} 才结束，季度结束后（{} 起）才能生成结算申请。",
            quarter.label(fuhua_core::Lang::Zh),
            quarter.last_day(),
            quarter.last_day().succ_opt().unwrap_or(quarter.last_day())
        ),
        format!(
            "{} ends on {}; its settlement claims can be generated from {}.",
            quarter.label(fuhua_core::Lang::En),
            quarter.last_day(),
            quarter.last_day().succ_opt().unwrap_or(quarter.last_day())
        ),
    )
}

/// One unclaimed ledger row with waived rent, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimableRow<K> {
    pub id: i64,
    pub carrier: K,
    pub funding_source: FundingSource,
    pub month: YearMonth,
    pub waived: Money,
}

/// A claim to generate: the rows it takes and its total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedClaim<K> {
    pub carrier: K,
    pub funding_source: FundingSource,
    pub quarter: Quarter,
    /// The rows of months in the quarter.
    pub rows: Vec<i64>,
    /// Rows of months in earlier, already claimed quarters (late changes).
    pub adjustments: Vec<i64>,
    /// The sum of both, possibly negative.
    pub total: Money,
}

/// The claims generating `quarter` makes. `existing` holds every claim already
/// generated (carrier, fund source, quarter); a carrier and fund source whose claim
/// for `quarter` exists gets nothing (running it again changes nothing), and its
/// rows wait for the next claim. Rows of later quarters are left alone.
pub fn plan_claims<K: Ord + Clone>(
    rows: &[ClaimableRow<K>],
    existing: &BTreeSet<(K, FundingSource, Quarter)>,
    quarter: Quarter,
) -> Vec<PlannedClaim<K>> {
    let mut plans: BTreeMap<(K, FundingSource), PlannedClaim<K>> = BTreeMap::new();
    for row in rows {
        let of = Quarter::of(row.month);
        let key = (row.carrier.clone(), row.funding_source);
        if existing.contains(&(row.carrier.clone(), row.funding_source, quarter)) {
            continue;
        }
        let adjustment = if of == quarter {
            false
        } else if of < quarter && existing.contains(&(row.carrier.clone(), row.funding_source, of))
        {
            true
        } else {
            continue;
        };
        let plan = plans.entry(key).or_insert_with(|| PlannedClaim {
            carrier: row.carrier.clone(),
            funding_source: row.funding_source,
            quarter,
            rows: Vec::new(),
            adjustments: Vec::new(),
            total: Money::ZERO,
        });
        if adjustment {
            plan.adjustments.push(row.id);
        } else {
            plan.rows.push(row.id);
        }
        plan.total = plan.total + row.waived;
    }
    plans.into_values().collect()
}

vocabulary! {
    /// What can be done to a settlement claim.
    ClaimAction {
        Submit = "submit", "提交结算申请", "submit";
        Approve = "approve", "批准", "approve";
        Reject = "reject", "不予批准", "reject";
        Pay = "pay", "拨付", "pay";
        Reopen = "reopen", "退回重新提交", "reopen";
    }
}

use ClaimAction as CA;
use ClaimState as CS;

/// SPEC §4 settlement claim: generated → submitted → approved | rejected → paid
/// (approved only); rejected → generated. The carrier's operator submits and
/// reopens a rejected claim, an official of the carrier's jurisdiction decides,
/// finance pays.
const CLAIM_MOVES: &[Move<ClaimState, ClaimAction>] = &[
    Move {
        action: CA::Submit,
        from: &[CS::Generated],
        to: CS::Submitted,
        by: Party::Operator,
    },
    Move {
        action: CA::Approve,
        from: &[CS::Submitted],
        to: CS::Approved,
        by: Party::Official,
    },
    Move {
        action: CA::Reject,
        from: &[CS::Submitted],
        to: CS::Rejected,
        by: Party::Official,
    },
    Move {
        action: CA::Pay,
        from: &[CS::Approved],
        to: CS::Paid,
        by: Party::Finance,
    },
    Move {
        action: CA::Reopen,
        from: &[CS::Rejected],
        to: CS::Generated,
        by: Party::Operator,
    },
];

impl Actions for ClaimAction {
    type State = ClaimState;

    fn moves() -> &'static [Move<ClaimState, ClaimAction>] {
        CLAIM_MOVES
    }

    fn waiting_for(state: ClaimState) -> (&'static str, &'static str) {
        match state {
            CS::Generated => ("等待运营机构提交", "waiting for the operator to submit"),
            CS::Submitted => ("等待官员审核", "waiting for an official's decision"),
            CS::Approved => ("等待财政拨付", "waiting for finance to pay"),
            CS::Rejected => (
                "未获批准，等待运营机构重新提交",
                "rejected; waiting for the operator to reopen it",
            ),
            CS::Paid => ("已拨付，结算申请已办结", "paid; the claim is closed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::table_agrees_with_workflow;
    use fuhua_core::workflow::{Unavailable, Workflow};

    fn q(y: i32, n: u32) -> Quarter {
        Quarter::new(y, n).unwrap()
    }

    fn row(id: i64, carrier: u32, y: i32, m: u32, fen: i64) -> ClaimableRow<u32> {
        ClaimableRow {
            id,
            carrier,
            funding_source: FundingSource::DistrictFinance,
            month: YearMonth::new(y, m).unwrap(),
            waived: Money::from_fen(fen),
        }
    }

    #[test]
    fn quarters_parse_with_a_clear_problem() {
        assert_eq!(Quarter::parse("quarter", "2025Q4").unwrap(), q(2025, 4));
        assert_eq!(Quarter::parse("quarter", " 2026q1 ").unwrap(), q(2026, 1));
        for bad in [
            "",
            "2025",
            "2025Q5",
            "2025Q0",
            "25Q4",
            "2025-Q4",
            "2025Q44",
            "Q4",
            "２０２５Q4",
        ] {
            let problem = Quarter::parse("quarter", bad).unwrap_err();
            assert_eq!(problem.field, "quarter");
            assert!(problem.message.en.contains("2025Q4"), "{bad}");
        }
        assert_eq!(q(2025, 4).to_string(), "2025Q4");
        assert_eq!(
            q(2025, 4).last_day(),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
        );
        assert_eq!(q(2026, 1).pred(), q(2025, 4));
        assert_eq!(q(2025, 2).first_month(), YearMonth::new(2025, 4).unwrap());
    }

    #[test]
    fn a_quarter_ends_after_its_last_day_and_the_problem_names_it() {
        let end = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert!(!q(2025, 4).has_ended(end));
        assert!(q(2025, 4).has_ended(end.succ_opt().unwrap()));
        let problem = not_ended("quarter", q(2025, 4));
        assert!(problem.message.zh.contains("2025-12-31"));
        assert!(problem.message.en.contains("2025-12-31"));
    }

    #[test]
    fn a_claim_takes_its_quarter_and_late_rows_of_claimed_quarters() {
        let rows = [
            row(1, 1, 2025, 10, 10_000),
            row(2, 1, 2025, 12, 5_000),
            // A late move-out for a claimed quarter: a negative adjustment.
            row(3, 1, 2025, 8, -2_000),
            // An earlier quarter that was never claimed waits for its own claim.
            row(4, 1, 2025, 5, 7_000),
            // A later quarter is left alone.
            row(5, 1, 2026, 1, 9_000),
            row(6, 2, 2025, 11, 300),
        ];
        let existing = BTreeSet::from([(1, FundingSource::DistrictFinance, q(2025, 3))]);
        let plans = plan_claims(&rows, &existing, q(2025, 4));
        assert_eq!(plans.len(), 2);
        assert_eq!(plans[0].rows, vec![1, 2]);
        assert_eq!(plans[0].adjustments, vec![3]);
        assert_eq!(plans[0].total, Money::from_fen(13_000));
        assert_eq!(plans[1].carrier, 2);
        assert_eq!(plans[1].total, Money::from_fen(300));
    }

    #[test]
    fn generating_a_claimed_quarter_again_makes_nothing() {
        let rows = [row(1, 1, 2025, 10, 10_000), row(2, 1, 2025, 8, -500)];
        let existing = BTreeSet::from([
            (1, FundingSource::DistrictFinance, q(2025, 3)),
            (1, FundingSource::DistrictFinance, q(2025, 4)),
        ]);
        assert!(plan_claims(&rows, &existing, q(2025, 4)).is_empty());
        // The next quarter's claim takes both as adjustments.
        let next = plan_claims(&rows, &existing, q(2026, 1));
        assert_eq!(next[0].adjustments, vec![1, 2]);
        assert_eq!(next[0].total, Money::from_fen(9_500));
    }

    #[test]
    fn the_claim_table_follows_the_workflow() {
        assert!(table_agrees_with_workflow::<ClaimAction>());
        for &from in CS::ALL {
            for &to in from.next() {
                assert!(
                    CLAIM_MOVES
                        .iter()
                        .any(|m| m.from.contains(&from) && m.to == to),
                    "{from:?} → {to:?} has no action"
                );
            }
        }
        assert_eq!(
            ClaimAction::apply(CS::Approved, CA::Pay, Party::Finance),
            Ok(CS::Paid)
        );
        assert_eq!(
            ClaimAction::apply(CS::Submitted, CA::Pay, Party::Finance),
            Err(Unavailable::State)
        );
        assert_eq!(
            ClaimAction::apply(CS::Submitted, CA::Approve, Party::Operator),
            Err(Unavailable::Party)
        );
        assert!(ClaimAction::available(CS::Paid, Party::Finance).is_empty());
    }
}
