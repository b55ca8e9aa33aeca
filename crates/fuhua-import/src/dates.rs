//! Dates in a spreadsheet (SPEC §5 import): Excel serials in the 1900 or 1904 date
//! system, and text in YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日. Anything else
//! (03/01/2024 is month/day to some and day/month to others) is refused.

use chrono::{Days, NaiveDate};

/// Which day an Excel serial counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateSystem {
    /// Serial 1 is 1900-01-01 (with Excel's phantom 1900-02-29 as serial 60), so
    /// from 1900-03-01 on the base is 1899-12-30.
    #[default]
    From1900,
    /// `<workbookPr date1904="1">`: serial 0 is 1904-01-01.
    From1904,
}

/// Why a date cell could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFault {
    /// Month/day order cannot be told (03/01/2024, 1/3/24).
    Ambiguous,
    /// Not a date in any accepted form, or a day that does not exist.
    Invalid,
    /// Read, but outside 1950–2099, so surely a slip.
    OutOfRange,
}

/// The earliest and latest dates a tenant roll can hold.
fn plausible(date: NaiveDate) -> Result<NaiveDate, DateFault> {
    let first = NaiveDate::from_ymd_opt(1950, 1, 1).ok_or(DateFault::Invalid)?;
    let last = NaiveDate::from_ymd_opt(2099, 12, 31).ok_or(DateFault::Invalid)?;
    if (first..=last).contains(&date) {
        Ok(date)
    } else {
        Err(DateFault::OutOfRange)
    }
}

/// The day of Excel serial `serial` (its time of day, if any, ignored).
pub fn from_serial(serial: f64, system: DateSystem) -> Result<NaiveDate, DateFault> {
    if !serial.is_finite() || !(0.0..=3_000_000.0).contains(&serial) {
        return Err(DateFault::OutOfRange);
    }
    let days = serial.floor() as u64;
    let date = match system {
        DateSystem::From1904 => NaiveDate::from_ymd_opt(1904, 1, 1)
            .and_then(|base| base.checked_add_days(Days::new(days))),
        // Serials before 61 are January and February 1900 (and the phantom
        // 1900-02-29): never a date on a tenant roll.
        DateSystem::From1900 if days < 61 => return Err(DateFault::OutOfRange),
        DateSystem::From1900 => NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_days(Days::new(days))),
    };
    plausible(date.ok_or(DateFault::OutOfRange)?)
}

/// Text in one of the accepted forms (already trimmed and half-width). A date with
/// a time of midnight ("2024-03-01 00:00:00", "2024-03-01T00:00:00") is a date.
pub fn from_text(text: &str) -> Result<NaiveDate, DateFault> {
    let text = text.trim();
    let day_part = strip_midnight(text);
    if let Some(rest) = day_part.strip_suffix('日')
        && let Some((year, rest)) = rest.split_once('年')
        && let Some((month, day)) = rest.split_once('月')
    {
        return ymd(year, month, day);
    }
    for separator in ['-', '/', '.'] {
        let parts: Vec<&str> = day_part.split(separator).collect();
        if parts.len() == 3 {
            if parts[0].len() == 4 {
                return ymd(parts[0], parts[1], parts[2]);
            }
            if parts.iter().all(|p| is_digits(p)) {
                // 03/01/2024, 1.3.24: which is the month cannot be told.
                return Err(DateFault::Ambiguous);
            }
        }
    }
    Err(DateFault::Invalid)
}

fn strip_midnight(text: &str) -> &str {
    for suffix in [
        " 00:00:00",
        "T00:00:00",
        " 0:00:00",
        " 00:00",
        " 0:00",
        "T00:00",
    ] {
        if let Some(day) = text.strip_suffix(suffix) {
            return day;
        }
    }
    text
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

fn ymd(year: &str, month: &str, day: &str) -> Result<NaiveDate, DateFault> {
    let (year, month, day) = (year.trim(), month.trim(), day.trim());
    if year.len() != 4
        || !is_digits(year)
        || !(1..=2).contains(&month.len())
        || !(1..=2).contains(&day.len())
        || !is_digits(month)
        || !is_digits(day)
    {
        return Err(DateFault::Invalid);
    }
    let parse = |s: &str| s.parse::<u32>().map_err(|_| DateFault::Invalid);
    let year = i32::try_from(parse(year)?).map_err(|_| DateFault::Invalid)?;
    let date =
        NaiveDate::from_ymd_opt(year, parse(month)?, parse(day)?).ok_or(DateFault::Invalid)?;
    plausible(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn serials_count_from_1899_12_30_or_from_1904_01_01() {
        assert_eq!(
            from_serial(45352.0, DateSystem::From1900),
            Ok(d(2024, 3, 1))
        );
        assert_eq!(
            from_serial(43890.0, DateSystem::From1904),
            Ok(d(2024, 3, 1))
        );
        assert_eq!(
            from_serial(43890.75, DateSystem::From1904),
            Ok(d(2024, 3, 1))
        );
        assert_eq!(
            from_serial(43280.0, DateSystem::From1904),
            Ok(d(2022, 6, 30))
        );
        assert_eq!(
            from_serial(60.0, DateSystem::From1900),
            Err(DateFault::OutOfRange)
        );
        assert_eq!(
            from_serial(-1.0, DateSystem::From1900),
            Err(DateFault::OutOfRange)
        );
    }

    #[test]
    fn the_four_text_forms_are_read_and_day_month_orders_are_refused() {
        for text in [
            "2024-03-01",
            "2024-3-1",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "2024-03-01 00:00:00",
        ] {
            assert_eq!(from_text(text), Ok(d(2024, 3, 1)), "{text}");
        }
        for text in ["03/01/2024", "1/3/24", "01.03.2024"] {
            assert_eq!(from_text(text), Err(DateFault::Ambiguous), "{text}");
        }
        for text in ["2024-02-30", "20240301", "March 1", "2024-3", "2024年3月1"] {
            assert_eq!(from_text(text), Err(DateFault::Invalid), "{text}");
        }
        assert_eq!(from_text("1900-01-01"), Err(DateFault::OutOfRange));
    }
}
