//! A monthly report as a spreadsheet (SPEC §4 "monthly report": the operator files
//! "by form or upload"): a header row within the first 10 rows naming the report's
//! figures, and the figures in the first row under it, read as typed — the filing
//! form's checks then apply to them exactly as to typed figures. The same file
//! kinds, encodings and normalisation as the tenant roll (SPEC §5).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::FileError;
use crate::cells::{Cell, normalise};
use crate::source;

/// The report's figures: the filing form's field and the template's header.
pub const FIELDS: [(&str, &str); 5] = [
    ("tenants", "在孵企业数"),
    ("jobs", "带动就业人数"),
    ("service_events", "服务活动次数"),
    ("financing_raised", "在孵企业融资额（元）"),
    ("exits", "出孵企业数"),
];

/// The optional column naming the month reported (YYYY-MM).
pub const MONTH: &str = "报告月份";

/// What each column means (the template's second sheet).
const EXPLAINED: [(&str, &str); 6] = [
    (
        MONTH,
        "所报月份，格式 YYYY-MM（如 2026-10）；可不填，填写时须与报送页面的月份一致",
    ),
    ("在孵企业数", "月末在孵企业（团队）数，整数"),
    ("带动就业人数", "在孵企业月末带动就业人数，整数"),
    (
        "服务活动次数",
        "本月举办的培训、创业辅导、融资对接等服务活动次数，整数",
    ),
    (
        "在孵企业融资额（元）",
        "本月在孵企业获得的融资额，单位元，最多两位小数",
    ),
    ("出孵企业数", "本月出孵（迁出）的企业数，整数"),
];

/// How many rows the header row may be down the sheet.
const HEADER_WITHIN: usize = 10;

/// A report's row as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlySheet {
    /// The spreadsheet row number of the figures.
    pub row: u32,
    /// The month column as written, when the sheet has one and it is filled.
    pub month: Option<String>,
    /// Each figure as typed, by form field, in [`FIELDS`] order ("" when empty).
    pub values: Vec<(&'static str, String)>,
}

/// A header as compared: normalised, with any unit in brackets left out, so
/// "融资额(元)", "在孵企业融资额（元）" and "在孵企业融资额" all match.
fn bare(header: &str) -> String {
    let text = normalise(header);
    let cut = text.find(['（', '(']).unwrap_or(text.len());
    text[..cut].trim().to_owned()
}

fn matches(header: &str, wanted: &str) -> bool {
    let (got, want) = (bare(header), bare(wanted));
    !got.is_empty() && (got == want || (want.ends_with(&got) && got.chars().count() >= 3))
}

/// A cell as the filing form would have it typed.
fn typed(cell: Option<&Cell>) -> String {
    match cell {
        None => String::new(),
        Some(Cell::Date(d)) => d.format("%Y-%m").to_string(),
        Some(other) => other.shown(),
    }
}

