//! The transition tables of the rent-relief application and the extension request
//! (SPEC §4): which action moves a case from which state to which, and who takes it.
//! The service checks every move against these tables, the pages show the buttons
//! they allow, and the reason an action is unavailable comes from here too.

use fuhua_core::vocabulary;
use fuhua_core::workflow::{Actions, Move, Party, Workflow};

use crate::workflow::{ExtensionState, ReliefState};

vocabulary! {
    /// What can be done to a rent-relief application.
    ReliefAction {
        Submit = "submit", "提交申请", "submit";
        Withdraw = "withdraw", "撤回申请", "withdraw";
        Confirm = "confirm", "确认入驻信息", "confirm the stay";
        Dispute = "dispute", "提出异议", "dispute";
        Revise = "revise", "修改后重新提交", "revise and resubmit";
        Approve = "approve", "批准", "approve";
        Reject = "reject", "不予批准", "reject";
    }
}

use ReliefAction as RA;
use ReliefState as RS;

/// SPEC §4 rent-relief application: draft → submitted → confirmed | disputed;
/// disputed → draft; confirmed → approved | rejected; draft/submitted → withdrawn.
/// The entrepreneur submits, revises and withdraws; the operator confirms or
/// disputes the stay facts; one official decides.
const RELIEF_MOVES: &[Move<ReliefState, ReliefAction>] = &[
    Move {
        action: RA::Submit,
        from: &[RS::Draft],
        to: RS::Submitted,
        by: Party::Applicant,
    },
    Move {
        action: RA::Withdraw,
        from: &[RS::Draft, RS::Submitted],
        to: RS::Withdrawn,
        by: Party::Applicant,
    },
    Move {
        action: RA::Confirm,
        from: &[RS::Submitted],
        to: RS::Confirmed,
        by: Party::Operator,
    },
    Move {
        action: RA::Dispute,
        from: &[RS::Submitted],
        to: RS::Disputed,
        by: Party::Operator,
    },
    Move {
        action: RA::Revise,
        from: &[RS::Disputed],
        to: RS::Draft,
        by: Party::Applicant,
    },
    Move {
        action: RA::Approve,
        from: &[RS::Confirmed],
        to: RS::Approved,
        by: Party::Official,
    },
    Move {
        action: RA::Reject,
        from: &[RS::Confirmed],
        to: RS::Rejected,
        by: Party::Official,
    },
];

impl Actions for ReliefAction {
    type State = ReliefState;

    fn moves() -> &'static [Move<ReliefState, ReliefAction>] {
        RELIEF_MOVES
    }

    fn waiting_for(state: ReliefState) -> (&'static str, &'static str) {
        match state {
            RS::Draft => ("等待创业者提交", "waiting for the entrepreneur to submit"),
            RS::Submitted => ("等待运营机构确认", "waiting for the operator to confirm"),
            RS::Disputed => (
                "运营机构有异议，等待创业者修改",
                "disputed by the operator; waiting for the entrepreneur to revise",
            ),
            RS::Confirmed => ("等待官员审核", "waiting for an official's decision"),
            RS::Approved | RS::Rejected | RS::Withdrawn => {
                ("申请已办结", "the application is closed")
            }
        }
    }
}

vocabulary! {
    /// What can be done to an extension request (R-WAIVER-EXTEND).
    ExtensionAction {
        Approve = "approve", "批准", "approve";
        Reject = "reject", "不予批准", "reject";
    }
}

/// SPEC §4 extension request: submitted → approved (months within the caps) |
/// rejected; an official decides.
const EXTENSION_MOVES: &[Move<ExtensionState, ExtensionAction>] = &[
    Move {
        action: ExtensionAction::Approve,
        from: &[ExtensionState::Submitted],
        to: ExtensionState::Approved,
        by: Party::Official,
    },
    Move {
        action: ExtensionAction::Reject,
        from: &[ExtensionState::Submitted],
        to: ExtensionState::Rejected,
        by: Party::Official,
    },
];

impl Actions for ExtensionAction {
    type State = ExtensionState;

    fn moves() -> &'static [Move<ExtensionState, ExtensionAction>] {
        EXTENSION_MOVES
    }

    fn waiting_for(state: ExtensionState) -> (&'static str, &'static str) {
        match state {
            ExtensionState::Submitted => ("等待官员审核", "waiting for an official's decision"),
            ExtensionState::Approved | ExtensionState::Rejected => {
                ("申请已办结", "the request is closed")
            }
        }
    }
}

/// Every move of a table is a move its workflow allows (checked by the tests for
/// each case type).
pub fn table_agrees_with_workflow<A: Actions>() -> bool {
    A::moves()
        .iter()
        .all(|m| m.from.iter().all(|&from| from.next().contains(&m.to)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::workflow::Unavailable;

    const PARTIES: [Party; 4] = [
        Party::Applicant,
        Party::Operator,
        Party::Official,
        Party::Finance,
    ];

    #[test]
    fn every_table_move_is_a_workflow_move() {
        assert!(table_agrees_with_workflow::<ReliefAction>());
        assert!(table_agrees_with_workflow::<ExtensionAction>());
    }

    #[test]
    fn every_workflow_move_has_an_action() {
        for &from in RS::ALL {
            for &to in from.next() {
                assert!(
                    RELIEF_MOVES
                        .iter()
                        .any(|m| m.from.contains(&from) && m.to == to),
                    "{from:?} → {to:?} has no action"
                );
            }
        }
    }

    #[test]
    fn walking_every_state_action_and_party_gives_exactly_the_table() {
        for &state in RS::ALL {
            for &action in RA::ALL {
                for party in PARTIES {
                    let row = RELIEF_MOVES
                        .iter()
                        .find(|m| m.action == action && m.by == party && m.from.contains(&state));
                    let got = ReliefAction::apply(state, action, party);
                    match row {
                        Some(m) => assert_eq!(got, Ok(m.to)),
                        None => assert!(got.is_err(), "{state:?} {action:?} {party:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_operator_confirms_and_only_an_official_decides() {
        assert_eq!(
            ReliefAction::apply(RS::Submitted, RA::Confirm, Party::Operator),
            Ok(RS::Confirmed)
        );
        assert_eq!(
            ReliefAction::apply(RS::Submitted, RA::Confirm, Party::Applicant),
            Err(Unavailable::Party)
        );
        assert_eq!(
            ReliefAction::apply(RS::Submitted, RA::Approve, Party::Official),
            Err(Unavailable::State),
            "the operator must confirm first"
        );
        assert_eq!(
            ReliefAction::waiting_for(RS::Submitted).0,
            "等待运营机构确认"
        );
        assert_eq!(
            ReliefAction::available(RS::Confirmed, Party::Official),
            vec![RA::Approve, RA::Reject]
        );
        assert!(ReliefAction::available(RS::Approved, Party::Official).is_empty());
    }

    #[test]
    fn extensions_are_decided_once_by_an_official() {
        assert_eq!(
            ExtensionAction::apply(
                ExtensionState::Submitted,
                ExtensionAction::Approve,
                Party::Official
            ),
            Ok(ExtensionState::Approved)
        );
        assert_eq!(
            ExtensionAction::apply(
                ExtensionState::Approved,
                ExtensionAction::Reject,
                Party::Official
            ),
            Err(Unavailable::State)
        );
        assert_eq!(
            ExtensionAction::apply(
                ExtensionState::Submitted,
                ExtensionAction::Approve,
                Party::Operator
            ),
            Err(Unavailable::Party)
        );
    }
}
