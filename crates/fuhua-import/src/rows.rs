//! The header row and the data rows: each cell read by its column's kind, then the
//! checks across a row and across the file (SPEC §5 import).

use std::collections::HashMap;

use chrono::NaiveDate;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{CreditCode, IdError, Money, MoneyError, ResidentId, Text};

use crate::cells::{Cell, general, half_width, is_scientific, normalise};
use crate::columns::{Column, founder_group, group_labels};
use crate::dates::{self, DateFault, DateSystem};
use crate::source::Grid;
use crate::{FileError, Options, Outcome, RowError, TenantRow, mask};

/// How many rows from the top may hold the header row.
const HEADER_ROWS: u32 = 10;

/// The header key of a cell: normalised, lowercase, without a required-marker `*`
/// or a unit in brackets ("月租金（元）").
fn header_key(cell: &Cell) -> String {
    let mut key = normalise(&cell.shown()).to_lowercase();
    key = key.trim_matches(['*', '＊', ' ']).to_owned();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if key.ends_with(close)
            && let Some(at) = key.rfind(open)
            && at > 0
        {
            key.truncate(at);
        }
    }
    key.trim().to_owned()
}

/// The columns a row heads, by index (the first of duplicates counts).
fn columns_of(cells: &[Cell]) -> Vec<(Column, usize)> {
    let mut found: Vec<(Column, usize)> = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        let key = header_key(cell);
        if let Some(column) = Column::ALL
            .into_iter()
            .find(|c| key == c.header() || key == c.alias())
            && !found.iter().any(|(c, _)| *c == column)
        {
            found.push((column, index));
        }
    }
    found
}

fn missing_required(found: &[(Column, usize)]) -> Vec<&'static str> {
    Column::ALL
        .into_iter()
        .filter(|c| c.required() && !found.iter().any(|(f, _)| f == c))
        .map(Column::header)
        .collect()
}

/// Reads the first sheet that has a header row.
pub(crate) fn read_grid(grid: &Grid, options: &Options) -> Result<Outcome, FileError> {
    let mut fewest_missing: Option<Vec<&'static str>> = None;
    for sheet in &grid.sheets {
        for (index, (number, cells)) in sheet.iter().enumerate() {
            if *number > HEADER_ROWS {
                break;
            }
            let found = columns_of(cells);
            let missing = missing_required(&found);
            if missing.is_empty() {
                return Ok(read_rows(grid, &sheet[index..], *number, &found, options));
            }
            if !found.is_empty()
                && fewest_missing
                    .as_ref()
                    .is_none_or(|m| missing.len() < m.len())
            {
                fewest_missing = Some(missing);
            }
        }
    }
    if grid
        .sheets
        .iter()
        .all(|s| s.iter().all(|(_, c)| c.iter().all(Cell::is_empty)))
    {
        return Err(FileError::Empty);
    }
    Err(FileError::NoHeaderRow {
        missing: fewest_missing.unwrap_or_else(|| missing_required(&[])),
    })
}

/// A cell's fault before it is put on a row: code, message, value shown.
type Fault = (&'static str, Text, String);

struct RowReader<'a> {
    number: u32,
    cells: &'a [Cell],
    found: &'a [(Column, usize)],
    headers: &'a HashMap<Column, String>,
    system: DateSystem,
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    fn cell(&self, column: Column) -> &Cell {
        self.found
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, i)| self.cells.get(*i))
            .unwrap_or(&Cell::Empty)
    }

    fn fault(&mut self, column: Column, (code, message, value): Fault) {
        let column = self
            .headers
            .get(&column)
            .cloned()
            .unwrap_or_else(|| column.header().to_owned());
        self.errors.push(RowError {
            row: self.number,
            column,
            code,
            message,
            value,
        });
    }

    /// Reads one column with `read`; a fault is recorded and gives `None`.
    fn read<T>(&mut self, column: Column, read: impl Fn(&Cell) -> Result<T, Fault>) -> Option<T> {
        match read(self.cell(column)) {
            Ok(value) => Some(value),
            Err(fault) => {
                self.fault(column, fault);
                None
            }
        }
    }

    fn date(&mut self, column: Column, required: bool) -> Option<Option<NaiveDate>> {
        let system = self.system;
        self.read(column, |cell| read_date(cell, system, required))
    }
}

