//! What the district's carriers and funds have on record: monthly reports, fund
//! sources and their yearly appropriations.

use fuhua_store::repo::{reference, tenants};
use fuhua_store::{StoreError, Write};
use serde_json::json;

use super::Context;
use super::keys::{Ids, id_of, on_day, user_of};

/// Monthly reports (SPEC §4), January of last year to last month.
pub(super) async fn monthly_reports(
    w: &Write,
    cx: &Context<'_>,
    ids: &mut Ids,
) -> Result<(), StoreError> {
    const STEP: &str = "monthly reports";
    let all = &cx.district.monthly_reports;
    for (index, report) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let decider = user_of(ids, report.decided_by.as_deref())?;
        let accepted = report.state == fuhua_waiver::MonthlyReportState::Accepted;
        let returned = report.state == fuhua_waiver::MonthlyReportState::Returned;
        let mut data = json!({
            "tenants": report.tenants,
            "jobs": report.jobs,
            "move_ins": report.move_ins,
            "move_outs": report.move_outs,
            "return_reason": report.return_reason,
        });
        // The schema records who accepted a report; who returned it, and when,
        // goes with the reason.
        if returned && let Some(object) = data.as_object_mut() {
            object.insert("returned_on".into(), json!(report.decided_on));
            object.insert("returned_by".into(), json!(decider));
        }
        tenants::add_monthly_report(
            w,
            &tenants::NewMonthlyReport {
                carrier_id: id_of(&ids.carriers, "carrier", &report.carrier)?,
                period: report.period.clone(),
                due_on: report.due_on,
                state: report.state.as_str().to_owned(),
                submitted_at: report.submitted_on.map(on_day),
                late: report.late,
                accepted_at: report.decided_on.filter(|_| accepted).map(on_day),
                accepted_by: decider.filter(|_| accepted),
                data,
            },
        )
        .await?;
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// Fund sources and their yearly appropriations (SPEC §3 fund sources).
pub(super) async fn funds(w: &Write, cx: &Context<'_>, ids: &mut Ids) -> Result<(), StoreError> {
    const STEP: &str = "funds";
    let sources = &cx.district.fund_sources;
    let appropriations = &cx.district.appropriations;
    let total = sources.len() + appropriations.len();
    for (index, source) in sources.iter().enumerate() {
        cx.tick(STEP, index, total);
        let stored = reference::add_fund_source(
            w,
            &reference::NewFundSource {
                key: source.code.clone(),
                kind: source.kind,
                name: source.name.clone(),
                jurisdiction_id: Some(id_of(
                    &ids.jurisdictions,
                    "jurisdiction",
                    &source.jurisdiction,
                )?),
            },
        )
        .await?;
        ids.fund_sources.insert(source.code.clone(), stored.id);
    }
    for (index, a) in appropriations.iter().enumerate() {
        cx.tick(STEP, sources.len() + index, total);
        let stored = reference::add_appropriation(
            w,
            &reference::NewAppropriation {
                fund_source_id: id_of(&ids.fund_sources, "fund source", &a.fund_source)?,
                year: a.year,
                amount: a.amount,
            },
        )
        .await?;
        ids.appropriations
            .insert((a.fund_source.clone(), a.year), stored.id);
    }
    cx.tick(STEP, total, total);
    Ok(())
}
