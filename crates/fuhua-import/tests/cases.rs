//! Each case under `tests/cases/import/` is a kind of fault real offices produce,
//! with the outcome SPEC §5 requires (`<name>.expected.json`); every outcome is a
//! test of the reader here (the use case and the CLI run them again).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use fuhua_import::{Options, Outcome, TenantRow, read};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/import")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// Reads case `name` and its expected outcome.
fn case(name: &str) -> (Outcome, Value) {
    let dir = cases_dir();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            file.starts_with(name) && !file.ends_with(".expected.json")
        })
        .unwrap_or_else(|| panic!("no case file {name}"));
    let bytes = std::fs::read(&file).unwrap();
    let outcome = read(&bytes, &Options::new(today())).unwrap();
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.expected.json"))).unwrap())
            .unwrap();
    (outcome, expected)
}

fn row(outcome: &Outcome, number: u32) -> &TenantRow {
    outcome
        .rows
        .iter()
        .find(|r| r.row == number)
        .unwrap_or_else(|| panic!("row {number} not read: {:?}", outcome.errors))
}

/// The value a good row holds under a template header.
fn value_of(row: &TenantRow, header: &str) -> String {
    match header {
        "负责人身份证号" => row.founder_id.as_str().to_owned(),
        "统一社会信用代码" => row.credit_code.as_str().to_owned(),
        "毕业日期" => row.graduated_on.map(|d| d.to_string()).unwrap_or_default(),
        "入驻日期" => row.move_in.to_string(),
        "退出日期" => row.move_out.map(|d| d.to_string()).unwrap_or_default(),
        other => panic!("no check for {other}"),
    }
}

/// "row 2 负责人身份证号" → (2, "负责人身份证号").
fn row_and_header(key: &str) -> (u32, &str) {
    let rest = key.strip_prefix("row ").unwrap();
    let (n, header) = rest.split_once(' ').unwrap();
    (n.parse().unwrap(), header)
}

/// Checks everything an expected.json says about an outcome.
fn check(name: &str) {
    let (outcome, expected) = case(name);
    match expected["outcome"].as_str().unwrap() {
        "accepted" => {
            assert!(outcome.is_clean(), "{name}: {:?}", outcome.errors);
            assert_eq!(
                outcome.rows.len() as u64,
                expected["rows_imported"].as_u64().unwrap(),
                "{name}"
            );
            assert_eq!(outcome.rows_read, outcome.rows.len(), "{name}");
        }
        "rejected" => {
            assert!(!outcome.is_clean(), "{name}: no errors");
            let want: BTreeSet<(u32, String)> = expected["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["row"].as_u64().unwrap() as u32,
                        e["column"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let got: BTreeSet<(u32, String)> = outcome
                .errors
                .iter()
                .map(|e| (e.row, e.column.clone()))
                .collect();
            assert_eq!(got, want, "{name}: {:#?}", outcome.errors);
            assert_eq!(
                outcome.errors.len(),
                want.len(),
                "{name}: one error per cell"
            );
            for e in expected["errors"].as_array().unwrap() {
                let Some(shown) = e["value_shown"].as_str() else {
                    continue;
                };
                let error = outcome
                    .errors
                    .iter()
                    .find(|x| u64::from(x.row) == e["row"].as_u64().unwrap())
                    .unwrap();
                assert_eq!(error.value, shown, "{name} row {}", error.row);
            }
        }
        other => panic!("{name}: unknown outcome {other}"),
    }
    if let Some(rows) = expected["valid_rows"].as_array() {
        for n in rows {
            let n = n.as_u64().unwrap() as u32;
            row(&outcome, n);
            assert!(outcome.errors.iter().all(|e| e.row != n), "{name} row {n}");
        }
    }
    if let Some(header_row) = expected["header_row"].as_u64() {
        assert_eq!(u64::from(outcome.header_row), header_row, "{name}");
    }
    for key in ["normalised", "read_as"] {
        if let Some(map) = expected[key].as_object() {
            for (k, want) in map {
                let (n, header) = row_and_header(k);
                assert_eq!(
                    value_of(row(&outcome, n), header),
                    want.as_str().unwrap(),
                    "{name} {k}"
                );
            }
        }
    }
    if let Some(values) = expected["values"].as_object() {
        for (k, cells) in values {
            let n: u32 = k.strip_prefix("row ").unwrap().parse().unwrap();
            for (header, want) in cells.as_object().unwrap() {
                assert_eq!(
                    value_of(row(&outcome, n), header),
                    want.as_str().unwrap(),
                    "{name} {k} {header}"
                );
            }
        }
    }
    if let Some(masked) = expected["shown_masked"].as_str() {
        assert!(
            outcome.rows.iter().any(|r| r.founder_id.masked() == masked),
            "{name}: nobody shows as {masked}"
        );
    }
}

#[test]
fn every_case_file_has_its_expected_outcome_and_is_tested() {
    let names: BTreeSet<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .filter_map(|e| {
            let file = e.unwrap().file_name().to_string_lossy().into_owned();
            file.strip_suffix(".expected.json").map(str::to_owned)
        })
        .collect();
    let tested: BTreeSet<String> = TESTED.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        names, tested,
        "a case without a test, or a test without a case"
    );
}

const TESTED: [&str; 7] = [
    "c01_id_lowercase_x",
    "c04_id_birth_dates",
    "c10_utf8_bom_crlf",
    "c11_id_scientific_notation",
    "c14_xlsx_date1904",
    "c15_text_dates",
    "c18_xlsx_merged_title_row",
];

#[test]
fn c01_identifiers_typed_with_lowercase_letters_are_accepted_upper_cased() {
    check("c01_id_lowercase_x");
}

#[test]
fn c04_resident_ids_with_impossible_or_future_birth_dates_are_refused_and_real_leap_days_pass() {
    check("c04_id_birth_dates");
    let (outcome, _) = case("c04_id_birth_dates");
    let codes: Vec<_> = outcome.errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "invalid_birth_date",
            "invalid_birth_date",
            "birth_date_in_future"
        ]
    );
}

