//! `fuhua import tenants --carrier <id> <FILE> [--dry-run] [--format json]`: a
//! tenant roll from an XLSX or CSV file (SPEC §5 import), through the same use case
//! as the portal. Exit 0 when every row is good (and imported unless --dry-run);
//! exit 1 with the report otherwise. Changes are recorded under `--as USERNAME`
//! (scope-checked like a signed-in user) or the actor `system:cli`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use fuhua_core::Lang;
use fuhua_service::tenants::Acting;
use fuhua_service::tenants::import::{self, ImportReport, MAX_BYTES};
use fuhua_service::{ServiceError, System};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a carrier's tenant roll from the published template (XLSX, or CSV in
    /// UTF-8 or GB18030). Every row is checked first; nothing is written unless
    /// every row is good, then all rows are written in one transaction.
    Tenants(TenantsArgs),
}

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Lines for people.
    Text,
    /// `{"rows": n, "imported": n, "errors": [{"row", "column", "code", "message", "value"}]}`.
    Json,
}

/// The language of the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageLang {
    Zh,
    En,
}

#[derive(Debug, Args)]
pub struct TenantsArgs {
    /// The carrier's id (as in the portal's address /carriers/<id>).
    #[arg(long)]
    carrier: i64,
    /// The XLSX or CSV file.
    file: PathBuf,
    /// Check every row and print the report, but write nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Language of the messages (Chinese by default).
    #[arg(long, value_enum, default_value = "zh")]
    lang: MessageLang,
}

/// Reads at most one byte more than the limit, so a huge file is refused by size
/// without being loaded.
fn read_file(path: &PathBuf) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes)
}

/// Runs `fuhua import tenants`.
pub async fn tenants(
    system: &System,
    as_user: Option<&str>,
    args: TenantsArgs,
) -> Result<ExitCode, String> {
    let user = crate::acting_user(system, as_user).await?;
    let acting = user.as_ref().map_or(Acting::Cli, Acting::User);
    let bytes = read_file(&args.file)?;
    let today = fuhua_core::dates::shanghai_today();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("checking rows [{bar:30}] {pos}/{len}")
    {
        bar.set_style(style);
    }
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let result = if args.dry_run {
        import::validate(system, acting, args.carrier, &bytes, today, &progress).await
    } else {
        import::import(system, acting, args.carrier, &bytes, today, &progress).await
    };
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(ServiceError::NotFound) => {
            return Err(format!(
                "--carrier {}: no such carrier{}",
                args.carrier,
                as_user.map_or(String::new(), |u| format!(" that {u} may keep"))
            ));
        }
        Err(error) => return Err(error.to_string()),
    };
    let lang = match args.lang {
        MessageLang::Zh => Lang::Zh,
        MessageLang::En => Lang::En,
    };
    match args.format {
        OutputFormat::Json => crate::println_out(&json(&report, lang)),
        OutputFormat::Text => print_text(&report, lang, args.dry_run),
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The JSON report: values masked as in the portal.
fn json(report: &ImportReport, lang: Lang) -> String {
    let errors: Vec<serde_json::Value> = report
        .errors
        .iter()
        .map(|e| {
            serde_json::json!({
                "row": e.row,
                "column": e.column,
                "code": e.code,
                "message": e.message(lang),
                "value": e.value,
            })
        })
        .collect();
    serde_json::json!({
        "rows": report.rows,
        "imported": report.imported,
        "errors": errors,
    })
    .to_string()
}

fn print_text(report: &ImportReport, lang: Lang, dry_run: bool) {
    for e in &report.errors {
        let place = match e.row {
            Some(row) => {
                lang.pick("第", "row ").to_owned() + &row.to_string() + lang.pick("行", "")
            }
            None => lang.pick("文件", "file").to_owned(),
        };
        let column = if e.column.is_empty() {
            String::new()
        } else {
            format!(" {}", e.column)
        };
        let value = if e.value.is_empty() {
            String::new()
        } else {
            format!(" [{}]", e.value)
        };
        crate::println_out(&format!(
            "{place}{column}: {} ({}){value}",
            e.message(lang),
            e.code
        ));
    }
    let summary = match (report.is_clean(), dry_run, lang) {
        (true, true, Lang::Zh) => format!("共 {} 行，全部无误（试运行，未写入）。", report.rows),
        (true, true, Lang::En) => {
            format!("{} rows, all good (dry run: nothing written).", report.rows)
        }
        (true, false, Lang::Zh) => format!("共 {} 行，已全部导入。", report.rows),
        (true, false, Lang::En) => format!("{} rows, all imported.", report.rows),
        (false, _, Lang::Zh) => format!(
            "共 {} 行，发现 {} 处错误，未导入任何一行。",
            report.rows,
            report.errors.len()
        ),
        (false, _, Lang::En) => format!(
            "{} rows, {} errors: nothing imported.",
            report.rows,
            report.errors.len()
        ),
    };
    crate::println_out(&summary);
}
