//! Calendar arithmetic: Civil-Code periods in months, calendar months, inclusive
//! date ranges. Dates are calendar days in Asia/Shanghai (SPEC §2).

use std::fmt;

use chrono::{Datelike, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Today in Asia/Shanghai (UTC+8 all year; China has no daylight saving time).
pub fn shanghai_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// Days in a calendar month (28–31); 0 for an impossible month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return 0;
    };
    let next = first.checked_add_months(Months::new(1));
    next.map(|n| (n - first).num_days() as u32).unwrap_or(31)
}

/// The last day of a period of `months` months starting on `start`, as the Civil
/// Code counts it (民法典 第二百零三条): the day before the same day of the month
/// `months` months later; when that month has no such day, its last day.
///
/// 2024-03-15 + 36 → 2027-03-14; 2024-01-31 + 36 → 2027-01-30;
/// 2024-02-29 + 36 → 2027-02-28; 2024-02-29 + 42 → 2027-08-28.
pub fn period_last_day(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let index = start.year() * 12 + start.month0() as i32 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    match NaiveDate::from_ymd_opt(year, month, start.day()) {
        Some(same_day) => same_day.pred_opt(),
        None => NaiveDate::from_ymd_opt(year, month, days_in_month(year, month)),
    }
}

/// `date` plus whole months, landing on the same day or, when that month is
/// shorter, on its last day.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// The anniversary `years` years after `date`: same month and day, Feb 29 → Feb 28.
pub fn add_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    add_months(date, years.checked_mul(12)?)
}

/// A calendar month, shown as "YYYY-MM".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| YearMonth { year, month })
    }

    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn days(self) -> u32 {
        days_in_month(self.year, self.month)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, self.days()).unwrap_or(NaiveDate::MAX)
    }

    pub fn succ(self) -> YearMonth {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The whole month as a date range.
    pub fn range(self) -> DateRange {
        DateRange {
            start: self.first_day(),
            end: self.last_day(),
        }
    }

    /// The calendar quarter (1–4) the month is in.
    pub fn quarter(self) -> u32 {
        (self.month - 1) / 3 + 1
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YearMonth({self})")
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An inclusive range of calendar days: both `start` and `end` belong to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    /// `None` when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<DateRange> {
        (start <= end).then_some(DateRange { start, end })
    }

    pub fn days(self) -> u32 {
        ((self.end - self.start).num_days() + 1) as u32
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    pub fn intersect(self, other: DateRange) -> Option<DateRange> {
        DateRange::new(self.start.max(other.start), self.end.min(other.end))
    }

    pub fn overlaps(self, other: DateRange) -> bool {
        self.intersect(other).is_some()
    }

    /// Days of this range inside `other`.
    pub fn days_within(self, other: DateRange) -> u32 {
        self.intersect(other).map_or(0, DateRange::days)
    }

    /// The calendar months this range touches, in order, each with the part of the
    /// range that falls in it.
    pub fn months(self) -> impl Iterator<Item = (YearMonth, DateRange)> {
        let last = YearMonth::of(self.end);
        let mut current = Some(YearMonth::of(self.start));
        std::iter::from_fn(move || {
            let month = current?;
            current = (month < last).then(|| month.succ());
            let part = self.intersect(month.range())?;
            Some((month, part))
        })
    }

    /// Every day of the range (bounded by the range itself).
    pub fn iter_days(self) -> impl Iterator<Item = NaiveDate> {
        let end = self.end;
        std::iter::successors(Some(self.start), move |d| {
            (*d < end).then(|| *d + Duration::days(1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_end_as_the_civil_code_counts() {
        assert_eq!(period_last_day(d(2024, 3, 15), 36), Some(d(2027, 3, 14)));
        assert_eq!(period_last_day(d(2024, 1, 31), 36), Some(d(2027, 1, 30)));
        assert_eq!(period_last_day(d(2024, 2, 29), 36), Some(d(2027, 2, 28)));
        assert_eq!(period_last_day(d(2024, 2, 29), 42), Some(d(2027, 8, 28)));
        assert_eq!(period_last_day(d(2024, 3, 31), 1), Some(d(2024, 4, 30)));
        assert_eq!(period_last_day(d(2024, 1, 1), 12), Some(d(2024, 12, 31)));
        assert_eq!(period_last_day(d(2023, 12, 31), 2), Some(d(2024, 2, 29)));
    }

    #[test]
    fn anniversaries_of_a_leap_day_fall_on_feb_28() {
        assert_eq!(add_years(d(2020, 2, 29), 5), Some(d(2025, 2, 28)));
        assert_eq!(add_years(d(2020, 7, 1), 5), Some(d(2025, 7, 1)));
        assert_eq!(add_years(d(2020, 2, 29), 4), Some(d(2024, 2, 29)));
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2024, 12), 31);
        assert_eq!(days_in_month(2024, 13), 0);
    }

    #[test]
    fn a_range_splits_into_calendar_months() {
        let range = DateRange::new(d(2024, 1, 30), d(2024, 3, 2)).unwrap();
        let parts: Vec<_> = range
            .months()
            .map(|(m, r)| (m.to_string(), r.days()))
            .collect();
        assert_eq!(
            parts,
            [
                ("2024-01".into(), 2),
                ("2024-02".into(), 29),
                ("2024-03".into(), 2)
            ]
        );
        let one_day = DateRange::new(d(2024, 5, 5), d(2024, 5, 5)).unwrap();
        assert_eq!(one_day.months().count(), 1);
        let across_year = DateRange::new(d(2023, 12, 31), d(2024, 1, 1)).unwrap();
        assert_eq!(across_year.months().count(), 2);
    }

    #[test]
    fn ranges_are_inclusive() {
        let a = DateRange::new(d(2024, 1, 1), d(2024, 1, 31)).unwrap();
        let b = DateRange::new(d(2024, 1, 31), d(2024, 2, 5)).unwrap();
        assert!(a.overlaps(b));
        assert_eq!(a.days_within(b), 1);
        assert_eq!(a.days(), 31);
        assert!(DateRange::new(d(2024, 2, 1), d(2024, 1, 31)).is_none());
        assert_eq!(b.iter_days().count(), 6);
    }

    #[test]
    fn quarters() {
        assert_eq!(YearMonth::new(2024, 3).unwrap().quarter(), 1);
        assert_eq!(YearMonth::new(2024, 10).unwrap().quarter(), 4);
    }
}