fn required(column: Column) -> Fault {
    (
        "required",
        Text::new(
            format!("请填写“{}”。", column.header()),
            format!("“{}” ({}) is required.", column.header(), column.alias()),
        ),
        String::new(),
    )
}

fn shown(cell: &Cell) -> String {
    cell.shown().chars().take(60).collect()
}

fn read_text(cell: &Cell, column: Column, max: usize) -> Result<String, Fault> {
    let text = match cell {
        Cell::Empty => return Err(required(column)),
        Cell::Number(n) => general(*n),
        other => other.shown(),
    };
    if text.chars().count() > max {
        return Err((
            "too_long",
            Text::new(
                format!("最多 {max} 个字。"),
                format!("At most {max} characters."),
            ),
            shown(cell),
        ));
    }
    Ok(text)
}

/// SPEC §5: an identifier in a number cell, or saved from one, is refused, never
/// guessed back into digits (Excel keeps 15 significant digits).
fn identifier_text(cell: &Cell, column: Column) -> Result<String, Fault> {
    let number_cell = |value: String| {
        (
            "number_cell",
            Text::new(
                format!(
                    "“{}”是数字格式（Excel 会把18位号码变成 3.70211E+17 或把末几位变成 0）：请把该列设置为文本格式后重新录入。",
                    column.header()
                ),
                format!(
                    "“{}” was stored as a number (Excel turns 18 digits into 3.70211E+17 or zeroes the last digits): format the column as text and re-enter it.",
                    column.header()
                ),
            ),
            mask(&value),
        )
    };
    match cell {
        Cell::Empty => Err(required(column)),
        Cell::Number(n) => Err(number_cell(general(*n))),
        Cell::Text(t) if is_scientific(t) => Err(number_cell(t.clone())),
        Cell::Date(_) | Cell::Other(_) => Err(number_cell(cell.shown())),
        Cell::Text(t) => Ok(fuhua_core::ids::normalise(t)),
    }
}

fn id_fault(column: Column, error: &IdError, text: &str) -> Fault {
    let reason = error.text();
    (
        error.code(),
        Text::new(
            format!("{}有误：{}。", column.header(), reason.zh),
            format!(
                "{} ({}) is wrong: {}.",
                column.header(),
                column.alias(),
                reason.en
            ),
        ),
        mask(text),
    )
}

fn read_date(
    cell: &Cell,
    system: DateSystem,
    required_here: bool,
) -> Result<Option<NaiveDate>, Fault> {
    let text = match cell {
        Cell::Empty if required_here => return Err(required(Column::MoveIn)),
        Cell::Empty => return Ok(None),
        Cell::Date(day) => return Ok(Some(*day)),
        Cell::Number(n) => {
            return dates::from_serial(*n, system)
                .map(Some)
                .map_err(|f| date_fault(f, cell));
        }
        Cell::Other(_) => return Err(date_fault(DateFault::Invalid, cell)),
        Cell::Text(t) => half_width(t),
    };
    match dates::from_text(&text) {
        Ok(day) => Ok(Some(day)),
        // A plain number in a date column is an Excel serial, whatever the format.
        Err(DateFault::Invalid) if text.parse::<f64>().is_ok() && !text.contains(['e', 'E']) => {
            let serial: f64 = text.parse().unwrap_or(-1.0);
            dates::from_serial(serial, system)
                .map(Some)
                .map_err(|f| date_fault(f, cell))
        }
        Err(fault) => Err(date_fault(fault, cell)),
    }
}

fn date_fault(fault: DateFault, cell: &Cell) -> Fault {
    let value = shown(cell);
    match fault {
        DateFault::Ambiguous => (
            "ambiguous_date",
            Text::new(
                format!("日期“{value}”无法确定月和日的顺序：请写成 2024-03-01 的形式。"),
                format!("“{value}” is ambiguous (month/day or day/month): write it as 2024-03-01."),
            ),
            value,
        ),
        DateFault::Invalid => (
            "invalid_date",
            Text::new(
                format!(
                    "“{value}”不是有效日期：请写成 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日。"
                ),
                format!(
                    "“{value}” is not a date: write 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日."
                ),
            ),
            value,
        ),
        DateFault::OutOfRange => (
            "date_out_of_range",
            Text::new(
                format!("日期“{value}”不在 1950 至 2099 年之间，请核对。"),
                format!("“{value}” is not between 1950 and 2099; check the date."),
            ),
            value,
        ),
    }
}

