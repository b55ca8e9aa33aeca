//! `POST /api/v1/calc/award` — R-AWARD-LADDER and R-AWARD-AREA as SPEC §5 shows them.

use chrono::NaiveDate;
use fuhua_awards::{AreaRequest, AwardOutcome, LadderRequest, PaidStep, StepLevel};
use fuhua_core::vocab::{AreaKind, Level};
use fuhua_core::{Lang, Money, ParameterSet, Problem, Trace, vocabulary};
use serde::Serialize;
use serde_json::Value;

use super::reader::Reader;
use super::{StepOut, trace_out};

vocabulary! {
    /// The programmes the calculator knows.
    ApiProgramme {
        Ladder = "ladder", "示范基地阶梯奖补", "ladder award";
        Area = "area", "创业型区（市）、街道（镇）奖补", "entrepreneurial-area award";
    }
}

const MAX_PAID_STEPS: usize = 10;

/// A computed award, ready to be shown in a language.
#[derive(Debug)]
pub struct Calculated {
    outcome: AwardOutcome,
    trace: Trace,
}

#[derive(Debug, Serialize)]
pub struct StepOutJson {
    pub level: StepLevel,
    pub cap: Money,
    pub amount: Money,
}

#[derive(Debug, Serialize)]
pub struct Answer {
    pub steps: Vec<StepOutJson>,
    pub total: Money,
    pub trace: Vec<StepOut>,
}

impl Calculated {
    pub fn render(&self, lang: Lang) -> Answer {
        Answer {
            steps: self
                .outcome
                .steps
                .iter()
                .map(|s| StepOutJson {
                    level: s.level,
                    cap: s.cap,
                    amount: s.amount,
                })
                .collect(),
            total: self.outcome.total,
            trace: trace_out(&self.trace, lang),
        }
    }
}

fn not_applicable(field: &str, programme: ApiProgramme) -> Problem {
    Problem::new(
        field,
        "not_applicable",
        format!("{field} 不适用于“{}”", programme.label(Lang::Zh)),
        format!(
            "{field} does not apply to the {}",
            programme.label(Lang::En)
        ),
    )
}

/// Reads and computes an award. Parameters are those in force `today`: the
/// calculator has no accreditation date of its own.
pub fn calculate(
    body: &Value,
    params: &ParameterSet,
    today: NaiveDate,
) -> Result<Calculated, Vec<Problem>> {
    let mut r = Reader::new();
    let fields = [
        "programme",
        "paid_steps",
        "new_level",
        "area_kind",
        "municipal_amount",
        "amount",
    ];
    let Some(root) = r.object(body, "", &fields) else {
        return Err(r.into_problems());
    };
    let programme = r
        .required(root, "", "programme")
        .and_then(|v| r.choice::<ApiProgramme>(v, "programme"));
    let mut paid_steps = Some(Vec::new());
    if let Some(items) =
        Reader::optional(root, "paid_steps").and_then(|v| r.array(v, "paid_steps", MAX_PAID_STEPS))
    {
        for (i, item) in items.iter().enumerate() {
            let path = format!("paid_steps[{i}]");
            let step = r.object(item, &path, &["level", "amount"]).and_then(|map| {
                let level = r
                    .required(map, &path, "level")
                    .and_then(|v| r.choice::<Level>(v, &format!("{path}.level")));
                let amount = r
                    .required(map, &path, "amount")
                    .and_then(|v| r.money(v, &format!("{path}.amount")));
                Some(PaidStep {
                    level: level?,
                    amount: amount?,
                })
            });
            match (step, paid_steps.as_mut()) {
                (Some(step), Some(list)) => list.push(step),
                _ => paid_steps = None,
            }
        }
    }
    let p = params.at(today);
    match programme {
        Some(ApiProgramme::Ladder) => {
            for field in ["area_kind", "amount"] {
                if Reader::optional(root, field).is_some() {
                    r.push(not_applicable(field, ApiProgramme::Ladder));
                }
            }
            let new_level = r
                .required(root, "", "new_level")
                .and_then(|v| r.choice::<Level>(v, "new_level"));
            let municipal_amount =
                Reader::optional(root, "municipal_amount").map(|v| r.money(v, "municipal_amount"));
            let (Some(new_level), Some(paid_steps), true) = (
                new_level,
                paid_steps,
                municipal_amount.is_none_or(|m| m.is_some()),
            ) else {
                return Err(r.into_problems());
            };
            let request = LadderRequest {
                paid_steps,
                new_level,
                municipal_amount: municipal_amount.flatten(),
            };
            finish(r, fuhua_awards::ladder(&request, &p))
        }
        Some(ApiProgramme::Area) => {
            for field in ["new_level", "municipal_amount"] {
                if Reader::optional(root, field).is_some() {
                    r.push(not_applicable(field, ApiProgramme::Area));
                }
            }
            let area_kind = r
                .required(root, "", "area_kind")
                .and_then(|v| r.choice::<AreaKind>(v, "area_kind"));
            let amount = Reader::optional(root, "amount").map(|v| r.money(v, "amount"));
            // One-time per area: a paid step of this area's own kind means it was paid.
            let mut already_paid = None;
            if let (Some(kind), Some(steps)) = (area_kind, paid_steps.as_ref()) {
                for (i, step) in steps.iter().enumerate() {
                    if step.level.as_str() == kind.as_str() {
                        already_paid = Some(step.amount);
                    } else {
                        let field = format!("paid_steps[{i}].level");
                        r.push(Problem::new(
                            field.clone(),
                            "not_applicable",
                            format!("{field} 应为本区域类型 {kind}，区域奖补只记录该区域自身的一次性奖补"),
                            format!("{field} must be this area's kind, {kind}: the area award is paid once per area"),
                        ));
                    }
                }
            }
            let (Some(area_kind), true, true) = (
                area_kind,
                amount.is_none_or(|m| m.is_some()),
                paid_steps.is_some(),
            ) else {
                return Err(r.into_problems());
            };
            let request = AreaRequest {
                area_kind,
                amount: amount.flatten(),
                already_paid,
            };
            finish(r, fuhua_awards::area(&request, &p))
        }
        None => Err(r.into_problems()),
    }
}

