//! Cells as the reader sees them, whatever the file: text, a number, an Excel date
//! cell, or nothing; and the normalisation SPEC §5 asks for.

use chrono::NaiveDate;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Text, trimmed (spaces, U+3000, NBSP) with full-width digits and letters
    /// made half-width.
    Text(String),
    /// A number cell (XLSX). CSV has text only.
    Number(f64),
    /// A cell Excel formats as a date, already read in the workbook's date system.
    Date(NaiveDate),
    /// Something no column accepts (an error value like #N/A, a boolean).
    Other(String),
}

impl Cell {
    /// Text or other content made into a cell; empty after trimming is `Empty`.
    pub fn text(raw: &str) -> Cell {
        let text = normalise(raw);
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// What the cell shows, as a person would read it back (numbers as Excel's
    /// General format shows them).
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) | Cell::Other(t) => t.clone(),
            Cell::Number(n) => general(*n),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// SPEC §5: trims spaces, U+3000 and NBSP (every Unicode space, and the BOM and
/// zero-width characters that pasting leaves behind) and turns full-width digits and
/// letters into half-width ones.
pub fn normalise(raw: &str) -> String {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    trimmed.chars().map(half_width_alnum).collect()
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'
    )
}

fn half_width_alnum(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// Full-width punctuation made half-width too (for dates, amounts and numbers,
/// where "２０２４／３／１" can mean only one thing); names keep their full-width
/// brackets.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3002}' => '.',
            _ => c,
        })
        .collect()
}

/// A number as Excel's General format shows it: whole numbers in full up to 11
/// digits, larger ones as 3.70211E+17.
pub fn general(n: f64) -> String {
    if n.is_finite() && n.abs() >= 1e11 {
        let exponent = n.abs().log10().floor() as i32;
        let mantissa = n / 10f64.powi(exponent);
        let digits = format!("{mantissa:.5}");
        let digits = digits.trim_end_matches('0').trim_end_matches('.');
        format!("{digits}E+{exponent:02}")
    } else {
        format!("{n}")
    }
}

/// Whether text reads as a number in scientific notation ("3.70211E+17"), which is
/// what an identifier that went through a number cell looks like when saved.
pub fn is_scientific(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let Some((mantissa, exponent)) = upper.split_once('E') else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let mantissa_ok = !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().filter(|&c| c == '.').count() <= 1
        && mantissa.starts_with(|c: char| c.is_ascii_digit());
    mantissa_ok && !exponent.is_empty() && exponent.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_removes_ideographic_and_no_break_spaces_and_full_width_becomes_half_width() {
        assert_eq!(
            normalise("\u{3000} ３７０２１１abcＡＢＣ\u{a0}"),
            "370211abcABC"
        );
        assert_eq!(normalise("\u{feff}企业名称"), "企业名称");
        assert_eq!(normalise("青岛（黄岛）有限公司"), "青岛（黄岛）有限公司");
        assert_eq!(Cell::text(" \u{3000}\u{a0} "), Cell::Empty);
        assert_eq!(half_width("２０２４／３／１"), "2024/3/1");
    }

    #[test]
    fn large_numbers_show_as_excel_shows_them() {
        assert_eq!(general(370_211_198_806_210_331.0), "3.70211E+17");
        assert_eq!(general(1500.0), "1500");
        assert_eq!(general(45.5), "45.5");
        assert!(is_scientific("3.70211E+17") && is_scientific("3.70211e17"));
        assert!(!is_scientific("370211198806210331") && !is_scientific("E+17"));
    }
}
