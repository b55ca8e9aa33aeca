//! Rows that repeat or contradict each other within one file, after normalising
//! (SPEC §5: "duplicates in the file after normalising").

use std::collections::HashMap;

use chrono::NaiveDate;
use fuhua_core::Text;

use crate::columns::Column;
use crate::{RowError, TenantRow, mask};

fn overlaps(a: &TenantRow, b: &TenantRow) -> bool {
    let end = |r: &TenantRow| r.move_out.unwrap_or(NaiveDate::MAX);
    a.move_in <= end(b) && b.move_in <= end(a)
}

fn error(
    headers: &HashMap<Column, String>,
    row: &TenantRow,
    column: Column,
    code: &'static str,
    message: Text,
    value: String,
) -> RowError {
    RowError {
        row: row.row,
        column: headers
            .get(&column)
            .cloned()
            .unwrap_or_else(|| column.header().to_owned()),
        code,
        message,
        value,
    }
}

/// Errors for later rows that repeat an entity's stay (same credit code, sharing a
/// day) or say something else about an entity or founder an earlier row named.
pub(crate) fn duplicates(rows: &[TenantRow], headers: &HashMap<Column, String>) -> Vec<RowError> {
    let mut by_code: HashMap<&str, Vec<&TenantRow>> = HashMap::new();
    let mut by_founder: HashMap<&str, &TenantRow> = HashMap::new();
    let mut errors = Vec::new();
    for row in rows {
        let code = row.credit_code.as_str();
        let earlier = by_code.entry(code).or_default();
        if let Some(first) = earlier
            .iter()
            .find(|e| e.name != row.name || e.founder_id != row.founder_id)
        {
            errors.push(error(
                headers,
                row,
                Column::CreditCode,
                "conflicting_in_file",
                Text::new(
                    format!(
                        "该统一社会信用代码在第 {} 行的企业名称或负责人与本行不同。",
                        first.row
                    ),
                    format!(
                        "Row {} gives this credit code another name or founder.",
                        first.row
                    ),
                ),
                mask(code),
            ));
        } else if let Some(first) = earlier.iter().find(|e| overlaps(e, row)) {
            errors.push(error(
                headers,
                row,
                Column::CreditCode,
                "duplicate_in_file",
                Text::new(
                    format!("与第 {} 行重复（同一主体的入驻时间重叠）。", first.row),
                    format!(
                        "Repeats row {} (the same entity's stays overlap).",
                        first.row
                    ),
                ),
                mask(code),
            ));
        }
        earlier.push(row);
        let id = row.founder_id.as_str();
        match by_founder.get(id) {
            Some(first)
                if first.founder_name != row.founder_name
                    || first.founder_group != row.founder_group
                    || first.graduated_on != row.graduated_on =>
            {
                errors.push(error(
                    headers,
                    row,
                    Column::FounderId,
                    "conflicting_in_file",
                    Text::new(
                        format!(
                            "该身份证号在第 {} 行的姓名、人员类别或毕业日期与本行不同。",
                            first.row
                        ),
                        format!(
                            "Row {} gives this resident ID another name, group or graduation date.",
                            first.row
                        ),
                    ),
                    row.founder_id.masked(),
                ));
            }
            Some(_) => {}
            None => {
                by_founder.insert(id, row);
            }
        }
    }
    errors
}
