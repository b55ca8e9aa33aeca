//! R-WAIVER-EXTEND — clause 七: "对确有需要的创业企业,可适当延长孵化周期".

use fuhua_core::clauses::{self, rules};
use fuhua_core::{Decision, Params, Trace};

/// Why an extension request cannot be approved as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefusal {
    /// An extension adds at least one month.
    Zero,
    /// More than `extension_max_months` in one extension.
    OverSingleCap { cap: u32 },
    /// All extensions together would exceed `extension_total_max_months`.
    OverTotalCap { cap: u32, remaining: u32 },
}

/// Checks a request for `requested` more months when `already_approved` months were
/// approved before; returns the months that may be approved.
pub fn check_extension(
    requested: u32,
    already_approved: u32,
    params: &Params,
) -> Decision<Result<u32, ExtensionRefusal>> {
    let mut trace = Trace::new();
    let single = params.extension_max_months;
    let total = params.extension_total_max_months;
    let remaining = total.saturating_sub(already_approved);
    let result = if requested == 0 {
        trace.step(
            rules::WAIVER_EXTEND,
            &clauses::EXTENSION,
            "延长月数须至少为1个月",
            "an extension adds at least one month",
        );
        Err(ExtensionRefusal::Zero)
    } else if requested > single {
        trace.step(
            rules::WAIVER_EXTEND,
            &clauses::EXTENSION,
            format!("单次延长{requested}个月，超过区定上限{single}个月"),
            format!("{requested} months in one extension exceed the district's cap of {single}"),
        );
        Err(ExtensionRefusal::OverSingleCap { cap: single })
    } else if requested > remaining {
        trace.step(
            rules::WAIVER_EXTEND,
            &clauses::EXTENSION,
            format!("已批准{already_approved}个月，再延长{requested}个月将超过累计上限{total}个月（最多还可延长{remaining}个月）"),
            format!(
                "{already_approved} months were approved before; {requested} more would exceed the total cap of {total} ({remaining} left)"
            ),
        );
        Err(ExtensionRefusal::OverTotalCap {
            cap: total,
            remaining,
        })
    } else {
        trace.step(
            rules::WAIVER_EXTEND,
            &clauses::EXTENSION,
            format!("延长{requested}个月在单次上限{single}个月和累计上限{total}个月之内（已批准{already_approved}个月）"),
            format!("{requested} months are within the caps of {single} per extension and {total} in all ({already_approved} approved before)"),
        );
        Ok(requested)
    };
    Decision::new(result, trace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::ParameterSet;

    fn params() -> Params {
        ParameterSet::defaults().at(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
    }

    #[test]
    fn an_extension_within_both_caps_is_allowed() {
        assert_eq!(check_extension(12, 0, &params()).value, Ok(12));
        assert_eq!(check_extension(12, 12, &params()).value, Ok(12));
    }

    #[test]
    fn one_extension_may_not_exceed_twelve_months() {
        assert_eq!(
            check_extension(13, 0, &params()).value,
            Err(ExtensionRefusal::OverSingleCap { cap: 12 })
        );
    }

    #[test]
    fn all_extensions_together_may_not_exceed_twenty_four_months() {
        let decision = check_extension(6, 20, &params());
        assert_eq!(
            decision.value,
            Err(ExtensionRefusal::OverTotalCap {
                cap: 24,
                remaining: 4
            })
        );
        assert!(decision.trace.mentions("R-WAIVER-EXTEND"));
        assert_eq!(
            check_extension(0, 0, &params()).value,
            Err(ExtensionRefusal::Zero)
        );
    }
}
