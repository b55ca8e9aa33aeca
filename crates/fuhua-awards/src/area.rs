//! R-AWARD-AREA — awards for entrepreneurial districts and streets/towns (clause 七):
//! "开展创业型区（市）、创业型街道（镇）创建活动，创建成功的由市财政分别给予最高100万元、
//! 50万元一次性奖补".

use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::AreaKind;
use fuhua_core::{Decision, Lang, Money, Params, Problem, Trace};

use crate::funding::{Programme, funding_source};
use crate::outcome::{AwardOutcome, OwedStep, StepLevel, yuan};

/// An area that succeeded in the creation campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaRequest {
    pub area_kind: AreaKind,
    /// The amount as the official sets it; the cap when absent.
    pub amount: Option<Money>,
    /// What the area was already paid under this award, if anything (one-time).
    pub already_paid: Option<Money>,
}

/// The cap of the area award (clause 七: 最高100万元、50万元).
pub fn area_cap(kind: AreaKind, params: &Params) -> Money {
    match kind {
        AreaKind::District => params.area_cap_district,
        AreaKind::StreetTown => params.area_cap_street_town,
    }
}

/// What the area is owed.
pub fn area(req: &AreaRequest, params: &Params) -> Result<Decision<AwardOutcome>, Vec<Problem>> {
    let cap = area_cap(req.area_kind, params);
    let problems = check(req, cap);
    if !problems.is_empty() {
        return Err(problems);
    }
    let (zh, en) = (req.area_kind.label(Lang::Zh), req.area_kind.label(Lang::En));
    let mut trace = Trace::new();
    // R-AWARD-AREA, clause 七: 一次性奖补 — once per area, ever.
    if let Some(paid) = req.already_paid {
        trace.step(
            rules::AWARD_AREA,
            &clauses::AREA,
            format!("{zh}奖补此前已发放（{} 元），一次性奖补不再重复发放，本次合计 0.00 元", yuan(paid)),
            format!(
                "the {en} award was paid before ({} yuan); a one-time award is not paid again: total 0.00",
                yuan(paid)
            ),
        );
        return Ok(Decision::new(AwardOutcome::nothing(), trace));
    }
    // R-AWARD-AREA, clause 七: 最高100万元、50万元 — the cap unless the official sets less.
    let amount = match req.amount {
        Some(amount) => {
            trace.step(
                rules::AWARD_AREA,
                &clauses::AREA,
                format!("{zh}创建成功：奖补最高 {} 元，审核官员确定为 {} 元", yuan(cap), yuan(amount)),
                format!(
                    "{en} created successfully: the award is up to {} yuan; the official set it at {} yuan",
                    yuan(cap),
                    yuan(amount)
                ),
            );
            amount
        }
        None => {
            trace.step(
                rules::AWARD_AREA,
                &clauses::AREA,
                format!("{zh}创建成功：奖补最高 {} 元，审核官员未另定金额，按上限计", yuan(cap)),
                format!(
                    "{en} created successfully: the award is up to {} yuan; the official set no other amount, so the cap applies",
                    yuan(cap)
                ),
            );
            cap
        }
    };
    // R-AWARD-AREA, clause 七: 由市财政…给予.
    let source = funding_source(Programme::Area);
    trace.step(
        rules::AWARD_AREA,
        &clauses::AREA,
        format!(
            "资金来源：{}（{}，“由市财政…给予”）",
            source.label(Lang::Zh),
            source.as_str()
        ),
        format!(
            "paid from: {} ({}; “由市财政…给予”, granted by municipal finance)",
            source.label(Lang::En),
            source.as_str()
        ),
    );
    let outcome = AwardOutcome::new(vec![OwedStep {
        level: StepLevel::from(req.area_kind),
        cap,
        amount,
    }]);
    Ok(Decision::new(outcome, trace))
}

