#![doc = include_str!("../README.md")]

mod area;
mod budget;
mod funding;
mod ladder;
mod operating;
mod outcome;
mod workflow;

pub use area::{AreaRequest, area, area_cap};
pub use budget::{BudgetRefusal, Reservation, reserve};
pub use fuhua_core::vocab::{
    AreaKind, Founding, FundingSource, Grade, LadderMode, Level, Operation,
};
pub use funding::{Programme, funding_source};
pub use ladder::{LadderRequest, PaidStep, cumulative_cap, ladder, step_cap};
pub use operating::{OperatingInput, is_eligible_for_operating_subsidy, operating_subsidy};
pub use outcome::{AwardOutcome, OwedStep, StepLevel};
pub use workflow::{AwardCaseState, check_maker_checker};
