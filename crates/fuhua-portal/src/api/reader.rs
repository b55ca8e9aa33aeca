//! Reads a JSON request field by field, collecting every problem with its path, so
//! one answer names every bad field (SPEC §5). Types are checked by hand rather than
//! by serde so that a wrong type in one field does not hide the others.

use chrono::NaiveDate;
use fuhua_core::vocab::UnknownValue;
use fuhua_core::{Money, MoneyError, Problem};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;

/// The earliest and latest dates accepted anywhere.
const FIRST_YEAR: i32 = 1950;
const LAST_YEAR: i32 = 2099;

/// Joins a path and a key: `stays[1]` + `move_out` → `stays[1].move_out`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Collects problems while reading.
#[derive(Debug, Default)]
pub struct Reader {
    problems: Vec<Problem>,
}

fn kind_of(value: &Value) -> (&'static str, &'static str) {
    match value {
        Value::Null => ("空值", "null"),
        Value::Bool(_) => ("布尔值", "a boolean"),
        Value::Number(_) => ("数字", "a number"),
        Value::String(_) => ("字符串", "a string"),
        Value::Array(_) => ("数组", "an array"),
        Value::Object(_) => ("对象", "an object"),
    }
}

impl Reader {
    pub fn new() -> Reader {
        Reader::default()
    }

    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
    }

    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The fields that have a problem so far.
    pub fn fields(&self) -> Vec<String> {
        self.problems.iter().map(|p| p.field.clone()).collect()
    }

    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    fn wrong_type(&mut self, path: &str, value: &Value, expected_zh: &str, expected_en: &str) {
        let (got_zh, got_en) = kind_of(value);
        self.push(Problem::new(
            path,
            "wrong_type",
            format!("{path} 应为{expected_zh}，收到的是{got_zh}"),
            format!("{path} must be {expected_en}, got {got_en}"),
        ));
    }

    /// An object whose keys must all be in `allowed`; unknown keys are refused.
    pub fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            let shown = if path.is_empty() { "body" } else { path };
            self.wrong_type(shown, value, "对象", "an object");
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let field = join(path, key);
                self.push(Problem::new(
                    field.clone(),
                    "unknown_field",
                    format!("不认识的字段 {field}；允许的字段：{}", allowed.join(", ")),
                    format!("unknown field {field}; allowed: {}", allowed.join(", ")),
                ));
            }
        }
        Some(map)
    }

    /// A field that must be present and not null (`null` is the same as absent).
    pub fn required<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<&'v Value> {
        match map.get(key) {
            Some(Value::Null) | None => {
                let field = join(path, key);
                self.push(Problem::new(
                    field.clone(),
                    "required",
                    format!("缺少必填字段 {field}"),
                    format!("{field} is required"),
                ));
                None
            }
            Some(value) => Some(value),
        }
    }

    /// A field that may be left out; `null` is the same as leaving it out (the API's
    /// one rule for `null`, stated in openapi.json and docs/API.md).
    pub fn optional<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        map.get(key).filter(|v| !v.is_null())
    }

    pub fn array<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        max: usize,
    ) -> Option<&'v Vec<Value>> {
        let Value::Array(items) = value else {
            self.wrong_type(path, value, "数组", "an array");
            return None;
        };
        if items.len() > max {
            self.push(Problem::new(
                path,
                "too_many",
                format!("{path} 最多{max}项，收到{}项", items.len()),
                format!("{path} takes at most {max} items, got {}", items.len()),
            ));
            return None;
        }
        Some(items)
    }

    /// A calendar date written "YYYY-MM-DD".
    pub fn date(&mut self, value: &Value, path: &str) -> Option<NaiveDate> {
        let Value::String(text) = value else {
            self.wrong_type(
                path,
                value,
                "“YYYY-MM-DD”格式的日期字符串",
                "a date string \"YYYY-MM-DD\"",
            );
            return None;
        };
        self.date_text(text, path)
    }

    pub fn date_text(&mut self, text: &str, path: &str) -> Option<NaiveDate> {
        let text = text.trim();
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shaped {
            self.push(Problem::new(
                path,
                "invalid_date",
                format!("{path} 应为“YYYY-MM-DD”格式的日期，例如 2024-03-15"),
                format!("{path} must be a date written YYYY-MM-DD, e.g. 2024-03-15"),
            ));
            return None;
        }
        let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
            self.push(Problem::new(
                path,
                "invalid_date",
                format!("{path} 的 {text} 不是真实存在的日期"),
                format!("{path}: {text} is not a real date"),
            ));
            return None;
        };
        let year = chrono::Datelike::year(&date);
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            self.push(Problem::new(
                path,
                "out_of_range",
                format!("{path} 的年份应在{FIRST_YEAR}至{LAST_YEAR}年之间"),
                format!("{path} must be between the years {FIRST_YEAR} and {LAST_YEAR}"),
            ));
            return None;
        }
        Some(date)
    }

    /// Money as a string or a number with at most 2 decimals, not negative.
    pub fn money(&mut self, value: &Value, path: &str) -> Option<Money> {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                self.wrong_type(
                    path,
                    other,
                    "金额（字符串或数字）",
                    "an amount (string or number)",
                );
                return None;
            }
        };
        self.money_text(&text, path)
    }

    pub fn money_text(&mut self, text: &str, path: &str) -> Option<Money> {
        match Money::parse(text) {
            Ok(money) => Some(money),
            Err(error) => {
                let (code, zh, en) = match error {
                    MoneyError::Empty => ("required", "不能为空", "must not be empty"),
                    MoneyError::NotANumber => ("not_a_number", "不是有效金额", "is not an amount"),
                    MoneyError::TooManyDecimals => (
                        "too_many_decimals",
                        "最多保留2位小数",
                        "may have at most 2 decimals",
                    ),
                    MoneyError::Negative => ("negative", "不能为负数", "must not be negative"),
                    MoneyError::TooLarge => ("too_large", "金额过大", "is too large"),
                };
                self.push(Problem::new(
                    path,
                    code,
                    format!("{path} {zh}"),
                    format!("{path} {en}"),
                ));
                None
            }
        }
    }

    /// A decimal given as a number or a numeric string.
    pub fn decimal(&mut self, value: &Value, path: &str) -> Option<Decimal> {
        let text = match value {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            other => {
                self.wrong_type(path, other, "数字", "a number");
                return None;
            }
        };
        let parsed = Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text));
        match parsed {
            Ok(d) => Some(d),
            Err(_) => {
                self.push(Problem::new(
                    path,
                    "not_a_number",
                    format!("{path} 不是有效数字"),
                    format!("{path} is not a number"),
                ));
                None
            }
        }
    }

    /// A whole number, 0 or more (`6` or `6.0`; one too large for `u64` reads as
    /// `u64::MAX`, so a cap checked later names the real limit).
    pub fn whole(&mut self, value: &Value, path: &str) -> Option<u64> {
        let Value::Number(n) = value else {
            self.wrong_type(path, value, "整数", "a whole number");
            return None;
        };
        let whole = n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        });
        if whole.is_none() {
            self.push(Problem::new(
                path,
                "not_whole_number",
                format!("{path} 应为不小于0的整数"),
                format!("{path} must be a whole number, 0 or more"),
            ));
        }
        whole
    }

    /// A whole number from 0 to `max`.
    pub fn count(&mut self, value: &Value, path: &str, max: u32) -> Option<u32> {
        let n = self.whole(value, path)?;
        match u32::try_from(n) {
            Ok(v) if v <= max => Some(v),
            _ => {
                self.push(Problem::new(
                    path,
                    "out_of_range",
                    format!("{path} 不能超过{max}"),
                    format!("{path} may not exceed {max}"),
                ));
                None
            }
        }
    }

    pub fn boolean(&mut self, value: &Value, path: &str) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(path, other, "布尔值 true 或 false", "true or false");
                None
            }
        }
    }

    /// One of an enumeration's wire names.
    pub fn choice<T: FromStr<Err = UnknownValue>>(
        &mut self,
        value: &Value,
        path: &str,
    ) -> Option<T> {
        let Value::String(text) = value else {
            self.wrong_type(path, value, "字符串", "a string");
            return None;
        };
        self.choice_text(text, path)
    }

    pub fn choice_text<T: FromStr<Err = UnknownValue>>(
        &mut self,
        text: &str,
        path: &str,
    ) -> Option<T> {
        match text.parse::<T>() {
            Ok(v) => Some(v),
            Err(UnknownValue { expected }) => {
                let list = expected.join(", ");
                self.push(Problem::new(
                    path,
                    "unknown_value",
                    format!("{path} 的取值“{text}”无效；可选：{list}"),
                    format!("{path}: “{text}” is not allowed; expected one of: {list}"),
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::vocab::CarrierKind;
    use serde_json::json;

    #[test]
    fn impossible_dates_are_named() {
        let mut r = Reader::new();
        assert!(r.date(&json!("2025-02-30"), "stays[0].move_in").is_none());
        assert!(r.date(&json!("2025-2-3"), "as_of").is_none());
        assert!(r.date(&json!(20250203), "as_of").is_none());
        assert!(r.date(&json!("1900-01-01"), "as_of").is_none());
        let codes: Vec<_> = r
            .into_problems()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("stays[0].move_in".to_owned(), "invalid_date"),
                ("as_of".to_owned(), "invalid_date"),
                ("as_of".to_owned(), "wrong_type"),
                ("as_of".to_owned(), "out_of_range")
            ]
        );
    }

    #[test]
    fn money_comes_as_a_string_or_a_number_with_two_decimals_at_most() {
        let mut r = Reader::new();
        assert_eq!(r.money(&json!(3000), "x").unwrap().to_string(), "3000.00");
        assert_eq!(
            r.money(&json!(1645.16), "x").unwrap().to_string(),
            "1645.16"
        );
        assert_eq!(r.money(&json!("12.5"), "x").unwrap().to_string(), "12.50");
        assert!(r.is_ok());
        assert!(r.money(&json!(-1), "a").is_none());
        assert!(r.money(&json!("1.234"), "b").is_none());
        assert!(r.money(&json!(true), "c").is_none());
        let codes: Vec<_> = r.into_problems().into_iter().map(|p| p.code).collect();
        assert_eq!(codes, ["negative", "too_many_decimals", "wrong_type"]);
    }

    #[test]
    fn unknown_fields_and_enum_values_are_refused() {
        let mut r = Reader::new();
        let value = json!({"kind": "castle", "colour": 1});
        let map = r.object(&value, "stays[0].carrier", &["kind"]).unwrap();
        let kind = r.required(map, "stays[0].carrier", "kind").unwrap();
        assert!(
            r.choice::<CarrierKind>(kind, "stays[0].carrier.kind")
                .is_none()
        );
        let problems = r.into_problems();
        assert_eq!(problems[0].field, "stays[0].carrier.colour");
        assert_eq!(problems[0].code, "unknown_field");
        assert_eq!(problems[1].code, "unknown_value");
        assert!(problems[1].message.en.contains("maker_space"));
    }

    #[test]
    fn counts_are_whole_and_bounded() {
        let mut r = Reader::new();
        assert_eq!(r.count(&json!(6), "x", 24), Some(6));
        assert_eq!(r.count(&json!(6.0), "x", 24), Some(6));
        assert_eq!(r.whole(&json!(1e30), "x"), Some(u64::MAX));
        assert!(r.count(&json!(1.5), "x", 24).is_none());
        assert!(r.count(&json!(-1), "x", 24).is_none());
        assert!(r.count(&json!(25), "x", 24).is_none());
        assert!(r.count(&json!("6"), "x", 24).is_none());
        let codes: Vec<_> = r.into_problems().into_iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            [
                "not_whole_number",
                "not_whole_number",
                "out_of_range",
                "wrong_type"
            ]
        );
    }
}