/// Reads a monthly report from `bytes` (XLSX or CSV, told apart by content).
///
/// Errors: what the tenant roll's reader refuses (not a spreadsheet, an old .xls,
/// an unknown encoding, empty), [`FileError::NoHeaderRow`] naming the figures whose
/// column is missing, and [`FileError::NoDataRow`] when no row follows the header.
pub fn read_monthly(bytes: &[u8]) -> Result<MonthlySheet, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    let grid = source::grid(bytes, 1_000)?;
    let rows = grid.sheets.first().ok_or(FileError::Empty)?;
    let mut fewest_missing: Option<Vec<&'static str>> = None;
    for (at, (_, cells)) in rows.iter().enumerate().take(HEADER_WITHIN) {
        let position = |wanted: &str| {
            cells
                .iter()
                .position(|c| matches!(c, Cell::Text(t) if matches(t, wanted)))
        };
        let columns: Vec<(&'static str, Option<usize>)> =
            FIELDS.iter().map(|(f, h)| (*f, position(h))).collect();
        let missing: Vec<&'static str> = FIELDS
            .iter()
            .zip(&columns)
            .filter(|(_, (_, c))| c.is_none())
            .map(|((_, h), _)| *h)
            .collect();
        if !missing.is_empty() {
            if fewest_missing
                .as_ref()
                .is_none_or(|m| missing.len() < m.len())
            {
                fewest_missing = Some(missing);
            }
            continue;
        }
        let month_col = position(MONTH);
        let Some((number, data)) = rows
            .iter()
            .skip(at + 1)
            .find(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        else {
            return Err(FileError::NoDataRow);
        };
        let month = month_col
            .map(|c| typed(data.get(c)))
            .filter(|m| !m.is_empty());
        let values = columns
            .iter()
            .map(|(field, c)| (*field, c.map(|c| typed(data.get(c))).unwrap_or_default()))
            .collect();
        return Ok(MonthlySheet {
            row: *number,
            month,
            values,
        });
    }
    Err(FileError::NoHeaderRow {
        missing: fewest_missing.unwrap_or_else(|| FIELDS.iter().map(|(_, h)| *h).collect()),
    })
}

/// The monthly report's template as XLSX bytes: the headers, the month column as
/// text, and a second sheet explaining each column.
pub fn monthly_template_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name("月报")?;
    sheet.write_string_with_format(0, 0, MONTH, &bold)?;
    sheet.set_column_format(0, &text)?;
    sheet.write_blank(1, 0, &text)?;
    for (c, (_, header)) in FIELDS.iter().enumerate() {
        let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, *header, &bold)?;
        sheet.set_column_width(col, 18.0)?;
    }
    sheet.set_column_width(0, 14.0)?;
    let help = workbook.add_worksheet();
    help.set_name("填写说明")?;
    help.write_string_with_format(0, 0, "列", &bold)?;
    help.write_string_with_format(0, 1, "说明", &bold)?;
    for (r, (column, meaning)) in EXPLAINED.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        help.write_string(row, 0, *column)?;
        help.write_string(row, 1, *meaning)?;
    }
    help.set_column_width(0, 22.0)?;
    help.set_column_width(1, 80.0)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'a>(sheet: &'a MonthlySheet, field: &str) -> &'a str {
        &sheet.values.iter().find(|(f, _)| *f == field).unwrap().1
    }

    #[test]
    fn a_csv_report_reads_as_typed_under_a_title_row() {
        let csv = "西海岸创业园 2026年10月月报\n报告月份,在孵企业数,带动就业人数,服务活动次数,融资额(元),出孵企业数\n2026-10,３２, 118 ,4,250000.50,1\n";
        let sheet = read_monthly(csv.as_bytes()).unwrap();
        assert_eq!(sheet.row, 3);
        assert_eq!(sheet.month.as_deref(), Some("2026-10"));
        assert_eq!(value(&sheet, "tenants"), "32");
        assert_eq!(value(&sheet, "jobs"), "118");
        assert_eq!(value(&sheet, "financing_raised"), "250000.50");
        assert_eq!(value(&sheet, "exits"), "1");
    }

    #[test]
    fn gb18030_and_missing_columns_and_rows_are_named() {
        let (gbk, _, _) = encoding_rs::GB18030.encode(
            "在孵企业数,带动就业人数,服务活动次数,在孵企业融资额（元）,出孵企业数\r\n5,6,7,8,9\r\n",
        );
        let sheet = read_monthly(&gbk).unwrap();
        assert_eq!(sheet.month, None);
        assert_eq!(value(&sheet, "service_events"), "7");

        let missing = read_monthly("在孵企业数,带动就业人数,服务活动次数\n1,2,3\n".as_bytes());
        assert_eq!(
            missing,
            Err(FileError::NoHeaderRow {
                missing: vec!["在孵企业融资额（元）", "出孵企业数"]
            })
        );
        let no_row = read_monthly(
            "在孵企业数,带动就业人数,服务活动次数,在孵企业融资额（元）,出孵企业数\n".as_bytes(),
        );
        assert_eq!(no_row, Err(FileError::NoDataRow));
        assert_eq!(read_monthly(b""), Err(FileError::Empty));
        assert_eq!(
            read_monthly(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"),
            Err(FileError::OldExcel)
        );
    }

    #[test]
    fn the_template_reads_back_with_its_headers_and_typed_numbers() {
        let bytes = monthly_template_xlsx().unwrap();
        // The blank template has headers and no figures.
        assert_eq!(read_monthly(&bytes), Err(FileError::NoDataRow));
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, MONTH).unwrap();
        for (c, (_, header)) in FIELDS.iter().enumerate() {
            sheet.write_string(0, c as u16 + 1, *header).unwrap();
        }
        sheet.write_string(1, 0, "2026-09").unwrap();
        for c in 1..=5u16 {
            sheet.write_number(1, c, f64::from(c) * 10.0).unwrap();
        }
        let sheet = read_monthly(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(sheet.month.as_deref(), Some("2026-09"));
        assert_eq!(value(&sheet, "tenants"), "10");
        assert_eq!(value(&sheet, "exits"), "50");
    }
}
