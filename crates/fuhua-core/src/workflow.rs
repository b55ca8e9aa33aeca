//! Case workflows (SPEC §4): each case has a closed set of states and the moves
//! allowed between them. Every state machine implements [`Workflow`]; moving a case
//! through [`transition`] refuses any move the table does not allow.

use crate::vocab::Named;

/// A state of a case with its allowed next states.
pub trait Workflow: Named + PartialEq + 'static {
    /// The states this one may move to.
    fn next(self) -> &'static [Self];

    /// Whether no move leaves this state.
    fn is_final(self) -> bool {
        self.next().is_empty()
    }
}

/// A move the workflow does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a case in state {from} cannot move to {to}")]
pub struct TransitionError {
    pub from: &'static str,
    pub to: &'static str,
}

/// Checks a move and returns the new state.
pub fn transition<S: Workflow>(from: S, to: S) -> Result<S, TransitionError> {
    if from.next().contains(&to) {
        Ok(to)
    } else {
        Err(TransitionError {
            from: from.code(),
            to: to.code(),
        })
    }
}
