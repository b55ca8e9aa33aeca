//! R-AWARD-LADDER — the tiered award for demonstration incubation bases (clause 七):
//! "对认定为市级创业孵化示范基地(园区)的,青岛市按规定给予最高500万元奖补;对按级次又被
//! 认定为省级、国家级创业孵化示范基地(园区)的,按照差额阶梯奖补的原则,再分别给予100万元、
//! 200万元一次性奖补".

use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::{LadderMode, Level};
use fuhua_core::{Decision, Lang, Money, Params, Problem, Trace};
use serde::{Deserialize, Serialize};

use crate::funding::{Programme, funding_source};
use crate::outcome::{AwardOutcome, OwedStep, StepLevel, yuan};

/// The ladder's steps, lowest first.
const LADDER: [(Level, StepLevel); 3] = [
    (Level::Municipal, StepLevel::Municipal),
    (Level::Provincial, StepLevel::Provincial),
    (Level::National, StepLevel::National),
];

/// A ladder step the carrier has already been paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidStep {
    pub level: Level,
    pub amount: Money,
}

/// A carrier newly accredited at `new_level`, with what it was paid before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRequest {
    pub paid_steps: Vec<PaidStep>,
    pub new_level: Level,
    /// The municipal step's amount as the official sets it; the cap when absent.
    pub municipal_amount: Option<Money>,
}

/// The cap of one ladder step (not cumulative); none below municipal.
pub fn step_cap(level: Level, params: &Params) -> Option<Money> {
    match level {
        // Clause 七: 市级 … 最高500万元.
        Level::Municipal => Some(params.ladder_municipal_cap),
        // Clause 七: 省级、国家级 … 再分别给予100万元、200万元.
        Level::Provincial => Some(params.ladder_provincial_step),
        Level::National => Some(params.ladder_national_step),
        Level::StreetTown | Level::District => None,
    }
}

/// The caps of every step up to `level`, added up (5M, 6M, 8M by default).
pub fn cumulative_cap(level: Level, params: &Params) -> Money {
    LADDER
        .iter()
        .filter(|(l, _)| *l <= level)
        .filter_map(|(l, _)| step_cap(*l, params))
        .sum()
}

/// What the carrier is owed for its new accreditation level.
pub fn ladder(
    req: &LadderRequest,
    params: &Params,
) -> Result<Decision<AwardOutcome>, Vec<Problem>> {
    let problems = check(req, params);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut trace = Trace::new();
    let mode = params.ladder_mode;
    // R-AWARD-LADDER, clause 七: 差额阶梯奖补 — how to read it is a district parameter.
    trace.step(
        rules::AWARD_LADDER,
        &clauses::LADDER,
        format!(
            "计算方式（区参数 ladder_mode）：{}（{}）。“差额阶梯奖补”可理解为逐级定额或补足累计上限差额，由区选择",
            mode.label(Lang::Zh),
            mode.as_str()
        ),
        format!(
            "calculation mode (district parameter ladder_mode): {} ({}); “差额阶梯奖补” can be read as fixed steps or as topping up to the cumulative cap, and the district chooses",
            mode.label(Lang::En),
            mode.as_str()
        ),
    );

    // R-AWARD-LADDER, clause 七: the ladder starts at 市级示范; lower levels earn nothing.
    if !req.new_level.is_demonstration() {
        trace.step(
            rules::AWARD_LADDER,
            &clauses::LADDER,
            format!(
                "新认定级别为{}，不是示范级别；阶梯奖补从市级示范基地开始，本次无应发奖补，合计 0.00 元",
                req.new_level.label(Lang::Zh)
            ),
            format!(
                "the new level is {}, not a demonstration level; the ladder starts at municipal demonstration bases, so nothing is owed: total 0.00",
                req.new_level.label(Lang::En)
            ),
        );
        note_unused_municipal_amount(req, &mut trace);
        return Ok(Decision::new(AwardOutcome::nothing(), trace));
    }

    let steps = match mode {
        LadderMode::Steps => by_steps(req, params, &mut trace),
        LadderMode::Difference => by_difference(req, params, &mut trace),
    };
    let outcome = AwardOutcome::new(steps);

    // R-AWARD-LADDER, clause 七: 青岛市按规定给予 — paid by municipal finance.
    let source = funding_source(Programme::Ladder);
    trace.step(
        rules::AWARD_LADDER,
        &clauses::LADDER,
        format!(
            "资金来源：{}（{}，“青岛市按规定给予”）",
            source.label(Lang::Zh),
            source.as_str()
        ),
        format!(
            "paid from: {} ({}; “青岛市按规定给予”, granted by Qingdao city)",
            source.label(Lang::En),
            source.as_str()
        ),
    );
    trace.step(
        rules::AWARD_LADDER,
        &clauses::LADDER,
        format!(
            "本次应发合计 {} 元（共{}项）",
            yuan(outcome.total),
            outcome.steps.len()
        ),
        format!(
            "total owed by this calculation: {} yuan ({} step(s))",
            yuan(outcome.total),
            outcome.steps.len()
        ),
    );
    Ok(Decision::new(outcome, trace))
}

