//! Award cases (SPEC §4) with their steps, budget reservations and payments, each
//! with its decision trace recomputed by fuhua-awards: the district's award history,
//! written through the repositories in one transaction of its own once finance has
//! recorded the appropriations it draws on.

use chrono::Datelike;
use fuhua_awards::{
    AreaRequest, AwardCaseState, LadderRequest, PaidStep, Programme, StepLevel, area, ladder,
};
use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::{AreaKind, Level};
use fuhua_core::{Clause, ParameterSet, Trace};
use fuhua_store::repo::{self, awards, reference};
use fuhua_store::{Actor, Store, StoreError, Write};

use super::keys::{self, Ids, id_of, on_day, user_of};
use super::{Context, rolled_back};
use crate::DemoError;
use crate::model::{AwardCase, AwardSubject, DemoDistrict};

/// Writes the award history as `actor` in one transaction, unless award cases are
/// on record already (nothing is written then).
pub(super) async fn write_awards(
    store: &Store,
    actor: &Actor,
    district: &DemoDistrict,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<(), DemoError> {
    if repo::count(store, "award_cases").await? > 0 {
        return Ok(());
    }
    let params = reference::load_parameters(store).await?;
    let mut ids = keys::resolve(store, district).await?;
    let hashes = std::collections::HashMap::new();
    let cx = Context {
        district,
        params: &params,
        hashes: &hashes,
        progress,
    };
    let w = store.write(actor).await?;
    match award_cases(&w, &cx, &mut ids).await {
        Ok(()) => w.commit().await?,
        // Answers the error, after rolling back.
        Err(e) => {
            rolled_back(w, Err(e)).await?;
        }
    }
    Ok(())
}

/// Award cases with their steps, the payments of paid cases and the budget
/// reservations of approved and paid ones.
pub(super) async fn award_cases(
    w: &Write,
    cx: &Context<'_>,
    ids: &mut Ids,
) -> Result<(), StoreError> {
    const STEP: &str = "award cases";
    let all = &cx.district.award_cases;
    for (index, case) in all.iter().enumerate() {
        cx.tick(STEP, index, all.len());
        let (carrier_id, jurisdiction_id) = match &case.subject {
            AwardSubject::Carrier { code } => (Some(id_of(&ids.carriers, "carrier", code)?), None),
            AwardSubject::Area { jurisdiction } => (
                None,
                Some(id_of(&ids.jurisdictions, "jurisdiction", jurisdiction)?),
            ),
        };
        let accreditation_record_id = case
            .certificate_no
            .as_deref()
            .map(|no| id_of(&ids.records, "certificate", no))
            .transpose()?;
        let fund_source_code = case.funding_source.as_str();
        let fund_source_id = id_of(&ids.fund_sources, "fund source", fund_source_code)?;
        let mut steps = Vec::with_capacity(case.steps.len());
        for step in &case.steps {
            steps.push(awards::NewAwardStep {
                step_key: step_key(carrier_id, jurisdiction_id, step.level)?,
                level: step.level.as_str().to_owned(),
                cap: step.cap,
                amount: step.amount,
            });
        }
        let approved_by = user_of(ids, case.approved_by.as_deref())?;
        let stored = awards::add_award_case(
            w,
            &awards::NewAwardCase {
                programme: case.programme.as_str().to_owned(),
                carrier_id,
                jurisdiction_id,
                accreditation_record_id,
                new_level: case.new_level,
                area_kind: case.area_kind,
                state: case.state.as_str().to_owned(),
                total: case.total,
                fund_source_id: Some(fund_source_id),
                decision: award_trace(cx.district, case, cx.params),
                // SPEC §4 maker–checker: two different officials (the repository
                // refuses the same one twice).
                reviewed_by: user_of(ids, case.reviewed_by.as_deref())?,
                reviewed_at: case.reviewed_on.map(on_day),
                approved_by,
                approved_at: case.approved_on.map(on_day),
                closing_reason: case.closed_reason.clone(),
                created_by: user_of(ids, Some(&case.computed_by))?,
                steps,
            },
        )
        .await?;

        // R-AWARD-BUDGET: approval reserves the total on the appropriation of the
        // fund source for the year of approval.
        if matches!(case.state, AwardCaseState::Approved | AwardCaseState::Paid) {
            let approved_on = case.approved_on.ok_or_else(|| {
                StoreError::Invalid(format!("award case {} has no approval date", case.number))
            })?;
            let year = approved_on.year();
            let appropriation_id = ids
                .appropriations
                .get(&(fund_source_code.to_owned(), year))
                .copied()
                .ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "award case {}: fund source {fund_source_code} has no appropriation for {year}",
                        case.number
                    ))
                })?;
            awards::reserve(
                w,
                &awards::NewReservation {
                    appropriation_id,
                    award_case_id: Some(stored.id),
                    claim_id: None,
                    amount: case.total,
                    override_reason: None,
                    reserved_by: approved_by,
                },
            )
            .await?;
        }

        // SPEC §3/§4: a paid case records each step's payment, with its voucher;
        // a step is paid at most once per carrier, ever (UNIQUE step_key).
        if case.state == AwardCaseState::Paid {
            let (Some(paid_on), Some(voucher_no)) = (case.paid_on, case.voucher_no.as_deref())
            else {
                return Err(StoreError::Invalid(format!(
                    "paid award case {} has no payment date or voucher",
                    case.number
                )));
            };
            let paid_by = user_of(ids, case.paid_by.as_deref())?;
            for step in &stored.steps {
                awards::record_payment(
                    w,
                    &awards::NewPayment {
                        award_step_id: step.id,
                        step_key: step.step_key.clone(),
                        amount: step.amount,
                        paid_on,
                        voucher_no: voucher_no.to_owned(),
                        paid_by,
                    },
                )
                .await?;
            }
        }
    }
    cx.tick(STEP, all.len(), all.len());
    Ok(())
}

