//! The OpenAPI document of the API (SPEC §5), kept by hand in `openapi.json`. The
//! components that state limits taken from the district's parameters or from the
//! evaluation scheme are written from them each time the document is fetched, so the
//! document served says what the server refuses that day; the file holds them as
//! written for the default parameters (a test keeps the two equal). Every limit is
//! stated so that a client generated from the document never sends a value the
//! server refuses on its own: patterns and bounds may be stricter than the server,
//! never looser.

use fuhua_core::money::MAX_YUAN;
use fuhua_core::vocab::{AreaKind, Level};
use fuhua_core::{Money, Params};
use fuhua_evaluation::{Scheme, Source};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};
use warp::http::header::HeaderValue;
use warp::reply::{Reply, Response};

use crate::AppState;

/// The document as kept in the repository.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The largest whole number the document offers where the server sets no bound of
/// its own (counts and unbounded indicators).
const LARGEST: u64 = 1_000_000_000_000_000;

/// `GET /api/v1/openapi.json`: the document with today's limits.
pub fn response(state: &AppState) -> Response {
    let params = state.params().at(state.today());
    let scheme = super::evaluation::calculator_scheme(&params);
    let body = serde_json::to_string(&document(&params, &scheme)).unwrap_or_default();
    let mut response =
        warp::reply::with_header(body, "content-type", "application/json").into_response();
    response
        .headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    response
}

/// The document with the components that depend on `params` and `scheme` written
/// from them.
pub fn document(params: &Params, scheme: &Scheme) -> Value {
    let mut doc: Value = serde_json::from_str(OPENAPI).unwrap_or(Value::Null);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in components(params, scheme) {
            schemas.insert(name.to_owned(), schema);
        }
    }
    doc
}

fn components(p: &Params, scheme: &Scheme) -> Vec<(&'static str, Value)> {
    let max = Money::yuan(MAX_YUAN);
    vec![
        (
            "MoneyInput",
            money(
                max,
                false,
                "Yuan, not negative, at most 2 decimals, at most 1,000,000,000,000.00; a string or a number.",
            ),
        ),
        (
            "ExtensionMonths",
            json!({
                "type": "integer",
                "minimum": 0,
                "maximum": p.extension_total_max_months,
                "description": format!(
                    "Total approved extension months: at most extension_total_max_months in force on the first move-in ({} today).",
                    p.extension_total_max_months
                ),
            }),
        ),
        (
            "MunicipalAmount",
            money(
                p.ladder_municipal_cap,
                true,
                &format!(
                    "ladder: the municipal step set by the official, more than 0 and at most ladder_municipal_cap ({}); default the cap.",
                    p.ladder_municipal_cap
                ),
            ),
        ),
        ("DistrictAreaAmount", area_amount(AreaKind::District, p)),
        ("StreetTownAreaAmount", area_amount(AreaKind::StreetTown, p)),
        ("PaidStep", paid_step(p)),
        ("Indicators", indicators(scheme)),
    ]
}

/// The amount of an area award of `kind`: more than 0, at most the kind's cap.
fn area_amount(kind: AreaKind, p: &Params) -> Value {
    let cap = fuhua_awards::area_cap(kind, p);
    money(
        cap,
        true,
        &format!(
            "area, {}: more than 0 and at most area_cap_{} ({cap}).",
            kind.as_str(),
            kind.as_str()
        ),
    )
}

/// A step already paid; a ladder step's amount is at most that step's cap.
fn paid_step(p: &Params) -> Value {
    let caps: Vec<Value> = [Level::Municipal, Level::Provincial, Level::National]
        .into_iter()
        .filter_map(|level| {
            let cap = fuhua_awards::step_cap(level, p)?;
            Some(json!({
                "if": {"properties": {"level": {"const": level.as_str()}}, "required": ["level"]},
                "then": {"properties": {"amount": money(cap, false, &format!("At most the {} step's cap, {cap}.", level.as_str()))}},
            }))
        })
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["level", "amount"],
        "properties": {
            "level": {"$ref": "#/components/schemas/Level"},
            "amount": {"$ref": "#/components/schemas/MoneyInput"},
        },
        "allOf": caps,
    })
}

