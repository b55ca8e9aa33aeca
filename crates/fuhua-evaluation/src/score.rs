//! R-EVAL — scoring one carrier for one period (clauses 二十六 and 七).

use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::Grade;
use fuhua_core::{Decision, Lang, Params, Problem, Trace, round2};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::scheme::{Inputs, Scheme, Source};

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub key: String,
    /// The exact value scored (a ratio is not rounded).
    pub value: Decimal,
    pub weight: Decimal,
    /// Rounded once to 0.01, half away from zero.
    pub points: Decimal,
}

/// The evaluation's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// 0.00..=100.00, two decimals.
    pub score: Decimal,
    pub grade: Grade,
    /// The operating-subsidy coefficient of the grade, two decimals ("1.20").
    pub coefficient: Decimal,
    pub items: Vec<Item>,
}

/// A value for the trace: exact when short, otherwise to four decimals with "≈".
fn shown(value: Decimal) -> String {
    let normal = value.normalize();
    if normal.scale() <= 4 {
        normal.to_string()
    } else {
        format!("≈{}", value.round_dp(4))
    }
}

/// Scores `inputs` under `scheme`; the grade coefficients are read from `params`
/// (the parameters in force at the end of the evaluation period).
pub fn evaluate(
    scheme: &Scheme,
    inputs: &Inputs,
    params: &Params,
) -> Result<Decision<Outcome>, Vec<Problem>> {
    let problems = scheme.check(inputs);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut trace = Trace::new();
    // R-EVAL, clause 二十六: 绩效评估 — the scheme is the district's, not the policy's.
    trace.step(
        rules::EVAL,
        &clauses::THIRD_PARTY,
        format!(
            "评估方案 {} 第{}版。政策要求开展绩效评估但未给出指标，各项指标、权重、下限、目标、扣分和等次线均为区制定的方案，不是政策原文的数字",
            scheme.key, scheme.version
        ),
        format!(
            "evaluation scheme {} version {}. The policy calls for performance evaluation without naming indicators: the indicators, weights, floors, targets, deductions and grade thresholds are the district's scheme, not the policy's numbers",
            scheme.key, scheme.version
        ),
    );

    let mut items = Vec::with_capacity(scheme.indicators.len());
    let mut sum = Decimal::ZERO;
    for indicator in &scheme.indicators {
        let value = indicator.value(inputs);
        // R-EVAL: weight × clamp((x − floor)/(target − floor), 0, 1), rounded to 0.01.
        let points = indicator.points(value);
        let (value_zh, value_en) = match &indicator.source {
            Source::Input(_) => (shown(value), shown(value)),
            Source::Ratio {
                numerator,
                denominator,
            } => {
                let num = inputs.values.get(numerator).copied().unwrap_or_default();
                let den = inputs.values.get(denominator).copied().unwrap_or_default();
                if den.is_zero() {
                    (
                        format!("{denominator} 为 0，按 0 计"),
                        format!("{denominator} is 0, so it counts as 0"),
                    )
                } else {
                    (
                        format!(
                            "{numerator} {} ÷ {denominator} {} = {}（按精确值计分）",
                            shown(num),
                            shown(den),
                            shown(value)
                        ),
                        format!(
                            "{numerator} {} ÷ {denominator} {} = {} (scored on the exact ratio)",
                            shown(num),
                            shown(den),
                            shown(value)
                        ),
                    )
                }
            }
        };
        trace.step(
            rules::EVAL,
            &clauses::THIRD_PARTY,
            format!(
                "{}（{}）：{value_zh}；下限 {}，目标 {}，权重 {} → {points} 分",
                indicator.label.zh,
                indicator.key,
                indicator.floor,
                indicator.target,
                indicator.weight
            ),
            format!(
                "{} ({}): {value_en}; floor {}, target {}, weight {} → {points} points",
                indicator.label.en,
                indicator.key,
                indicator.floor,
                indicator.target,
                indicator.weight
            ),
        );
        sum += points;
        items.push(Item {
            key: indicator.key.clone(),
            value,
            weight: indicator.weight,
            points,
        });
    }

    // R-EVAL: 5 points per violation, at most 20 (the district's scheme).
    let deduction = scheme
        .violation_points
        .checked_mul(Decimal::from(inputs.violations))
        .map_or(scheme.violation_cap, |d| d.min(scheme.violation_cap));
    let deduction = round2(deduction.max(Decimal::ZERO));
    trace.step(
        rules::EVAL,
        &clauses::THIRD_PARTY,
        format!(
            "违规 {} 次，每次扣 {} 分，最多扣 {} 分：扣 {deduction} 分",
            inputs.violations, scheme.violation_points, scheme.violation_cap
        ),
        format!(
            "{} violation(s), {} points each, at most {} in all: {deduction} points deducted",
            inputs.violations, scheme.violation_points, scheme.violation_cap
        ),
    );
    let score = round2((sum - deduction).clamp(Decimal::ZERO, Decimal::ONE_HUNDRED));
    let sum = round2(sum);
    trace.step(
        rules::EVAL,
        &clauses::THIRD_PARTY,
        format!("得分 = 各项合计 {sum} − 扣分 {deduction} = {score}（限定在 0 到 100 之间）"),
        format!("score = points {sum} − deduction {deduction} = {score} (kept within 0 to 100)"),
    );

    let by_score = scheme.grade(score);
    trace.step(
        rules::EVAL,
        &clauses::THIRD_PARTY,
        format!(
            "得分 {score}：{}（等次线：优秀 ≥ {}，良好 ≥ {}，合格 ≥ {}）",
            by_score.label(Lang::Zh),
            scheme.excellent_from,
            scheme.good_from,
            scheme.pass_from
        ),
        format!(
            "score {score}: {} (thresholds: excellent ≥ {}, good ≥ {}, pass ≥ {})",
            by_score.label(Lang::En),
            scheme.excellent_from,
            scheme.good_from,
            scheme.pass_from
        ),
    );
    // R-EVAL, clause 二十六: 实地核实 — false reporting (虚报) vetoes the grade; the
    // score stays as computed.
    let grade = if inputs.false_reporting {
        trace.step(
            rules::EVAL,
            &clauses::THIRD_PARTY,
            format!("经核实存在虚报：等次一票否决为不合格；得分 {score} 保持不变"),
            format!("verification found false reporting (虚报): the grade is vetoed to fail; the score {score} stands"),
        );
        Grade::Fail
    } else {
        by_score
    };
    // R-AWARD-OPERATING / R-EVAL, clause 七: the coefficient per grade is the
    // district's parameter; the policy grants 房租和运营经费补助 without conditions.
    let coefficient = round2(params.grade_coefficients.of(grade));
    trace.step(
        rules::EVAL,
        &clauses::OPERATING,
        format!(
            "等次{}，运营补助系数 {coefficient}（区参数 grade_coefficients：按等次确定补助是区的选择，政策给予运营经费补助未附条件）",
            grade.label(Lang::Zh)
        ),
        format!(
            "grade {}, operating-subsidy coefficient {coefficient} (district parameter grade_coefficients: paying by grade is the district's choice; the policy grants the subsidy without conditions)",
            grade.label(Lang::En)
        ),
    );
    Ok(Decision::new(
        Outcome {
            score,
            grade,
            coefficient,
            items,
        },
        trace,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Every input exactly at its target.
    fn at_target() -> Inputs {
        let values = [
            ("occupancy_rate", "0.90"),
            ("tenants", "20"),
            ("jobs_created", "60"),
            ("key_group_share", "0.50"),
            ("graduated_tenants", "5"),
            ("service_events", "12"),
            ("financing_raised", "5000000.00"),
            ("satisfaction", "95"),
            ("on_time_report_rate", "1.00"),
        ];
        Inputs {
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), dec(v)))
                .collect(),
            violations: 0,
            false_reporting: false,
        }
    }

    fn with(mut inputs: Inputs, changes: &[(&str, &str)]) -> Inputs {
        for (key, value) in changes {
            inputs.values.insert(key.to_string(), dec(value));
        }
        inputs
    }

    fn run(inputs: &Inputs) -> Outcome {
        evaluate(&Scheme::qx_default(), inputs, &Params::default())
            .unwrap()
            .value
    }

    fn points_of(outcome: &Outcome, key: &str) -> String {
        outcome
            .items
            .iter()
            .find(|i| i.key == key)
            .unwrap()
            .points
            .to_string()
    }

    #[test]
    fn a_carrier_at_every_target_scores_one_hundred_and_is_excellent() {
        // 15 + 10 + 20 (60 jobs / 20 tenants = 3) + 10 + 10 + 10 + 5 + 10 + 10 = 100.00,
        // excellent (≥ 90), coefficient 1.20.
        let decision = evaluate(&Scheme::qx_default(), &at_target(), &Params::default()).unwrap();
        let outcome = &decision.value;
        assert_eq!(outcome.score.to_string(), "100.00");
        assert_eq!(outcome.grade, Grade::Excellent);
        assert_eq!(outcome.coefficient.to_string(), "1.20");
        assert_eq!(outcome.items.len(), 9);
        assert!(decision.trace.mentions(rules::EVAL));
        let en: String = decision
            .trace
            .steps()
            .iter()
            .map(|s| s.detail.en.clone())
            .collect();
        assert!(en.contains("not the policy's numbers") && en.contains("district's choice"));
    }

    #[test]
    fn a_worked_example_computed_by_hand() {
        // occupancy 0.80:      15 × (0.80 − 0.50)/0.40 = 11.25
        // tenants 12:          10 × 12/20              =  6.00
        // jobs 30 / 12 = 2.5:  20 × 2.5/3 = 16.666…    → 16.67
        // key groups 0.25:     10 × 0.25/0.50          =  5.00
        // exits 2:             10 × 2/5                =  4.00
        // events 6:            10 × 6/12               =  5.00
        // financing 1,000,000:  5 × 1,000,000/5,000,000 = 1.00
        // satisfaction 81:     10 × (81 − 60)/35       =  6.00
        // on time 0.90:        10 × (0.90 − 0.50)/0.50 =  8.00
        // sum 62.92 → pass (≥ 60), coefficient 0.80; one violation: 57.92 → fail.
        let inputs = with(
            at_target(),
            &[
                ("occupancy_rate", "0.80"),
                ("tenants", "12"),
                ("jobs_created", "30"),
                ("key_group_share", "0.25"),
                ("graduated_tenants", "2"),
                ("service_events", "6"),
                ("financing_raised", "1000000"),
                ("satisfaction", "81"),
                ("on_time_report_rate", "0.90"),
            ],
        );
        let outcome = run(&inputs);
        let points: Vec<String> = outcome.items.iter().map(|i| i.points.to_string()).collect();
        assert_eq!(
            points,
            [
                "11.25", "6.00", "16.67", "5.00", "4.00", "5.00", "1.00", "6.00", "8.00"
            ]
        );
        assert_eq!(outcome.score.to_string(), "62.92");
        assert_eq!(
            (outcome.grade, outcome.coefficient.to_string().as_str()),
            (Grade::Pass, "0.80")
        );
        let penalised = run(&Inputs {
            violations: 1,
            ..inputs
        });
        assert_eq!(penalised.score.to_string(), "57.92");
        assert_eq!(
            (penalised.grade, penalised.coefficient.to_string().as_str()),
            (Grade::Fail, "0.00")
        );
    }

    #[test]
    fn values_beyond_the_target_or_below_the_floor_are_clamped() {
        let outcome = run(&with(
            at_target(),
            &[
                ("occupancy_rate", "0.40"),
                ("tenants", "40"),
                ("jobs_created", "400"),
                ("financing_raised", "9000000"),
                ("satisfaction", "30"),
                ("on_time_report_rate", "0.20"),
            ],
        ));
        assert_eq!(points_of(&outcome, "occupancy_rate"), "0.00");
        assert_eq!(points_of(&outcome, "tenants"), "10.00");
        assert_eq!(points_of(&outcome, "jobs_per_tenant"), "20.00");
        assert_eq!(points_of(&outcome, "financing_raised"), "5.00");
        assert_eq!(points_of(&outcome, "satisfaction"), "0.00");
        assert_eq!(points_of(&outcome, "on_time_report_rate"), "0.00");
        assert_eq!(outcome.score.to_string(), "65.00");
    }

    #[test]
    fn jobs_per_tenant_is_scored_on_the_exact_ratio() {
        // 7 jobs / 3 tenants = 2.333…: 20 × 2.333…/3 = 15.555… → 15.56, whereas the
        // rounded ratio 2.33 would give 20 × 2.33/3 = 15.533… → 15.53.
        let outcome = run(&with(
            at_target(),
            &[("jobs_created", "7"), ("tenants", "3")],
        ));
        let item = outcome
            .items
            .iter()
            .find(|i| i.key == "jobs_per_tenant")
            .unwrap();
        assert_eq!(item.points.to_string(), "15.56");
        assert_eq!(item.value, dec("7") / dec("3"));
        assert_ne!(item.value, dec("2.33"));
    }

    #[test]
    fn jobs_per_tenant_is_zero_without_tenants() {
        let outcome = run(&with(
            at_target(),
            &[("jobs_created", "5"), ("tenants", "0")],
        ));
        let item = outcome
            .items
            .iter()
            .find(|i| i.key == "jobs_per_tenant")
            .unwrap();
        assert_eq!(
            (item.value, item.points.to_string().as_str()),
            (Decimal::ZERO, "0.00")
        );
    }

    #[test]
    fn each_violation_deducts_five_points_and_at_most_twenty() {
        let one = run(&Inputs {
            violations: 1,
            ..at_target()
        });
        assert_eq!(one.score.to_string(), "95.00");
        let five = run(&Inputs {
            violations: 5,
            ..at_target()
        });
        assert_eq!(five.score.to_string(), "80.00");
        assert_eq!(five.grade, Grade::Good);
    }

    #[test]
    fn the_score_never_goes_below_zero() {
        let nothing = with(
            at_target(),
            &[
                ("occupancy_rate", "0"),
                ("tenants", "0"),
                ("jobs_created", "0"),
                ("key_group_share", "0"),
                ("graduated_tenants", "0"),
                ("service_events", "0"),
                ("financing_raised", "0"),
                ("satisfaction", "0"),
                ("on_time_report_rate", "0"),
            ],
        );
        let outcome = run(&Inputs {
            violations: 4,
            ..nothing
        });
        assert_eq!(outcome.score.to_string(), "0.00");
        assert_eq!(outcome.grade, Grade::Fail);
    }

    #[test]
    fn false_reporting_vetoes_the_grade_to_fail_but_keeps_the_score() {
        let decision = evaluate(
            &Scheme::qx_default(),
            &Inputs {
                false_reporting: true,
                ..at_target()
            },
            &Params::default(),
        )
        .unwrap();
        assert_eq!(decision.value.score.to_string(), "100.00");
        assert_eq!(decision.value.grade, Grade::Fail);
        assert_eq!(decision.value.coefficient.to_string(), "0.00");
        assert!(
            decision
                .trace
                .steps()
                .iter()
                .any(|s| s.detail.en.contains("vetoed"))
        );
    }

    #[test]
    fn scores_on_the_grade_boundaries_get_the_higher_grade() {
        // satisfaction at its floor loses its 10 points: 90.00 → excellent.
        let ninety = run(&with(at_target(), &[("satisfaction", "60")]));
        assert_eq!(
            (ninety.score.to_string().as_str(), ninety.grade),
            ("90.00", Grade::Excellent)
        );
        // …and on-time 0.9995 loses another 10 × 0.0005/0.5 = 0.01: 89.99 → good.
        let just_under = run(&with(
            at_target(),
            &[("satisfaction", "60"), ("on_time_report_rate", "0.9995")],
        ));
        assert_eq!(
            (just_under.score.to_string().as_str(), just_under.grade),
            ("89.99", Grade::Good)
        );
        // satisfaction and exits at 0 points and one violation: 100 − 20 − 5 = 75.00 → good.
        let seventy_five = run(&Inputs {
            violations: 1,
            ..with(
                at_target(),
                &[("satisfaction", "60"), ("graduated_tenants", "0")],
            )
        });
        assert_eq!(
            (seventy_five.score.to_string().as_str(), seventy_five.grade),
            ("75.00", Grade::Good)
        );
        // three indicators at 0 points and two violations: 100 − 30 − 10 = 60.00 → pass.
        let sixty = run(&Inputs {
            violations: 2,
            ..with(
                at_target(),
                &[
                    ("satisfaction", "60"),
                    ("graduated_tenants", "0"),
                    ("service_events", "0"),
                ],
            )
        });
        assert_eq!(
            (sixty.score.to_string().as_str(), sixty.grade),
            ("60.00", Grade::Pass)
        );
        assert_eq!(sixty.coefficient.to_string(), "0.80");
    }

    #[test]
    fn points_round_half_away_from_zero() {
        // financing 25,000.00: 5 × 25,000/5,000,000 = 0.025 → 0.03 (banker's: 0.02);
        // on time 0.50025: 10 × 0.00025/0.50 = 0.005 → 0.01 (banker's: 0.00).
        let outcome = run(&with(
            at_target(),
            &[
                ("financing_raised", "25000.00"),
                ("on_time_report_rate", "0.50025"),
            ],
        ));
        assert_eq!(points_of(&outcome, "financing_raised"), "0.03");
        assert_eq!(points_of(&outcome, "on_time_report_rate"), "0.01");
        // 100 − 5 − 10 + 0.03 + 0.01 = 85.04
        assert_eq!(outcome.score.to_string(), "85.04");
    }

    #[test]
    fn every_input_problem_is_reported_with_its_field_and_code() {
        let mut inputs = with(
            at_target(),
            &[
                ("occupancy_rate", "1.2"),
                ("tenants", "3.5"),
                ("jobs_created", "-1"),
                ("financing_raised", "100.005"),
                ("satisfaction", "101"),
                ("violations_typo", "1"),
            ],
        );
        inputs.values.remove("key_group_share");
        let problems = evaluate(&Scheme::qx_default(), &inputs, &Params::default()).unwrap_err();
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            found,
            [
                ("indicators.occupancy_rate", "out_of_range"),
                ("indicators.tenants", "not_whole_number"),
                ("indicators.jobs_created", "out_of_range"),
                ("indicators.key_group_share", "required"),
                ("indicators.financing_raised", "too_many_decimals"),
                ("indicators.satisfaction", "out_of_range"),
                ("indicators.violations_typo", "unknown_field"),
            ]
        );
        for problem in &problems {
            assert!(problem.message.zh.contains(&problem.field), "{problem:?}");
            assert!(problem.message.en.contains(&problem.field), "{problem:?}");
        }
        assert!(problems[0].message.en.contains("between 0 and 1"));
    }

    #[test]
    fn the_outcome_travels_as_decimal_strings() {
        let json = serde_json::to_value(run(&at_target())).unwrap();
        assert_eq!(json["score"], "100.00");
        assert_eq!(json["grade"], "excellent");
        assert_eq!(json["coefficient"], "1.20");
        assert_eq!(json["items"][0]["key"], "occupancy_rate");
        assert_eq!(json["items"][0]["points"], "15.00");
    }

    proptest! {
        #[test]
        fn the_score_is_always_between_zero_and_one_hundred(
            occupancy in 0u32..=100,
            tenants in 0u32..=60,
            jobs in 0u32..=300,
            share in 0u32..=100,
            exits in 0u32..=20,
            events in 0u32..=50,
            financing_fen in 0i64..=2_000_000_000,
            satisfaction in 0u32..=10_000,
            on_time in 0u32..=10_000,
            violations in 0u32..=10,
            false_reporting in any::<bool>(),
        ) {
            let values = [
                ("occupancy_rate", Decimal::new(occupancy.into(), 2)),
                ("tenants", Decimal::from(tenants)),
                ("jobs_created", Decimal::from(jobs)),
                ("key_group_share", Decimal::new(share.into(), 2)),
                ("graduated_tenants", Decimal::from(exits)),
                ("service_events", Decimal::from(events)),
                ("financing_raised", Decimal::new(financing_fen, 2)),
                ("satisfaction", Decimal::new(satisfaction.into(), 2)),
                ("on_time_report_rate", Decimal::new(on_time.into(), 4)),
            ];
            let inputs = Inputs {
                values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                violations,
                false_reporting,
            };
            let scheme = Scheme::qx_default();
            let outcome = evaluate(&scheme, &inputs, &Params::default()).unwrap().value;
            prop_assert!(outcome.score >= Decimal::ZERO && outcome.score <= Decimal::ONE_HUNDRED);
            prop_assert_eq!(outcome.score.scale(), 2);
            for (item, indicator) in outcome.items.iter().zip(&scheme.indicators) {
                prop_assert!(item.points >= Decimal::ZERO && item.points <= indicator.weight);
                prop_assert_eq!(item.points, round2(item.points));
            }
            if false_reporting {
                prop_assert_eq!(outcome.grade, Grade::Fail);
            } else {
                prop_assert_eq!(outcome.grade, scheme.grade(outcome.score));
            }
        }
    }
}
