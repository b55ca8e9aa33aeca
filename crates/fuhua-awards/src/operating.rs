//! R-AWARD-OPERATING — the operating subsidy of government-created and entrusted
//! carriers (clause 七): "鼓励采取政府购买服务、公办民营等形式吸引专业化服务机构从事创业孵化
//! 基地（园区）…运营管理，由财政部门从购买公共就业创业服务成果渠道给予奖补", and the
//! "房租和运营经费补助" of the government-created bases.

use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::{Founding, Grade, Operation};
use fuhua_core::{Decision, Lang, Money, Params, Trace};

use crate::funding::{Programme, funding_source};
use crate::outcome::yuan;

/// What the operating subsidy looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatingInput {
    pub founding: Founding,
    pub operation: Operation,
    /// This carrier's base; `None` → the district parameter `base_operating_subsidy`.
    pub base: Option<Money>,
    /// The grade of the carrier's latest evaluation (R-EVAL); `None` → nothing owed.
    pub grade: Option<Grade>,
}

/// Government-created (政府直接投资、租赁、购买服务创建, 街道(镇)创办) or entrusted to a
/// professional operator (政府购买服务、公办民营).
pub fn is_eligible_for_operating_subsidy(founding: Founding, operation: Operation) -> bool {
    founding.is_government() || operation == Operation::Entrusted
}

