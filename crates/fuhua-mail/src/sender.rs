//! The outbox sender (SPEC §6): claims due mails with a lease, renders them,
//! delivers them and records the outcome. A mail is marked sent only by the sender
//! that holds its lease, so two servers on one database never send one mail twice
//! (within the lease). A failed delivery is retried with the store's exponential
//! backoff until `MAX_ATTEMPTS`; a mail that cannot ever go out (unknown template,
//! a context that does not fit it, an address that does not parse) is marked
//! `failed` at once.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::{DateTime, Utc};
use fuhua_core::lang::Lang;
use fuhua_store::Store;
use fuhua_store::outbox::{self, Claimed, MAX_ATTEMPTS, Mail};
use lettre::Message;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::MailError;
use crate::message;
use crate::settings::MailSettings;
use crate::templates::Templates;
use crate::transport::Transport;

/// At most this many claims in one pass, so a pass always ends.
const MAX_BATCHES_PER_PASS: usize = 1000;

/// Renders and delivers mail under one sender identity (the lease holder's name).
#[derive(Debug)]
pub struct Mailer {
    settings: MailSettings,
    templates: Templates,
    transport: Transport,
    worker: String,
}

impl Mailer {
    /// Compiles the templates and builds the transport. Must be called inside a
    /// Tokio runtime. Each `Mailer` is its own sender: its worker name is unique.
    pub fn new(settings: MailSettings) -> Result<Mailer, MailError> {
        let templates = Templates::new(&settings.public_url)?;
        let transport = Transport::new(&settings.delivery, settings.smtp_timeout)?;
        let worker = format!(
            "mail-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        );
        Ok(Mailer {
            settings,
            templates,
            transport,
            worker,
        })
    }

    /// The name this sender claims mail under.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    pub fn settings(&self) -> &MailSettings {
        &self.settings
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The message an outbox mail becomes: rendered in its language (Chinese when
    /// the stored tag is not one Fuhua speaks), addressed to `to_address` with the
    /// context's `recipient_name` as display name.
    pub fn compose(&self, mail: &Mail) -> Result<Message, MailError> {
        let lang = Lang::from_code(&mail.lang).unwrap_or_default();
        let rendered = self.templates.render(&mail.template, lang, &mail.context)?;
        let name = mail.context.get("recipient_name").and_then(|v| v.as_str());
        let to = message::recipient(&mail.to_address, name)?;
        message::build(&self.settings.from, to, &rendered)
    }

    /// Composes and delivers one mail, outside the outbox (no retry, no record).
    pub async fn deliver(&self, mail: &Mail) -> Result<(), MailError> {
        let message = self.compose(mail)?;
        self.transport.prepare().await?;
        self.transport.send(message).await
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Mails claimed (leased) in this pass.
    pub claimed: usize,
    /// Delivered and marked sent.
    pub sent: usize,
    /// Not delivered; tried again after the backoff.
    pub retrying: usize,
    /// Not delivered and given up: marked `failed`.
    pub failed: usize,
    /// Delivered, but the lease had passed to another sender before it was marked.
    pub lost_lease: usize,
    /// Claimed but not tried (the pass stopped); they return when the lease ends.
    pub deferred: usize,
    /// Mails still pending after the pass (due later, or leased elsewhere).
    pub left: i64,
}

impl fmt::Display for SendReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sent {}, failed {} (will retry {}, given up {}), left pending {}",
            self.sent,
            self.retrying + self.failed,
            self.retrying,
            self.failed,
            self.left
        )
    }
}

/// One pass: claims due mails batch by batch until none is due, delivering each.
/// `now` is the earliest time the pass acts at (due-ness, leases, backoff are
/// computed from the later of `now` and the clock): the loop passes the clock's
/// time, a test may pass a later time to skip a backoff.
///
/// Errors only for the database; each mail's own failure is recorded on its row.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<SendReport, MailError> {
    send_pass(store, mailer, now, &|| false).await
}

