//! The daily reminder job inside `fuhua serve`: every `interval` each server tries
//! to lease the job in the database (`job_leases`); the one that gets the lease,
//! on a day the job has not run yet, runs [`super::run`] and marks the day done.
//! So with several servers on one database the job runs once a day, on one of
//! them; and should two runs ever overlap, each reminder is still sent once (its
//! unique key).

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use fuhua_store::repo::reminders as repo;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{JOB, RunReport, run};
use crate::System;
use crate::error::ServiceResult;

/// How long a server holds the lease while it runs the job.
const LEASE: chrono::Duration = chrono::Duration::minutes(30);

/// One attempt: runs the job when this `holder` gets the lease for `today`.
/// Returns `None` when another server holds it or the job already ran today.
pub async fn run_if_due(
    system: &System,
    holder: &str,
    today: NaiveDate,
) -> ServiceResult<Option<RunReport>> {
    let store = system.store();
    if !repo::lease_daily_job(store, JOB, holder, today, Utc::now(), LEASE).await? {
        return Ok(None);
    }
    match run(system, today).await {
        Ok(report) => {
            repo::finish_daily_job(store, JOB, holder, today).await?;
            Ok(Some(report))
        }
        Err(error) => {
            repo::release_job(store, JOB, holder).await?;
            Err(error)
        }
    }
}

/// The running job loop of [`spawn`]; [`JobHandle::stop`] ends it.
#[derive(Debug)]
pub struct JobHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl JobHandle {
    /// Asks the loop to stop and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the loop on the current Tokio runtime: an attempt now, then every
/// `interval`; `today` gives the day in Asia/Shanghai.
pub fn spawn(
    system: System,
    holder: String,
    interval: Duration,
    today: fn() -> NaiveDate,
) -> JobHandle {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        loop {
            match run_if_due(&system, &holder, today()).await {
                Ok(Some(report)) => tracing::info!(%report, "reminders sent"),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "reminder run failed; trying again later"),
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = stopped.wait_for(|stop| *stop) => break,
            }
        }
    });
    JobHandle { stop, task }
}
