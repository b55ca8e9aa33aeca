//! More files of the kinds the cases stand for: other encodings, a 1900-system
//! workbook with number and date cells, full-width input, empty rows in the middle,
//! number cells in identifier columns, duplicates after normalising, files that are
//! not spreadsheets; and the template and the report read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use fuhua_core::Lang;
use fuhua_import::{
    Column, FileError, Options, Outcome, ReportLine, read, report_xlsx, template_xlsx,
};
use rust_xlsxwriter::{Format, Workbook};

const HEADER: &str = "企业名称,统一社会信用代码,负责人姓名,负责人身份证号,人员类别,毕业日期,入驻日期,退出日期,月租金,面积,带动就业人数";
const ROW_A: &str = "青岛海之韵旅游文化有限公司,91370211MA3UEJ7Q5N,韩梅,370211197906198080,其他,,2025-08-18,,1500.00,45.5,3";
const ROW_B: &str = "青岛北岸数据服务有限公司,91370211MA3C331P9P,曹宇,370211197510067535,高校毕业生,2024-07-01,2025-08-18,,1500.00,45.5,3";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn options() -> Options {
    Options::new(d(2026, 11, 29))
}

fn csv(lines: &[&str]) -> Vec<u8> {
    lines.join("\r\n").into_bytes()
}

fn read_ok(bytes: &[u8]) -> Outcome {
    read(bytes, &options()).unwrap()
}

#[test]
fn a_gb18030_csv_as_chinese_excel_saves_it_is_read() {
    let text = [HEADER, ROW_A, ROW_B].join("\r\n");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let outcome = read_ok(&bytes);
    assert!(outcome.is_clean(), "{:?}", outcome.errors);
    assert_eq!(outcome.rows[0].name, "青岛海之韵旅游文化有限公司");
    assert_eq!(outcome.rows[1].founder_name, "曹宇");
}

#[test]
fn lf_line_ends_a_utf16_export_and_english_headers_are_read() {
    let lf = [HEADER, ROW_A].join("\n");
    assert!(read_ok(lf.as_bytes()).is_clean());
    let english =
        "name\tcredit_code\tfounder_name\tfounder_id\tfounder_group\tmove_in\tmonthly_rent";
    let row = "青岛海之韵旅游文化有限公司\t91370211MA3UEJ7Q5N\t韩梅\t370211197906198080\tother\t2025-08-18\t1500";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in format!("{english}\r\n{row}\r\n").encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let outcome = read_ok(&bytes);
    assert!(outcome.is_clean(), "{:?}", outcome.errors);
    assert_eq!(outcome.rows[0].jobs, 0);
    assert_eq!(outcome.header_of(Column::FounderGroup), "founder_group");
}

#[test]
fn full_width_digits_letters_and_ideographic_spaces_are_normalised_before_the_checksums() {
    let row = "\u{3000}青岛海之韵旅游文化有限公司\u{a0},９１３７０２１１ｍａ３ｕｅｊ７ｑ５ｎ, 韩梅 ,３７０２１１１９７９０６１９８０８０,其他,,２０２４／３／１,,１，５００．００元,45.5㎡,３";
    let outcome = read_ok(&csv(&[HEADER, row]));
    assert!(outcome.is_clean(), "{:?}", outcome.errors);
    let r = &outcome.rows[0];
    assert_eq!(r.name, "青岛海之韵旅游文化有限公司");
    assert_eq!(r.credit_code.as_str(), "91370211MA3UEJ7Q5N");
    assert_eq!(r.founder_name, "韩梅");
    assert_eq!(r.founder_id.as_str(), "370211197906198080");
    assert_eq!(r.move_in, d(2024, 3, 1));
    assert_eq!(r.monthly_rent.to_fen(), 150_000);
    assert_eq!((r.area_centi, r.jobs), (Some(4550), 3));
}

#[test]
fn empty_rows_anywhere_are_ignored_and_later_rows_keep_their_spreadsheet_numbers() {
    let bad_b = ROW_B.replace("370211197510067535", "370211197510067536");
    let outcome = read_ok(&csv(&[HEADER, ROW_A, "", ",,\u{3000},,,,,,,,", &bad_b, ""]));
    assert_eq!(outcome.rows_read, 2);
    assert_eq!(outcome.rows.len(), 1);
    assert_eq!(outcome.errors.len(), 1);
    assert_eq!(
        (outcome.errors[0].row, outcome.errors[0].code),
        (5, "checksum")
    );
    assert_eq!(outcome.errors[0].value, "3702**********7536");
}

