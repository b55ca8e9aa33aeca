//! `fuhua` — the one binary of the platform: serve, migrate, demo, user add, audit
//! verify, mail send, import tenants.

mod import;

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use fuhua_demo::{self as demo, LoadOutcome};
use fuhua_portal::{AppState, Clock};
use fuhua_service::accounts::{self, UserRequest};
use fuhua_service::actor::Actor as User;
use fuhua_service::{Actor, Broken, Checkpoint, Settings, System};
use fuhua_store::Store;
use tracing_subscriber::EnvFilter;

mod remind;
mod settle;

/// Fuhua (孵化): the platform the West Coast New Area runs its entrepreneurship
/// carriers on — accreditation, rent waivers, tiered awards and operator evaluation
/// under 青西新管办发〔2018〕146号.
#[derive(Debug, Parser)]
#[command(name = "fuhua", version, about, long_about = None, after_help = DATA_KEY_HELP)]
struct Cli {
    #[command(flatten)]
    data: DataArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data key comes from; never the command line, which a process list shows.
const DATA_KEY_HELP: &str = "The data key (32 bytes, base64) that encrypts resident IDs and phone numbers and keys the audit chain comes only from FUHUA_DATA_KEY in the environment, or for the embedded database from data.key in the data directory (generated on first start). It is required with PostgreSQL.";

/// `Debug` hides the password of the database URL.
#[derive(Args)]
struct DataArgs {
    /// PostgreSQL URL for production (postgres://…); without it Fuhua uses the
    /// embedded SQLite file fuhua.db in the data directory. Give a URL with a
    /// password through the environment: a process list shows the command line.
    #[arg(
        long,
        global = true,
        env = "FUHUA_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Directory for the embedded database and its key file; created when missing.
    #[arg(long, global = true, env = "FUHUA_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Act as this user (an active account): changes are recorded under it, and
    /// `import` and `settle` are checked against its roles and scope as when it is
    /// signed in (default: the actor system:cli, for every carrier).
    #[arg(long = "as", global = true, value_name = "USERNAME")]
    as_user: Option<String>,
}

impl std::fmt::Debug for DataArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataArgs")
            .field(
                "database_url",
                &self
                    .database_url
                    .as_deref()
                    .map(fuhua_service::system::redact_url),
            )
            .field("data_dir", &self.data_dir)
            .field("as_user", &self.as_user)
            .finish()
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web portal, the public calculator and the JSON API.
    ///
    /// With no configuration it listens on 127.0.0.1:8080 over the embedded
    /// database in ./data, creating it and applying migrations at start.
    Serve(ServeArgs),
    /// Apply the database migrations that are not applied yet.
    Migrate(MigrateArgs),
    /// Load the demo district (West Coast New Area) into an empty database and print
    /// its accounts. Running it again changes nothing.
    Demo(DemoArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Send mail from the outbox.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Import records from spreadsheets.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Generate a quarter's settlement claims (one per carrier and fund source) from
    /// the ledgers of approved reliefs, once the quarter has ended. Running it again
    /// changes nothing.
    Settle(settle::SettleArgs),
    /// Enqueue the reminders due today once (windows ending, monthly reports due or
    /// overdue, settlement claims waiting); each reminder is sent once, ever.
    Remind(remind::RemindArgs),
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Then add this many more tenants over the demo's carriers (a larger district
    /// for benchmarks, e.g. 100000). Each run adds them again.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=5_000_000))]
    tenants: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Send the mail that is due now, once (FUHUA_SMTP_URL, or .eml files under
    /// the data directory's mail/ folder), and print how many were sent, failed
    /// and are left.
    Send,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "FUHUA_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// On a fresh database, load the demo district first.
    #[arg(long)]
    demo: bool,
    /// Seconds a client has to send a request's head; a stalled one is disconnected.
    #[arg(long, env = "FUHUA_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout_secs: u64,
    /// Seconds a client has to send a request's body after its head (else 408).
    #[arg(long, env = "FUHUA_BODY_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout_secs: u64,
    /// Seconds a kept-alive connection may stay idle between requests.
    #[arg(long, env = "FUHUA_IDLE_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout_secs: u64,
    /// Connections open at once; further clients wait until one closes.
    #[arg(long, env = "FUHUA_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
}

impl ServeArgs {
    fn limits(&self) -> fuhua_portal::ServerLimits {
        use std::time::Duration;
        fuhua_portal::ServerLimits {
            header_read: Duration::from_secs(self.header_timeout_secs),
            body_read: Duration::from_secs(self.body_timeout_secs),
            idle: Duration::from_secs(self.idle_timeout_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
    }
}

#[derive(Debug, Args)]
struct MigrateArgs {
    /// Only list the applied migrations.
    #[arg(long)]
    status: bool,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account (the first admin, say). The password is asked for at a
    /// prompt, or read from the first line of standard input with --password-stdin.
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
struct UserAddArgs {
    /// Login name: 3–40 lowercase letters, digits, ".", "-" or "_".
    #[arg(long)]
    username: String,
    /// The name people see.
    #[arg(long)]
    name: String,
    #[arg(long)]
    email: Option<String>,
    /// entrepreneur, operator, official, finance, evaluator or admin.
    #[arg(long, default_value = "admin")]
    role: String,
    /// Officials and finance: a jurisdiction code (370211 for the district);
    /// operators and evaluators: their organisation's credit code.
    #[arg(long)]
    scope: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the keyed hash chain and name the first broken link, if any; print
    /// the row count and the head (SEQ:HASH) to record outside the database. Exits
    /// 1 when the chain is broken.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// A head recorded earlier (SEQ:HASH, as printed): also check that the chain
    /// still holds it, so it was neither rewritten nor cut back since.
    #[arg(long, value_name = "SEQ:HASH")]
    expect: Option<Checkpoint>,
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
            eprintln!("fuhua: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("fuhua: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `FUHUA_DATA_KEY` from the environment, the only place besides the key file.
fn data_key_from_env() -> Result<Option<String>, String> {
    match std::env::var("FUHUA_DATA_KEY") {
        Ok(key) => Ok(Some(key)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err("the data key: FUHUA_DATA_KEY is not valid base64".into())
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let data_key = data_key_from_env()?;
    let settings = Settings {
        database_url: cli.data.database_url.as_deref(),
        data_dir: &cli.data.data_dir,
        data_key: data_key.as_deref(),
    };
    match cli.command {
        Command::Serve(args) => serve(&settings, cli.data.as_user.as_deref(), args).await,
        Command::Migrate(args) => migrate(&settings, args).await,
        Command::Demo(args) => {
            // The demo is seed data: written to the store where the process is put
            // together, its cases then made through the use cases.
            let store = open_store(&settings, true).await?;
            let system = System::from_store(store.clone());
            let actor = actor(&system, cli.data.as_user.as_deref()).await?;
            load_demo(&store, &actor).await?;
            if let Some(n) = args.tenants {
                add_bulk_tenants(&store, &actor, n).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Add(args)) => {
            let system = open(&settings, true).await?;
            let actor = actor(&system, cli.data.as_user.as_deref()).await?;
            add_user(&system, &actor, args).await
        }
        Command::Mail(MailCommand::Send) => {
            let store = open_store(&settings, true).await?;
            let report = fuhua_mail::send_once_from_env(&store, settings.data_dir)
                .await
                .map_err(|e| e.to_string())?;
            println_out(&report.to_string());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(import::ImportCommand::Tenants(args)) => {
            let system = open(&settings, true).await?;
            import::tenants(&system, cli.data.as_user.as_deref(), args).await
        }
        Command::Settle(args) => {
            let system = open(&settings, true).await?;
            let user = acting_user(&system, cli.data.as_user.as_deref()).await?;
            settle::run(&system, user.as_ref(), &args).await
        }
        Command::Audit(AuditCommand::Verify(args)) => {
            let system = open(&settings, false).await?;
            verify_audit(&system, args).await
        }
        Command::Remind(args) => {
            let system = open(&settings, true).await?;
            remind::remind(&system, args).await
        }
    }
}

/// `fuhua audit verify`: the scheme, the rows, the head to record; 1 when broken.
async fn verify_audit(system: &System, args: VerifyArgs) -> Result<ExitCode, String> {
    let verification = system
        .verify_audit(args.expect.as_ref())
        .await
        .map_err(|e| e.to_string())?;
    println_out(&format!("scheme: {}", verification.scheme));
    match verification.broken {
        None => {
            println_out(&format!(
                "audit chain intact: {} rows checked",
                verification.rows
            ));
            if let Some(expected) = &args.expect {
                println_out(&format!("recorded head {expected} is in the chain"));
            }
            println_out(&format!(
                "head: {} (record it outside the database; check later with --expect)",
                verification.head()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            eprintln!(
                "fuhua: audit chain BROKEN after checking {} rows: {broken}",
                verification.rows
            );
            if broken == (Broken::Edited { seq: 1 }) {
                eprintln!(
                    "fuhua: a break at row seq 1 may also mean that this is not the data key the chain was written with (FUHUA_DATA_KEY, or data.key in the data directory)"
                );
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints a result line to standard output (the command's answer, not a log).
#[allow(clippy::print_stdout)]
pub(crate) fn println_out(line: &str) {
    println!("{line}");
}

async fn open(settings: &Settings<'_>, migrate: bool) -> Result<System, String> {
    System::open(settings, migrate)
        .await
        .map_err(|e| e.to_string())
}

async fn open_store(settings: &Settings<'_>, migrate: bool) -> Result<Store, String> {
    fuhua_service::open_store(settings, migrate)
        .await
        .map_err(|e| e.to_string())
}

/// The user named by --as, with the roles and scopes of the account (an active
/// one), acting as when signed in; `None` without --as.
pub(crate) async fn acting_user(
    system: &System,
    as_user: Option<&str>,
) -> Result<Option<User>, String> {
    let Some(name) = as_user else {
        return Ok(None);
    };
    fuhua_service::auth::actor_for_username(system, name)
        .await
        .map_err(|e| e.to_string())?
        .map(Some)
        .ok_or_else(|| format!("--as {name}: there is no such active user"))
}

/// The name audit rows record for command-line changes: the --as user (an active
/// account) or system:cli.
async fn actor(system: &System, as_user: Option<&str>) -> Result<Actor, String> {
    Ok(acting_user(system, as_user)
        .await?
        .map_or_else(Actor::cli, |user| user.audit_actor()))
}

async fn migrate(settings: &Settings<'_>, args: MigrateArgs) -> Result<ExitCode, String> {
    let system = open(settings, !args.status).await?;
    let applied = system
        .applied_migrations()
        .await
        .map_err(|e| e.to_string())?;
    for name in &applied {
        println_out(name);
    }
    println_out(&format!(
        "{} migrations applied on {}",
        applied.len(),
        system.backend()
    ));
    Ok(ExitCode::SUCCESS)
}

async fn load_demo(store: &Store, actor: &Actor) -> Result<(), String> {
    let today = fuhua_core::dates::shanghai_today();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len}") {
        bar.set_style(style);
    }
    let progress = |step: &str, done: u64, total: u64| {
        bar.set_message(step.to_owned());
        bar.set_length(total);
        bar.set_position(done);
    };
    let outcome = demo::load(store, actor, today, &progress)
        .await
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    match outcome {
        LoadOutcome::AlreadyLoaded => {
            println_out("the demo district is already loaded; nothing changed")
        }
        LoadOutcome::Loaded { counts } => {
            println_out("loaded the demo district (西海岸新区):");
            for (what, n) in counts {
                println_out(&format!("  {what:<28} {n}"));
            }
        }
    }
    println_out(
        "demo accounts (these exist only in demo databases; an administrator created before the demo keeps its own password):",
    );
    for account in demo::demo_accounts() {
        println_out(&format!(
            "  {:<16} {:<26} role {:<12} {}",
            account.username,
            account.password,
            account.role.as_str(),
            account.display_name
        ));
    }
    Ok(())
}

/// `fuhua demo --tenants N`: N more tenants, with a progress bar.
async fn add_bulk_tenants(store: &Store, actor: &Actor, n: u64) -> Result<(), String> {
    let bar = indicatif::ProgressBar::new(n);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("tenants [{bar:30}] {pos}/{len}") {
        bar.set_style(style);
    }
    let today = fuhua_core::dates::shanghai_today();
    let added = demo::bulk::add_tenants(store, actor, n, today, &|done, _| bar.set_position(done))
        .await
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    println_out(&format!(
        "added {added} tenants to the demo district's carriers"
    ));
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err("no terminal to ask for the password; pipe it in with --password-stdin".into());
    }
    let first = rpassword::prompt_password("password: ").map_err(|e| e.to_string())?;
    let again = rpassword::prompt_password("password again: ").map_err(|e| e.to_string())?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

async fn add_user(system: &System, actor: &Actor, args: UserAddArgs) -> Result<ExitCode, String> {
    let password = read_password(args.password_stdin)?;
    let request = UserRequest {
        username: args.username,
        display_name: args.name,
        email: args.email,
        password,
        role: args.role,
        scope: args.scope,
    };
    let user = accounts::add_user(system, actor, &request)
        .await
        .map_err(|e| e.to_string())?;
    println_out(&format!(
        "created user {} ({}) with role {}",
        user.username, user.display_name, request.role
    ));
    Ok(ExitCode::SUCCESS)
}

async fn serve(
    settings: &Settings<'_>,
    as_user: Option<&str>,
    args: ServeArgs,
) -> Result<ExitCode, String> {
    // The store goes to the use cases (through the System), the demo's seeding and
    // the outbox sender.
    let store = open_store(settings, true).await?;
    let system = System::from_store(store.clone());
    if args.demo {
        let actor = actor(&system, as_user).await?;
        load_demo(&store, &actor).await?;
    }
    let params = system.parameters().await.map_err(|e| e.to_string())?;
    let backend = system.backend();
    let system_for_jobs = system.clone();
    let portal = fuhua_portal::PortalSettings::from_env().map_err(|e| e.to_string())?;
    let state = AppState::with_system_settings(params, Clock::Shanghai, system, portal)
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
    let reminders = fuhua_service::reminders::job::spawn(
        system_for_jobs,
        format!(
            "serve-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        ),
        std::time::Duration::from_secs(600),
        fuhua_core::dates::shanghai_today,
    );
    let mail = fuhua_mail::spawn_from_env(store, settings.data_dir).map_err(|e| e.to_string())?;
    tracing::info!(%address, database = backend, "Fuhua is serving on http://{address}/");
    fuhua_portal::server::run(listener, state, args.limits(), shutdown_signal()).await;
    mail.stop().await;
    reminders.stop().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
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
