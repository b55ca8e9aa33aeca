//! Each parameter's SPEC §3 default and the shape and range it accepts.

use rust_decimal::Decimal;

use super::{GradeCoefficients, ParamError, ParamKey, ParamValue, rate};
use crate::money::Money;
use crate::vocab::{FounderGroup, LadderMode};

impl ParamKey {
    /// SPEC §3's default.
    pub fn default_value(self) -> ParamValue {
        use ParamKey as K;
        use ParamValue as V;
        match self {
            K::WaiverWindowMonths => V::Count(36),
            K::GraduateYears => V::Count(5),
            K::KeyGroups => V::Groups(vec![
                FounderGroup::Graduate,
                FounderGroup::Unemployed,
                FounderGroup::ReturningMigrantWorker,
            ]),
            K::KeygroupReductionRate => V::Rate(rate(100, 2)),
            K::KeygroupReductionCapPerMonth => V::OptionalMoney(None),
            K::ExtensionMaxMonths => V::Count(12),
            K::ExtensionTotalMaxMonths => V::Count(24),
            K::ExtensionExtendsWaiver => V::Flag(true),
            K::WindowPerFounder => V::Flag(false),
            K::LadderMunicipalCap => V::Money(Money::yuan(5_000_000)),
            K::LadderProvincialStep => V::Money(Money::yuan(1_000_000)),
            K::LadderNationalStep => V::Money(Money::yuan(2_000_000)),
            K::LadderMode => V::LadderMode(LadderMode::Steps),
            K::AreaCapDistrict => V::Money(Money::yuan(1_000_000)),
            K::AreaCapStreetTown => V::Money(Money::yuan(500_000)),
            K::EvaluationScheme => V::Name("qx-default".to_owned()),
            K::GradeCoefficients => V::Coefficients(GradeCoefficients {
                excellent: rate(120, 2),
                good: rate(100, 2),
                pass: rate(80, 2),
                fail: rate(0, 2),
            }),
            K::EvalFlagTolerance => V::Rate(rate(10, 2)),
            K::BaseOperatingSubsidy => V::Money(Money::ZERO),
            K::RevocationReviewAfterFails => V::Count(2),
            K::ReportDueDay => V::Count(10),
            // Filled by the dated versions of `holidays::versions` (2024 on).
            K::Holidays | K::Workdays => V::Dates(Vec::new()),
        }
    }

    /// Checks that a value has this key's shape and a sensible range.
    pub fn check(self, value: &ParamValue) -> Result<(), ParamError> {
        use ParamKey as K;
        use ParamValue as V;
        let key = self.as_str();
        let count = |n: u32, min: u32, max: u32| {
            if (min..=max).contains(&n) {
                Ok(())
            } else {
                Err(ParamError::OutOfRange {
                    key,
                    min: min.to_string(),
                    max: max.to_string(),
                })
            }
        };
        let fraction = |d: Decimal, max: Decimal| {
            if d >= Decimal::ZERO && d <= max && d.scale() <= 4 {
                Ok(())
            } else {
                Err(ParamError::OutOfRange {
                    key,
                    min: "0".into(),
                    max: max.to_string(),
                })
            }
        };
        let non_negative = |m: &Money| {
            if m.is_negative() {
                Err(ParamError::OutOfRange {
                    key,
                    min: "0.00".into(),
                    max: crate::money::MAX_YUAN.to_string(),
                })
            } else {
                Ok(())
            }
        };
        match (self, value) {
            (K::WaiverWindowMonths, V::Count(n)) => count(*n, 1, 120),
            (K::GraduateYears, V::Count(n)) => count(*n, 1, 30),
            (K::ExtensionMaxMonths, V::Count(n)) => count(*n, 0, 60),
            (K::ExtensionTotalMaxMonths, V::Count(n)) => count(*n, 0, 120),
            (K::RevocationReviewAfterFails, V::Count(n)) => count(*n, 1, 10),
            (K::ReportDueDay, V::Count(n)) => count(*n, 1, 28),
            (K::KeyGroups, V::Groups(g)) if g.is_empty() => Err(ParamError::NoGroups { key }),
            (K::KeyGroups, V::Groups(_)) => Ok(()),
            (K::KeygroupReductionRate | K::EvalFlagTolerance, V::Rate(r)) => {
                fraction(*r, Decimal::ONE)
            }
            (K::KeygroupReductionCapPerMonth, V::OptionalMoney(m)) => {
                m.as_ref().map_or(Ok(()), non_negative)
            }
            (K::ExtensionExtendsWaiver | K::WindowPerFounder, V::Flag(_)) => Ok(()),
            (
                K::LadderMunicipalCap
                | K::LadderProvincialStep
                | K::LadderNationalStep
                | K::AreaCapDistrict
                | K::AreaCapStreetTown
                | K::BaseOperatingSubsidy,
                V::Money(m),
            ) => non_negative(m),
            (K::LadderMode, V::LadderMode(_)) => Ok(()),
            (K::EvaluationScheme, V::Name(s)) if s.trim().is_empty() => {
                Err(ParamError::Empty { key })
            }
            (K::EvaluationScheme, V::Name(_)) => Ok(()),
            (K::GradeCoefficients, V::Coefficients(c)) => {
                for value in [c.excellent, c.good, c.pass, c.fail] {
                    fraction(value, Decimal::from(5))?;
                }
                Ok(())
            }
            (K::Holidays | K::Workdays, V::Dates(_)) => Ok(()),
            _ => Err(ParamError::WrongKind { key }),
        }
    }
}
