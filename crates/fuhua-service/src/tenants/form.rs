//! A move-in as typed into the portal's form: every field read, every problem
//! named by its field (SPEC §2 identifiers: GB 11643 resident ID, GB 32100 credit
//! code; money in yuan with at most two decimals; dates YYYY-MM-DD).

use chrono::NaiveDate;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{CreditCode, Money, Problem, ResidentId};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::record::{EntityFacts, FounderFacts, MoveIn};

/// The form's fields as typed (all text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveInForm {
    pub entity_name: String,
    pub credit_code: String,
    pub registered_on: String,
    pub founder_name: String,
    pub resident_id: String,
    pub group: String,
    pub graduated_on: String,
    pub unemployed_on: String,
    pub move_in: String,
    pub move_out: String,
    pub monthly_rent: String,
    pub area: String,
    pub unit: String,
    pub jobs: String,
}

/// The longest name or unit the form takes (characters).
const MAX_TEXT: usize = 100;

fn text(field: &str, value: &str, required: bool, problems: &mut Vec<Problem>) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        problems.push(Problem::new(
            field,
            "required",
            "请填写此项。",
            "This is required.",
        ));
    } else if value.chars().count() > MAX_TEXT {
        problems.push(Problem::new(
            field,
            "too_long",
            format!("不能超过 {MAX_TEXT} 个字。"),
            format!("At most {MAX_TEXT} characters."),
        ));
    } else if value.chars().any(char::is_control) {
        problems.push(Problem::new(
            field,
            "invalid_character",
            "含有不可见的控制字符。",
            "Contains control characters.",
        ));
    }
    value.to_owned()
}

/// A date in YYYY-MM-DD; empty is `None` (or a problem when `required`).
pub fn date(
    field: &str,
    value: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            problems.push(Problem::new(
                field,
                "required",
                "请填写日期。",
                "Enter a date.",
            ));
        }
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(day) if (1950..=2099).contains(&chrono::Datelike::year(&day)) => Some(day),
        _ => {
            problems.push(Problem::new(
                field,
                "invalid_date",
                "日期格式应为 YYYY-MM-DD（1950–2099 年）。",
                "Use YYYY-MM-DD (years 1950–2099).",
            ));
            None
        }
    }
}

/// An amount in yuan (≥ 0, at most two decimals).
pub fn money(field: &str, value: &str, problems: &mut Vec<Problem>) -> Option<Money> {
    match Money::parse(value) {
        Ok(amount) => Some(amount),
        Err(_) => {
            problems.push(Problem::new(
                field,
                "invalid_amount",
                "请填写不小于 0 的金额（元），最多两位小数，例如 1500 或 1500.50。",
                "Enter an amount in yuan, 0 or more, at most two decimals (1500 or 1500.50).",
            ));
            None
        }
    }
}

/// A whole number from 0 to `max`; empty is 0.
pub fn count(field: &str, value: &str, max: i32, problems: &mut Vec<Problem>) -> i32 {
    let value = value.trim();
    if value.is_empty() {
        return 0;
    }
    match value.parse::<i32>() {
        Ok(n) if (0..=max).contains(&n) => n,
        _ => {
            problems.push(Problem::new(
                field,
                "invalid_count",
                format!("请填写 0 到 {max} 之间的整数。"),
                format!("Enter a whole number from 0 to {max}."),
            ));
            0
        }
    }
}

fn area(value: &str, problems: &mut Vec<Problem>) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    // Plain decimal notation only: no exponent, sign or separators.
    let plain = value.chars().all(|c| c.is_ascii_digit() || c == '.')
        && value.chars().filter(|c| *c == '.').count() <= 1;
    let read = plain
        .then(|| value.parse::<Decimal>().ok())
        .flatten()
        .filter(|d| !d.is_sign_negative() && d.scale() <= 2 && *d <= Decimal::from(1_000_000))
        .and_then(|d| (d * Decimal::from(100)).trunc().to_i64());
    if read.is_none() {
        problems.push(Problem::new(
            "area",
            "invalid_area",
            "面积应为不小于 0 的平方米数，最多两位小数。",
            "Area in m², 0 or more, at most two decimals.",
        ));
    }
    read
}