/// The amount already paid at `level`, if that step was paid.
fn paid_at(req: &LadderRequest, level: Level) -> Option<Money> {
    req.paid_steps
        .iter()
        .find(|s| s.level == level)
        .map(|s| s.amount)
}

/// `ladder_mode = steps`: every step up to the new level not yet paid, each once.
fn by_steps(req: &LadderRequest, params: &Params, trace: &mut Trace) -> Vec<OwedStep> {
    let mut owed = Vec::new();
    for (level, step) in LADDER.iter().copied().filter(|(l, _)| *l <= req.new_level) {
        let Some(cap) = step_cap(level, params) else {
            continue;
        };
        let (zh, en) = (level.label(Lang::Zh), level.label(Lang::En));
        // R-AWARD-LADDER, clause 七: 一次性奖补 — a step is paid at most once, ever.
        if let Some(amount) = paid_at(req, level) {
            trace.step(
                rules::AWARD_LADDER,
                &clauses::LADDER,
                format!(
                    "{zh}奖补此前已发放（{} 元），一次性奖补不再重复发放",
                    yuan(amount)
                ),
                format!(
                    "the {en} step was paid before ({} yuan); a one-time award is not paid again",
                    yuan(amount)
                ),
            );
            if level == Level::Municipal {
                note_unused_municipal_amount(req, trace);
            }
            continue;
        }
        let amount = if level == Level::Municipal {
            municipal_amount(req, cap, trace)
        } else {
            cap
        };
        if level < req.new_level {
            // Our reading of 按级次: a carrier that skipped a level (or was never paid
            // for it) is owed the lower step too; the policy is silent on skipping.
            trace.step(
                rules::AWARD_LADDER,
                &clauses::LADDER,
                format!(
                    "{zh}奖补未曾发放：按“按级次”逐级给予的理解，跳级认定的载体一并给予低级次奖补 {} 元（本系统的解读，政策对跳级未作规定）",
                    yuan(amount)
                ),
                format!(
                    "the {en} step was never paid: reading “按级次” (level by level), a carrier that skipped a level is owed the lower step too, {} yuan (our reading; the policy is silent on skipping)",
                    yuan(amount)
                ),
            );
        } else {
            trace.step(
                rules::AWARD_LADDER,
                &clauses::LADDER,
                format!("新认定为{zh}：给予一次性奖补 {} 元", yuan(amount)),
                format!(
                    "newly accredited at {en}: a one-time award of {} yuan",
                    yuan(amount)
                ),
            );
        }
        owed.push(OwedStep {
            level: step,
            cap,
            amount,
        });
    }
    owed
}

