//! Importing a tenant roll (SPEC §5 import): the reader's rows, then the checks
//! only the records can answer — an overlap with a stay already recorded, the entity
//! or founder already on record (linked, not duplicated, and agreeing with the row),
//! the carrier in the actor's scope. Nothing is written unless every row is good;
//! then every row is written in one transaction with its audit rows.
//!
//! The checks against the records are the writes themselves, made in a `Write` that
//! is rolled back for a validation (and for an import with any bad row), so a
//! validation can never say less than the import would.

use chrono::NaiveDate;
use fuhua_core::{Lang, Problem, Text};
use fuhua_import::{Column, FileError, Options, Outcome, RowError, TenantRow};
use serde::Serialize;

use super::record::{EntityFacts, FounderFacts, MoveIn, record_in};
use super::{Acting, carrier_for};
use crate::System;
use crate::error::ServiceResult;

/// One error of an import: a cell (row and column as headed in the file), or the
/// file as a whole (`row` none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// The spreadsheet row number; none for a file-level error.
    pub row: Option<u32>,
    /// The column as headed in the file; empty for a file-level error.
    pub column: String,
    pub code: String,
    pub message: Text,
    /// The cell's value, identifiers masked (first 4 and last 4 characters).
    pub value: String,
}

impl ImportError {
    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

/// What a validation or an import found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Data rows read (empty rows not counted).
    pub rows: usize,
    /// Stays written: every row when the import went through, else 0.
    pub imported: usize,
    pub errors: Vec<ImportError>,
}

impl ImportReport {
    /// Whether every row is good.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    fn file(error: &FileError) -> ImportReport {
        ImportReport {
            rows: 0,
            imported: 0,
            errors: vec![ImportError {
                row: None,
                column: String::new(),
                code: error.code().to_owned(),
                message: error.text(),
                value: String::new(),
            }],
        }
    }
}

/// Progress of a long import: rows checked so far of all.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// The size limit of an upload (SPEC §6 "uploaded documents … size-limited").
pub const MAX_BYTES: usize = fuhua_import::MAX_BYTES;

fn from_reader(error: RowError) -> ImportError {
    ImportError {
        row: Some(error.row),
        column: error.column,
        code: error.code.to_owned(),
        message: error.message,
        value: error.value,
    }
}

/// A row as a move-in (the template has no registration date, unit or
/// unemployment date).
fn move_in_of(row: &TenantRow) -> MoveIn {
    MoveIn {
        entity: EntityFacts {
            name: row.name.clone(),
            credit_code: row.credit_code.clone(),
            registered_on: None,
        },
        founder: FounderFacts {
            name: row.founder_name.clone(),
            resident_id: row.founder_id.clone(),
            group: row.founder_group,
            graduated_on: row.graduated_on,
            unemployed_on: None,
        },
        move_in: row.move_in,
        move_out: row.move_out,
        monthly_rent: row.monthly_rent,
        area_centi: row.area_centi,
        unit: None,
        jobs: row.jobs,
    }
}

/// What row `row` holds in `column`, identifiers masked.
fn shown(row: &TenantRow, column: Column) -> String {
    match column {
        Column::Name => row.name.clone(),
        Column::CreditCode => fuhua_import::mask(row.credit_code.as_str()),
        Column::FounderName => row.founder_name.clone(),
        Column::FounderId => row.founder_id.masked(),
        Column::FounderGroup => row.founder_group.as_str().to_owned(),
        Column::GraduatedOn => row.graduated_on.map(|d| d.to_string()).unwrap_or_default(),
        Column::MoveIn => row.move_in.to_string(),
        Column::MoveOut => row.move_out.map(|d| d.to_string()).unwrap_or_default(),
        Column::MonthlyRent => row.monthly_rent.to_string(),
        Column::Area => row
            .area_centi
            .map(|a| fuhua_core::Money::from_fen(a).to_string())
            .unwrap_or_default(),
        Column::Jobs => row.jobs.to_string(),
    }
}

fn from_problem(outcome: &Outcome, row: &TenantRow, problem: Problem) -> ImportError {
    let column = Column::from_alias(&problem.field);
    ImportError {
        row: Some(row.row),
        column: column.map_or_else(|| problem.field.clone(), |c| outcome.header_of(c)),
        code: problem.code.to_owned(),
        value: column.map(|c| shown(row, c)).unwrap_or_default(),
        message: problem.message,
    }
}

/// Reads `bytes` and checks every row against the records; writes them all when
/// `commit` and every row is good.
async fn run(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    bytes: &[u8],
    today: NaiveDate,
    commit: bool,
    progress: Progress<'_>,
) -> ServiceResult<ImportReport> {
    let carrier = carrier_for(system, acting, carrier_id).await?;
    let outcome = match fuhua_import::read(bytes, &Options::new(today)) {
        Ok(outcome) => outcome,
        Err(error) => return Ok(ImportReport::file(&error)),
    };
    if outcome.rows_read == 0 {
        return Ok(ImportReport {
            rows: 0,
            imported: 0,
            errors: vec![ImportError {
                row: None,
                column: String::new(),
                code: "no_rows".into(),
                message: Text::new(
                    "文件中没有入驻企业数据行（表头行下方为空）。",
                    "The file has no tenant rows below its header row.",
                ),
                value: String::new(),
            }],
        });
    }
    let mut errors: Vec<ImportError> = outcome.errors.iter().cloned().map(from_reader).collect();
    let total = outcome.rows.len();
    progress(0, total);
    let w = system.store().write(&acting.audit_actor()).await?;
    for (done, row) in outcome.rows.iter().enumerate() {
        if let Err(problems) = record_in(&w, &carrier, &move_in_of(row)).await? {
            errors.extend(problems.into_iter().map(|p| from_problem(&outcome, row, p)));
        }
        if done % 100 == 99 || done + 1 == total {
            progress(done + 1, total);
        }
    }
    errors.sort_by_key(|e| e.row);
    let imported = if commit && errors.is_empty() && total > 0 {
        w.commit().await?;
        total
    } else {
        w.rollback().await?;
        0
    };
    Ok(ImportReport {
        rows: outcome.rows_read,
        imported,
        errors,
    })
}

/// Checks a tenant roll for carrier `carrier_id` without writing anything: the
/// reader's errors per cell, and each good row against the records (overlaps with
/// recorded stays, entities and founders on record agreeing with the row). A file
/// that cannot be read is one error with no row. Errors: `NotFound` (carrier
/// outside the actor's scope), `Store`.
pub async fn validate(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    bytes: &[u8],
    today: NaiveDate,
    progress: Progress<'_>,
) -> ServiceResult<ImportReport> {
    run(system, acting, carrier_id, bytes, today, false, progress).await
}

/// Validates as [`validate`] and, when every row is good, records all rows in one
/// transaction (each with its audit rows); with any error nothing is written and
/// `imported` is 0. The file is read again here, so a report shown earlier cannot
/// write what is no longer true.
pub async fn import(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    bytes: &[u8],
    today: NaiveDate,
    progress: Progress<'_>,
) -> ServiceResult<ImportReport> {
    run(system, acting, carrier_id, bytes, today, true, progress).await
}
