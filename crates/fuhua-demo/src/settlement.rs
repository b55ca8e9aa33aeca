//! The quarters the demo settles (SPEC §4 "settlement claim"): once the rent-relief
//! cases are made and the approved reliefs' ledgers are stored, an official
//! generates every quarter's claims through `claims::generate`; the claims of every
//! quarter but the latest ended one are submitted by their carriers' operators,
//! approved by an official and paid by finance (voucher number and date); of the
//! latest ended quarter's claims one is submitted and waits for an official, the
//! others wait for their operators.

use chrono::{Datelike, NaiveDate};
use fuhua_core::YearMonth;
use fuhua_waiver::Quarter;
use serde::Serialize;

use super::accounts::{FINANCE, OFFICIAL_A, OFFICIAL_B};
use super::shift;

/// Days after a quarter's end that finance pays its approved claims.
const PAID_AFTER_DAYS: i64 = 40;

/// What the settlement step asks the use cases for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlannedSettlement {
    /// The quarters generated, oldest first, as (year, 1–4): from the first quarter
    /// of the oldest appropriation's year through the latest quarter ended by
    /// `today` (a quarter without ledger rows generates nothing).
    pub quarters: Vec<(i32, u32)>,
    /// Username of the official who generates (the "generate" button).
    pub generated_by: String,
    /// Username of the official who approves (a district official: every carrier).
    pub approved_by: String,
    /// Username of the finance user who pays.
    pub paid_by: String,
}

impl PlannedSettlement {
    /// The quarters as [`Quarter`]s, oldest first.
    pub fn quarters(&self) -> Vec<Quarter> {
        self.quarters
            .iter()
            .filter_map(|(year, q)| Quarter::new(*year, *q))
            .collect()
    }

    /// The latest quarter ended by `today`: its claims are not paid; one of them is
    /// submitted and waits for an official.
    pub fn waiting_quarter(&self) -> Option<Quarter> {
        self.quarters().last().copied()
    }
}

/// The latest quarter that has ended on `today`.
pub fn latest_ended(today: NaiveDate) -> Quarter {
    Quarter::of(YearMonth::of(today)).pred()
}

/// The settlement of the district as of `today`: quarters from the first of the
/// year three years back (the oldest appropriation, see `reports::appropriations`).
pub fn settlement_plan(today: NaiveDate) -> PlannedSettlement {
    let last = latest_ended(today);
    let mut quarters = Vec::new();
    let mut quarter = Quarter::new(today.year() - 3, 1);
    while let Some(q) = quarter.filter(|q| *q <= last) {
        quarters.push((q.year(), q.number()));
        quarter = if q.number() == 4 {
            Quarter::new(q.year() + 1, 1)
        } else {
            Quarter::new(q.year(), q.number() + 1)
        };
    }
    PlannedSettlement {
        quarters,
        generated_by: OFFICIAL_A.to_owned(),
        approved_by: OFFICIAL_B.to_owned(),
        paid_by: FINANCE.to_owned(),
    }
}

/// The voucher number and payment date of the `index`-th (0-based) claim paid for
/// `quarter`: paid [`PAID_AFTER_DAYS`] days after the quarter ends, never after
/// `today`; vouchers `QXCZ-JS-2025Q4-001` …
pub fn payment(quarter: Quarter, index: usize, today: NaiveDate) -> (String, NaiveDate) {
    let paid_on = shift(quarter.last_day(), PAID_AFTER_DAYS).min(today);
    (format!("QXCZ-JS-{quarter}-{:03}", index + 1), paid_on)
}
