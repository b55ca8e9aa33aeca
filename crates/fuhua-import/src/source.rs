//! From bytes to a grid of cells: XLSX through calamine (in the workbook's date
//! system), CSV in UTF-8 (with or without a BOM) or GB18030 — what Chinese Excel
//! saves —, and UTF-16 text as Excel's "Unicode text" export; CRLF or LF.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::FileError;
use crate::cells::Cell;
use crate::dates::{self, DateSystem};

/// Which kind of file it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

/// A sheet's rows, each with its spreadsheet row number (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub format: Format,
    /// How numbers in date columns count days (CSV: the 1900 system).
    pub system: DateSystem,
    pub sheets: Vec<Vec<(u32, Vec<Cell>)>>,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads `bytes` as a workbook or a CSV file.
pub fn grid(bytes: &[u8], max_rows: usize) -> Result<Grid, FileError> {
    if bytes.starts_with(ZIP) {
        return xlsx(bytes, max_rows);
    }
    if bytes.starts_with(OLE) {
        // An .xls, or a password-protected .xlsx (Excel wraps those this way).
        return Err(FileError::OldExcel);
    }
    csv(bytes, max_rows)
}

fn xlsx(bytes: &[u8], max_rows: usize) -> Result<Grid, FileError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::NotASpreadsheet)?;
    let system = if book.has_1904_epoch() {
        DateSystem::From1904
    } else {
        DateSystem::From1900
    };
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    for name in names {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let Some((first_row, first_col)) = range.start() else {
            sheets.push(Vec::new());
            continue;
        };
        if range.height() > max_rows + 10 {
            return Err(FileError::TooManyRows { limit: max_rows });
        }
        let mut rows = Vec::with_capacity(range.height());
        for (i, row) in range.rows().enumerate() {
            let mut cells = vec![Cell::Empty; first_col as usize];
            cells.extend(row.iter().map(|data| cell(data, system)));
            let number = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)) + 1;
            rows.push((number, cells));
        }
        sheets.push(rows);
    }
    Ok(Grid {
        format: Format::Xlsx,
        system,
        sheets,
    })
}

fn cell(data: &Data, system: DateSystem) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::text(s),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        // calamine knows the date system too, but only for the formats it takes for
        // dates; one reading for every number keeps date cells and serials alike.
        Data::DateTime(dt) if dt.is_datetime() => match dates::from_serial(dt.as_f64(), system) {
            Ok(day) => Cell::Date(day),
            Err(_) => Cell::Number(dt.as_f64()),
        },
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => Cell::text(s),
        Data::DurationIso(s) => Cell::Other(s.clone()),
        Data::Bool(b) => Cell::Other(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::Error(e) => Cell::Other(format!("{e}")),
    }
}

/// Decodes CSV text: UTF-8 (a BOM stripped), UTF-16 with its BOM, else GB18030.
fn decode(bytes: &[u8]) -> Result<String, FileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| FileError::Encoding);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(bytes);
        return if bad {
            Err(FileError::Encoding)
        } else {
            Ok(text.into_owned())
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or(FileError::Encoding)
}

/// Text that no spreadsheet program writes as CSV: NUL and other control bytes.
fn looks_binary(text: &str) -> bool {
    text.chars()
        .take(64 * 1024)
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
}

/// Excel shows a blank line of a CSV file as an empty row, but the csv crate skips
/// it; an empty quoted field keeps it, so record n is spreadsheet row n. A line
/// break inside a quoted field stays part of its record.
fn keep_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut in_quotes = false;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\r', '\n']);
        if !in_quotes && content.is_empty() {
            out.push_str("\"\"");
        }
        out.push_str(line);
        if content.matches('"').count() % 2 == 1 {
            in_quotes = !in_quotes;
        }
    }
    out
}

fn csv(bytes: &[u8], max_rows: usize) -> Result<Grid, FileError> {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if bytes.starts_with(b"%PDF") || (!utf16 && bytes.contains(&0)) {
        return Err(FileError::NotASpreadsheet);
    }
    let text = decode(bytes)?;
    if looks_binary(&text) {
        return Err(FileError::NotASpreadsheet);
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let text = keep_blank_lines(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| FileError::NotASpreadsheet)?;
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        rows.push((number, record.iter().map(Cell::text).collect()));
        if rows.len() > max_rows + 10 {
            return Err(FileError::TooManyRows { limit: max_rows });
        }
    }
    Ok(Grid {
        format: Format::Csv,
        system: DateSystem::From1900,
        sheets: vec![rows],
    })
}
