//! `fuhua settle --quarter 2025Q4`: generates a quarter's settlement claims (SPEC §4)
//! through the same use case as an official's "generate" button, with a progress
//! bar on standard error and one line per claim on standard output.

use std::process::ExitCode;

use clap::Args;
use fuhua_core::Lang;
use fuhua_service::actor::Actor;
use fuhua_service::claims::{self, Initiator, Progress, Quarter, money_text};
use fuhua_service::{ServiceError, System};

/// The arguments of `fuhua settle`.
#[derive(Debug, Args)]
pub struct SettleArgs {
    /// The quarter to settle, e.g. 2025Q4; it must have ended.
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: String,
}

/// Runs `fuhua settle`: as the --as user when given (an official, for the carriers
/// of the official's jurisdiction, as the generate button does; anyone else is
/// refused), otherwise as `system:cli` for every carrier. 0 when the claims are
/// generated or there was nothing new, 1 with a message otherwise.
pub async fn run(
    system: &System,
    user: Option<&Actor>,
    args: &SettleArgs,
) -> Result<ExitCode, String> {
    let cli = fuhua_service::Actor::cli();
    let initiator = user.map_or(Initiator::Command(&cli), Initiator::Official);
    let quarter = Quarter::parse("--quarter", &args.quarter).map_err(|p| {
        format!(
            "--quarter: {} ({})",
            p.message(Lang::En),
            p.message(Lang::Zh)
        )
    })?;
    let today = fuhua_core::dates::shanghai_today();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len}") {
        bar.set_style(style);
    }
    let result = claims::generate(
        system,
        initiator,
        quarter,
        today,
        &mut |progress| match progress {
            Progress::RowsRead(n) => bar.set_message(format!("{n} ledger rows read")),
            Progress::Claims { done, of } => {
                bar.set_message("claims".to_owned());
                bar.set_length(u64::try_from(of).unwrap_or(0));
                bar.set_position(u64::try_from(done).unwrap_or(0));
            }
        },
    )
    .await;
    bar.finish_and_clear();
    let generated = result.map_err(|error| match error {
        ServiceError::Invalid(problems) => problems
            .iter()
            .map(|p| {
                format!(
                    "{}: {} ({})",
                    p.field,
                    p.message(Lang::En),
                    p.message(Lang::Zh)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    })?;
    if generated.claims.is_empty() {
        crate::println_out(&format!("{quarter}: nothing new to claim; nothing changed"));
        return Ok(ExitCode::SUCCESS);
    }
    for claim in &generated.claims {
        crate::println_out(&format!(
            "claim {:>6}  {}  {:<20}  {:>4} rows  {:>3} adjustments  {:>16} yuan",
            claim.id,
            claim.carrier_name,
            claim.funding_source.as_str(),
            claim.rows,
            claim.adjustments,
            money_text(claim.total)
        ));
    }
    crate::println_out(&format!(
        "{quarter}: {} claims generated, {} yuan in all",
        generated.claims.len(),
        money_text(generated.total)
    ));
    Ok(ExitCode::SUCCESS)
}