/// A non-negative decimal with at most two places: Money for rent, and area.
fn read_decimal(cell: &Cell, column: Column, units: &[&str]) -> Result<Option<Money>, Fault> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => format!("{n}"),
        Cell::Text(t) => {
            let mut t = half_width(t).replace(' ', "");
            t = t.trim_start_matches(['¥', '￥']).to_owned();
            for unit in units {
                if let Some(rest) = t.strip_suffix(unit) {
                    t = rest.to_owned();
                }
            }
            thousands(&t)
        }
        _ => cell.shown(),
    };
    Money::parse(&text).map(Some).map_err(|error| {
        let (zh, en) = match error {
            MoneyError::Negative => ("不能为负数", "must not be negative"),
            MoneyError::TooManyDecimals => ("最多两位小数", "at most 2 decimals"),
            MoneyError::TooLarge => ("数额过大", "too large"),
            MoneyError::Empty | MoneyError::NotANumber => ("不是数字", "not a number"),
        };
        (
            "invalid_number",
            Text::new(
                format!("{}{zh}。", column.header()),
                format!("{} ({}) {en}.", column.header(), column.alias()),
            ),
            shown(cell),
        )
    })
}

/// "12,500.00" → "12500.00" when the commas group thousands exactly.
fn thousands(text: &str) -> String {
    let (int, frac) = text
        .split_once('.')
        .map_or((text, None), |(i, f)| (i, Some(f)));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !grouped {
        return text.to_owned();
    }
    let joined = groups.concat();
    frac.map_or(joined.clone(), |f| format!("{joined}.{f}"))
}

fn read_jobs(cell: &Cell) -> Result<i32, Fault> {
    let fault = || {
        (
            "invalid_number",
            Text::new(
                "带动就业人数应为 0 到 100000 之间的整数。",
                "Jobs must be a whole number from 0 to 100000.",
            ),
            shown(cell),
        )
    };
    let value = match cell {
        Cell::Empty => return Ok(0),
        Cell::Number(n) if n.fract() == 0.0 && (0.0..=100_000.0).contains(n) => *n as i64,
        Cell::Text(t) => half_width(t)
            .trim_end_matches('人')
            .parse::<i64>()
            .map_err(|_| fault())?,
        _ => return Err(fault()),
    };
    i32::try_from(value)
        .ok()
        .filter(|v| (0..=100_000).contains(v))
        .ok_or_else(fault)
}

fn read_group(cell: &Cell) -> Result<FounderGroup, Fault> {
    match cell {
        Cell::Empty => Err(required(Column::FounderGroup)),
        other => founder_group(&other.shown()).ok_or_else(|| {
            let labels = group_labels();
            let zh: Vec<&str> = labels.iter().map(|(zh, _)| *zh).collect();
            let en: Vec<&str> = labels.iter().map(|(_, code)| *code).collect();
            (
                "unknown_group",
                Text::new(
                    format!("人员类别应为：{}。", zh.join("、")),
                    format!(
                        "The founder group is one of: {} (or the Chinese labels).",
                        en.join(", ")
                    ),
                ),
                shown(other),
            )
        }),
    }
}