fn finish(
    mut r: Reader,
    result: Result<fuhua_core::Decision<AwardOutcome>, Vec<Problem>>,
) -> Result<Calculated, Vec<Problem>> {
    match result {
        Ok(decision) if r.is_ok() => Ok(Calculated {
            outcome: decision.value,
            trace: decision.trace,
        }),
        Ok(_) => Err(r.into_problems()),
        Err(problems) => {
            r.extend(problems);
            Err(r.into_problems())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn run(body: Value) -> Result<Answer, Vec<(String, &'static str)>> {
        calculate(&body, &ParameterSet::defaults(), today())
            .map(|c| c.render(Lang::En))
            .map_err(|ps| ps.into_iter().map(|p| (p.field, p.code)).collect())
    }

    #[test]
    fn a_carrier_paid_at_municipal_and_now_national_is_owed_two_steps() {
        let answer = run(json!({"programme": "ladder", "paid_steps": [{"level": "municipal", "amount": "5000000.00"}], "new_level": "national"})).unwrap();
        let steps: Vec<_> = answer
            .steps
            .iter()
            .map(|s| (s.level.as_str(), s.amount.to_string()))
            .collect();
        assert_eq!(
            steps,
            [
                ("provincial", "1000000.00".to_owned()),
                ("national", "2000000.00".to_owned())
            ]
        );
        assert_eq!(answer.total.to_string(), "3000000.00");
        assert!(answer.trace.iter().all(|s| s.rule.starts_with("R-AWARD")));
    }

    #[test]
    fn an_area_award_is_paid_once() {
        let first = run(json!({"programme": "area", "area_kind": "street_town", "amount": 300000}))
            .unwrap();
        assert_eq!(first.total.to_string(), "300000.00");
        assert_eq!(first.steps[0].cap.to_string(), "500000.00");
        let again = run(json!({"programme": "area", "area_kind": "street_town", "paid_steps": [{"level": "street_town", "amount": "300000"}]})).unwrap();
        assert!(again.steps.is_empty());
        assert_eq!(again.total.to_string(), "0.00");
    }

    #[test]
    fn wrong_fields_for_the_programme_are_named() {
        let got = run(json!({"programme": "ladder", "new_level": "national", "area_kind": "district", "municipal_amount": "6000000"})).unwrap_err();
        assert_eq!(
            got,
            vec![
                ("area_kind".to_owned(), "not_applicable"),
                ("municipal_amount".to_owned(), "over_cap")
            ]
        );
        let got =
            run(json!({"programme": "area", "paid_steps": [{"level": "municipal", "amount": 1}]}))
                .unwrap_err();
        assert_eq!(got, vec![("area_kind".to_owned(), "required")]);
        let got = run(json!({"programme": "bonus"})).unwrap_err();
        assert_eq!(got, vec![("programme".to_owned(), "unknown_value")]);
    }
}
