//! `fuhua` — the one binary of the platform.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use fuhua_core::ParameterSet;
use fuhua_portal::{AppState, Clock};
use tracing_subscriber::EnvFilter;

/// Fuhua (孵化): the platform the West Coast New Area runs its entrepreneurship
/// carriers on — accreditation, rent waivers, tiered awards and operator evaluation
/// under 青西新管办发〔2018〕146号.
#[derive(Debug, Parser)]
#[command(name = "fuhua", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web portal, the public calculator and the JSON API.
    ///
    /// With no configuration it listens on 127.0.0.1:8080. The calculator at / and
    /// the endpoints under /api/v1/calc need no login and write nothing.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "FUHUA_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Directory for the platform's data; created when missing.
    #[arg(long, env = "FUHUA_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("FUHUA_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fuhua: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    std::fs::create_dir_all(&args.data_dir).map_err(|e| {
        format!(
            "cannot create the data directory {}: {e}",
            args.data_dir.display()
        )
    })?;
    let state = AppState::new(ParameterSet::defaults(), Clock::Shanghai)
        .map_err(|e| format!("cannot load the templates: {e}"))?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {}: {e} (set FUHUA_BIND or --bind to another address)",
                args.bind
            )
        })?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%address, data_dir = %args.data_dir.display(), "Fuhua is serving on http://{address}/");
    fuhua_portal::serve(listener, state, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
