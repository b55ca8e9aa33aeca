//! Third-party verification (clause 二十六: "聘请…第三方机构，承担…实地核实…绩效评估") and
//! the revocation-review flag (clause 二十五, our rule, not the policy's).

use fuhua_core::vocab::Grade;
use rust_decimal::Decimal;
use serde::Serialize;

/// Whether a self-reported value differs from the verified one by more than
/// `tolerance` (a share of the verified value, `eval_flag_tolerance`, 0.10 by
/// default). With a verified 0 any non-zero self-report is flagged.
pub fn flag_difference(self_reported: Decimal, verified: Decimal, tolerance: Decimal) -> bool {
    if verified.is_zero() {
        return !self_reported.is_zero();
    }
    let Some(difference) = self_reported.checked_sub(verified) else {
        return true;
    };
    difference
        .abs()
        .checked_div(verified.abs())
        .is_none_or(|share| share > tolerance)
}

/// The value that counts for an indicator and whether it is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    /// The verified value when there is one, else the self-reported one.
    pub value: Option<Decimal>,
    /// Both values are known and differ by more than the tolerance.
    pub flagged: bool,
}

/// R-EVAL: "the verified value counts when there is one, and a difference over
/// `eval_flag_tolerance` is flagged".
pub fn reconcile(
    self_reported: Option<Decimal>,
    verified: Option<Decimal>,
    tolerance: Decimal,
) -> Reconciled {
    let flagged = match (self_reported, verified) {
        (Some(reported), Some(verified)) => flag_difference(reported, verified, tolerance),
        _ => false,
    };
    Reconciled {
        value: verified.or(self_reported),
        flagged,
    }
}

/// Whether the latest `consecutive_fails` grades (newest first) are all `fail`, which
/// flags the carrier's accreditation for revocation review
/// (`revocation_review_after_fails`, 2 by default — the district's rule).
pub fn needs_revocation_review(
    latest_grades_newest_first: &[Grade],
    consecutive_fails: u32,
) -> bool {
    let needed = consecutive_fails as usize;
    needed > 0
        && latest_grades_newest_first.len() >= needed
        && latest_grades_newest_first[..needed]
            .iter()
            .all(|g| *g == Grade::Fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_difference_over_ten_percent_of_the_verified_value_is_flagged() {
        let tolerance = dec("0.10");
        assert!(!flag_difference(dec("110"), dec("100"), tolerance));
        assert!(flag_difference(dec("110.01"), dec("100"), tolerance));
        assert!(!flag_difference(dec("90"), dec("100"), tolerance));
        assert!(flag_difference(dec("89.99"), dec("100"), tolerance));
    }

    #[test]
    fn against_a_verified_zero_any_other_value_is_flagged() {
        assert!(flag_difference(dec("0.01"), Decimal::ZERO, dec("0.10")));
        assert!(!flag_difference(Decimal::ZERO, Decimal::ZERO, dec("0.10")));
    }

    #[test]
    fn the_verified_value_counts_when_there_is_one() {
        let tolerance = dec("0.10");
        assert_eq!(
            reconcile(Some(dec("20")), Some(dec("15")), tolerance),
            Reconciled {
                value: Some(dec("15")),
                flagged: true
            }
        );
        assert_eq!(
            reconcile(Some(dec("20")), None, tolerance).value,
            Some(dec("20"))
        );
        assert!(!reconcile(None, Some(dec("15")), tolerance).flagged);
    }

    #[test]
    fn two_consecutive_fails_flag_the_accreditation_for_review() {
        use Grade::*;
        assert!(needs_revocation_review(&[Fail, Fail, Good], 2));
        assert!(!needs_revocation_review(&[Fail, Pass, Fail], 2));
        assert!(!needs_revocation_review(&[Fail], 2));
        assert!(!needs_revocation_review(&[], 2));
        assert!(needs_revocation_review(&[Fail, Fail, Fail], 3));
        assert!(!needs_revocation_review(&[Fail], 0));
    }
}