async fn send_pass(
    store: &Store,
    mailer: &Mailer,
    now: DateTime<Utc>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<SendReport, MailError> {
    let mut report = SendReport::default();
    let worker = mailer.worker();
    let lease = chrono::Duration::from_std(mailer.settings.lease)
        .unwrap_or_else(|_| chrono::Duration::minutes(5));
    let at = || now.max(Utc::now());
    for _ in 0..MAX_BATCHES_PER_PASS {
        if stop() {
            break;
        }
        let claimed = outbox::claim(store, worker, mailer.settings.batch, lease, at()).await?;
        if claimed.is_empty() {
            break;
        }
        report.claimed += claimed.len();
        let started = Instant::now();
        for mail in &claimed {
            // Past half the lease another sender could take the rest: leave them.
            if stop() || started.elapsed() > mailer.settings.lease / 2 {
                report.deferred += 1;
                continue;
            }
            record(
                store,
                mailer,
                mail,
                attempt(mailer, mail).await,
                at(),
                &mut report,
            )
            .await?;
        }
    }
    report.left = outbox::count(store, "pending").await?;
    Ok(report)
}

async fn attempt(mailer: &Mailer, claimed: &Claimed) -> Result<(), MailError> {
    let message = mailer.compose(&claimed.mail)?;
    mailer.transport.prepare().await?;
    mailer.transport.send(message).await
}

/// Writes the outcome of one delivery on its row. Logs name the row and the
/// template, never the address or the context.
async fn record(
    store: &Store,
    mailer: &Mailer,
    claimed: &Claimed,
    outcome: Result<(), MailError>,
    at: DateTime<Utc>,
    report: &mut SendReport,
) -> Result<(), MailError> {
    let worker = mailer.worker();
    let template = claimed.mail.template.as_str();
    match outcome {
        Ok(()) => {
            if outbox::mark_sent(store, claimed.id, worker, at).await? {
                report.sent += 1;
                tracing::info!(mail = claimed.id, template, "mail sent");
            } else {
                report.lost_lease += 1;
                tracing::warn!(
                    mail = claimed.id,
                    template,
                    "mail delivered after its lease passed to another sender"
                );
            }
        }
        Err(error) if error.is_permanent() => {
            outbox::mark_undeliverable(store, claimed.id, worker, &error.to_string(), at).await?;
            report.failed += 1;
            tracing::error!(mail = claimed.id, template, %error, "mail cannot be sent; marked failed");
        }
        Err(error) => {
            outbox::mark_failed(store, claimed, worker, &error.to_string(), at).await?;
            if claimed.attempts >= MAX_ATTEMPTS {
                report.failed += 1;
                tracing::error!(
                    mail = claimed.id,
                    template,
                    attempts = claimed.attempts,
                    "mail not delivered after the last attempt; marked failed"
                );
            } else {
                report.retrying += 1;
                tracing::warn!(
                    mail = claimed.id,
                    template,
                    attempts = claimed.attempts,
                    "mail not delivered; will retry"
                );
            }
        }
    }
    Ok(())
}

/// Runs passes every `settings.interval` until `shutdown` completes. A pass under
/// way when it does stops before its next mail (mails it had claimed come back when
/// their lease ends); then the function returns.
pub async fn run_sender<F>(store: Store, mailer: Mailer, shutdown: F)
where
    F: Future<Output = ()> + Send,
{
    tracing::info!(
        delivery = ?mailer.settings.delivery,
        worker = mailer.worker(),
        "mail sender started"
    );
    let stopping = AtomicBool::new(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let stop = || stopping.load(Ordering::Relaxed);
    loop {
        let pass = send_pass(&store, &mailer, Utc::now(), &stop);
        let mut pass = std::pin::pin!(pass);
        let outcome = tokio::select! {
            outcome = &mut pass => outcome,
            () = &mut shutdown => {
                stopping.store(true, Ordering::Relaxed);
                pass.await
            }
        };
        match outcome {
            Ok(report) if report.claimed > 0 => tracing::info!(%report, "mail pass"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "mail pass failed; trying again later"),
        }
        if stopping.load(Ordering::Relaxed) {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(mailer.settings.interval) => {}
            () = &mut shutdown => break,
        }
    }
    tracing::info!("mail sender stopped");
}

/// The running sender loop of [`spawn_sender`]. Dropping it stops the loop too.
#[derive(Debug)]
pub struct SenderHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SenderHandle {
    /// Asks the loop to stop and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the sender loop on the current Tokio runtime (as `fuhua serve` does).
pub fn spawn_sender(store: Store, settings: MailSettings) -> Result<SenderHandle, MailError> {
    let mailer = Mailer::new(settings)?;
    let (stop, mut stopped) = watch::channel(false);
    let shutdown = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let task = tokio::spawn(run_sender(store, mailer, shutdown));
    Ok(SenderHandle { stop, task })
}

/// [`spawn_sender`] with the settings from the environment (`FUHUA_SMTP_URL`,
/// `FUHUA_MAIL_FROM`, `FUHUA_PUBLIC_URL`) and `.eml` files under `data_dir`.
pub fn spawn_from_env(store: Store, data_dir: &Path) -> Result<SenderHandle, MailError> {
    spawn_sender(store, MailSettings::from_env(data_dir)?)
}

/// One pass with the settings from the environment (`fuhua mail send`).
pub async fn send_once_from_env(store: &Store, data_dir: &Path) -> Result<SendReport, MailError> {
    let mailer = Mailer::new(MailSettings::from_env(data_dir)?)?;
    send_due(store, &mailer, Utc::now()).await
}
