//! The validation report as XLSX: one line per error (spreadsheet row, column as
//! headed in the file, code, message, the value masked), cells neutralised so a
//! value copied from the upload never runs as a formula.

use fuhua_core::Lang;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One line of the report (a row error, or a file-level error with no row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub row: Option<u32>,
    pub column: String,
    pub code: String,
    pub message: String,
    pub value: String,
}

/// A text cell made safe for spreadsheets: a leading = + - @, tab or CR is
/// prefixed with ' so Excel and WPS never run it.
fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The report: a title line (`title`), then the errors in `lang`.
pub fn report_xlsx(title: &str, lines: &[ReportLine], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name(lang.pick("校验结果", "Validation"))?;
    sheet.write_string_with_format(0, 0, neutralise(title), &bold)?;
    let headers = match lang {
        Lang::Zh => ["行号", "列", "错误代码", "说明", "填写内容（已遮蔽）"],
        Lang::En => ["Row", "Column", "Code", "Message", "Value (masked)"],
    };
    for (c, header) in headers.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(2, col, *header, &bold)?;
    }
    for (col, width) in [(0u16, 8.0), (1, 18.0), (2, 20.0), (3, 70.0), (4, 24.0)] {
        sheet.set_column_width(col, width)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let r = u32::try_from(i + 3).unwrap_or(u32::MAX);
        if let Some(row) = line.row {
            sheet.write_number(r, 0, row)?;
        }
        sheet.write_string_with_format(r, 1, neutralise(&line.column), &text)?;
        sheet.write_string_with_format(r, 2, neutralise(&line.code), &text)?;
        sheet.write_string_with_format(r, 3, neutralise(&line.message), &text)?;
        sheet.write_string_with_format(r, 4, neutralise(&line.value), &text)?;
    }
    workbook.save_to_buffer()
}
