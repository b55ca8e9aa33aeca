//! The monthly reports (SPEC §4 "monthly report"), made through the use cases: the
//! carrier's operator files each month on the day the plan says
//! (`reports::file` with that day as its "today", so a report filed after its
//! deadline is marked late by the rule itself), then the official the plan names
//! accepts it, or returns it with its reason (`reports::decide`). A month the plan
//! leaves unfiled has no report; a filed one the plan leaves undecided waits for an
//! official. A report on record already is taken from where it stands.

use super::steps::Seeding;
use fuhua_service::reports::{self, Decision, FiguresForm};
use fuhua_store::repo::reports as repo;
use fuhua_waiver::MonthlyReportState;

use super::keys::{Ids, id_of};
use super::steps::{Users, failed};
use crate::DemoError;
use crate::model::{DemoDistrict, MonthlyReport};

const STEP: &str = "monthly reports";

/// The filing form with the planned figures, as an operator would type them.
fn form(report: &MonthlyReport) -> FiguresForm {
    FiguresForm {
        tenants: report.tenants.to_string(),
        jobs: report.jobs.to_string(),
        service_events: report.service_events.to_string(),
        financing_raised: report.financing_raised.to_string(),
        exits: report.move_outs.to_string(),
    }
}

pub(super) async fn make(
    system: &Seeding,
    users: &mut Users<'_>,
    district: &DemoDistrict,
    ids: &Ids,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<(), DemoError> {
    let store = system.store();
    let all = &district.monthly_reports;
    let total = all.len() as u64;
    for (index, report) in all.iter().enumerate() {
        progress(STEP, index as u64, total);
        let Some(filed_on) = report.submitted_on else {
            continue;
        };
        let what = format!("the {} report of {}", report.period, report.carrier);
        let carrier_id = id_of(&ids.carriers, "carrier", &report.carrier)?;
        let month = reports::parse_month(&report.period).map_err(failed(what.clone()))?;
        let stored = match repo::report_of_period(store, carrier_id, &report.period).await? {
            Some(stored) => stored,
            None => {
                let operator =
                    district
                        .operator_of(&report.carrier)
                        .ok_or_else(|| DemoError::Missing {
                            what: format!("the operator of {}", report.carrier),
                        })?;
                let operator = users.get(operator).await?;
                let id = reports::file(
                    system,
                    &operator,
                    carrier_id,
                    month,
                    &form(report),
                    None,
                    filed_on,
                )
                .await
                .map_err(failed(format!("filing {what}")))?;
                repo::find_report(store, id)
                    .await?
                    .ok_or_else(|| DemoError::Missing {
                        what: format!("{what}, just filed"),
                    })?
            }
        };
        let decision = match report.state {
            MonthlyReportState::Accepted => Decision::Accept,
            MonthlyReportState::Returned => {
                Decision::Return(report.return_reason.clone().unwrap_or_default())
            }
            MonthlyReportState::Due | MonthlyReportState::Submitted => continue,
        };
        if stored.state != MonthlyReportState::Submitted {
            continue;
        }
        let Some(official) = report.decided_by.as_deref() else {
            continue;
        };
        let official = users.get(official).await?;
        reports::decide(system, &official, stored.id, stored.version, &decision)
            .await
            .map_err(failed(format!("deciding {what}")))?;
    }
    progress(STEP, total, total);
    Ok(())
}