/// The ladder level of a step, if it is a ladder step.
fn ladder_level(step: StepLevel) -> Option<Level> {
    match step {
        StepLevel::Municipal => Some(Level::Municipal),
        StepLevel::Provincial => Some(Level::Provincial),
        StepLevel::National => Some(Level::National),
        StepLevel::District | StepLevel::StreetTown => None,
    }
}

/// The area kind of a step, if it is an area award.
fn area_kind(step: StepLevel) -> Option<AreaKind> {
    match step {
        StepLevel::District => Some(AreaKind::District),
        StepLevel::StreetTown => Some(AreaKind::StreetTown),
        StepLevel::Municipal | StepLevel::Provincial | StepLevel::National => None,
    }
}

/// The step key of a step, built from DATABASE ids: `ladder:<carrier id>:<level>`
/// (R-AWARD-LADDER) or `area:<jurisdiction id>:<kind>` (R-AWARD-AREA).
fn step_key(
    carrier_id: Option<i64>,
    jurisdiction_id: Option<i64>,
    step: StepLevel,
) -> Result<String, StoreError> {
    if let (Some(level), Some(carrier)) = (ladder_level(step), carrier_id) {
        return Ok(awards::ladder_step_key(carrier, level));
    }
    if let (Some(kind), Some(jurisdiction)) = (area_kind(step), jurisdiction_id) {
        return Ok(awards::area_step_key(jurisdiction, kind));
    }
    Err(StoreError::Invalid(format!(
        "award step {} does not fit the subject of its case",
        step.as_str()
    )))
}

/// The amount an official set for a step when it is below the step's cap (the
/// rules take the cap when none is given).
fn set_amount(case: &AwardCase, level: StepLevel) -> Option<fuhua_core::Money> {
    case.steps
        .iter()
        .find(|s| s.level == level && s.amount != s.cap)
        .map(|s| s.amount)
}

/// The ladder steps the case's carrier was paid before this case: the steps of its
/// paid ladder cases at lower levels (R-AWARD-LADDER "差额阶梯奖补").
fn paid_before(district: &DemoDistrict, case: &AwardCase) -> Vec<PaidStep> {
    district
        .award_cases
        .iter()
        .filter(|c| {
            c.state == AwardCaseState::Paid
                && c.programme == Programme::Ladder
                && c.subject == case.subject
                && c.new_level < case.new_level
        })
        .flat_map(|c| c.steps.iter())
        .filter_map(|s| {
            Some(PaidStep {
                level: ladder_level(s.level)?,
                amount: s.amount,
            })
        })
        .collect()
}

/// The decision trace of a case: recomputed with fuhua-awards and the parameters in
/// force on the case's reference date (SPEC §3 "Parameters": for awards, the
/// accreditation or creation date); when that does not give the plan's amounts, a
/// step saying what was recorded and why.
pub(super) fn award_trace(
    district: &DemoDistrict,
    case: &AwardCase,
    params: &ParameterSet,
) -> Trace {
    let at = params.at(case.reference_date);
    let recomputed = match (case.programme, case.new_level, case.area_kind) {
        (Programme::Ladder, Some(new_level), _) => ladder(
            &LadderRequest {
                paid_steps: paid_before(district, case),
                new_level,
                municipal_amount: set_amount(case, StepLevel::Municipal),
            },
            &at,
        )
        .ok(),
        (Programme::Area, _, Some(kind)) => area(
            &AreaRequest {
                area_kind: kind,
                amount: set_amount(case, StepLevel::from(kind)),
                already_paid: None,
            },
            &at,
        )
        .ok(),
        _ => None,
    };
    match recomputed {
        Some(decision)
            if decision.value.steps == case.steps && decision.value.total == case.total =>
        {
            decision.trace
        }
        _ => {
            let (rule, clause): (&'static str, &Clause) = match case.programme {
                Programme::Ladder => (rules::AWARD_LADDER, &clauses::LADDER),
                Programme::Area => (rules::AWARD_AREA, &clauses::AREA),
                Programme::Operating => (rules::AWARD_OPERATING, &clauses::OPERATING),
                Programme::KeyGroupSettlement => {
                    (rules::AWARD_KEYGROUP, &clauses::KEY_GROUP_FUNDING)
                }
            };
            let mut trace = Trace::new();
            trace.step(
                rule,
                clause,
                format!(
                    "演示数据：本案按演示计划记录，共{}项，合计{}元（依据{}有效的参数计算）",
                    case.steps.len(),
                    case.total,
                    case.reference_date
                ),
                format!(
                    "Demo data: recorded as planned, {} step(s) totalling {} yuan \
                     (computed with the parameters in force on {})",
                    case.steps.len(),
                    case.total,
                    case.reference_date
                ),
            );
            trace
        }
    }
}
