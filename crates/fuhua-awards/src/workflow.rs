//! SPEC §4 award case: computed → reviewed → approved → paid; computed/reviewed →
//! rejected; any unpaid state → cancelled. Official A reviews, official B ≠ A
//! approves (maker–checker), finance pays.

use fuhua_core::workflow::Workflow;
use fuhua_core::{Problem, vocabulary};

vocabulary! {
    /// The state of an award case.
    AwardCaseState {
        Computed = "computed", "已测算", "computed";
        Reviewed = "reviewed", "已复核", "reviewed";
        Approved = "approved", "已批准", "approved";
        Paid = "paid", "已拨付", "paid";
        Rejected = "rejected", "未通过", "rejected";
        Cancelled = "cancelled", "已取消", "cancelled";
    }
}

impl Workflow for AwardCaseState {
    /// computed → reviewed → approved → paid; computed/reviewed → rejected;
    /// computed/reviewed/approved → cancelled (a rejected case is already closed).
    fn next(self) -> &'static [AwardCaseState] {
        use AwardCaseState::*;
        match self {
            Computed => &[Reviewed, Rejected, Cancelled],
            Reviewed => &[Approved, Rejected, Cancelled],
            Approved => &[Paid, Cancelled],
            Paid | Rejected | Cancelled => &[],
        }
    }
}

/// The approver must be a different official from the reviewer (SPEC §1, §4:
/// "Award cases need two different officials"). Names are compared trimmed and
/// without regard to ASCII case, so that "Li" and "li " count as one person.
pub fn check_maker_checker(reviewer: &str, approver: &str) -> Result<(), Problem> {
    let (reviewer, approver) = (reviewer.trim(), approver.trim());
    if reviewer.is_empty() {
        return Err(Problem::new(
            "reviewer",
            "required",
            "reviewer（复核人）为空：案件须先由一名官员复核",
            "reviewer is empty: an official must review the case first",
        ));
    }
    if approver.is_empty() {
        return Err(Problem::new(
            "approver",
            "required",
            "approver（批准人）为空",
            "approver is empty",
        ));
    }
    if reviewer.eq_ignore_ascii_case(approver) {
        return Err(Problem::new(
            "approver",
            "same_as_reviewer",
            "approver（批准人）与复核人是同一人：奖补案件须由另一名官员批准",
            "approver is the same official as the reviewer: another official must approve the award case",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::workflow::transition;

    #[test]
    fn award_cases_move_only_as_spec_allows() {
        use AwardCaseState::*;
        assert_eq!(transition(Computed, Reviewed), Ok(Reviewed));
        assert_eq!(transition(Reviewed, Approved), Ok(Approved));
        assert_eq!(transition(Approved, Paid), Ok(Paid));
        assert!(transition(Computed, Rejected).is_ok());
        assert!(transition(Reviewed, Rejected).is_ok());
        assert!(transition(Computed, Approved).is_err());
        assert!(transition(Reviewed, Paid).is_err());
        assert!(transition(Approved, Rejected).is_err());
        assert!(Paid.is_final() && Rejected.is_final() && Cancelled.is_final());
    }

    #[test]
    fn any_unpaid_case_can_be_cancelled_but_a_paid_one_cannot() {
        use AwardCaseState::*;
        for state in [Computed, Reviewed, Approved] {
            assert_eq!(transition(state, Cancelled), Ok(Cancelled));
        }
        let err = transition(Paid, Cancelled).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a case in state paid cannot move to cancelled"
        );
    }

    #[test]
    fn the_approver_must_not_be_the_reviewer() {
        assert_eq!(check_maker_checker("wang.fang", "li.qiang"), Ok(()));
        let problem = check_maker_checker("wang.fang", " Wang.Fang ").unwrap_err();
        assert_eq!(
            (problem.field.as_str(), problem.code),
            ("approver", "same_as_reviewer")
        );
        assert!(problem.message.en.contains("approver"));
    }

    #[test]
    fn a_case_without_a_reviewer_or_approver_is_refused() {
        assert_eq!(
            check_maker_checker(" ", "li.qiang").unwrap_err().field,
            "reviewer"
        );
        assert_eq!(
            check_maker_checker("wang.fang", "").unwrap_err().code,
            "required"
        );
    }
}
