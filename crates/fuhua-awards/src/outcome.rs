//! What an award calculation owes: the steps and their sum (SPEC §5 award answer).

use fuhua_core::vocab::{AreaKind, Level};
use fuhua_core::{Money, vocabulary};
use serde::Serialize;

vocabulary! {
    /// The step an amount is owed for: a ladder level (R-AWARD-LADDER) or an area
    /// kind (R-AWARD-AREA). The wire codes are those of `Level` and `AreaKind`.
    StepLevel {
        Municipal = "municipal", "市级示范基地奖补", "municipal demonstration step";
        Provincial = "provincial", "省级示范基地奖补", "provincial demonstration step";
        National = "national", "国家级示范基地奖补", "national demonstration step";
        District = "district", "创业型区（市）奖补", "entrepreneurial district (city) award";
        StreetTown = "street_town", "创业型街道（镇）奖补", "entrepreneurial street (town) award";
    }
}

impl StepLevel {
    /// The ladder step of an accreditation level; none below municipal.
    pub fn of_level(level: Level) -> Option<StepLevel> {
        match level {
            Level::Municipal => Some(StepLevel::Municipal),
            Level::Provincial => Some(StepLevel::Provincial),
            Level::National => Some(StepLevel::National),
            Level::StreetTown | Level::District => None,
        }
    }
}

impl From<AreaKind> for StepLevel {
    fn from(kind: AreaKind) -> StepLevel {
        match kind {
            AreaKind::District => StepLevel::District,
            AreaKind::StreetTown => StepLevel::StreetTown,
        }
    }
}

/// One step owed by this calculation, with its own cap (not cumulative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwedStep {
    pub level: StepLevel,
    pub cap: Money,
    pub amount: Money,
}

/// The steps owed and their total (the sum of the rounded steps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardOutcome {
    pub steps: Vec<OwedStep>,
    pub total: Money,
}

impl AwardOutcome {
    pub fn new(steps: Vec<OwedStep>) -> AwardOutcome {
        let total = steps.iter().map(|s| s.amount).sum();
        AwardOutcome { steps, total }
    }

    /// Nothing owed: no steps, total 0.00.
    pub fn nothing() -> AwardOutcome {
        AwardOutcome::new(Vec::new())
    }
}

/// Yuan with thousands separators for traces: "5,000,000.00".
pub(crate) fn yuan(amount: Money) -> String {
    let text = amount.to_string();
    let (sign, body) = match text.strip_prefix('-') {
        Some(body) => ("-", body),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_traces_carry_thousands_separators() {
        assert_eq!(yuan(Money::yuan(5_000_000)), "5,000,000.00");
        assert_eq!(yuan(Money::yuan(100_000)), "100,000.00");
        assert_eq!(yuan(Money::ZERO), "0.00");
        assert_eq!(yuan(Money::parse_signed("-1234.5").unwrap()), "-1,234.50");
    }

    #[test]
    fn step_levels_use_the_wire_codes_of_levels_and_area_kinds() {
        assert_eq!(
            StepLevel::of_level(Level::Provincial),
            Some(StepLevel::Provincial)
        );
        assert_eq!(StepLevel::of_level(Level::District), None);
        assert_eq!(
            StepLevel::from(AreaKind::StreetTown).as_str(),
            AreaKind::StreetTown.as_str()
        );
        assert_eq!(StepLevel::Municipal.as_str(), Level::Municipal.as_str());
    }

    #[test]
    fn the_total_is_the_sum_of_the_steps() {
        let outcome = AwardOutcome::new(vec![
            OwedStep {
                level: StepLevel::Municipal,
                cap: Money::yuan(5_000_000),
                amount: Money::yuan(3_000_000),
            },
            OwedStep {
                level: StepLevel::Provincial,
                cap: Money::yuan(1_000_000),
                amount: Money::yuan(1_000_000),
            },
        ]);
        assert_eq!(outcome.total, Money::yuan(4_000_000));
        assert_eq!(AwardOutcome::nothing().total.to_string(), "0.00");
    }
}