/// The municipal step's amount: the official's figure, or the cap (clause 七: 最高500万元).
fn municipal_amount(req: &LadderRequest, cap: Money, trace: &mut Trace) -> Money {
    match req.municipal_amount {
        Some(amount) => {
            trace.step(
                rules::AWARD_LADDER,
                &clauses::LADDER,
                format!(
                    "市级示范奖补最高 {} 元，审核官员确定为 {} 元",
                    yuan(cap),
                    yuan(amount)
                ),
                format!(
                    "the municipal step is up to {} yuan; the official set it at {} yuan",
                    yuan(cap),
                    yuan(amount)
                ),
            );
            amount
        }
        None => {
            trace.step(
                rules::AWARD_LADDER,
                &clauses::LADDER,
                format!("市级示范奖补最高 {} 元，审核官员未另定金额，按上限计", yuan(cap)),
                format!("the municipal step is up to {} yuan; the official set no other amount, so the cap applies", yuan(cap)),
            );
            cap
        }
    }
}

fn note_unused_municipal_amount(req: &LadderRequest, trace: &mut Trace) {
    if let Some(amount) = req.municipal_amount {
        trace.step(
            rules::AWARD_LADDER,
            &clauses::LADDER,
            format!(
                "本次不发放市级奖补，所填市级金额 {} 元不予使用",
                yuan(amount)
            ),
            format!(
                "no municipal step is owed here, so the municipal amount {} yuan is not used",
                yuan(amount)
            ),
        );
    }
}

/// `ladder_mode = difference`: the cumulative cap of the new level minus everything
/// already paid, never negative, shown as per-level top-ups in ascending order.
fn by_difference(req: &LadderRequest, params: &Params, trace: &mut Trace) -> Vec<OwedStep> {
    let municipal_unpaid = paid_at(req, Level::Municipal).is_none();
    // An official's municipal amount replaces that step's cap while it is unpaid.
    let effective_cap = |level: Level, cap: Money| match req.municipal_amount {
        Some(amount) if level == Level::Municipal && municipal_unpaid => amount,
        _ => cap,
    };
    let levels: Vec<(Level, StepLevel, Money)> = LADDER
        .iter()
        .filter(|(l, _)| *l <= req.new_level)
        .filter_map(|(l, s)| step_cap(*l, params).map(|cap| (*l, *s, cap)))
        .collect();
    let cumulative: Money = levels
        .iter()
        .map(|(l, _, cap)| effective_cap(*l, *cap))
        .sum();
    let paid_total: Money = req.paid_steps.iter().map(|s| s.amount).sum();
    let owed = (cumulative - paid_total).max(Money::ZERO);
    if municipal_unpaid && req.municipal_amount.is_some() {
        let cap = params.ladder_municipal_cap;
        municipal_amount(req, cap, trace);
    } else if req.municipal_amount.is_some() {
        note_unused_municipal_amount(req, trace);
    }
    // R-AWARD-LADDER, clause 七: 差额阶梯奖补 read as topping up to the cumulative cap.
    trace.step(
        rules::AWARD_LADDER,
        &clauses::LADDER,
        format!(
            "{}累计上限 {} 元，减去阶梯奖补已发放合计 {} 元，应补差额 {} 元（不为负数）",
            req.new_level.label(Lang::Zh),
            yuan(cumulative),
            yuan(paid_total),
            yuan(owed)
        ),
        format!(
            "cumulative cap of {} {} yuan minus {} yuan already paid on the ladder: {} yuan owed (never negative)",
            req.new_level.label(Lang::En),
            yuan(cumulative),
            yuan(paid_total),
            yuan(owed)
        ),
    );
    let mut remaining = owed;
    let mut steps = Vec::new();
    for (level, step, cap) in levels {
        let paid = paid_at(req, level).unwrap_or(Money::ZERO);
        let room = (effective_cap(level, cap) - paid).max(Money::ZERO);
        let amount = room.min(remaining);
        let (zh, en) = (level.label(Lang::Zh), level.label(Lang::En));
        if amount.is_zero() {
            trace.step(
                rules::AWARD_LADDER,
                &clauses::LADDER,
                format!(
                    "{zh}：上限 {} 元，已发放 {} 元，本次无需补足",
                    yuan(cap),
                    yuan(paid)
                ),
                format!(
                    "{en}: cap {} yuan, {} yuan paid, nothing to top up",
                    yuan(cap),
                    yuan(paid)
                ),
            );
            continue;
        }
        remaining = remaining - amount;
        trace.step(
            rules::AWARD_LADDER,
            &clauses::LADDER,
            format!(
                "{zh}：上限 {} 元，已发放 {} 元，本次补足 {} 元",
                yuan(cap),
                yuan(paid),
                yuan(amount)
            ),
            format!(
                "{en}: cap {} yuan, {} yuan paid, {} yuan owed now",
                yuan(cap),
                yuan(paid),
                yuan(amount)
            ),
        );
        steps.push(OwedStep {
            level: step,
            cap,
            amount,
        });
    }
    steps
}