/// The input rule of a scheme key: its range, whether it is a count, whether it is
/// yuan, and its label (as the scheme checks them).
fn input_rule(scheme: &Scheme, key: &str) -> (Decimal, Option<Decimal>, bool, bool, String) {
    let own = scheme.indicators.iter().find(|i| match &i.source {
        Source::Input(k) => k == key,
        Source::Ratio { numerator, .. } => numerator == key,
    });
    if let Some(i) = own {
        let label = match &i.source {
            Source::Input(_) => format!("{} ({})", i.label.en, i.label.zh),
            Source::Ratio { .. } => format!("numerator of {} ({})", i.label.en, i.label.zh),
        };
        return (
            i.input_range.0,
            i.input_range.1,
            i.whole_number,
            i.money,
            label,
        );
    }
    let label = scheme
        .indicators
        .iter()
        .find(|i| matches!(&i.source, Source::Ratio { denominator, .. } if denominator == key))
        .map(|i| format!("denominator of {} ({})", i.label.en, i.label.zh))
        .unwrap_or_default();
    (Decimal::ZERO, None, false, false, label)
}

fn whole(value: Decimal) -> u64 {
    value.floor().to_u64().unwrap_or(0)
}

/// A decimal as a JSON number: whole numbers as integers.
fn number(value: Decimal) -> Value {
    match value.to_i64() {
        Some(n) if value.fract().is_zero() => json!(n),
        _ => json!(value.to_f64()),
    }
}

/// The `indicators` object of the evaluation request, from the scheme's inputs.
fn indicators(scheme: &Scheme) -> Value {
    let keys = scheme.input_keys();
    let mut properties = Map::new();
    for key in &keys {
        let (min, max, count, yuan, label) = input_rule(scheme, key);
        let top = max.map_or(LARGEST, whole);
        let schema = if yuan {
            let cap = max.map_or(Money::yuan(MAX_YUAN), Money::round);
            let mut schema = money(cap, false, &label);
            if !min.is_zero() {
                schema = json!({"allOf": [schema, {"minimum": number(min)}], "description": label});
            }
            schema
        } else {
            let number = json!({
                "type": if count { "integer" } else { "number" },
                "minimum": number(min),
                "maximum": max.map_or(json!(LARGEST), number),
            });
            let mut forms = vec![number];
            if min.is_zero() {
                let decimals = if count { 0 } else { 12 };
                forms.push(
                    json!({"type": "string", "pattern": decimal_pattern(top, decimals, false)}),
                );
            }
            json!({"oneOf": forms, "description": label})
        };
        properties.insert((*key).to_owned(), schema);
    }
    properties.insert(
        "violations".to_owned(),
        json!({
            "anyOf": [{"type": "integer", "minimum": 0, "maximum": super::evaluation::MAX_VIOLATIONS}, {"type": "null"}],
            "default": 0,
            "description": "Violations found in the period.",
        }),
    );
    properties.insert(
        "false_reporting".to_owned(),
        json!({
            "anyOf": [{"type": "boolean"}, {"type": "null"}],
            "default": false,
            "description": "False reporting (虚报) found by verification.",
        }),
    );
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": keys,
        "properties": properties,
        "description": format!(
            "The inputs of the scheme {}: a number, or a decimal string; counts are whole numbers.",
            scheme.key
        ),
    })
}

/// An amount of yuan from 0 (above 0 when `positive`) to `cap`, at most 2 decimals,
/// as a string or a number. The string is bounded to the whole yuan below `cap`.
fn money(cap: Money, positive: bool, description: &str) -> Value {
    let top = whole(cap.amount());
    let mut number = json!({"type": "number", "maximum": top, "multipleOf": 0.01});
    let bound = if positive {
        "exclusiveMinimum"
    } else {
        "minimum"
    };
    number[bound] = json!(0);
    json!({
        "description": description,
        "oneOf": [
            {"type": "string", "pattern": decimal_pattern(top, 2, positive)},
            number,
        ],
        "examples": [format!("{}.00", top.min(3000)), top.min(3000)],
    })
}

