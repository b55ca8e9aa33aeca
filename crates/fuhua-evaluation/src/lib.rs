#![doc = include_str!("../README.md")]

mod scheme;
mod score;
mod verify;
mod workflow;

pub use fuhua_core::vocab::Grade;
pub use scheme::{Indicator, Inputs, Scheme, Source, ratio};
pub use score::{Item, Outcome, evaluate};
pub use verify::{Reconciled, flag_difference, needs_revocation_review, reconcile};
pub use workflow::RoundState;
