//! The defaults of the district parameters `holidays` and `workdays`: the public
//! holidays and the make-up working days (调休上班日) the State Council announces
//! each year. Deadlines move past weekends and holidays; a make-up working day is a
//! working day even on a Saturday or Sunday (SPEC §4 "monthly report").
//!
//! Officials add a new dated version of both parameters when the next year's
//! notice is published.

use chrono::{Duration, NaiveDate};

use super::{ParamKey, ParamValue, ParamVersion};

/// The first day the lists below cover; their versions take effect then.
pub const CALENDAR_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2024, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// A run of days off, first and last day inclusive, as (year, month, day).
type Run = ((i32, u32, u32), (i32, u32, u32));

/// 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023-10-25）.
const HOLIDAYS_2024: &[Run] = &[
    ((2024, 1, 1), (2024, 1, 1)),   // 元旦
    ((2024, 2, 10), (2024, 2, 17)), // 春节
    ((2024, 4, 4), (2024, 4, 6)),   // 清明节
    ((2024, 5, 1), (2024, 5, 5)),   // 劳动节
    ((2024, 6, 10), (2024, 6, 10)), // 端午节
    ((2024, 9, 15), (2024, 9, 17)), // 中秋节
    ((2024, 10, 1), (2024, 10, 7)), // 国庆节
];
/// The same notice's make-up working days.
const WORKDAYS_2024: &[(i32, u32, u32)] = &[
    (2024, 2, 4),
    (2024, 2, 18),
    (2024, 4, 7),
    (2024, 4, 28),
    (2024, 5, 11),
    (2024, 9, 14),
    (2024, 9, 29),
    (2024, 10, 12),
];

/// 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）.
const HOLIDAYS_2025: &[Run] = &[
    ((2025, 1, 1), (2025, 1, 1)),   // 元旦
    ((2025, 1, 28), (2025, 2, 4)),  // 春节
    ((2025, 4, 4), (2025, 4, 6)),   // 清明节
    ((2025, 5, 1), (2025, 5, 5)),   // 劳动节
    ((2025, 5, 31), (2025, 6, 2)),  // 端午节
    ((2025, 10, 1), (2025, 10, 8)), // 国庆节、中秋节
];
/// The same notice's make-up working days.
const WORKDAYS_2025: &[(i32, u32, u32)] = &[
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
];

/// 国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）.
const HOLIDAYS_2026: &[Run] = &[
    ((2026, 1, 1), (2026, 1, 3)),   // 元旦
    ((2026, 2, 15), (2026, 2, 23)), // 春节
    ((2026, 4, 4), (2026, 4, 6)),   // 清明节
    ((2026, 5, 1), (2026, 5, 5)),   // 劳动节
    ((2026, 6, 19), (2026, 6, 21)), // 端午节
    ((2026, 9, 25), (2026, 9, 27)), // 中秋节
    ((2026, 10, 1), (2026, 10, 7)), // 国庆节
];
/// The same notice's make-up working days.
const WORKDAYS_2026: &[(i32, u32, u32)] = &[
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

fn day((y, m, d): (i32, u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Every public holiday of 2024–2026, in date order.
pub fn holidays() -> Vec<NaiveDate> {
    let mut days = Vec::new();
    for &(first, last) in [HOLIDAYS_2024, HOLIDAYS_2025, HOLIDAYS_2026]
        .concat()
        .iter()
    {
        let (Some(mut d), Some(last)) = (day(first), day(last)) else {
            continue;
        };
        while d <= last {
            days.push(d);
            d += Duration::days(1);
        }
    }
    days
}

/// Every make-up working day of 2024–2026, in date order.
pub fn workdays() -> Vec<NaiveDate> {
    [WORKDAYS_2024, WORKDAYS_2025, WORKDAYS_2026]
        .concat()
        .into_iter()
        .filter_map(day)
        .collect()
}

/// The dated versions of `holidays` and `workdays` for 2024–2026, in force from
/// 2024-01-01 (as the migration `m20261129_100002_reports` stores them).
pub fn versions() -> [ParamVersion; 2] {
    [
        ParamVersion {
            key: ParamKey::Holidays,
            effective_from: CALENDAR_FROM,
            value: ParamValue::Dates(holidays()),
        },
        ParamVersion {
            key: ParamKey::Workdays,
            effective_from: CALENDAR_FROM,
            value: ParamValue::Dates(workdays()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    #[test]
    fn the_notices_give_the_announced_number_of_days() {
        let all = holidays();
        let in_year = |y: i32| all.iter().filter(|d| d.year() == y).count();
        // 2024: 1 + 8 + 3 + 5 + 1 + 3 + 7; 2025: 1 + 8 + 3 + 5 + 3 + 8;
        // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7.
        assert_eq!(in_year(2024), 28);
        assert_eq!(in_year(2025), 28);
        assert_eq!(in_year(2026), 33);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_make_up_working_day_is_a_weekend_day_and_no_holiday() {
        let off = holidays();
        let on = workdays();
        assert_eq!(on.len(), 8 + 5 + 6);
        for d in on {
            assert!(
                matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
                "{d} is a weekday"
            );
            assert!(!off.contains(&d), "{d} is also a holiday");
        }
    }
}