/// The operating subsidy: round(base × the grade coefficient of the latest evaluation).
pub fn operating_subsidy(input: &OperatingInput, params: &Params) -> Decision<Money> {
    let mut trace = Trace::new();
    let carrier_zh = format!(
        "{}、{}",
        input.founding.label(Lang::Zh),
        input.operation.label(Lang::Zh)
    );
    let carrier_en = format!(
        "{}, {}",
        input.founding.label(Lang::En),
        input.operation.label(Lang::En)
    );

    // R-AWARD-OPERATING, clause 七: only government-created or entrusted carriers.
    if !is_eligible_for_operating_subsidy(input.founding, input.operation) {
        trace.step(
            rules::AWARD_OPERATING,
            &clauses::OPERATING,
            format!("载体为{carrier_zh}：运营补助只给予政府创建或以政府购买服务、公办民营方式委托专业机构运营的载体，本次 0.00 元"),
            format!(
                "the carrier is {carrier_en}: the operating subsidy goes only to government-created carriers or those entrusted to a professional operator, so 0.00"
            ),
        );
        return Decision::new(Money::ZERO, trace);
    }
    let (clause, why_zh, why_en) = if input.founding.is_government() {
        (
            &clauses::FULL_WAIVER_FUNDING,
            "政府创建的载体，给予房租和运营经费补助",
            "a government-created carrier gets rent and operating-cost subsidies",
        )
    } else {
        (
            &clauses::OPERATING,
            "委托专业机构运营的载体，由财政部门从购买公共就业创业服务成果渠道给予奖补",
            "a carrier entrusted to a professional operator is paid from the purchase-of-service-results channel",
        )
    };
    trace.step(
        rules::AWARD_OPERATING,
        clause,
        format!("载体为{carrier_zh}：{why_zh}"),
        format!("the carrier is {carrier_en}: {why_en}"),
    );

    let Some(grade) = input.grade else {
        trace.step(
            rules::AWARD_OPERATING,
            &clauses::OPERATING,
            "尚无绩效评估等次，补助按最近一次评估等次计算，本次暂不发放（0.00 元）",
            "no evaluation grade yet; the subsidy follows the latest evaluation's grade, so nothing is owed for now (0.00)",
        );
        return Decision::new(Money::ZERO, trace);
    };

    let base = match input.base {
        Some(base) => {
            trace.step(
                rules::AWARD_OPERATING,
                &clauses::OPERATING,
                format!("该载体的运营补助基数为 {} 元", yuan(base)),
                format!(
                    "this carrier's base operating subsidy is {} yuan",
                    yuan(base)
                ),
            );
            base
        }
        None => {
            let base = params.base_operating_subsidy;
            trace.step(
                rules::AWARD_OPERATING,
                &clauses::OPERATING,
                format!("运营补助基数取区参数 base_operating_subsidy：{} 元（政策未定金额，由区设定；默认0，即区设定前不发放）", yuan(base)),
                format!(
                    "the base is the district parameter base_operating_subsidy: {} yuan (the policy sets no amount; the default 0 pays nothing until the district sets one)",
                    yuan(base)
                ),
            );
            base
        }
    };
    // A negative base is not a subsidy; it pays nothing rather than claw back.
    let base = base.max(Money::ZERO);

    // R-AWARD-OPERATING, clause 七: the grade coefficients are the district's choice,
    // the policy grants 房租和运营经费补助 without conditions.
    let coefficient = params.grade_coefficients.of(grade);
    let amount = Money::round(base.amount() * coefficient);
    trace.step(
        rules::AWARD_OPERATING,
        &clauses::OPERATING,
        format!(
            "最近一次评估等次为{}，系数 {coefficient}（按等次确定系数是区的选择，政策给予补助未附条件）：{} × {coefficient} = {} 元",
            grade.label(Lang::Zh),
            yuan(base),
            yuan(amount)
        ),
        format!(
            "latest evaluation grade {}, coefficient {coefficient} (paying by grade is the district's choice; the policy grants the subsidy without conditions): {} × {coefficient} = {} yuan",
            grade.label(Lang::En),
            yuan(base),
            yuan(amount)
        ),
    );
    let source = funding_source(Programme::Operating);
    trace.step(
        rules::AWARD_OPERATING,
        &clauses::OPERATING,
        format!(
            "资金来源：{}（{}）",
            source.label(Lang::Zh),
            source.as_str()
        ),
        format!(
            "paid from: {} ({})",
            source.label(Lang::En),
            source.as_str()
        ),
    );
    Decision::new(amount, trace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(founding: Founding, operation: Operation, grade: Option<Grade>) -> OperatingInput {
        OperatingInput {
            founding,
            operation,
            base: Some(Money::yuan(100_000)),
            grade,
        }
    }

    #[test]
    fn the_subsidy_is_the_base_times_the_grade_coefficient() {
        let expected = [
            (Grade::Excellent, "120000.00"),
            (Grade::Good, "100000.00"),
            (Grade::Pass, "80000.00"),
            (Grade::Fail, "0.00"),
        ];
        for (grade, amount) in expected {
            let decision = operating_subsidy(
                &input(Founding::GovInvested, Operation::SelfOperated, Some(grade)),
                &Params::default(),
            );
            assert_eq!(decision.value.to_string(), amount, "{grade}");
            assert!(decision.trace.mentions(rules::AWARD_OPERATING));
        }
    }

    #[test]
    fn the_trace_says_the_coefficients_are_the_districts_choice() {
        let decision = operating_subsidy(
            &input(
                Founding::GovLeased,
                Operation::SelfOperated,
                Some(Grade::Good),
            ),
            &Params::default(),
        );
        let en: Vec<&str> = decision
            .trace
            .steps()
            .iter()
            .map(|s| s.detail.en.as_str())
            .collect();
        assert!(en.iter().any(|s| s.contains("district's choice")));
        assert!(en.iter().any(|s| s.contains("district_finance")));
    }

    #[test]
    fn an_entrusted_social_carrier_is_eligible() {
        let decision = operating_subsidy(
            &input(
                Founding::Social,
                Operation::Entrusted,
                Some(Grade::Excellent),
            ),
            &Params::default(),
        );
        assert_eq!(decision.value, Money::yuan(120_000));
    }

    #[test]
    fn a_self_operated_social_carrier_gets_nothing_and_is_told_why() {
        let decision = operating_subsidy(
            &input(
                Founding::Social,
                Operation::SelfOperated,
                Some(Grade::Excellent),
            ),
            &Params::default(),
        );
        assert_eq!(decision.value.to_string(), "0.00");
        assert!(
            decision.trace.steps()[0]
                .detail
                .en
                .contains("only to government-created")
        );
    }

    #[test]
    fn a_carrier_without_a_grade_gets_nothing_yet() {
        let decision = operating_subsidy(
            &input(Founding::StreetTown, Operation::SelfOperated, None),
            &Params::default(),
        );
        assert_eq!(decision.value, Money::ZERO);
        assert!(
            decision
                .trace
                .steps()
                .iter()
                .any(|s| s.detail.en.contains("no evaluation grade"))
        );
    }

    #[test]
    fn without_its_own_base_a_carrier_uses_the_district_parameter_which_defaults_to_zero() {
        let mut carrier = input(
            Founding::GovInvested,
            Operation::Entrusted,
            Some(Grade::Excellent),
        );
        carrier.base = None;
        assert_eq!(
            operating_subsidy(&carrier, &Params::default()).value,
            Money::ZERO
        );
        let params = Params {
            base_operating_subsidy: Money::yuan(50_000),
            ..Params::default()
        };
        assert_eq!(
            operating_subsidy(&carrier, &params).value,
            Money::yuan(60_000)
        );
    }

    #[test]
    fn the_amount_is_rounded_once_half_away_from_zero() {
        let mut carrier = input(
            Founding::GovInvested,
            Operation::SelfOperated,
            Some(Grade::Pass),
        );
        // 0.05 × 0.80 = 0.04 exactly; with a 1.25 coefficient 0.02 × 1.25 = 0.025,
        // which rounds half away from zero to 0.03 (banker's rounding would give 0.02).
        carrier.base = Some(Money::parse("0.05").unwrap());
        assert_eq!(
            operating_subsidy(&carrier, &Params::default())
                .value
                .to_string(),
            "0.04"
        );
        let mut params = Params::default();
        params.grade_coefficients.pass = rust_decimal::Decimal::new(125, 2);
        carrier.base = Some(Money::parse("0.02").unwrap());
        assert_eq!(
            operating_subsidy(&carrier, &params).value.to_string(),
            "0.03"
        );
    }
}