fn check(req: &AreaRequest, cap: Money) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some(amount) = req.amount {
        if amount <= Money::ZERO {
            problems.push(Problem::new(
                "amount",
                "not_positive",
                "amount（奖补金额）必须大于0；不填则按上限计",
                "amount must be more than 0; leave it out to use the cap",
            ));
        } else if amount > cap {
            problems.push(Problem::new(
                "amount",
                "over_cap",
                format!(
                    "amount（奖补金额）为 {} 元，超过{}奖补上限 {} 元",
                    yuan(amount),
                    req.area_kind.label(Lang::Zh),
                    yuan(cap)
                ),
                format!(
                    "amount is {} yuan, above the {} cap of {} yuan",
                    yuan(amount),
                    req.area_kind.label(Lang::En),
                    yuan(cap)
                ),
            ));
        }
    }
    if req.already_paid.is_some_and(Money::is_negative) {
        problems.push(Problem::new(
            "already_paid",
            "negative",
            "already_paid（已发放金额）不能为负数",
            "already_paid must not be negative",
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(area_kind: AreaKind, amount: Option<i64>) -> AreaRequest {
        AreaRequest {
            area_kind,
            amount: amount.map(Money::yuan),
            already_paid: None,
        }
    }

    #[test]
    fn an_entrepreneurial_district_gets_one_million_by_default() {
        let decision = area(&request(AreaKind::District, None), &Params::default()).unwrap();
        assert_eq!(
            decision.value.steps,
            [OwedStep {
                level: StepLevel::District,
                cap: Money::yuan(1_000_000),
                amount: Money::yuan(1_000_000)
            }]
        );
        assert_eq!(decision.value.total.to_string(), "1000000.00");
        assert!(decision.trace.mentions(rules::AWARD_AREA));
        let en: Vec<&str> = decision
            .trace
            .steps()
            .iter()
            .map(|s| s.detail.en.as_str())
            .collect();
        assert!(en.iter().any(|s| s.contains("municipal_finance")));
    }

    #[test]
    fn an_entrepreneurial_street_or_town_gets_half_a_million_by_default() {
        let decision = area(&request(AreaKind::StreetTown, None), &Params::default()).unwrap();
        assert_eq!(decision.value.steps[0].level, StepLevel::StreetTown);
        assert_eq!(decision.value.steps[0].cap, Money::yuan(500_000));
        assert_eq!(decision.value.total, Money::yuan(500_000));
    }

    #[test]
    fn the_official_can_set_less_than_the_cap() {
        let decision = area(
            &request(AreaKind::StreetTown, Some(300_000)),
            &Params::default(),
        )
        .unwrap();
        assert_eq!(decision.value.steps[0].amount, Money::yuan(300_000));
        assert_eq!(decision.value.steps[0].cap, Money::yuan(500_000));
        assert_eq!(decision.value.total, Money::yuan(300_000));
    }

    #[test]
    fn an_amount_over_the_cap_is_a_problem_on_the_amount_field() {
        let problems = area(
            &request(AreaKind::StreetTown, Some(500_001)),
            &Params::default(),
        )
        .unwrap_err();
        assert_eq!(
            (problems[0].field.as_str(), problems[0].code),
            ("amount", "over_cap")
        );
        assert!(problems[0].message.en.contains("500,000.00"));
        // The district cap is higher, so the same amount is fine there.
        assert!(
            area(
                &request(AreaKind::District, Some(500_001)),
                &Params::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn an_amount_of_zero_is_a_problem() {
        let problems = area(&request(AreaKind::District, Some(0)), &Params::default()).unwrap_err();
        assert_eq!(
            (problems[0].field.as_str(), problems[0].code),
            ("amount", "not_positive")
        );
    }

    #[test]
    fn an_area_already_paid_is_owed_nothing() {
        let req = AreaRequest {
            already_paid: Some(Money::yuan(1_000_000)),
            ..request(AreaKind::District, None)
        };
        let decision = area(&req, &Params::default()).unwrap();
        assert!(decision.value.steps.is_empty());
        assert_eq!(decision.value.total.to_string(), "0.00");
        assert!(decision.trace.steps()[0].detail.en.contains("paid before"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let req = AreaRequest {
            area_kind: AreaKind::District,
            amount: Some(Money::yuan(2_000_000)),
            already_paid: Some(Money::parse_signed("-5").unwrap()),
        };
        let codes: Vec<&str> = area(&req, &Params::default())
            .unwrap_err()
            .iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(codes, ["over_cap", "negative"]);
    }
}
