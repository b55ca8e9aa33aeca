//! Working days (SPEC §4 "monthly report"): Monday to Friday, except the district's
//! `holidays`; a make-up working day (调休上班日, parameter `workdays`) is a working
//! day even on a Saturday or Sunday.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The longest run of days off any calendar can have is far below this; loops over
/// days stop here so a damaged parameter can never make them run forever.
const MAX_DAYS_SCANNED: i64 = 366;

/// Which days are working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// A calendar from the public holidays and the make-up working days. A day in
    /// both lists is a working day (the make-up day is the later, specific rule).
    pub fn new(holidays: &[NaiveDate], workdays: &[NaiveDate]) -> WorkCalendar {
        WorkCalendar {
            holidays: holidays.iter().copied().collect(),
            workdays: workdays.iter().copied().collect(),
        }
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.holidays.contains(&day)
    }

    /// `day` itself when it is a working day, else the next working day.
    pub fn on_or_after(&self, day: NaiveDate) -> NaiveDate {
        let mut d = day;
        for _ in 0..MAX_DAYS_SCANNED {
            if self.is_working_day(d) {
                return d;
            }
            d += Duration::days(1);
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` ≤ `from`):
    /// a deadline on the next working day is 1 working day away.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut d = from;
        for _ in 0..(MAX_DAYS_SCANNED * 3) {
            d += Duration::days(1);
            if d > to {
                break;
            }
            count += u32::from(self.is_working_day(d));
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_and_holidays_are_off_and_make_up_days_are_on() {
        let cal = WorkCalendar::new(&[d(2024, 10, 1)], &[d(2024, 10, 12)]);
        assert!(cal.is_working_day(d(2024, 10, 10)), "a Thursday");
        assert!(!cal.is_working_day(d(2024, 10, 1)), "a holiday");
        assert!(!cal.is_working_day(d(2024, 10, 13)), "a Sunday");
        assert!(cal.is_working_day(d(2024, 10, 12)), "a make-up Saturday");
        assert_eq!(cal.on_or_after(d(2024, 10, 5)), d(2024, 10, 7));
    }

    #[test]
    fn working_days_are_counted_after_the_first_day() {
        let cal = WorkCalendar::default();
        // Friday → next Wednesday: Mon, Tue, Wed.
        assert_eq!(cal.working_days_between(d(2024, 10, 4), d(2024, 10, 9)), 3);
        assert_eq!(cal.working_days_between(d(2024, 10, 9), d(2024, 10, 9)), 0);
        assert_eq!(cal.working_days_between(d(2024, 10, 9), d(2024, 10, 1)), 0);
    }
}
