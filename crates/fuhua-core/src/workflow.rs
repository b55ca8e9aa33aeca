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

/// Who may take an action on a case, as seen from the case (SPEC §1, §4): the
/// service decides which parties an acting user is for one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// The entrepreneur whose entity the case concerns.
    Applicant,
    /// The operator of the carrier the case concerns.
    Operator,
    /// An official whose jurisdiction holds the carrier.
    Official,
    /// A finance user.
    Finance,
}

/// One row of a case type's transition table: `action` moves a case in one of
/// `from` to `to`, taken by `by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<S: 'static, A: 'static> {
    pub action: A,
    pub from: &'static [S],
    pub to: S,
    pub by: Party,
}

/// Why an action cannot be taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The case's state does not allow it (the case waits for someone else, or is
    /// closed); the text says what it waits for.
    State,
    /// This party never takes this action.
    Party,
}

/// A case type's actions over its [`Workflow`] states.
pub trait Actions: Named + PartialEq + 'static {
    type State: Workflow;

    /// The transition table: every action, from which states, to which, by whom.
    fn moves() -> &'static [Move<Self::State, Self>];

    /// What a case in `state` waits for, in Chinese and English (shown where an
    /// action is unavailable, e.g. "等待运营机构确认").
    fn waiting_for(state: Self::State) -> (&'static str, &'static str);

    /// The state `action` moves a case in `from` to, when `party` takes it.
    fn apply(from: Self::State, action: Self, party: Party) -> Result<Self::State, Unavailable> {
        let rows = Self::moves().iter().filter(|m| m.action == action);
        let mut by_party = false;
        for m in rows {
            if m.by != party {
                continue;
            }
            by_party = true;
            if m.from.contains(&from) {
                return Ok(m.to);
            }
        }
        Err(if by_party {
            Unavailable::State
        } else {
            Unavailable::Party
        })
    }

    /// The actions `party` may take on a case in `state`, in table order.
    fn available(state: Self::State, party: Party) -> Vec<Self> {
        Self::moves()
            .iter()
            .filter(|m| m.by == party && m.from.contains(&state))
            .map(|m| m.action)
            .collect()
    }
}
