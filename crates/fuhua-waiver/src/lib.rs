#![doc = include_str!("../README.md")]

mod actions;
mod adjust;
mod calc;
mod claims;
mod extension;
mod keygroup;
mod reports;
mod settlement;
mod workflow;

#[cfg(test)]
mod tests;

pub use actions::{ExtensionAction, ReliefAction, table_agrees_with_workflow};
pub use adjust::{LedgerAmounts, ledger_adjustments};
pub use calc::{
    Founder, KeyGroupTest, LedgerRow, Reason, Stay, StayOutcome, WaiverInput, WaiverResult, Window,
    calculate, months_remaining, validate,
};
pub use claims::{ClaimAction, ClaimableRow, PlannedClaim, Quarter, not_ended, plan_claims};
pub use extension::{ExtensionRefusal, check_extension};
pub use keygroup::key_group_test;
pub use reports::{
    OnTimeRate, ReportAction, ReportRecord, Timeliness, on_time_rate, report_due_date, timeliness,
};
pub use settlement::{SettlementLine, SettlementRow, quarter_of, settle_quarter};
pub use workflow::{ClaimState, ExtensionState, MonthlyReportState, ReliefState};
