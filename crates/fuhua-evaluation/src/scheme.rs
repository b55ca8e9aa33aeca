//! Evaluation schemes and their indicators (R-EVAL, clauses 七 and 二十六). The
//! indicators, weights, floors and targets are the district's scheme: the policy asks
//! for "绩效评估" without naming any.

use std::collections::BTreeMap;

use fuhua_core::vocab::Grade;
use fuhua_core::{Lang, Problem, Text};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where an indicator's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// One input, taken as it is.
    Input(String),
    /// `numerator / denominator`, exact (never rounded before scoring); 0 when the
    /// denominator is 0.
    Ratio {
        numerator: String,
        denominator: String,
    },
}

/// One indicator of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub label: Text,
    pub weight: Decimal,
    /// At or below the floor the indicator earns nothing.
    pub floor: Decimal,
    /// At or above the target it earns its full weight.
    pub target: Decimal,
    pub source: Source,
    /// The accepted range of this indicator's own input (the input of `Input`, the
    /// numerator of `Ratio`): minimum and optional maximum, both inclusive.
    pub input_range: (Decimal, Option<Decimal>),
    /// The input is a count.
    pub whole_number: bool,
    /// The input is an amount of yuan (at most 2 decimals).
    pub money: bool,
}

/// A versioned evaluation scheme; a round uses one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub key: String,
    pub version: u32,
    pub indicators: Vec<Indicator>,
    /// Points deducted per violation.
    pub violation_points: Decimal,
    /// The most the violations deduct in all.
    pub violation_cap: Decimal,
    pub excellent_from: Decimal,
    pub good_from: Decimal,
    pub pass_from: Decimal,
}

/// The figures of one carrier for one evaluation period.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inputs {
    /// Input key → value (the verified value when there is one).
    pub values: BTreeMap<String, Decimal>,
    pub violations: u32,
    /// False reporting (虚报) found by verification.
    pub false_reporting: bool,
}

/// What an input must look like, and what to call it in messages.
struct InputRule {
    range: (Decimal, Option<Decimal>),
    whole_number: bool,
    money: bool,
    label: Text,
}

