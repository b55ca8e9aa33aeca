//! `fuhua remind`: runs the reminders once (what the daily job inside `fuhua serve`
//! does) and prints what it enqueued. Each reminder is sent once, ever: running it
//! again the same day enqueues nothing.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use fuhua_service::System;
use fuhua_service::reminders;

/// Options of `fuhua remind`.
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// The day to remind for (YYYY-MM-DD); default today in Asia/Shanghai.
    #[arg(long, value_parser = parse_day)]
    pub today: Option<NaiveDate>,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("“{text}” is not a date; write YYYY-MM-DD, e.g. 2026-11-27"))
}

/// Runs the reminders for `args.today` (or today) and prints the counts.
pub async fn remind(system: &System, args: RemindArgs) -> Result<ExitCode, String> {
    let today = args.today.unwrap_or_else(fuhua_core::dates::shanghai_today);
    let report = reminders::run(system, today)
        .await
        .map_err(|e| format!("the reminders could not be sent: {e}"))?;
    crate::println_out(&format!("{today}: {report}"));
    Ok(ExitCode::SUCCESS)
}
