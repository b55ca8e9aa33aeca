//! Late changes to the stored ledger of an approved relief (SPEC §4 "money over
//! time", R-WAIVER-LEDGER — clause 七): when a move-out or a rent change is
//! recorded after the ledger was stored, the ledger is computed again from the new
//! facts and every month whose stored net (its regular row plus any adjustment
//! rows) differs gets one adjustment row with the difference, possibly negative. A
//! stored row is never edited or deleted, so a paid claim keeps its rows; the next
//! claim takes the adjustments.

use std::collections::BTreeMap;

use fuhua_core::vocab::{FundingSource, Regime};
use fuhua_core::{Money, YearMonth};

/// One month of one stay's ledger under one regime and fund source: a stored row
/// (regular or adjustment; an adjustment's days and amounts may be negative), a
/// month computed again, or an adjustment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerAmounts {
    pub month: YearMonth,
    pub regime: Regime,
    pub funding_source: Option<FundingSource>,
    pub occupied_days: i64,
    /// The month's length (not a difference: the same on every row of the month).
    pub days_in_month: u32,
    pub rent_due: Money,
    pub waived: Money,
    pub payable: Money,
}

type Key = (YearMonth, Regime, Option<FundingSource>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Net {
    occupied_days: i64,
    rent_due: Money,
    waived: Money,
    payable: Money,
}

impl Net {
    const ZERO: Net = Net {
        occupied_days: 0,
        rent_due: Money::ZERO,
        waived: Money::ZERO,
        payable: Money::ZERO,
    };

    fn add(self, row: &LedgerAmounts) -> Net {
        Net {
            occupied_days: self.occupied_days + row.occupied_days,
            rent_due: self.rent_due + row.rent_due,
            waived: self.waived + row.waived,
            payable: self.payable + row.payable,
        }
    }

    fn minus(self, other: Net) -> Net {
        Net {
            occupied_days: self.occupied_days - other.occupied_days,
            rent_due: self.rent_due - other.rent_due,
            waived: self.waived - other.waived,
            payable: self.payable - other.payable,
        }
    }
}

fn key(row: &LedgerAmounts) -> Key {
    (row.month, row.regime, row.funding_source)
}

/// The adjustment rows that bring a stay's `stored` ledger rows (regular and
/// adjustment, as stored) to the `recomputed` ledger (SPEC §4 "money over time":
/// "a move-out or rent change reported late becomes an adjustment row (possibly
/// negative) in the next claim, never an edit of a paid one" — R-WAIVER-LEDGER,
/// clause 七).
///
/// Rows are compared per month, regime and fund source, so a claim always settles a
/// difference against the fund source that paid the original: a stored month the
/// new facts no longer occupy is reversed in full; a recomputed month with nothing
/// stored is added in full (the caller passes only the months its ledger covers);
/// a month whose occupied days, rent due, waived rent or payable rent differ gets
/// the difference; a month that agrees gets nothing. Ordered by month.
pub fn ledger_adjustments(
    stored: &[LedgerAmounts],
    recomputed: &[LedgerAmounts],
) -> Vec<LedgerAmounts> {
    let mut have: BTreeMap<Key, Net> = BTreeMap::new();
    for row in stored {
        let net = have.entry(key(row)).or_insert(Net::ZERO);
        *net = net.add(row);
    }
    let mut want: BTreeMap<Key, Net> = BTreeMap::new();
    for row in recomputed {
        let net = want.entry(key(row)).or_insert(Net::ZERO);
        *net = net.add(row);
    }
    let mut keys: Vec<Key> = have.keys().chain(want.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let target = want.get(&k).copied().unwrap_or(Net::ZERO);
            let current = have.get(&k).copied().unwrap_or(Net::ZERO);
            let diff = target.minus(current);
            (diff != Net::ZERO).then_some(LedgerAmounts {
                month: k.0,
                regime: k.1,
                funding_source: k.2,
                occupied_days: diff.occupied_days,
                days_in_month: k.0.days(),
                rent_due: diff.rent_due,
                waived: diff.waived,
                payable: diff.payable,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: Regime = Regime::FullWaiver;
    const DISTRICT: Option<FundingSource> = Some(FundingSource::DistrictFinance);

    fn month(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    /// A full-waiver month of `rent` yuan with `days` occupied.
    fn row(y: i32, m: u32, days: i64, rent_fen: i64) -> LedgerAmounts {
        let ym = month(y, m);
        let due = Money::from_fen(rent_fen * days / i64::from(ym.days()));
        LedgerAmounts {
            month: ym,
            regime: FULL,
            funding_source: DISTRICT,
            occupied_days: days,
            days_in_month: ym.days(),
            rent_due: due,
            waived: due,
            payable: Money::ZERO,
        }
    }

    fn negated(r: &LedgerAmounts) -> LedgerAmounts {
        LedgerAmounts {
            occupied_days: -r.occupied_days,
            rent_due: Money::ZERO - r.rent_due,
            waived: Money::ZERO - r.waived,
            payable: Money::ZERO - r.payable,
            ..r.clone()
        }
    }

    #[test]
    fn no_change_makes_no_rows() {
        let ledger = [
            row(2025, 10, 31, 300_000),
            row(2025, 11, 30, 300_000),
            row(2025, 12, 31, 300_000),
        ];
        assert!(ledger_adjustments(&ledger, &ledger).is_empty());
        assert!(ledger_adjustments(&[], &[]).is_empty());
    }

    #[test]
    fn a_late_move_out_reverses_the_months_after_it_and_trims_its_month() {
        let stored = [
            row(2025, 10, 31, 300_000),
            row(2025, 11, 30, 300_000),
            row(2025, 12, 31, 300_000),
        ];
        // Moved out on 2025-11-10: ten days of November, nothing of December.
        let recomputed = [row(2025, 10, 31, 300_000), row(2025, 11, 10, 300_000)];
        let adjustments = ledger_adjustments(&stored, &recomputed);
        assert_eq!(adjustments.len(), 2);
        let november = &adjustments[0];
        assert_eq!(november.month, month(2025, 11));
        assert_eq!(november.occupied_days, -20);
        assert_eq!(november.days_in_month, 30);
        assert_eq!(november.waived, Money::from_fen(100_000 - 300_000));
        assert_eq!(november.rent_due, november.waived);
        assert_eq!(november.payable, Money::ZERO);
        assert_eq!(november.funding_source, DISTRICT);
        assert_eq!(adjustments[1], negated(&stored[2]));
        assert!(adjustments[1].waived.is_negative());
    }

    #[test]
    fn adjustments_already_stored_count_towards_the_month() {
        let stored = [
            row(2025, 12, 31, 300_000),
            negated(&row(2025, 12, 31, 300_000)),
        ];
        // December was reversed before; reversing it again would pay back twice.
        assert!(ledger_adjustments(&stored, &[]).is_empty());
        // Taking the move-out back adds the month again.
        let again = ledger_adjustments(&stored, &[row(2025, 12, 31, 300_000)]);
        assert_eq!(again, vec![row(2025, 12, 31, 300_000)]);
    }

    #[test]
    fn a_raised_rent_adds_the_difference_to_every_month() {
        let stored = [row(2025, 11, 30, 300_000), row(2025, 12, 31, 300_000)];
        let recomputed = [row(2025, 11, 30, 360_000), row(2025, 12, 31, 360_000)];
        let adjustments = ledger_adjustments(&stored, &recomputed);
        assert_eq!(adjustments.len(), 2);
        for a in &adjustments {
            assert_eq!(a.occupied_days, 0);
            assert_eq!(a.waived, Money::from_fen(60_000));
            assert_eq!(a.rent_due, Money::from_fen(60_000));
        }
    }

    #[test]
    fn a_change_of_fund_source_reverses_the_old_and_adds_the_new() {
        let stored = [row(2025, 11, 30, 300_000)];
        let street = LedgerAmounts {
            funding_source: Some(FundingSource::StreetTownBudget),
            ..row(2025, 11, 30, 300_000)
        };
        let adjustments = ledger_adjustments(&stored, std::slice::from_ref(&street));
        assert_eq!(adjustments.len(), 2);
        assert!(adjustments.contains(&negated(&stored[0])));
        assert!(adjustments.contains(&street));
    }

    #[test]
    fn only_payable_differing_is_a_difference_too() {
        let stored = [row(2025, 11, 30, 300_000)];
        let mut partly = row(2025, 11, 30, 300_000);
        partly.waived = Money::from_fen(150_000);
        partly.payable = Money::from_fen(150_000);
        let adjustments = ledger_adjustments(&stored, &[partly]);
        assert_eq!(adjustments.len(), 1);
        assert_eq!(adjustments[0].rent_due, Money::ZERO);
        assert_eq!(adjustments[0].occupied_days, 0);
        assert_eq!(adjustments[0].waived, Money::from_fen(-150_000));
        assert_eq!(adjustments[0].payable, Money::from_fen(150_000));
    }
}