/// Every problem with the request (SPEC §5: name every bad field).
fn check(req: &LadderRequest, params: &Params) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: Vec<Level> = Vec::new();
    for (i, paid) in req.paid_steps.iter().enumerate() {
        let level_field = format!("paid_steps[{i}].level");
        let amount_field = format!("paid_steps[{i}].amount");
        let cap = step_cap(paid.level, params);
        if cap.is_none() {
            problems.push(Problem::new(
                &level_field,
                "not_a_ladder_level",
                format!(
                    "{level_field}为“{}”：阶梯奖补只有市级、省级、国家级（municipal、provincial、national）三级",
                    paid.level.label(Lang::Zh)
                ),
                format!(
                    "{level_field} is “{}”: the ladder has only the municipal, provincial and national steps",
                    paid.level.as_str()
                ),
            ));
        } else if seen.contains(&paid.level) {
            problems.push(Problem::new(
                &level_field,
                "duplicate_step",
                format!("{level_field}：{}奖补已在前面列出，每一级只能发放一次", paid.level.label(Lang::Zh)),
                format!(
                    "{level_field}: the {} step is already listed above; each step is paid only once",
                    paid.level.as_str()
                ),
            ));
        } else {
            seen.push(paid.level);
        }
        if paid.amount.is_negative() {
            problems.push(Problem::new(
                &amount_field,
                "negative",
                format!("{amount_field}不能为负数"),
                format!("{amount_field} must not be negative"),
            ));
        } else if let Some(cap) = cap
            && paid.amount > cap
        {
            problems.push(Problem::new(
                &amount_field,
                "over_cap",
                format!(
                    "{amount_field}为 {} 元，超过该级奖补上限 {} 元",
                    yuan(paid.amount),
                    yuan(cap)
                ),
                format!(
                    "{amount_field} is {} yuan, above the cap of that step, {} yuan",
                    yuan(paid.amount),
                    yuan(cap)
                ),
            ));
        }
    }
    if let Some(amount) = req.municipal_amount {
        let cap = params.ladder_municipal_cap;
        if amount <= Money::ZERO {
            problems.push(Problem::new(
                "municipal_amount",
                "not_positive",
                "municipal_amount（市级奖补金额）必须大于0；不填则按上限计",
                "municipal_amount must be more than 0; leave it out to use the cap",
            ));
        } else if amount > cap {
            problems.push(Problem::new(
                "municipal_amount",
                "over_cap",
                format!(
                    "municipal_amount（市级奖补金额）为 {} 元，超过上限 {} 元",
                    yuan(amount),
                    yuan(cap)
                ),
                format!(
                    "municipal_amount is {} yuan, above the cap of {} yuan",
                    yuan(amount),
                    yuan(cap)
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(yuan: i64) -> Money {
        Money::yuan(yuan)
    }

    fn paid(level: Level, yuan: i64) -> PaidStep {
        PaidStep {
            level,
            amount: m(yuan),
        }
    }

    fn request(paid_steps: Vec<PaidStep>, new_level: Level) -> LadderRequest {
        LadderRequest {
            paid_steps,
            new_level,
            municipal_amount: None,
        }
    }

    fn difference() -> Params {
        Params {
            ladder_mode: LadderMode::Difference,
            ..Params::default()
        }
    }

    fn owed(outcome: &AwardOutcome) -> Vec<(StepLevel, Money)> {
        outcome.steps.iter().map(|s| (s.level, s.amount)).collect()
    }

    fn text(trace: &Trace) -> String {
        trace
            .steps()
            .iter()
            .map(|s| s.detail.en.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_carrier_paid_at_municipal_and_now_national_is_owed_the_provincial_and_national_steps() {
        let req = request(vec![paid(Level::Municipal, 5_000_000)], Level::National);
        let decision = ladder(&req, &Params::default()).unwrap();
        assert_eq!(
            owed(&decision.value),
            [
                (StepLevel::Provincial, m(1_000_000)),
                (StepLevel::National, m(2_000_000))
            ]
        );
        assert_eq!(decision.value.total.to_string(), "3000000.00");
        assert!(decision.trace.mentions(rules::AWARD_LADDER));
        assert!(text(&decision.trace).contains("paid before"));
        assert!(text(&decision.trace).contains("municipal_finance"));
    }

    #[test]
    fn a_carrier_that_skipped_to_provincial_is_owed_the_municipal_step_too_as_our_reading() {
        let decision = ladder(&request(vec![], Level::Provincial), &Params::default()).unwrap();
        assert_eq!(
            owed(&decision.value),
            [
                (StepLevel::Municipal, m(5_000_000)),
                (StepLevel::Provincial, m(1_000_000))
            ]
        );
        assert_eq!(decision.value.total, m(6_000_000));
        let trace = text(&decision.trace);
        assert!(trace.contains("按级次") && trace.contains("our reading"));
    }

    #[test]
    fn a_national_base_paid_nothing_before_is_owed_eight_million() {
        let decision = ladder(&request(vec![], Level::National), &Params::default()).unwrap();
        assert_eq!(
            owed(&decision.value),
            [
                (StepLevel::Municipal, m(5_000_000)),
                (StepLevel::Provincial, m(1_000_000)),
                (StepLevel::National, m(2_000_000))
            ]
        );
        assert_eq!(decision.value.total.to_string(), "8000000.00");
    }

    #[test]
    fn each_step_shows_its_own_cap_not_the_cumulative_one() {
        let decision = ladder(&request(vec![], Level::National), &Params::default()).unwrap();
        let caps: Vec<Money> = decision.value.steps.iter().map(|s| s.cap).collect();
        assert_eq!(caps, [m(5_000_000), m(1_000_000), m(2_000_000)]);
    }

    #[test]
    fn a_level_below_municipal_is_owed_nothing_and_the_trace_says_why() {
        for level in [Level::StreetTown, Level::District] {
            let decision = ladder(&request(vec![], level), &Params::default()).unwrap();
            assert!(decision.value.steps.is_empty());
            assert_eq!(decision.value.total.to_string(), "0.00");
            assert!(text(&decision.trace).contains("not a demonstration level"));
        }
    }

    #[test]
    fn a_step_asked_for_again_is_owed_nothing() {
        let req = request(vec![paid(Level::Municipal, 5_000_000)], Level::Municipal);
        let decision = ladder(&req, &Params::default()).unwrap();
        assert!(decision.value.steps.is_empty());
        assert_eq!(decision.value.total, Money::ZERO);
        assert!(text(&decision.trace).contains("not paid again"));

        let all = vec![
            paid(Level::Municipal, 4_000_000),
            paid(Level::Provincial, 1_000_000),
            paid(Level::National, 2_000_000),
        ];
        let again = ladder(&request(all, Level::National), &Params::default()).unwrap();
        assert_eq!(again.value, AwardOutcome::nothing());
    }

    #[test]
    fn the_officials_municipal_amount_sets_the_municipal_step() {
        let req = LadderRequest {
            municipal_amount: Some(m(3_000_000)),
            ..request(vec![], Level::Provincial)
        };
        let decision = ladder(&req, &Params::default()).unwrap();
        assert_eq!(
            decision.value.steps,
            [
                OwedStep {
                    level: StepLevel::Municipal,
                    cap: m(5_000_000),
                    amount: m(3_000_000)
                },
                OwedStep {
                    level: StepLevel::Provincial,
                    cap: m(1_000_000),
                    amount: m(1_000_000)
                }
            ]
        );
        assert_eq!(decision.value.total, m(4_000_000));
    }

    #[test]
    fn a_municipal_amount_over_the_cap_is_a_problem_on_that_field() {
        let req = LadderRequest {
            municipal_amount: Some(m(5_000_001)),
            ..request(vec![], Level::Municipal)
        };
        let problems = ladder(&req, &Params::default()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].field.as_str(), problems[0].code),
            ("municipal_amount", "over_cap")
        );
        assert!(problems[0].message.zh.contains("5,000,000.00"));
        assert!(problems[0].message.en.contains("municipal_amount"));
    }

    #[test]
    fn a_municipal_amount_of_zero_or_less_is_a_problem() {
        for amount in [Money::ZERO, Money::parse_signed("-1").unwrap()] {
            let req = LadderRequest {
                municipal_amount: Some(amount),
                ..request(vec![], Level::Municipal)
            };
            let problems = ladder(&req, &Params::default()).unwrap_err();
            assert_eq!(problems[0].field, "municipal_amount");
            assert_eq!(problems[0].code, "not_positive");
        }
    }

    #[test]
    fn a_municipal_amount_is_ignored_when_the_municipal_step_was_paid() {
        let req = LadderRequest {
            municipal_amount: Some(m(1_000_000)),
            ..request(vec![paid(Level::Municipal, 5_000_000)], Level::Provincial)
        };
        let decision = ladder(&req, &Params::default()).unwrap();
        assert_eq!(
            owed(&decision.value),
            [(StepLevel::Provincial, m(1_000_000))]
        );
        assert!(text(&decision.trace).contains("is not used"));
    }

    #[test]
    fn paid_steps_are_checked_and_every_problem_is_reported() {
        let req = LadderRequest {
            paid_steps: vec![
                paid(Level::District, 100),
                paid(Level::Municipal, 5_000_000),
                paid(Level::Municipal, 1),
                paid(Level::Provincial, 1_000_001),
                PaidStep {
                    level: Level::National,
                    amount: Money::parse_signed("-0.01").unwrap(),
                },
            ],
            new_level: Level::National,
            municipal_amount: Some(m(6_000_000)),
        };
        let problems = ladder(&req, &Params::default()).unwrap_err();
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            found,
            [
                ("paid_steps[0].level", "not_a_ladder_level"),
                ("paid_steps[2].level", "duplicate_step"),
                ("paid_steps[3].amount", "over_cap"),
                ("paid_steps[4].amount", "negative"),
                ("municipal_amount", "over_cap"),
            ]
        );
        for problem in &problems {
            assert!(problem.message.en.contains(&problem.field), "{problem:?}");
            assert!(problem.message.zh.contains(&problem.field), "{problem:?}");
        }
    }

    #[test]
    fn difference_mode_tops_up_a_municipal_award_paid_below_its_cap() {
        // Paid 3,000,000 at municipal, now provincial: the cumulative cap 6,000,000
        // minus 3,000,000 paid = 3,000,000 = 2,000,000 municipal top-up + 1,000,000.
        let req = request(vec![paid(Level::Municipal, 3_000_000)], Level::Provincial);
        let decision = ladder(&req, &difference()).unwrap();
        assert_eq!(
            owed(&decision.value),
            [
                (StepLevel::Municipal, m(2_000_000)),
                (StepLevel::Provincial, m(1_000_000))
            ]
        );
        assert_eq!(decision.value.total.to_string(), "3000000.00");
        assert!(text(&decision.trace).contains("cumulative cap"));
    }

    #[test]
    fn difference_mode_never_owes_a_negative_amount() {
        let req = request(
            vec![
                paid(Level::Municipal, 5_000_000),
                paid(Level::Provincial, 1_000_000),
                paid(Level::National, 2_000_000),
            ],
            Level::Municipal,
        );
        let decision = ladder(&req, &difference()).unwrap();
        assert_eq!(decision.value, AwardOutcome::nothing());
        assert!(text(&decision.trace).contains("0.00 yuan owed"));
    }

    #[test]
    fn difference_mode_uses_the_officials_municipal_amount_when_municipal_is_unpaid() {
        let req = LadderRequest {
            municipal_amount: Some(m(3_000_000)),
            ..request(vec![], Level::National)
        };
        let decision = ladder(&req, &difference()).unwrap();
        assert_eq!(
            owed(&decision.value),
            [
                (StepLevel::Municipal, m(3_000_000)),
                (StepLevel::Provincial, m(1_000_000)),
                (StepLevel::National, m(2_000_000))
            ]
        );
        assert_eq!(decision.value.total, m(6_000_000));
    }

    #[test]
    fn difference_mode_agrees_with_steps_mode_when_every_step_was_paid_in_full() {
        let req = request(vec![paid(Level::Municipal, 5_000_000)], Level::National);
        let steps = ladder(&req, &Params::default()).unwrap().value;
        let diff = ladder(&req, &difference()).unwrap().value;
        assert_eq!(steps, diff);
    }

    fn any_level() -> impl Strategy<Value = Level> {
        prop::sample::select(Level::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn the_total_never_exceeds_the_cumulative_cap_minus_what_was_paid_below_it(
            paid_municipal in prop::option::of(0i64..=5_000_000),
            paid_provincial in prop::option::of(0i64..=1_000_000),
            paid_national in prop::option::of(0i64..=2_000_000),
            new_level in any_level(),
            municipal_amount in prop::option::of(1i64..=5_000_000),
            difference_mode in any::<bool>(),
        ) {
            let mut paid_steps = Vec::new();
            for (level, amount) in [
                (Level::Municipal, paid_municipal),
                (Level::Provincial, paid_provincial),
                (Level::National, paid_national),
            ] {
                if let Some(amount) = amount {
                    paid_steps.push(paid(level, amount));
                }
            }
            let params = if difference_mode { difference() } else { Params::default() };
            let req = LadderRequest {
                paid_steps: paid_steps.clone(),
                new_level,
                municipal_amount: municipal_amount.map(m),
            };
            let outcome = ladder(&req, &params).unwrap().value;
            let paid_below: Money = paid_steps.iter().filter(|s| s.level <= new_level).map(|s| s.amount).sum();
            let limit = (cumulative_cap(new_level, &params) - paid_below).max(Money::ZERO);
            prop_assert!(outcome.total <= limit);
            prop_assert!(!outcome.total.is_negative());
            prop_assert_eq!(outcome.total, outcome.steps.iter().map(|s| s.amount).sum::<Money>());
            for step in &outcome.steps {
                prop_assert!(step.amount > Money::ZERO && step.amount <= step.cap);
                let level: Level = step.level.as_str().parse().unwrap();
                prop_assert!(level <= new_level);
                if !difference_mode {
                    prop_assert!(paid_steps.iter().all(|p| p.level != level));
                }
            }
        }
    }
}
