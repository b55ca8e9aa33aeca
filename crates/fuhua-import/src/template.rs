//! The published template (SPEC §5): a sheet with the Chinese headers whose
//! identifier and date columns are formatted as text (so Excel keeps 18 digits and
//! does not turn dates into serials), and a sheet explaining each column and the
//! allowed founder-group labels.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::columns::{Column, Kind, group_labels};

/// The name of the template's data sheet.
pub const SHEET: &str = "入驻企业";

/// Rows formatted in advance (a roll rarely runs past this).
const FORMATTED_ROWS: u32 = 2000;

/// The template as XLSX bytes.
pub fn template_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    for (c, column) in Column::ALL.into_iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, column.header(), &bold)?;
        let width = match column.kind() {
            Kind::Identifier => 22.0,
            Kind::Text => 28.0,
            _ => 14.0,
        };
        sheet.set_column_width(col, width)?;
        // Identifiers and dates as text: "370211199508232066" stays 18 digits and
        // "2024-03-01" stays as typed (SPEC §5 "identifier columns formatted as text").
        if matches!(column.kind(), Kind::Identifier | Kind::Date) {
            sheet.set_column_format(col, &text)?;
            for row in 1..=FORMATTED_ROWS {
                sheet.write_blank(row, col, &text)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;

    let help = workbook.add_worksheet();
    help.set_name("填写说明")?;
    for (c, header) in ["列名", "English", "必填", "说明", "Notes"]
        .iter()
        .enumerate()
    {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        help.write_string_with_format(0, col, *header, &bold)?;
    }
    help.set_column_width(0, 18)?;
    help.set_column_width(1, 16)?;
    help.set_column_width(3, 48)?;
    help.set_column_width(4, 60)?;
    let mut row = 1u32;
    for column in Column::ALL {
        let (zh, en) = column.explanation();
        help.write_string(row, 0, column.header())?;
        help.write_string(row, 1, column.alias())?;
        help.write_string(row, 2, if column.required() { "是" } else { "否" })?;
        help.write_string(row, 3, zh)?;
        help.write_string(row, 4, en)?;
        row += 1;
    }
    row += 1;
    help.write_string_with_format(row, 0, "人员类别可填写", &bold)?;
    help.write_string_with_format(row, 1, "founder_group", &bold)?;
    row += 1;
    for (zh, code) in group_labels() {
        help.write_string(row, 0, zh)?;
        help.write_string(row, 1, code)?;
        row += 1;
    }
    row += 1;
    for (zh, en) in [
        (
            "表头行可以在前 10 行中的任意一行；表头也可使用英文列名。",
            "The header row may be any of the first 10 rows; English column names are accepted too.",
        ),
        (
            "身份证号和信用代码请保持文本格式；若显示为 3.70211E+17，请将该列设为文本后重新录入。",
            "Keep IDs and credit codes as text; if one shows as 3.70211E+17, format the column as text and re-enter it.",
        ),
        (
            "所有行检查无误后才会一次性导入；有任何错误则不导入任何一行。",
            "Rows are imported all at once only when every row is good; with any error nothing is imported.",
        ),
    ] {
        help.write_string(row, 3, zh)?;
        help.write_string(row, 4, en)?;
        row += 1;
    }
    workbook.save_to_buffer()
}
