#![doc = include_str!("../README.md")]

pub mod calendar;
pub mod clauses;
pub mod dates;
pub mod ids;
pub mod lang;
pub mod money;
pub mod params;
pub mod problem;
pub mod trace;
pub mod vocab;
pub mod workflow;

pub use calendar::WorkCalendar;
pub use dates::{DateRange, YearMonth};
pub use ids::{CreditCode, IdError, ResidentId};
pub use lang::{Lang, Text};
pub use money::{Money, MoneyError, round2};
pub use params::{ParameterSet, Params};
pub use problem::Problem;
pub use trace::{Clause, Decision, Step, Trace};