fn d(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

#[allow(clippy::too_many_arguments)]
fn indicator(
    key: &str,
    zh: &str,
    en: &str,
    weight: Decimal,
    floor: Decimal,
    target: Decimal,
    source: Source,
    max: Option<Decimal>,
    whole_number: bool,
    money: bool,
) -> Indicator {
    Indicator {
        key: key.to_owned(),
        label: Text::new(zh, en),
        weight,
        floor,
        target,
        source,
        input_range: (Decimal::ZERO, max),
        whole_number,
        money,
    }
}

fn input(key: &str) -> Source {
    Source::Input(key.to_owned())
}

impl Scheme {
    /// SPEC §3's `qx-default` scheme (a district choice, not the policy's numbers).
    pub fn qx_default() -> Scheme {
        let rate = Some(Decimal::ONE);
        let unbounded = None;
        Scheme {
            key: "qx-default".to_owned(),
            version: 1,
            indicators: vec![
                indicator(
                    "occupancy_rate",
                    "入驻率",
                    "occupancy rate",
                    d(15, 0),
                    d(50, 2),
                    d(90, 2),
                    input("occupancy_rate"),
                    rate,
                    false,
                    false,
                ),
                indicator(
                    "tenants",
                    "在孵创业实体数",
                    "tenants in incubation",
                    d(10, 0),
                    d(0, 0),
                    d(20, 0),
                    input("tenants"),
                    unbounded,
                    true,
                    false,
                ),
                indicator(
                    "jobs_per_tenant",
                    "户均带动就业人数",
                    "jobs per tenant",
                    d(20, 0),
                    d(0, 0),
                    d(3, 0),
                    Source::Ratio {
                        numerator: "jobs_created".to_owned(),
                        denominator: "tenants".to_owned(),
                    },
                    unbounded,
                    true,
                    false,
                ),
                indicator(
                    "key_group_share",
                    "重点群体创业实体占比",
                    "share of tenants with key-group founders",
                    d(10, 0),
                    d(0, 0),
                    d(50, 2),
                    input("key_group_share"),
                    rate,
                    false,
                    false,
                ),
                indicator(
                    "graduated_tenants",
                    "成功出孵数",
                    "successful exits",
                    d(10, 0),
                    d(0, 0),
                    d(5, 0),
                    input("graduated_tenants"),
                    unbounded,
                    true,
                    false,
                ),
                indicator(
                    "service_events",
                    "创业服务活动次数",
                    "service events",
                    d(10, 0),
                    d(0, 0),
                    d(12, 0),
                    input("service_events"),
                    unbounded,
                    true,
                    false,
                ),
                indicator(
                    "financing_raised",
                    "在孵实体融资额（元）",
                    "financing raised by tenants (yuan)",
                    d(5, 0),
                    d(0, 0),
                    d(5_000_000, 0),
                    input("financing_raised"),
                    unbounded,
                    false,
                    true,
                ),
                indicator(
                    "satisfaction",
                    "入驻实体满意度",
                    "tenant satisfaction",
                    d(10, 0),
                    d(60, 0),
                    d(95, 0),
                    input("satisfaction"),
                    Some(d(100, 0)),
                    false,
                    false,
                ),
                indicator(
                    "on_time_report_rate",
                    "月报按时报送率",
                    "on-time monthly report rate",
                    d(10, 0),
                    d(50, 2),
                    d(100, 2),
                    input("on_time_report_rate"),
                    rate,
                    false,
                    false,
                ),
            ],
            violation_points: d(5, 0),
            violation_cap: d(20, 0),
            excellent_from: d(90, 0),
            good_from: d(75, 0),
            pass_from: d(60, 0),
        }
    }

    /// Every input the scheme reads, each once, in the order the indicators use them.
    pub fn input_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for indicator in &self.indicators {
            let used: Vec<&str> = match &indicator.source {
                Source::Input(key) => vec![key],
                Source::Ratio {
                    numerator,
                    denominator,
                } => vec![numerator, denominator],
            };
            for key in used {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The grade of a score (R-EVAL: ≥ 90 excellent, ≥ 75 good, ≥ 60 pass, else fail
    /// with `qx-default`'s thresholds — the district's, not the policy's).
    pub fn grade(&self, score: Decimal) -> Grade {
        if score >= self.excellent_from {
            Grade::Excellent
        } else if score >= self.good_from {
            Grade::Good
        } else if score >= self.pass_from {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }

    /// What the input `key` must look like: that of the indicator it belongs to (an
    /// `Input`, or a `Ratio`'s numerator); a key used only as a denominator must be
    /// present and not negative.
    fn input_rule(&self, key: &str) -> Option<InputRule> {
        let own = self
            .indicators
            .iter()
            .find_map(|indicator| match &indicator.source {
                Source::Input(k) if k == key => Some(InputRule {
                    range: indicator.input_range,
                    whole_number: indicator.whole_number,
                    money: indicator.money,
                    label: indicator.label.clone(),
                }),
                Source::Ratio { numerator, .. } if numerator == key => Some(InputRule {
                    range: indicator.input_range,
                    whole_number: indicator.whole_number,
                    money: indicator.money,
                    label: Text::new(
                        format!("“{}”的分子", indicator.label.zh),
                        format!("numerator of “{}”", indicator.label.en),
                    ),
                }),
                _ => None,
            });
        own.or_else(|| {
            self.indicators
                .iter()
                .find_map(|indicator| match &indicator.source {
                    Source::Ratio { denominator, .. } if denominator == key => Some(InputRule {
                        range: (Decimal::ZERO, None),
                        whole_number: false,
                        money: false,
                        label: Text::new(
                            format!("“{}”的分母", indicator.label.zh),
                            format!("denominator of “{}”", indicator.label.en),
                        ),
                    }),
                    _ => None,
                })
        })
    }

    /// Every problem with the inputs, in the order of the scheme's inputs, then the
    /// keys the scheme does not know. Fields are named as in the JSON API body:
    /// `indicators.<key>`.
    pub fn check(&self, inputs: &Inputs) -> Vec<Problem> {
        let mut problems = Vec::new();
        let keys = self.input_keys();
        for key in &keys {
            let Some(rule) = self.input_rule(key) else {
                continue;
            };
            let field = format!("indicators.{key}");
            let (zh, en) = (rule.label.get(Lang::Zh), rule.label.get(Lang::En));
            let Some(value) = inputs.values.get(*key) else {
                problems.push(Problem::new(
                    &field,
                    "required",
                    format!("缺少 {field}（{zh}），请填写"),
                    format!("{field} ({en}) is missing; please fill it in"),
                ));
                continue;
            };
            let (min, max) = rule.range;
            if *value < min || max.is_some_and(|max| *value > max) {
                let (range_zh, range_en) = match max {
                    Some(max) => (
                        format!("应在 {min} 到 {max} 之间"),
                        format!("it must be between {min} and {max}"),
                    ),
                    None => (
                        format!("应不小于 {min}"),
                        format!("it must be at least {min}"),
                    ),
                };
                problems.push(Problem::new(
                    &field,
                    "out_of_range",
                    format!("{field}（{zh}）为 {value}，{range_zh}"),
                    format!("{field} ({en}) is {value}; {range_en}"),
                ));
            }
            if rule.whole_number && !value.fract().is_zero() {
                problems.push(Problem::new(
                    &field,
                    "not_whole_number",
                    format!("{field}（{zh}）为 {value}，应为整数"),
                    format!("{field} ({en}) is {value}; it must be a whole number"),
                ));
            }
            if rule.money && value.normalize().scale() > 2 {
                problems.push(Problem::new(
                    &field,
                    "too_many_decimals",
                    format!("{field}（{zh}）为 {value}，金额最多两位小数"),
                    format!("{field} ({en}) is {value}; an amount of yuan has at most 2 decimals"),
                ));
            }
        }
        for key in inputs.values.keys() {
            if !keys.contains(&key.as_str()) {
                let field = format!("indicators.{key}");
                problems.push(Problem::new(
                    &field,
                    "unknown_field",
                    format!("{field} 不是评估方案 {} 的指标", self.key),
                    format!(
                        "{field} is not an input of the evaluation scheme {}",
                        self.key
                    ),
                ));
            }
        }
        problems
    }
}

/// R-EVAL: a ratio as indicators score it — `numerator / denominator`, exact (never
/// rounded before scoring), 0 when the denominator is 0, and the largest (or
/// smallest) decimal when the quotient does not fit. Rates computed from recorded
/// data (occupancy, key-group share, on-time reports) are taken the same way.
pub fn ratio(numerator: Decimal, denominator: Decimal) -> Decimal {
    if denominator.is_zero() {
        return Decimal::ZERO;
    }
    numerator.checked_div(denominator).unwrap_or(
        if numerator.is_sign_negative() == denominator.is_sign_negative() {
            Decimal::MAX
        } else {
            Decimal::MIN
        },
    )
}

impl Indicator {
    /// The indicator's exact value (R-EVAL: ratios are not rounded before scoring).
    pub fn value(&self, inputs: &Inputs) -> Decimal {
        let get = |key: &str| inputs.values.get(key).copied().unwrap_or(Decimal::ZERO);
        match &self.source {
            Source::Input(key) => get(key),
            // R-EVAL: jobs_per_tenant = jobs_created / tenants, 0 when no tenants.
            Source::Ratio {
                numerator,
                denominator,
            } => ratio(get(numerator), get(denominator)),
        }
    }

    /// R-EVAL: `weight × clamp((x − floor)/(target − floor), 0, 1)`, rounded once to
    /// 0.01 half away from zero. A target below the floor scores "lower is better".
    pub fn points(&self, x: Decimal) -> Decimal {
        let (floor, target, weight) = (self.floor, self.target, self.weight);
        let rising = target >= floor;
        let reached = if rising { x >= target } else { x <= target };
        let none = if target == floor {
            !reached
        } else if rising {
            x <= floor
        } else {
            x >= floor
        };
        let raw = if reached {
            weight
        } else if none {
            Decimal::ZERO
        } else {
            // Strictly between floor and target, so nothing here can overflow;
            // multiplying first keeps exact values exact (5 × 25,000 / 5,000,000 = 0.025).
            x.checked_sub(floor)
                .and_then(|above| weight.checked_mul(above))
                .and_then(|scaled| {
                    target
                        .checked_sub(floor)
                        .and_then(|span| scaled.checked_div(span))
                })
                .unwrap_or(Decimal::ZERO)
        };
        fuhua_core::round2(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qx_default_reads_the_nine_inputs_of_the_spec() {
        assert_eq!(
            Scheme::qx_default().input_keys(),
            [
                "occupancy_rate",
                "tenants",
                "jobs_created",
                "key_group_share",
                "graduated_tenants",
                "service_events",
                "financing_raised",
                "satisfaction",
                "on_time_report_rate"
            ]
        );
    }

    #[test]
    fn qx_default_weights_add_up_to_one_hundred() {
        let scheme = Scheme::qx_default();
        let total: Decimal = scheme.indicators.iter().map(|i| i.weight).sum();
        assert_eq!(total, Decimal::from(100));
        assert_eq!(scheme.key, "qx-default");
    }

    #[test]
    fn grades_start_exactly_at_their_thresholds() {
        let scheme = Scheme::qx_default();
        let grade = |s: &str| scheme.grade(s.parse().unwrap());
        assert_eq!(grade("100.00"), Grade::Excellent);
        assert_eq!(grade("90.00"), Grade::Excellent);
        assert_eq!(grade("89.99"), Grade::Good);
        assert_eq!(grade("75.00"), Grade::Good);
        assert_eq!(grade("74.99"), Grade::Pass);
        assert_eq!(grade("60.00"), Grade::Pass);
        assert_eq!(grade("59.99"), Grade::Fail);
        assert_eq!(grade("0.00"), Grade::Fail);
    }

    #[test]
    fn points_are_clamped_between_floor_and_target() {
        let scheme = Scheme::qx_default();
        let occupancy = &scheme.indicators[0];
        let p = |s: &str| occupancy.points(s.parse().unwrap()).to_string();
        assert_eq!(p("0.30"), "0.00");
        assert_eq!(p("0.50"), "0.00");
        assert_eq!(p("0.70"), "7.50");
        assert_eq!(p("0.90"), "15.00");
        assert_eq!(p("1.00"), "15.00");
    }

    #[test]
    fn a_target_below_the_floor_scores_lower_as_better_and_equal_bounds_do_not_divide_by_zero() {
        let mut lower = Scheme::qx_default().indicators[0].clone();
        (lower.floor, lower.target, lower.weight) = (d(10, 0), d(0, 0), d(10, 0));
        assert_eq!(lower.points(d(5, 0)).to_string(), "5.00");
        assert_eq!(lower.points(d(12, 0)).to_string(), "0.00");
        assert_eq!(lower.points(d(0, 0)).to_string(), "10.00");
        let mut flat = lower.clone();
        (flat.floor, flat.target) = (d(3, 0), d(3, 0));
        assert_eq!(flat.points(d(3, 0)).to_string(), "10.00");
        assert_eq!(flat.points(d(2, 0)).to_string(), "0.00");
    }

    #[test]
    fn a_ratio_is_exact_and_zero_over_nothing() {
        let third = ratio(d(1, 0), d(3, 0));
        assert!(third > d(3333, 4) && third < d(3334, 4), "{third}");
        assert_ne!(third, fuhua_core::round2(third));
        assert_eq!(ratio(d(7, 0), d(0, 0)), Decimal::ZERO);
        assert_eq!(ratio(d(3, 0), d(4, 0)), d(75, 2));
    }
}