#[test]
fn c10_a_byte_order_mark_glued_to_the_first_header_and_crlf_line_ends_are_read() {
    check("c10_utf8_bom_crlf");
    let (outcome, _) = case("c10_utf8_bom_crlf");
    assert_eq!(outcome.header_of(fuhua_import::Column::Name), "企业名称");
}

#[test]
fn c11_identifiers_that_went_through_excel_as_numbers_are_refused_never_re_expanded() {
    check("c11_id_scientific_notation");
    let (outcome, _) = case("c11_id_scientific_notation");
    let codes: Vec<_> = outcome.errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["number_cell", "checksum"]);
    let message = outcome.errors[0].message(fuhua_core::Lang::Zh);
    assert!(
        message.contains("文本格式") && message.contains("重新录入"),
        "{message}"
    );
    assert!(
        outcome.errors[0]
            .message(fuhua_core::Lang::En)
            .contains("format the column as text and re-enter")
    );
}

#[test]
fn c14_a_workbook_in_the_1904_date_system_gives_the_dates_it_shows() {
    check("c14_xlsx_date1904");
}

#[test]
fn c15_dates_typed_in_the_four_office_forms_are_read_and_an_ambiguous_one_is_refused() {
    check("c15_text_dates");
    let (outcome, _) = case("c15_text_dates");
    assert_eq!(outcome.errors[0].code, "ambiguous_date");
    assert_eq!(outcome.errors[0].value, "03/01/2024");
    assert!(
        outcome.errors[0]
            .message(fuhua_core::Lang::Zh)
            .contains("2024-03-01")
    );
}

#[test]
fn c18_a_merged_title_row_above_the_header_row_is_skipped() {
    check("c18_xlsx_merged_title_row");
    let (outcome, _) = case("c18_xlsx_merged_title_row");
    assert_eq!(
        outcome.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        [3, 4]
    );
    assert_eq!(outcome.rows[1].credit_code.as_str(), "92370211MA3BGA1M3L");
}
