//! `POST /api/v1/calc/evaluation` — R-EVAL as SPEC §5 shows it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fuhua_core::vocab::Grade;
use fuhua_core::{Lang, ParameterSet, Problem, Trace, round2};
use fuhua_evaluation::{Inputs, Outcome, Scheme};
use serde::Serialize;
use serde_json::Value;

use super::reader::Reader;
use super::{StepOut, trace_out};

/// The most violations one period may record.
pub const MAX_VIOLATIONS: u32 = 1000;

#[derive(Debug)]
pub struct Calculated {
    outcome: Outcome,
    trace: Trace,
}

#[derive(Debug, Serialize)]
pub struct ItemOut {
    pub key: String,
    /// The indicator's value, rounded to 0.01 for showing (scoring used the exact one).
    pub value: String,
    pub weight: String,
    pub points: String,
}

#[derive(Debug, Serialize)]
pub struct Answer {
    pub score: String,
    pub grade: Grade,
    pub coefficient: String,
    pub items: Vec<ItemOut>,
    pub trace: Vec<StepOut>,
}

impl Calculated {
    pub fn render(&self, lang: Lang) -> Answer {
        Answer {
            score: round2(self.outcome.score).to_string(),
            grade: self.outcome.grade,
            coefficient: round2(self.outcome.coefficient).to_string(),
            items: self
                .outcome
                .items
                .iter()
                .map(|i| ItemOut {
                    key: i.key.clone(),
                    value: round2(i.value).to_string(),
                    weight: i.weight.normalize().to_string(),
                    points: round2(i.points).to_string(),
                })
                .collect(),
            trace: trace_out(&self.trace, lang),
        }
    }
}

/// The schemes the public calculator knows (officials' own schemes live in the
/// database and are used by evaluation rounds).
fn scheme_named(key: &str) -> Option<Scheme> {
    let default = Scheme::qx_default();
    (key == default.key).then_some(default)
}

/// The scheme the calculator uses when the request names none: the parameter
/// `evaluation_scheme` when the calculator knows it, else `qx-default`.
pub fn calculator_scheme(p: &fuhua_core::Params) -> Scheme {
    scheme_named(&p.evaluation_scheme).unwrap_or_else(Scheme::qx_default)
}