#[test]
fn a_quoted_line_break_inside_a_name_does_not_shift_the_row_numbers() {
    let bad = ROW_B.replace("2025-08-18", "18/08/2025");
    let first = ROW_A.replace(
        "青岛海之韵旅游文化有限公司",
        "\"青岛海之韵\r\n旅游文化有限公司\"",
    );
    let outcome = read_ok(&csv(&[HEADER, &first, &bad]));
    assert_eq!(outcome.errors[0].row, 3);
    assert_eq!(outcome.errors[0].code, "ambiguous_date");
}

/// A workbook in the 1900 date system: a date cell, a number cell holding a serial
/// in a date column (Chinese format 31 comes back as a plain number), an ID in a
/// number cell.
fn workbook_1900() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let chinese = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for (r, (name, code, founder, id)) in [
        (
            "青岛海之韵旅游文化有限公司",
            "91370211MA3UEJ7Q5N",
            "韩梅",
            "370211197906198080",
        ),
        (
            "青岛北岸数据服务有限公司",
            "91370211MA3C331P9P",
            "曹宇",
            "370211197510067535",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, name).unwrap();
        sheet.write_string(r, 1, code).unwrap();
        sheet.write_string(r, 2, founder).unwrap();
        if r == 1 {
            sheet.write_string(r, 3, id).unwrap();
        } else {
            sheet
                .write_number(r, 3, id.parse::<f64>().unwrap())
                .unwrap();
        }
        sheet.write_string(r, 4, "其他").unwrap();
        sheet
            .write_number_with_format(r, 6, 45352.0, if r == 1 { &date } else { &chinese })
            .unwrap();
        sheet.write_number(r, 8, 1500.5).unwrap();
        sheet.write_number(r, 10, 2).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_1900_system_workbook_reads_date_cells_and_serials_alike_and_refuses_an_id_in_a_number_cell() {
    let outcome = read_ok(&workbook_1900());
    assert_eq!(outcome.rows.len(), 1);
    let r = &outcome.rows[0];
    assert_eq!(
        (r.row, r.move_in, r.monthly_rent.to_fen()),
        (2, d(2024, 3, 1), 150_050)
    );
    let e = &outcome.errors[0];
    assert_eq!(
        (e.row, e.column.as_str(), e.code),
        (3, "负责人身份证号", "number_cell")
    );
    assert_eq!(e.value, "3.70***E+17");
    // The number cell's date (format 31) is read too: its row fails only on the ID.
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
}

#[test]
fn a_credit_code_equal_to_the_founders_id_and_duplicates_after_normalising_are_refused() {
    let same = ROW_A.replace("91370211MA3UEJ7Q5N", "370211197906198080");
    let outcome = read_ok(&csv(&[HEADER, &same]));
    assert_eq!(outcome.errors[0].code, "same_as_founder_id");
    assert_eq!(outcome.errors[0].column, "统一社会信用代码");
    assert_eq!(outcome.errors[0].value, "3702**********8080");

    let again = ROW_A.replace("91370211MA3UEJ7Q5N", "91370211ma3uej7q5n ");
    let outcome = read_ok(&csv(&[HEADER, ROW_A, ROW_B, &again]));
    let codes: Vec<_> = outcome.errors.iter().map(|e| (e.row, e.code)).collect();
    assert_eq!(codes, [(4, "duplicate_in_file")]);
    assert!(outcome.errors[0].message(Lang::Zh).contains("第 2 行"));

    // A later stay of the same entity that does not overlap is not a duplicate.
    let moved = ROW_A.replace(",2025-08-18,,", ",2024-01-01,2024-12-31,");
    assert!(read_ok(&csv(&[HEADER, ROW_A, &moved])).is_clean());

    let renamed = ROW_B
        .replace("曹宇", "曹雨")
        .replace("91370211MA3C331P9P", "91370211MA3UEJ7Q5N");
    let outcome = read_ok(&csv(&[HEADER, ROW_A, &renamed]));
    assert!(
        outcome
            .errors
            .iter()
            .all(|e| e.code == "conflicting_in_file"),
        "{:?}",
        outcome.errors
    );
}

#[test]
fn a_row_with_bad_cells_names_each_column_and_a_graduate_needs_a_graduation_date() {
    let row =
        "青岛某公司,91370211MA3UEJ7Q5X,韩梅,370211197906198080,学生,,2024-13-01,,一千五,-3,2.5";
    let outcome = read_ok(&csv(&[HEADER, row]));
    let columns: Vec<_> = outcome
        .errors
        .iter()
        .map(|e| (e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        columns,
        [
            ("统一社会信用代码", "checksum"),
            ("人员类别", "unknown_group"),
            ("入驻日期", "invalid_date"),
            ("月租金", "invalid_number"),
            ("面积", "invalid_number"),
            ("带动就业人数", "invalid_number"),
        ]
    );
    let graduate = ROW_B.replace("2024-07-01", "");
    let outcome = read_ok(&csv(&[HEADER, &graduate]));
    assert_eq!(
        (outcome.errors[0].column.as_str(), outcome.errors[0].code),
        ("毕业日期", "required")
    );
}

#[test]
fn files_that_are_not_spreadsheets_get_one_file_level_error() {
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    assert_eq!(read(&png, &options()), Err(FileError::NotASpreadsheet));
    assert_eq!(
        read(b"%PDF-1.7\n...", &options()),
        Err(FileError::NotASpreadsheet)
    );
    assert_eq!(
        read(b"PK\x03\x04not really a zip", &options()),
        Err(FileError::NotASpreadsheet)
    );
    let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    assert_eq!(read(&ole, &options()), Err(FileError::OldExcel));
    assert_eq!(read(b"", &options()), Err(FileError::Empty));
    assert_eq!(
        read(&[0xFF, 0xFF, 0x81, 0x30], &options()),
        Err(FileError::Encoding)
    );
    let small = Options {
        max_bytes: 100,
        ..options()
    };
    assert_eq!(
        read(&csv(&[HEADER, ROW_A]), &small),
        Err(FileError::TooBig { limit: 100 })
    );
    let Err(FileError::NoHeaderRow { missing }) = read(b"hello,world\r\n1,2\r\n", &options())
    else {
        panic!("expected no header row");
    };
    assert!(missing.contains(&"负责人身份证号"));
    let no_id = HEADER.replace("负责人身份证号", "身份证");
    let Err(error) = read(&csv(&[&no_id, ROW_A]), &options()) else {
        panic!("expected no header row");
    };
    assert_eq!(
        error,
        FileError::NoHeaderRow {
            missing: vec!["负责人身份证号"]
        }
    );
    assert!(error.text().zh.contains("负责人身份证号"));
    // A header row below row 10 is not looked for.
    let mut lines = vec!["花名册"; 10];
    lines.extend([HEADER, ROW_A]);
    assert!(matches!(
        read(&csv(&lines), &options()),
        Err(FileError::NoHeaderRow { .. })
    ));
}

#[test]
fn the_template_reads_back_as_a_header_row_with_no_tenants_and_explains_the_groups() {
    use calamine::{Reader, Xlsx};
    let bytes = template_xlsx().unwrap();
    let outcome = read_ok(&bytes);
    assert!(outcome.is_clean());
    assert_eq!((outcome.header_row, outcome.rows_read), (1, 0));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["入驻企业", "填写说明"]);
    let help = book.worksheet_range("填写说明").unwrap();
    let text: Vec<String> = help.cells().map(|(_, _, c)| c.to_string()).collect();
    for label in [
        "高校毕业生",
        "城乡失业人员",
        "返乡农民工",
        "其他",
        "returning_migrant_worker",
        "负责人身份证号",
    ] {
        assert!(text.iter().any(|t| t == label), "{label}");
    }
}

#[test]
fn the_report_lists_each_error_with_formula_like_values_neutralised() {
    use calamine::{Reader, Xlsx};
    let lines = [ReportLine {
        row: Some(4),
        column: "企业名称".into(),
        code: "required".into(),
        message: "请填写".into(),
        value: "=HYPERLINK(\"x\")".into(),
    }];
    let bytes = report_xlsx("tenants.xlsx", &lines, Lang::Zh).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let row: Vec<String> = range
        .rows()
        .nth(3)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        row,
        ["4", "企业名称", "required", "请填写", "'=HYPERLINK(\"x\")"]
    );
}