/// A regular expression for a decimal number from 0 (above 0 when `positive`) to
/// `max`, with at most `decimals` decimals: plain digits, no sign, no leading zero,
/// no exponent, no spaces — stricter than the server's reader, never looser.
pub fn decimal_pattern(max: u64, decimals: u32, positive: bool) -> String {
    let any_fraction = if decimals == 0 {
        String::new()
    } else {
        format!("(?:\\.\\d{{1,{decimals}}})?")
    };
    let zero_fraction = if decimals == 0 {
        String::new()
    } else {
        format!("(?:\\.0{{1,{decimals}}})?")
    };
    let mut forms: Vec<String> = Vec::new();
    if max == 0 {
        if !positive {
            forms.push(format!("0{zero_fraction}"));
        }
    } else {
        if !positive {
            forms.push(format!("0{any_fraction}"));
        } else if decimals > 0 {
            // Zero point something, with at least one digit that is not 0.
            let fractions: Vec<String> = (0..decimals)
                .map(|zeros| {
                    let rest = decimals - zeros - 1;
                    let tail = if rest == 0 {
                        String::new()
                    } else {
                        format!("\\d{{0,{rest}}}")
                    };
                    format!("{}[1-9]{tail}", "0".repeat(zeros as usize))
                })
                .collect();
            forms.push(format!("0\\.(?:{})", fractions.join("|")));
        }
        for whole in below(max) {
            forms.push(format!("{whole}{any_fraction}"));
        }
        forms.push(format!("{max}{zero_fraction}"));
    }
    if forms.is_empty() {
        // Nothing at all: a cap of 0 on an amount that must be more than 0.
        return "[^\\s\\S]".to_owned();
    }
    format!("^(?:{})$", forms.join("|"))
}

/// Patterns for the whole numbers from 1 to `max` − 1, without leading zeros.
fn below(max: u64) -> Vec<String> {
    let digits: Vec<u32> = max
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let width = digits.len();
    let mut forms = Vec::new();
    if width >= 2 {
        let more = if width == 2 {
            String::new()
        } else {
            format!("\\d{{0,{}}}", width - 2)
        };
        forms.push(format!("[1-9]{more}"));
    }
    for (i, &digit) in digits.iter().enumerate() {
        let low = u32::from(i == 0);
        if digit == 0 || digit - 1 < low {
            continue;
        }
        let prefix: String = digits[..i].iter().map(ToString::to_string).collect();
        let range = if digit - 1 == low {
            low.to_string()
        } else {
            format!("[{low}-{}]", digit - 1)
        };
        let rest = width - i - 1;
        let tail = match rest {
            0 => String::new(),
            1 => "\\d".to_owned(),
            n => format!("\\d{{{n}}}"),
        };
        forms.push(format!("{prefix}{range}{tail}"));
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::ParameterSet;

    #[test]
    fn patterns_name_every_number_up_to_the_cap_and_no_more() {
        assert_eq!(
            decimal_pattern(24, 0, false),
            "^(?:0|[1-9]|1\\d|2[0-3]|24)$"
        );
        assert_eq!(
            decimal_pattern(1, 12, false),
            "^(?:0(?:\\.\\d{1,12})?|1(?:\\.0{1,12})?)$"
        );
        assert_eq!(
            decimal_pattern(100, 2, true),
            "^(?:0\\.(?:[1-9]\\d{0,1}|0[1-9])|[1-9]\\d{0,1}(?:\\.\\d{1,2})?|100(?:\\.0{1,2})?)$"
        );
        assert_eq!(
            decimal_pattern(5_000_000, 2, false),
            "^(?:0(?:\\.\\d{1,2})?|[1-9]\\d{0,5}(?:\\.\\d{1,2})?|[1-4]\\d{6}(?:\\.\\d{1,2})?|5000000(?:\\.0{1,2})?)$"
        );
        assert_eq!(decimal_pattern(0, 2, true), "[^\\s\\S]");
        assert_eq!(decimal_pattern(0, 0, false), "^(?:0)$");
    }

    #[test]
    fn the_file_is_the_document_for_the_default_parameters() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let params = ParameterSet::defaults().at(today);
        let kept: Value = serde_json::from_str(OPENAPI).unwrap();
        let served = document(&params, &crate::api::evaluation::calculator_scheme(&params));
        for (name, schema) in components(&params, &Scheme::qx_default()) {
            assert_eq!(
                kept["components"]["schemas"][name], schema,
                "openapi.json's {name} differs from the one written from the default parameters"
            );
        }
        assert_eq!(kept, served);
    }
}