/// Reads and scores. Parameters are those in force `today` (the end of the period
/// the answer is for).
pub fn calculate(
    body: &Value,
    params: &ParameterSet,
    today: NaiveDate,
) -> Result<Calculated, Vec<Problem>> {
    let mut r = Reader::new();
    let Some(root) = r.object(body, "", &["scheme", "indicators"]) else {
        return Err(r.into_problems());
    };
    let p = params.at(today);
    let scheme = match Reader::optional(root, "scheme") {
        Some(Value::String(key)) => {
            let found = scheme_named(key);
            if found.is_none() {
                r.push(Problem::new(
                    "scheme",
                    "unknown_value",
                    format!("scheme 的取值“{key}”无效；可选：{}", p.evaluation_scheme),
                    format!(
                        "scheme: “{key}” is not a known scheme; expected one of: {}",
                        p.evaluation_scheme
                    ),
                ));
            }
            found
        }
        Some(_) => {
            r.push(Problem::new(
                "scheme",
                "wrong_type",
                "scheme 应为字符串",
                "scheme must be a string",
            ));
            None
        }
        None => Some(calculator_scheme(&p)),
    };
    let mut inputs = Inputs::default();
    let mut read_all = true;
    // Keys the scheme does not know, named after the scheme's own checks.
    let mut unknown: Vec<String> = Vec::new();
    let keys: Vec<String> = scheme
        .as_ref()
        .map(|s| s.input_keys().into_iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let mut allowed: Vec<&str> = keys.iter().map(String::as_str).collect();
    allowed.extend(["violations", "false_reporting"]);
    if let Some(value) = r.required(root, "", "indicators") {
        match value {
            Value::Object(map) => {
                let mut values = BTreeMap::new();
                for (key, v) in map {
                    let path = format!("indicators.{key}");
                    match key.as_str() {
                        // null is the same as leaving a field out.
                        _ if scheme.is_some() && !allowed.contains(&key.as_str()) => {
                            unknown.push(path);
                        }
                        _ if v.is_null() => {}
                        "violations" => match r.count(v, &path, MAX_VIOLATIONS) {
                            Some(n) => inputs.violations = n,
                            None => read_all = false,
                        },
                        "false_reporting" => match r.boolean(v, &path) {
                            Some(b) => inputs.false_reporting = b,
                            None => read_all = false,
                        },
                        _ => match r.decimal(v, &path) {
                            Some(d) => {
                                values.insert(key.clone(), d);
                            }
                            None => read_all = false,
                        },
                    }
                }
                inputs.values = values;
            }
            other => {
                let _ = r.object(other, "indicators", &allowed);
                read_all = false;
            }
        }
    }
    let Some(scheme) = scheme else {
        return Err(r.into_problems());
    };
    // The scheme's own checks, minus "required" for a field whose value was unreadable.
    let unreadable: Vec<String> = r.fields();
    for problem in scheme.check(&inputs) {
        if !unreadable.contains(&problem.field) {
            r.push(problem);
        }
    }
    for field in unknown {
        r.push(Problem::new(
            field.clone(),
            "unknown_field",
            format!(
                "{field} 不是评估方案 {} 的指标；允许的字段：{}",
                scheme.key,
                allowed.join(", ")
            ),
            format!(
                "{field} is not an input of the scheme {}; allowed: {}",
                scheme.key,
                allowed.join(", ")
            ),
        ));
    }
    if !r.is_ok() || !read_all {
        return Err(r.into_problems());
    }
    fuhua_evaluation::evaluate(&scheme, &inputs, &p).map(|decision| Calculated {
        outcome: decision.value,
        trace: decision.trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(body: Value) -> Result<Answer, Vec<(String, &'static str)>> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        calculate(&body, &ParameterSet::defaults(), today)
            .map(|c| c.render(Lang::Zh))
            .map_err(|ps| ps.into_iter().map(|p| (p.field, p.code)).collect())
    }

    fn at_target() -> Value {
        json!({
            "occupancy_rate": "0.90", "tenants": 20, "jobs_created": 60, "key_group_share": 0.5,
            "graduated_tenants": 5, "service_events": 12, "financing_raised": "5000000.00",
            "satisfaction": 95, "on_time_report_rate": 1
        })
    }

    #[test]
    fn every_indicator_at_its_target_scores_one_hundred() {
        let answer = run(json!({"indicators": at_target()})).unwrap();
        assert_eq!(answer.score, "100.00");
        assert_eq!(answer.grade, Grade::Excellent);
        assert_eq!(answer.coefficient, "1.20");
        let jobs = answer
            .items
            .iter()
            .find(|i| i.key == "jobs_per_tenant")
            .unwrap();
        assert_eq!(
            (
                jobs.value.as_str(),
                jobs.weight.as_str(),
                jobs.points.as_str()
            ),
            ("3.00", "20", "20.00")
        );
    }

    #[test]
    fn false_reporting_vetoes_the_grade_but_keeps_the_score() {
        let mut indicators = at_target();
        indicators["false_reporting"] = json!(true);
        indicators["violations"] = json!(1);
        let answer = run(json!({"scheme": "qx-default", "indicators": indicators})).unwrap();
        assert_eq!(answer.score, "95.00");
        assert_eq!(
            (answer.grade, answer.coefficient.as_str()),
            (Grade::Fail, "0.00")
        );
    }

    #[test]
    fn bad_indicators_are_all_named() {
        let mut indicators = at_target();
        indicators["tenants"] = json!("many");
        indicators["occupancy_rate"] = json!(1.5);
        indicators["violations"] = json!(-2);
        indicators["colour"] = json!(1);
        indicators.as_object_mut().unwrap().remove("satisfaction");
        let got = run(json!({"scheme": "qx-default", "indicators": indicators})).unwrap_err();
        assert_eq!(
            got,
            vec![
                ("indicators.tenants".to_owned(), "not_a_number"),
                ("indicators.violations".to_owned(), "not_whole_number"),
                ("indicators.occupancy_rate".to_owned(), "out_of_range"),
                ("indicators.satisfaction".to_owned(), "required"),
                ("indicators.colour".to_owned(), "unknown_field"),
            ]
        );
        let got = run(json!({"scheme": "other", "indicators": {}})).unwrap_err();
        assert_eq!(got, vec![("scheme".to_owned(), "unknown_value")]);
    }
}
