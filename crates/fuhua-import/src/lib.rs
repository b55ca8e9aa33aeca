#![doc = include_str!("../README.md")]

mod cells;
mod columns;
mod dates;
mod dup;
pub mod monthly;
mod report;
mod rows;
mod source;
mod template;

use chrono::NaiveDate;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{CreditCode, Lang, Money, ResidentId, Text};
use serde::Serialize;

pub use cells::normalise;
pub use columns::{Column, Kind, founder_group, group_labels};
pub use dates::{DateFault, DateSystem, from_serial, from_text};
pub use report::{ReportLine, report_xlsx};
pub use source::Format;
pub use template::template_xlsx;

/// The largest file the reader takes by default (10 MB): a roll of 100,000 tenants
/// as XLSX is well below it.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

/// What the reader needs besides the bytes.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Resident IDs with a birth date after this day are refused.
    pub today: NaiveDate,
    pub max_bytes: usize,
    pub max_rows: usize,
}

impl Options {
    /// The default limits, as of `today`.
    pub fn new(today: NaiveDate) -> Options {
        Options {
            today,
            max_bytes: MAX_BYTES,
            max_rows: MAX_ROWS,
        }
    }
}

/// One good row: typed values ready for a move-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRow {
    /// The spreadsheet row number (as Excel shows it).
    pub row: u32,
    pub name: String,
    pub credit_code: CreditCode,
    pub founder_name: String,
    pub founder_id: ResidentId,
    pub founder_group: FounderGroup,
    pub graduated_on: Option<NaiveDate>,
    pub move_in: NaiveDate,
    /// The last occupied day, inclusive.
    pub move_out: Option<NaiveDate>,
    /// Yuan a month.
    pub monthly_rent: Money,
    /// Hundredths of m².
    pub area_centi: Option<i64>,
    pub jobs: i32,
}

/// One thing wrong with one cell (or a row, named by the column it concerns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The spreadsheet row number.
    pub row: u32,
    /// The header as written in the file (the template's header when the file
    /// has no such column).
    pub column: String,
    /// A stable code: `required`, `number_cell`, `checksum`, `ambiguous_date` …
    pub code: &'static str,
    pub message: Text,
    /// What the cell holds, identifiers masked (first 4 and last 4 characters).
    pub value: String,
}

impl RowError {
    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

/// Why a file as a whole cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than {limit} bytes")]
    TooBig { limit: usize },
    #[error("the file holds more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("the file is empty")]
    Empty,
    #[error("not an XLSX or CSV file")]
    NotASpreadsheet,
    #[error("an old .xls or a password-protected workbook")]
    OldExcel,
    #[error("text in neither UTF-8 nor GB18030")]
    Encoding,
    #[error("no header row in the first 10 rows (missing: {})", .missing.join(", "))]
    NoHeaderRow { missing: Vec<&'static str> },
    #[error("no row of figures under the header row")]
    NoDataRow,
}

impl FileError {
    /// A stable code for reports and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::TooBig { .. } => "too_big",
            FileError::TooManyRows { .. } => "too_many_rows",
            FileError::Empty => "empty",
            FileError::NotASpreadsheet => "not_a_spreadsheet",
            FileError::OldExcel => "old_excel",
            FileError::Encoding => "encoding",
            FileError::NoHeaderRow { .. } => "no_header_row",
            FileError::NoDataRow => "no_data_row",
        }
    }

    /// The message in Chinese and English.
    pub fn text(&self) -> Text {
        match self {
            FileError::TooBig { limit } => Text::new(
                format!("文件过大：最大 {} MB。请分批导入。", limit / (1024 * 1024)),
                format!(
                    "The file is too large: at most {} MB. Import it in parts.",
                    limit / (1024 * 1024)
                ),
            ),
            FileError::TooManyRows { limit } => Text::new(
                format!("文件行数过多：最多 {limit} 行。请分批导入。"),
                format!("The file has too many rows: at most {limit}. Import it in parts."),
            ),
            FileError::Empty => Text::new("文件是空的。", "The file is empty."),
            FileError::NotASpreadsheet => Text::new(
                "无法读取该文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件。",
                "This file cannot be read: upload an Excel workbook (.xlsx) or a CSV file.",
            ),
            FileError::OldExcel => Text::new(
                "这是旧版 .xls 或设有密码的工作簿：请在 Excel/WPS 中另存为不设密码的 .xlsx 后再上传。",
                "This is an old .xls or a password-protected workbook: save it as an .xlsx without a password and upload that.",
            ),
            FileError::Encoding => Text::new(
                "CSV 文件的编码无法识别：请保存为 UTF-8 或 GB18030（Excel 的“CSV（逗号分隔）”）。",
                "The CSV file's encoding is not recognised: save it as UTF-8 or GB18030.",
            ),
            FileError::NoDataRow => Text::new(
                "表头下没有填写数据：请在表头下一行填写本月数字。",
                "There are no figures under the header row: fill in the month's figures in the row below it.",
            ),
            FileError::NoHeaderRow { missing } => Text::new(
                format!(
                    "前 10 行中没有找到表头行：缺少 {}。请使用下载的模板。",
                    missing.join("、")
                ),
                format!(
                    "No header row in the first 10 rows: missing {}. Use the downloadable template.",
                    missing.join(", ")
                ),
            ),
        }
    }
}

/// What a file holds: its good rows and every error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub format: Format,
    /// The spreadsheet row number of the header row.
    pub header_row: u32,
    /// Data rows that are not empty.
    pub rows_read: usize,
    /// The good rows (every row when `errors` is empty).
    pub rows: Vec<TenantRow>,
    /// Errors in spreadsheet order.
    pub errors: Vec<RowError>,
    /// Each column's header as written in the file.
    pub headers: Vec<(Column, String)>,
}

impl Outcome {
    /// Whether every row is good.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// The header of `column` as written in the file, or the template's.
    pub fn header_of(&self, column: Column) -> String {
        self.headers
            .iter()
            .find(|(c, _)| *c == column)
            .map_or_else(|| column.header().to_owned(), |(_, h)| h.clone())
    }
}

/// Reads a tenant roll from `bytes` (XLSX or CSV, told apart by content, not name).
/// A file-level fault is `Err`; every row-level fault is in `Outcome::errors`.
pub fn read(bytes: &[u8], options: &Options) -> Result<Outcome, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > options.max_bytes {
        return Err(FileError::TooBig {
            limit: options.max_bytes,
        });
    }
    let grid = source::grid(bytes, options.max_rows)?;
    rows::read_grid(&grid, options)
}

/// Masks all but the first 4 and last 4 characters (SPEC §2).
pub fn mask(text: &str) -> String {
    fuhua_core::ids::mask(text)
}