/// Reads one data row; `None` when any cell is wrong (its faults recorded).
fn read_row(r: &mut RowReader<'_>, today: NaiveDate) -> Option<TenantRow> {
    let name = r.read(Column::Name, |c| read_text(c, Column::Name, 100));
    let founder_name = r.read(Column::FounderName, |c| {
        read_text(c, Column::FounderName, 50)
    });
    let code_text = r.read(Column::CreditCode, |c| {
        identifier_text(c, Column::CreditCode)
    });
    let id_text = r.read(Column::FounderId, |c| identifier_text(c, Column::FounderId));
    let mut credit_code = None;
    let mut founder_id = None;
    if let (Some(code), Some(id)) = (&code_text, &id_text)
        && code == id
    {
        r.fault(
            Column::CreditCode,
            (
                "same_as_founder_id",
                Text::new(
                    "统一社会信用代码与负责人身份证号相同，请核对这两列。",
                    "The credit code equals the founder's resident ID; check both columns.",
                ),
                mask(code),
            ),
        );
    } else if let Some(code) = &code_text {
        match CreditCode::parse(code) {
            Ok(parsed) => credit_code = Some(parsed),
            Err(e) => r.fault(Column::CreditCode, id_fault(Column::CreditCode, &e, code)),
        }
    }
    if let Some(id) = &id_text {
        match ResidentId::parse_as_of(id, today) {
            Ok(parsed) => founder_id = Some(parsed),
            Err(e) => r.fault(Column::FounderId, id_fault(Column::FounderId, &e, id)),
        }
    }
    let group = r.read(Column::FounderGroup, read_group);
    let graduated_on = r.date(Column::GraduatedOn, false);
    let move_in = r.date(Column::MoveIn, true);
    let move_out = r.date(Column::MoveOut, false);
    let rent = r.read(Column::MonthlyRent, |c| {
        match read_decimal(c, Column::MonthlyRent, &["元/月", "元"]) {
            Ok(None) => Err(required(Column::MonthlyRent)),
            other => other,
        }
    });
    let area = r.read(Column::Area, |c| {
        read_decimal(c, Column::Area, &["平方米", "㎡", "m2", "m²"])
    });
    let jobs = r.read(Column::Jobs, read_jobs);
    if group == Some(FounderGroup::Graduate) && graduated_on == Some(None) {
        // SPEC §2: a graduate founder comes with a graduation date.
        r.fault(
            Column::GraduatedOn,
            (
                "required",
                Text::new(
                    "人员类别为高校毕业生时须填写毕业日期。",
                    "A graduate founder needs a graduation date.",
                ),
                String::new(),
            ),
        );
        return None;
    }
    if let (Some(Some(move_in)), Some(Some(out))) = (move_in, move_out)
        && out < move_in
    {
        r.fault(
            Column::MoveOut,
            (
                "before_move_in",
                Text::new(
                    "退出日期早于入驻日期。",
                    "The move-out date is before the move-in date.",
                ),
                out.to_string(),
            ),
        );
        return None;
    }
    Some(TenantRow {
        row: r.number,
        name: name?,
        credit_code: credit_code?,
        founder_name: founder_name?,
        founder_id: founder_id?,
        founder_group: group?,
        graduated_on: graduated_on?,
        move_in: move_in??,
        move_out: move_out?,
        monthly_rent: rent??,
        area_centi: area?.map(Money::to_fen),
        jobs: jobs?,
    })
}

fn read_rows(
    grid: &Grid,
    rows: &[(u32, Vec<Cell>)],
    header_row: u32,
    found: &[(Column, usize)],
    options: &Options,
) -> Outcome {
    let headers: HashMap<Column, String> = found
        .iter()
        .map(|(c, i)| (*c, rows[0].1.get(*i).map(Cell::shown).unwrap_or_default()))
        .collect();
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut rows_read = 0;
    for (number, cells) in &rows[1..] {
        if found
            .iter()
            .all(|(_, i)| cells.get(*i).is_none_or(Cell::is_empty))
        {
            continue;
        }
        rows_read += 1;
        let mut reader = RowReader {
            number: *number,
            cells,
            found,
            headers: &headers,
            system: grid.system,
            errors: Vec::new(),
        };
        let row = read_row(&mut reader, options.today);
        if let (Some(row), true) = (row, reader.errors.is_empty()) {
            good.push(row);
        }
        errors.extend(reader.errors);
    }
    let duplicates = crate::dup::duplicates(&good, &headers);
    let bad: Vec<u32> = duplicates.iter().map(|e| e.row).collect();
    good.retain(|r| !bad.contains(&r.row));
    errors.extend(duplicates);
    errors.sort_by_key(|e| e.row);
    let mut headers: Vec<(Column, String)> = headers.into_iter().collect();
    headers.sort();
    Outcome {
        format: grid.format,
        header_row,
        rows_read,
        rows: good,
        errors,
        headers,
    }
}
