//! Writes a tenant roll of N good rows in the import template's layout, for the
//! import benchmark (`bench/import.sh`, docs/PERFORMANCE.md):
//!
//!   cargo run --release -p fuhua --example roll_xlsx -- FILE [ROWS]
//!
//! Founders and entities come from the bulk generator's identifiers far above the
//! range `fuhua demo --tenants` uses (from 4,000,000), so they never meet the
//! demo's or the bulk tenants'. Identifiers and dates are text cells, as the
//! template formats them; rents are text as typed ("1500.00"); areas and jobs
//! are numbers.

use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use fuhua_core::vocab::FounderGroup;
use fuhua_demo::bulk::{credit, resident};
use fuhua_import::{Column, group_labels};
use rust_xlsxwriter::{Workbook, XlsxError};

/// The first bulk identifier the roll uses.
const FIRST: u64 = 4_000_000;

fn write(file: &str, rows: u32) -> Result<(), String> {
    let labels = group_labels();
    let label = |group: FounderGroup| {
        labels
            .iter()
            .find(|(_, code)| *code == group.as_str())
            .map_or("其他", |(zh, _)| *zh)
    };
    let base = NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("no base date")?;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let e = |e: XlsxError| e.to_string();
    for (c, column) in Column::ALL.into_iter().enumerate() {
        let col = u16::try_from(c).map_err(|e| e.to_string())?;
        sheet.write_string(0, col, column.header()).map_err(e)?;
    }
    for r in 0..rows {
        let n = FIRST + u64::from(r);
        let (Some(id), Some(code)) = (resident(n), credit(n)) else {
            return Err(format!("no identifier for row {r}"));
        };
        let group = match r % 3 {
            0 => FounderGroup::Graduate,
            1 => FounderGroup::Unemployed,
            _ => FounderGroup::Other,
        };
        let move_in = base
            .checked_add_days(Days::new(u64::from(r % 600)))
            .ok_or("date overflow")?;
        let row = r + 1;
        sheet
            .write_string(row, 0, format!("青岛基准{n}科技有限公司"))
            .map_err(e)?;
        sheet.write_string(row, 1, code.as_str()).map_err(e)?;
        sheet.write_string(row, 2, "李明").map_err(e)?;
        sheet.write_string(row, 3, id.as_str()).map_err(e)?;
        sheet.write_string(row, 4, label(group)).map_err(e)?;
        if group == FounderGroup::Graduate {
            sheet.write_string(row, 5, "2023-06-30").map_err(e)?;
        }
        sheet
            .write_string(row, 6, move_in.format("%Y-%m-%d").to_string())
            .map_err(e)?;
        // Rent as typed text, as the template shows it ("1500.00").
        sheet
            .write_string(row, 8, format!("{}.00", 800 + r % 2000))
            .map_err(e)?;
        sheet.write_number(row, 9, 30.0).map_err(e)?;
        sheet
            .write_number(row, 10, f64::from(r % 5 + 1))
            .map_err(e)?;
    }
    workbook.save(file).map_err(e)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: roll_xlsx FILE [ROWS]");
        return ExitCode::from(2);
    };
    let rows = match args.next().map(|r| r.parse::<u32>()) {
        None => 10_000,
        Some(Ok(rows)) => rows,
        Some(Err(e)) => {
            eprintln!("ROWS: {e}");
            return ExitCode::from(2);
        }
    };
    match write(&file, rows) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("roll_xlsx: {e}");
            ExitCode::FAILURE
        }
    }
}
