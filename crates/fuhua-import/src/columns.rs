//! The columns of the published tenant template (SPEC §5 import): Chinese headers,
//! English aliases, which are required and how each is read.

use fuhua_core::vocab::FounderGroup;

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (names).
    Text,
    /// An identifier: never a number cell (Excel keeps 15 significant digits).
    Identifier,
    /// A date: an Excel date cell, a number read as an Excel serial, or text in
    /// one of the unambiguous forms.
    Date,
    /// Yuan with at most two decimals.
    Money,
    /// m² with at most two decimals.
    Area,
    /// A whole number ≥ 0.
    Count,
    /// A founder group label or code.
    Group,
}

/// One column of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Name,
    CreditCode,
    FounderName,
    FounderId,
    FounderGroup,
    GraduatedOn,
    MoveIn,
    MoveOut,
    MonthlyRent,
    Area,
    Jobs,
}

impl Column {
    /// Every column, in the template's order.
    pub const ALL: [Column; 11] = [
        Column::Name,
        Column::CreditCode,
        Column::FounderName,
        Column::FounderId,
        Column::FounderGroup,
        Column::GraduatedOn,
        Column::MoveIn,
        Column::MoveOut,
        Column::MonthlyRent,
        Column::Area,
        Column::Jobs,
    ];

    /// The Chinese header of the published template (SPEC §5).
    pub fn header(self) -> &'static str {
        match self {
            Column::Name => "企业名称",
            Column::CreditCode => "统一社会信用代码",
            Column::FounderName => "负责人姓名",
            Column::FounderId => "负责人身份证号",
            Column::FounderGroup => "人员类别",
            Column::GraduatedOn => "毕业日期",
            Column::MoveIn => "入驻日期",
            Column::MoveOut => "退出日期",
            Column::MonthlyRent => "月租金",
            Column::Area => "面积",
            Column::Jobs => "带动就业人数",
        }
    }

    /// The English alias accepted as a header (SPEC §5), also the field name of
    /// the use cases' problems.
    pub fn alias(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::CreditCode => "credit_code",
            Column::FounderName => "founder_name",
            Column::FounderId => "founder_id",
            Column::FounderGroup => "founder_group",
            Column::GraduatedOn => "graduated_on",
            Column::MoveIn => "move_in",
            Column::MoveOut => "move_out",
            Column::MonthlyRent => "monthly_rent",
            Column::Area => "area",
            Column::Jobs => "jobs",
        }
    }

    /// The column whose alias is `field` (a use case's problem field).
    pub fn from_alias(field: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.alias() == field)
    }

    /// Whether the header must be present for a row to be the header row.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Name
                | Column::CreditCode
                | Column::FounderName
                | Column::FounderId
                | Column::FounderGroup
                | Column::MoveIn
                | Column::MonthlyRent
        )
    }

    pub fn kind(self) -> Kind {
        match self {
            Column::Name | Column::FounderName => Kind::Text,
            Column::CreditCode | Column::FounderId => Kind::Identifier,
            Column::GraduatedOn | Column::MoveIn | Column::MoveOut => Kind::Date,
            Column::MonthlyRent => Kind::Money,
            Column::Area => Kind::Area,
            Column::Jobs => Kind::Count,
            Column::FounderGroup => Kind::Group,
        }
    }

    /// What the template's explanation sheet says about the column (zh, en).
    pub fn explanation(self) -> (&'static str, &'static str) {
        match self {
            Column::Name => (
                "入驻主体（企业或个体工商户）的名称。",
                "The entering entity's name.",
            ),
            Column::CreditCode => (
                "18位统一社会信用代码；请保持文本格式。",
                "The 18-character unified social credit code; keep the column as text.",
            ),
            Column::FounderName => (
                "主要创办人（法定代表人）姓名。",
                "The principal founder's name.",
            ),
            Column::FounderId => (
                "18位居民身份证号；请保持文本格式，末位 x 可小写。",
                "The 18-character resident ID; keep the column as text.",
            ),
            Column::FounderGroup => (
                "高校毕业生、城乡失业人员、返乡农民工或其他。",
                "One of the group labels or codes listed below.",
            ),
            Column::GraduatedOn => (
                "人员类别为高校毕业生时必填。",
                "Required when the founder is a graduate.",
            ),
            Column::MoveIn => (
                "日期，如 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日。",
                "A date: 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日.",
            ),
            Column::MoveOut => (
                "最后一个在驻日（含）；仍在驻则留空。",
                "The last occupied day (inclusive); empty while in residence.",
            ),
            Column::MonthlyRent => (
                "每月租金（元），最多两位小数。",
                "Monthly rent in yuan, at most 2 decimals.",
            ),
            Column::Area => ("面积（平方米），可留空。", "Area in m²; may be empty."),
            Column::Jobs => (
                "带动就业人数，整数，留空为 0。",
                "Jobs provided, a whole number; empty means 0.",
            ),
        }
    }
}

/// The founder group a cell names: the Chinese label (also 其他 for 其他人员) or
/// the code, case-insensitive.
pub fn founder_group(text: &str) -> Option<FounderGroup> {
    let lower = text.to_lowercase();
    if lower == "其他" {
        return Some(FounderGroup::Other);
    }
    FounderGroup::ALL
        .iter()
        .copied()
        .find(|g| g.as_str() == lower || g.label(fuhua_core::Lang::Zh) == text)
}

/// The labels a group cell accepts, for messages and the template.
pub fn group_labels() -> Vec<(&'static str, &'static str)> {
    FounderGroup::ALL
        .iter()
        .map(|g| {
            let zh = match g {
                FounderGroup::Other => "其他",
                other => other.label(fuhua_core::Lang::Zh),
            };
            (zh, g.as_str())
        })
        .collect()
}
