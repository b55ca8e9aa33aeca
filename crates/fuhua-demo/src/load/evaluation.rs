//! Last year's evaluation round (R-EVAL): scheme, round, assignments, self-reports,
//! verifications and results, each result with its trace from fuhua-evaluation.

use fuhua_core::Trace;
use fuhua_core::clauses::{self, rules};
use fuhua_evaluation::{Scheme, evaluate};
use fuhua_store::repo::evaluation;
use fuhua_store::{StoreError, Write};
use serde_json::{Value, json};

use super::Context;
use super::keys::{Ids, id_of, int, on_day, user_of};
use crate::accounts::{Role, Scope};
use crate::model::EvaluationEntry;

/// Last year's evaluation round (R-EVAL) with its scheme, assignments,
/// self-reports, verifications and results.
pub(super) async fn evaluation_round(
    w: &Write,
    cx: &Context<'_>,
    ids: &mut Ids,
) -> Result<(), StoreError> {
    const STEP: &str = "evaluation round";
    let round = &cx.district.evaluation_round;
    let total = round.entries.len();
    cx.tick(STEP, 0, total);
    let scheme = Scheme::qx_default();
    if round.scheme != scheme.key || round.scheme_version != scheme.version {
        return Err(StoreError::Invalid(format!(
            "the demo round uses scheme {} v{}, the loader knows {} v{}",
            round.scheme, round.scheme_version, scheme.key, scheme.version
        )));
    }
    let version = i32::try_from(scheme.version)
        .map_err(|_| StoreError::Invalid("the scheme version is too large".into()))?;
    let stored_scheme =
        evaluation::add_scheme(w, &scheme.key, version, serde_json::to_value(&scheme)?).await?;
    let stored_round = evaluation::add_round(
        w,
        &evaluation::NewRound {
            name: round.name.clone(),
            scheme_id: stored_scheme.id,
            period_start: round.period_start,
            period_end: round.period_end,
            state: round.state.as_str().to_owned(),
            opened_by: user_of(ids, Some(&round.opened_by))?,
            published_at: Some(on_day(round.published_on)),
        },
    )
    .await?;
    let evaluator_org = id_of(&ids.organisations, "organisation", &round.evaluator)?;
    // R-EVAL: the parameters in force at the end of the evaluation period.
    let params = cx.params.at(round.period_end);

    for (index, entry) in round.entries.iter().enumerate() {
        cx.tick(STEP, index, total);
        let carrier = cx.district.carrier(&entry.carrier).ok_or_else(|| {
            StoreError::Invalid(format!(
                "the demo round evaluates carrier {}, which the plan does not define",
                entry.carrier
            ))
        })?;
        let evaluator = user_of(ids, Some(&entry.verified_by))?;
        let assignment = evaluation::add_assignment(
            w,
            stored_round.id,
            id_of(&ids.carriers, "carrier", &entry.carrier)?,
            Some(evaluator_org),
            evaluator,
        )
        .await?;
        // The operator's self-report, submitted by the demo operator account when
        // it is that carrier's operator.
        let operator_user = cx
            .district
            .users
            .iter()
            .find(|a| {
                a.role == Role::Operator && a.scope == Scope::Organisation(carrier.operator.clone())
            })
            .and_then(|a| ids.users.get(&a.username).copied());
        evaluation::record_self_report(
            w,
            assignment.id,
            &serde_json::to_value(&entry.self_reported)?,
            operator_user,
            on_day(entry.self_reported_on),
        )
        .await?;
        // Clause 二十六: third-party verification — the verified value counts.
        evaluation::record_verification(
            w,
            assignment.id,
            &serde_json::to_value(&entry.verified)?,
            evaluator,
            on_day(entry.verified_on),
            Some(entry.verified_on),
        )
        .await?;
        evaluation::add_result(
            w,
            &evaluation::NewResult {
                assignment_id: assignment.id,
                score: entry.score,
                grade: entry.grade,
                coefficient: entry.coefficient,
                violations: int("violations", entry.verified.violations)?,
                false_reporting: entry.verified.false_reporting,
                items: serde_json::to_value(&entry.items)?,
                flags: flags(entry),
                trace: evaluation_trace(&scheme, entry, &params),
            },
        )
        .await?;
    }
    cx.tick(STEP, total, total);
    Ok(())
}

/// R-EVAL: the indicators whose self-report differs from the verification by more
/// than `eval_flag_tolerance`, with both values.
fn flags(entry: &EvaluationEntry) -> Value {
    Value::Array(
        entry
            .flagged
            .iter()
            .map(|key| {
                json!({
                    "key": key,
                    "self_reported": entry.self_reported.values.get(key),
                    "verified": entry.verified.values.get(key),
                })
            })
            .collect(),
    )
}

/// The result's trace: fuhua-evaluation run again on the verified values; when that
/// does not give the plan's score, a step saying what was recorded.
pub(super) fn evaluation_trace(
    scheme: &Scheme,
    entry: &EvaluationEntry,
    params: &fuhua_core::Params,
) -> Trace {
    match evaluate(scheme, &entry.verified, params) {
        Ok(decision)
            if decision.value.score == entry.score
                && decision.value.grade == entry.grade
                && decision.value.coefficient == entry.coefficient
                && decision.value.items == entry.items =>
        {
            decision.trace
        }
        _ => {
            let mut trace = Trace::new();
            trace.step(
                rules::EVAL,
                &clauses::THIRD_PARTY,
                format!(
                    "演示数据：按演示计划记录得分{}，等级{}，系数{}",
                    entry.score,
                    entry.grade.as_str(),
                    entry.coefficient
                ),
                format!(
                    "Demo data: recorded as planned, score {}, grade {}, coefficient {}",
                    entry.score,
                    entry.grade.as_str(),
                    entry.coefficient
                ),
            );
            trace
        }
    }
}