impl MoveInForm {
    /// The move-in the form describes, or every problem with it. `today` bounds
    /// resident IDs' birth dates (GB 11643: not in the future).
    pub fn read(&self, today: NaiveDate) -> Result<MoveIn, Vec<Problem>> {
        let mut problems = Vec::new();
        let entity_name = text("entity_name", &self.entity_name, true, &mut problems);
        let credit_code = match CreditCode::parse(self.credit_code.trim()) {
            Ok(code) => Some(code),
            Err(e) => {
                let t = e.text();
                problems.push(Problem::new(
                    "credit_code",
                    e.code(),
                    format!("统一社会信用代码{}。", t.zh),
                    format!("The credit code {}.", t.en),
                ));
                None
            }
        };
        let registered_on = date("registered_on", &self.registered_on, false, &mut problems);
        let founder_name = text("founder_name", &self.founder_name, true, &mut problems);
        let resident_id = match ResidentId::parse_as_of(self.resident_id.trim(), today) {
            Ok(id) => Some(id),
            Err(e) => {
                let t = e.text();
                problems.push(Problem::new(
                    "resident_id",
                    e.code(),
                    format!("身份证号{}。", t.zh),
                    format!("The resident ID {}.", t.en),
                ));
                None
            }
        };
        let group = match self.group.trim().parse::<FounderGroup>() {
            Ok(group) => Some(group),
            Err(_) => {
                problems.push(Problem::new(
                    "group",
                    "unknown_group",
                    "请选择人员类别。",
                    "Choose the founder group.",
                ));
                None
            }
        };
        let graduated_on = date(
            "graduated_on",
            &self.graduated_on,
            group == Some(FounderGroup::Graduate),
            &mut problems,
        );
        let unemployed_on = date("unemployed_on", &self.unemployed_on, false, &mut problems);
        let move_in = date("move_in", &self.move_in, true, &mut problems);
        let move_out = date("move_out", &self.move_out, false, &mut problems);
        if let (Some(i), Some(o)) = (move_in, move_out)
            && o < i
        {
            problems.push(Problem::new(
                "move_out",
                "before_move_in",
                "退出日期早于入驻日期。",
                "The move-out date is before the move-in date.",
            ));
        }
        let monthly_rent = money("monthly_rent", &self.monthly_rent, &mut problems);
        let area_centi = area(&self.area, &mut problems);
        let unit = text("unit", &self.unit, false, &mut problems);
        let jobs = count("jobs", &self.jobs, 100_000, &mut problems);
        match (credit_code, resident_id, group, move_in, monthly_rent) {
            (
                Some(credit_code),
                Some(resident_id),
                Some(group),
                Some(move_in),
                Some(monthly_rent),
            ) if problems.is_empty() => Ok(MoveIn {
                entity: EntityFacts {
                    name: entity_name,
                    credit_code,
                    registered_on,
                },
                founder: FounderFacts {
                    name: founder_name,
                    resident_id,
                    group,
                    graduated_on,
                    unemployed_on,
                },
                move_in,
                move_out,
                monthly_rent,
                area_centi,
                unit: (!unit.is_empty()).then_some(unit),
                jobs,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> MoveInForm {
        MoveInForm {
            entity_name: " 青岛海川科技有限公司 ".into(),
            credit_code: "91370211ma3w3f2k5w".into(),
            founder_name: "张伟".into(),
            resident_id: "37021119950823206x".into(),
            group: "graduate".into(),
            graduated_on: "2022-06-30".into(),
            move_in: "2025-03-01".into(),
            monthly_rent: "1500.50".into(),
            area: "45.5".into(),
            jobs: "3".into(),
            ..MoveInForm::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn a_good_form_reads_with_identifiers_normalised() {
        let row = good().read(today()).unwrap();
        assert_eq!(row.entity.name, "青岛海川科技有限公司");
        assert_eq!(row.entity.credit_code.as_str(), "91370211MA3W3F2K5W");
        assert_eq!(row.founder.resident_id.as_str(), "37021119950823206X");
        assert_eq!(row.monthly_rent.to_string(), "1500.50");
        assert_eq!(row.area_centi, Some(4550));
        assert_eq!(row.jobs, 3);
        assert_eq!(row.unit, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let form = MoveInForm {
            entity_name: String::new(),
            credit_code: "91370211MA3W3F2K5X".into(),
            resident_id: "370211203001150849".into(),
            group: "student".into(),
            move_in: "03/01/2024".into(),
            move_out: "2020-01-01".into(),
            monthly_rent: "-5".into(),
            area: "1e3".into(),
            jobs: "lots".into(),
            ..good()
        };
        let problems = form.read(today()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "entity_name",
                "credit_code",
                "resident_id",
                "group",
                "move_in",
                "monthly_rent",
                "area",
                "jobs"
            ]
        );
    }

    #[test]
    fn a_graduate_needs_a_graduation_date_and_move_out_follows_move_in() {
        let form = MoveInForm {
            graduated_on: String::new(),
            move_out: "2025-02-01".into(),
            ..good()
        };
        let problems = form.read(today()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["graduated_on", "move_out"]);
    }
}
