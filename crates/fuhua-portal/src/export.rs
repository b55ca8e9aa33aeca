//! Spreadsheets for Chinese offices (ARCHITECTURE "Spreadsheets"): CSV in UTF-8
//! with a BOM (so Excel and WPS open Chinese text correctly) and XLSX; identifiers
//! are text cells; a text cell that starts with = + - @, a tab or a CR is prefixed
//! with ' so that no spreadsheet ever runs it as a formula.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use warp::reply::{Reply, Response};

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, including identifiers (kept as text, never a number).
    Text(String),
    /// An amount in yuan with two decimals, written as a number ("1645.16").
    Money(String),
    /// A whole number (days, months).
    Int(i64),
}

/// A text cell made safe for spreadsheets.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralise(t),
        Cell::Money(m) => m.clone(),
        Cell::Int(n) => n.to_string(),
    }
}

/// CSV bytes: a UTF-8 BOM, the header row, then the rows (CRLF line ends).
pub fn csv(headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, csv::Error> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(headers.iter().map(|h| neutralise(h)))?;
        for row in rows {
            writer.write_record(row.iter().map(cell_text))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// XLSX bytes: one sheet named `sheet`, a bold header row, text cells as text and
/// money as numbers formatted 0.00.
pub fn xlsx(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let money = Format::new().set_num_format("0.00");
    for (c, header) in headers.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        worksheet.write_string_with_format(0, col, neutralise(header), &bold)?;
        worksheet.set_column_width(col, 16)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let line = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(t) => {
                    worksheet.write_string_with_format(line, col, neutralise(t), &text)?;
                }
                Cell::Money(m) => match m.parse::<rust_decimal::Decimal>() {
                    Ok(value) => {
                        worksheet.write_with_format(line, col, value, &money)?;
                    }
                    Err(_) => {
                        worksheet.write_string_with_format(line, col, neutralise(m), &text)?;
                    }
                },
                Cell::Int(n) => match i32::try_from(*n) {
                    Ok(small) => {
                        worksheet.write_number(line, col, small)?;
                    }
                    Err(_) => {
                        worksheet.write_string(line, col, n.to_string())?;
                    }
                },
            }
        }
    }
    workbook.save_to_buffer()
}

/// A download with a file name that arrives intact in every browser (RFC 6266:
/// an ASCII fallback and the UTF-8 name percent-encoded).
pub fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    ascii_name: &str,
    name: &str,
) -> Response {
    let encoded =
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string();
    let mut response = warp::reply::with_status(bytes, StatusCode::OK).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
    )) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// Which spreadsheet a download is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// CSV, UTF-8 with a BOM.
    Csv,
    /// XLSX.
    Xlsx,
}

/// A spreadsheet download: `rows` under `headers` as `kind`, named `{name}.csv` or
/// `.xlsx` (the ASCII fallback `{base}.…`). Errors are the writer's, as text.
pub fn spreadsheet(
    kind: Kind,
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
    base: &str,
    name: &str,
) -> Result<Response, String> {
    match kind {
        Kind::Csv => csv(headers, rows)
            .map(|bytes| {
                download(
                    bytes,
                    "text/csv; charset=utf-8",
                    &format!("{base}.csv"),
                    &format!("{name}.csv"),
                )
            })
            .map_err(|e| e.to_string()),
        Kind::Xlsx => xlsx(sheet, headers, rows)
            .map(|bytes| {
                download(
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &format!("{base}.xlsx"),
                    &format!("{name}.xlsx"),
                )
            })
            .map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        for bad in ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("青岛启航"), "青岛启航");
    }

    #[test]
    fn csv_starts_with_a_bom_and_keeps_identifiers_and_chinese_intact() {
        let rows = vec![vec![
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Text("370211199803010021".into()),
            Cell::Money("1645.16".into()),
            Cell::Int(17),
        ]];
        let bytes = csv(&["名称", "证件", "金额", "天数"], &rows).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("名称,证件,金额,天数\r\n"));
        assert!(
            text.contains("\"'=HYPERLINK(\"\"x\"\")\",370211199803010021,1645.16,17\r\n"),
            "{text}"
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = xlsx("台账", &["月份"], &[vec![Cell::Text("2024-03".into())]]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
