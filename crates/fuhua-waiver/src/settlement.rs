//! Quarterly settlement sums (SPEC §4 "Money over time"): the waived rent a
//! carrier is compensated for, per quarter and fund source. Full-waiver rows draw on
//! the stay's funding source (clause 七: 区财政 or 街道(镇)自行承担); key-group rows on
//! district finance (R-AWARD-KEYGROUP, "由区纳入创业孵化基地(园区)扶持政策,统筹给予奖补").

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fuhua_core::vocab::FundingSource;
use fuhua_core::{Money, YearMonth};

/// One waived ledger row of one carrier, ready to settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRow<K> {
    pub carrier: K,
    pub funding_source: FundingSource,
    pub month: YearMonth,
    pub waived: Money,
}

/// The amount owed to one carrier from one fund source for a quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementLine<K> {
    pub carrier: K,
    pub funding_source: FundingSource,
    pub year: i32,
    pub quarter: u32,
    pub rows: usize,
    pub total: Money,
}

/// The year and quarter (1–4) a month belongs to.
pub fn quarter_of(month: YearMonth) -> (i32, u32) {
    (month.year(), month.quarter())
}

/// The last day of a quarter.
fn quarter_end(year: i32, quarter: u32) -> Option<NaiveDate> {
    YearMonth::new(year, quarter * 3).map(YearMonth::last_day)
}

/// Sums the rows of one quarter per carrier and fund source. A quarter can be
/// settled only after it ends: `None` when `today` is not past its last day.
pub fn settle_quarter<K: Ord + Clone>(
    rows: &[SettlementRow<K>],
    year: i32,
    quarter: u32,
    today: NaiveDate,
) -> Option<Vec<SettlementLine<K>>> {
    let end = quarter_end(year, quarter)?;
    if today <= end {
        return None;
    }
    let mut lines: BTreeMap<(K, FundingSource), (usize, Money)> = BTreeMap::new();
    for row in rows
        .iter()
        .filter(|r| quarter_of(r.month) == (year, quarter))
    {
        let entry = lines
            .entry((row.carrier.clone(), row.funding_source))
            .or_insert((0, Money::ZERO));
        entry.0 += 1;
        entry.1 = entry.1 + row.waived;
    }
    Some(
        lines
            .into_iter()
            .map(
                |((carrier, funding_source), (rows, total))| SettlementLine {
                    carrier,
                    funding_source,
                    year,
                    quarter,
                    rows,
                    total,
                },
            )
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(carrier: u32, source: FundingSource, y: i32, m: u32, fen: i64) -> SettlementRow<u32> {
        SettlementRow {
            carrier,
            funding_source: source,
            month: YearMonth::new(y, m).unwrap(),
            waived: Money::from_fen(fen),
        }
    }

    #[test]
    fn a_quarter_sums_per_carrier_and_fund_source_after_it_ends() {
        let rows = [
            row(1, FundingSource::DistrictFinance, 2024, 1, 10_000),
            row(1, FundingSource::DistrictFinance, 2024, 3, 5_005),
            row(1, FundingSource::StreetTownBudget, 2024, 2, 700),
            row(2, FundingSource::DistrictFinance, 2024, 2, 1),
            row(1, FundingSource::DistrictFinance, 2024, 4, 99_900),
        ];
        let after = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        let lines = settle_quarter(&rows, 2024, 1, after).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].total.to_string(), "150.05");
        assert_eq!(lines[0].rows, 2);
        assert_eq!(lines[1].funding_source, FundingSource::StreetTownBudget);
        assert_eq!(lines[2].total.to_string(), "0.01");
    }

    #[test]
    fn a_quarter_cannot_be_settled_before_it_ends() {
        let last_day = NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
        assert!(settle_quarter::<u32>(&[], 2024, 1, last_day).is_none());
        assert!(settle_quarter::<u32>(&[], 2024, 5, last_day).is_none());
    }
}
