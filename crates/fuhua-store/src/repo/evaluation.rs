//! Operator performance evaluation (SPEC §3 R-EVAL, §4 evaluation round): schemes,
//! rounds, assignments, self-reports, verifications and results. Round states are
//! plain wire strings here; the service converts them to `fuhua-evaluation` types.
//! Scores and coefficients are `Decimal`s with 2 decimals, stored as hundredths.

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_core::Trace;
use fuhua_core::vocab::Grade;
use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use super::{by_id, every, first, insert, now, parse_code};
use crate::entities::{
    evaluation_assignment, evaluation_result, evaluation_round, evaluation_scheme,
    evaluation_self_report, evaluation_verification,
};
use crate::error::StoreError;
use crate::{Store, Write};

/// The evaluation round states of SPEC §4, in order, as stored in `evaluation_rounds.state`.
pub const ROUND_STATES: [&str; 5] = ["open", "self_reporting", "verifying", "scored", "published"];

/// A 2-decimal value as integer hundredths, exactly; more decimals are refused.
pub fn to_centi(what: &str, value: Decimal) -> Result<i64, StoreError> {
    let too_precise = || StoreError::Invalid(format!("{what} {value} has more than 2 decimals"));
    if value.normalize().scale() > 2 {
        return Err(too_precise());
    }
    let mut centi = value
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or_else(|| StoreError::Invalid(format!("{what} {value} is too large")))?
        .trunc();
    centi.rescale(0);
    i64::try_from(centi.mantissa())
        .map_err(|_| StoreError::Invalid(format!("{what} {value} is too large")))
}

/// Integer hundredths back as a decimal with exactly 2 decimals.
pub fn from_centi(centi: i64) -> Decimal {
    Decimal::new(centi, 2)
}

/// A versioned evaluation scheme (R-EVAL: officials define new versions; a round uses one).
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub id: i64,
    /// E.g. `qx-default`.
    pub key: String,
    pub version: i32,
    /// The indicators, weights, floors and targets, as the evaluation crate defines them.
    pub definition: Value,
}

fn scheme_of(m: evaluation_scheme::Model) -> Result<Scheme, StoreError> {
    Ok(Scheme {
        id: m.id,
        key: m.key,
        version: m.version,
        definition: serde_json::from_str(&m.definition)?,
    })
}

/// Records a scheme version. An existing key and version is a duplicate.
pub async fn add_scheme(
    w: &Write,
    key: &str,
    version: i32,
    definition: Value,
) -> Result<Scheme, StoreError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(StoreError::Invalid(
            "an evaluation scheme needs a key".into(),
        ));
    }
    let row = evaluation_scheme::ActiveModel {
        key: Set(key.to_owned()),
        version: Set(version),
        definition: Set(serde_json::to_string(&definition)?),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({ "key": key, "version": version, "definition": definition });
    scheme_of(insert(w, "evaluation_schemes", row, |m| m.id, audit).await?)
}

/// A scheme by key and version.
pub async fn find_scheme(
    store: &Store,
    key: &str,
    version: i32,
) -> Result<Option<Scheme>, StoreError> {
    first(
        store,
        evaluation_scheme::Entity::find()
            .filter(evaluation_scheme::Column::Key.eq(key))
            .filter(evaluation_scheme::Column::Version.eq(version)),
        scheme_of,
    )
    .await
}

/// A scheme by id (the one a round uses).
pub async fn find_scheme_by_id(store: &Store, id: i64) -> Result<Option<Scheme>, StoreError> {
    by_id::<evaluation_scheme::Entity, _>(store, id, scheme_of).await
}

/// The highest version of a scheme.
pub async fn latest_scheme(store: &Store, key: &str) -> Result<Option<Scheme>, StoreError> {
    evaluation_scheme::Entity::find()
        .filter(evaluation_scheme::Column::Key.eq(key))
        .order_by_desc(evaluation_scheme::Column::Version)
        .limit(1)
        .one(store.db())
        .await?
        .map(scheme_of)
        .transpose()
}

/// An evaluation round to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub name: String,
    pub scheme_id: i64,
    pub period_start: NaiveDate,
    /// On or after `period_start` (R-EVAL reads parameters as of this day).
    pub period_end: NaiveDate,
    /// One of [`ROUND_STATES`]; normally `open`.
    pub state: String,
    pub opened_by: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A stored evaluation round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub scheme_id: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// One of [`ROUND_STATES`].
    pub state: String,
    pub opened_by: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The optimistic-locking version to name when moving the round.
    pub version: i32,
}

fn round_of(m: evaluation_round::Model) -> Round {
    Round {
        id: m.id,
        name: m.name,
        scheme_id: m.scheme_id,
        period_start: m.period_start,
        period_end: m.period_end,
        state: m.state,
        opened_by: m.opened_by,
        published_at: m.published_at,
        created_at: m.created_at,
        version: m.version,
    }
}

/// Opens an evaluation round (SPEC §4). A period ending before it starts is refused.
pub async fn add_round(w: &Write, new: &NewRound) -> Result<Round, StoreError> {
    if new.period_end < new.period_start {
        return Err(StoreError::Invalid(format!(
            "the evaluation period ends ({}) before it starts ({})",
            new.period_end, new.period_start
        )));
    }
    if !ROUND_STATES.contains(&new.state.as_str()) {
        return Err(StoreError::Invalid(format!(
            "round state “{}” is not one of {}",
            new.state,
            ROUND_STATES.join(", ")
        )));
    }
    let at = now();
    let row = evaluation_round::ActiveModel {
        name: Set(new.name.clone()),
        scheme_id: Set(new.scheme_id),
        period_start: Set(new.period_start),
        period_end: Set(new.period_end),
        state: Set(new.state.clone()),
        opened_by: Set(new.opened_by),
        published_at: Set(new.published_at),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "name": new.name,
        "scheme_id": new.scheme_id,
        "period_start": new.period_start,
        "period_end": new.period_end,
        "state": new.state,
        "opened_by": new.opened_by,
        "published_at": new.published_at,
    });
    Ok(round_of(
        insert(w, "evaluation_rounds", row, |m| m.id, audit).await?,
    ))
}

/// A round by id.
pub async fn find_round(store: &Store, id: i64) -> Result<Option<Round>, StoreError> {
    Ok(evaluation_round::Entity::find_by_id(id)
        .one(store.db())
        .await?
        .map(round_of))
}

/// Every round, newest period first.
pub async fn list_rounds(store: &Store) -> Result<Vec<Round>, StoreError> {
    every(
        store,
        evaluation_round::Entity::find()
            .order_by_desc(evaluation_round::Column::PeriodEnd)
            .order_by_desc(evaluation_round::Column::Id),
        |m| Ok(round_of(m)),
    )
    .await
}

/// A carrier in a round with its evaluator (evaluators see only assigned carriers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: i64,
    pub round_id: i64,
    pub carrier_id: i64,
    pub evaluator_org_id: Option<i64>,
    pub evaluator_user_id: Option<i64>,
}

fn assignment_of(m: evaluation_assignment::Model) -> Assignment {
    Assignment {
        id: m.id,
        round_id: m.round_id,
        carrier_id: m.carrier_id,
        evaluator_org_id: m.evaluator_org_id,
        evaluator_user_id: m.evaluator_user_id,
    }
}

/// Assigns a carrier of a round to an evaluator. A carrier is in a round once (duplicate).
pub async fn add_assignment(
    w: &Write,
    round_id: i64,
    carrier_id: i64,
    evaluator_org_id: Option<i64>,
    evaluator_user_id: Option<i64>,
) -> Result<Assignment, StoreError> {
    let row = evaluation_assignment::ActiveModel {
        round_id: Set(round_id),
        carrier_id: Set(carrier_id),
        evaluator_org_id: Set(evaluator_org_id),
        evaluator_user_id: Set(evaluator_user_id),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "round_id": round_id,
        "carrier_id": carrier_id,
        "evaluator_org_id": evaluator_org_id,
        "evaluator_user_id": evaluator_user_id,
    });
    Ok(assignment_of(
        insert(w, "evaluation_assignments", row, |m| m.id, audit).await?,
    ))
}

/// An assignment by id.
pub async fn find_assignment(store: &Store, id: i64) -> Result<Option<Assignment>, StoreError> {
    Ok(evaluation_assignment::Entity::find_by_id(id)
        .one(store.db())
        .await?
        .map(assignment_of))
}

/// The assignments of a round, in the order they were made.
pub async fn list_assignments(store: &Store, round_id: i64) -> Result<Vec<Assignment>, StoreError> {
    every(
        store,
        evaluation_assignment::Entity::find()
            .filter(evaluation_assignment::Column::RoundId.eq(round_id))
            .order_by_asc(evaluation_assignment::Column::Id),
        |m| Ok(assignment_of(m)),
    )
    .await
}

/// The operator's own indicator values for an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfReport {
    pub id: i64,
    pub assignment_id: i64,
    pub values: Value,
    pub submitted_by: Option<i64>,
    pub submitted_at: DateTime<Utc>,
}

fn self_report_of(m: evaluation_self_report::Model) -> Result<SelfReport, StoreError> {
    Ok(SelfReport {
        id: m.id,
        assignment_id: m.assignment_id,
        values: serde_json::from_str(&m.indicator_values)?,
        submitted_by: m.submitted_by,
        submitted_at: m.submitted_at,
    })
}

/// Records the operator's self-report (R-EVAL). One per assignment: a second is a duplicate.
pub async fn record_self_report(
    w: &Write,
    assignment_id: i64,
    values: &Value,
    submitted_by: Option<i64>,
    submitted_at: DateTime<Utc>,
) -> Result<SelfReport, StoreError> {
    let row = evaluation_self_report::ActiveModel {
        assignment_id: Set(assignment_id),
        indicator_values: Set(serde_json::to_string(values)?),
        submitted_by: Set(submitted_by),
        submitted_at: Set(submitted_at),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "assignment_id": assignment_id,
        "indicator_values": values,
        "submitted_by": submitted_by,
        "submitted_at": submitted_at,
    });
    self_report_of(insert(w, "evaluation_self_reports", row, |m| m.id, audit).await?)
}

/// The self-report of an assignment, if submitted.
pub async fn find_self_report(
    store: &Store,
    assignment_id: i64,
) -> Result<Option<SelfReport>, StoreError> {
    first(
        store,
        evaluation_self_report::Entity::find()
            .filter(evaluation_self_report::Column::AssignmentId.eq(assignment_id)),
        self_report_of,
    )
    .await
}

/// The evaluator's verified indicator values for an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationVerification {
    pub id: i64,
    pub assignment_id: i64,
    pub values: Value,
    pub verified_by: Option<i64>,
    pub verified_at: DateTime<Utc>,
    pub site_visit_on: Option<NaiveDate>,
}

fn verification_of(
    m: evaluation_verification::Model,
) -> Result<EvaluationVerification, StoreError> {
    Ok(EvaluationVerification {
        id: m.id,
        assignment_id: m.assignment_id,
        values: serde_json::from_str(&m.indicator_values)?,
        verified_by: m.verified_by,
        verified_at: m.verified_at,
        site_visit_on: m.site_visit_on,
    })
}

/// Records the evaluator's verification (R-EVAL: the verified value counts). One per
/// assignment: a second is a duplicate.
pub async fn record_verification(
    w: &Write,
    assignment_id: i64,
    values: &Value,
    verified_by: Option<i64>,
    verified_at: DateTime<Utc>,
    site_visit_on: Option<NaiveDate>,
) -> Result<EvaluationVerification, StoreError> {
    let row = evaluation_verification::ActiveModel {
        assignment_id: Set(assignment_id),
        indicator_values: Set(serde_json::to_string(values)?),
        verified_by: Set(verified_by),
        verified_at: Set(verified_at),
        site_visit_on: Set(site_visit_on),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "assignment_id": assignment_id,
        "indicator_values": values,
        "verified_by": verified_by,
        "verified_at": verified_at,
        "site_visit_on": site_visit_on,
    });
    verification_of(insert(w, "evaluation_verifications", row, |m| m.id, audit).await?)
}

/// The verification of an assignment, if done.
pub async fn find_verification(
    store: &Store,
    assignment_id: i64,
) -> Result<Option<EvaluationVerification>, StoreError> {
    first(
        store,
        evaluation_verification::Entity::find()
            .filter(evaluation_verification::Column::AssignmentId.eq(assignment_id)),
        verification_of,
    )
    .await
}

/// The scored evaluation of an assignment (R-EVAL), to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResult {
    pub assignment_id: i64,
    /// 0..100 with at most 2 decimals.
    pub score: Decimal,
    pub grade: Grade,
    /// The grade coefficient, at most 2 decimals (e.g. 1.20).
    pub coefficient: Decimal,
    pub violations: i32,
    /// 虚报: vetoes the grade to `fail` (already applied by the rule crate).
    pub false_reporting: bool,
    /// The per-indicator points.
    pub items: Value,
    /// Differences over `eval_flag_tolerance` and the like.
    pub flags: Value,
    pub trace: Trace,
}

/// A stored evaluation result; `score` and `coefficient` have exactly 2 decimals.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationResult {
    pub id: i64,
    pub assignment_id: i64,
    pub score: Decimal,
    pub grade: Grade,
    pub coefficient: Decimal,
    pub violations: i32,
    pub false_reporting: bool,
    pub items: Value,
    pub flags: Value,
    pub trace: Trace,
    pub created_at: DateTime<Utc>,
}

fn result_of(m: evaluation_result::Model) -> Result<EvaluationResult, StoreError> {
    Ok(EvaluationResult {
        id: m.id,
        assignment_id: m.assignment_id,
        score: from_centi(m.score_centi),
        grade: parse_code("grade", &m.grade)?,
        coefficient: from_centi(m.coefficient_centi),
        violations: m.violations,
        false_reporting: m.false_reporting,
        items: serde_json::from_str(&m.items)?,
        flags: serde_json::from_str(&m.flags)?,
        trace: serde_json::from_str(&m.trace)?,
        created_at: m.created_at,
    })
}

/// Records the result of an assignment (R-EVAL), score and coefficient exact to the
/// hundredth. One per assignment: a second is a duplicate.
pub async fn add_result(w: &Write, new: &NewResult) -> Result<EvaluationResult, StoreError> {
    let score_centi = to_centi("the score", new.score)?;
    let coefficient_centi = to_centi("the coefficient", new.coefficient)?;
    let row = evaluation_result::ActiveModel {
        assignment_id: Set(new.assignment_id),
        score_centi: Set(score_centi),
        grade: Set(new.grade.as_str().to_owned()),
        coefficient_centi: Set(coefficient_centi),
        violations: Set(new.violations),
        false_reporting: Set(new.false_reporting),
        items: Set(serde_json::to_string(&new.items)?),
        flags: Set(serde_json::to_string(&new.flags)?),
        trace: Set(serde_json::to_string(&new.trace)?),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "assignment_id": new.assignment_id,
        "score": from_centi(score_centi).to_string(),
        "grade": new.grade,
        "coefficient": from_centi(coefficient_centi).to_string(),
        "violations": new.violations,
        "false_reporting": new.false_reporting,
        "items": new.items,
        "flags": new.flags,
        "trace": new.trace,
    });
    result_of(insert(w, "evaluation_results", row, |m| m.id, audit).await?)
}

/// The result of an assignment, if scored.
pub async fn find_result_for_assignment(
    store: &Store,
    assignment_id: i64,
) -> Result<Option<EvaluationResult>, StoreError> {
    first(
        store,
        evaluation_result::Entity::find()
            .filter(evaluation_result::Column::AssignmentId.eq(assignment_id)),
        result_of,
    )
    .await
}

/// The results of a round, in assignment order.
pub async fn list_results_for_round(
    store: &Store,
    round_id: i64,
) -> Result<Vec<EvaluationResult>, StoreError> {
    evaluation_result::Entity::find()
        .inner_join(evaluation_assignment::Entity)
        .filter(evaluation_assignment::Column::RoundId.eq(round_id))
        .order_by_asc(evaluation_result::Column::AssignmentId)
        .all(store.db())
        .await?
        .into_iter()
        .map(result_of)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use fuhua_core::clauses::{self, rules};
    use sea_orm::ActiveModelTrait;

    use super::*;
    use crate::Actor;
    use crate::entities::{organisation, user};
    use crate::testing::TestDb;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    /// A carrier, an evaluator organisation and an evaluator, inserted directly.
    struct Fixture {
        carriers: Vec<i64>,
        evaluator_org: i64,
        evaluator: i64,
    }

    async fn fixture(store: &Store) -> Fixture {
        let at = now();
        let db = store.db();
        let carriers =
            crate::testing::seed_carriers(store, &["Lingshan Maker Space", "Harbour Incubator"])
                .await
                .unwrap()
                .carrier_ids;
        let org = organisation::ActiveModel {
            name: Set("Qingdao Evaluation Co.".to_owned()),
            credit_code: Set("91370211MA3C00001X".to_owned()),
            kind: Set("evaluator".to_owned()),
            contact_name: Set(None),
            contact_phone_enc: Set(None),
            contact_phone_hash: Set(None),
            email: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        let evaluator = user::ActiveModel {
            username: Set("evaluator.one".to_owned()),
            display_name: Set("Evaluator One".to_owned()),
            email: Set(None),
            password_hash: Set("x".into()),
            person_id: Set(None),
            organisation_id: Set(Some(org.id)),
            active: Set(true),
            last_login_at: Set(None),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        Fixture {
            carriers,
            evaluator_org: org.id,
            evaluator: evaluator.id,
        }
    }

    async fn in_write<T, F>(store: &Store, f: F) -> Result<T, StoreError>
    where
        F: AsyncFnOnce(&Write) -> Result<T, StoreError>,
    {
        let w = store.write(&Actor::cli()).await?;
        let value = f(&w).await?;
        w.commit().await?;
        Ok(value)
    }

    fn round(scheme_id: i64) -> NewRound {
        NewRound {
            name: "2026 evaluation".to_owned(),
            scheme_id,
            period_start: day(2026, 1, 1),
            period_end: day(2026, 12, 31),
            state: "open".to_owned(),
            opened_by: None,
            published_at: None,
        }
    }

    #[test]
    fn hundredths_are_exact() {
        assert_eq!(to_centi("x", d("0.01")).unwrap(), 1);
        assert_eq!(to_centi("x", d("1.2")).unwrap(), 120);
        assert_eq!(to_centi("x", d("1.20")).unwrap(), 120);
        assert_eq!(to_centi("x", d("1.2000")).unwrap(), 120);
        assert_eq!(to_centi("x", d("100")).unwrap(), 10_000);
        assert_eq!(to_centi("x", d("87.35")).unwrap(), 8_735);
        assert_eq!(to_centi("x", d("-5.5")).unwrap(), -550);
        assert!(
            matches!(to_centi("the score", d("87.355")), Err(StoreError::Invalid(m)) if m.contains("the score"))
        );
        assert_eq!(from_centi(120).to_string(), "1.20");
        assert_eq!(from_centi(0).to_string(), "0.00");
        assert_eq!(from_centi(8_735), d("87.35"));
    }

    #[tokio::test]
    async fn schemes_are_versioned() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let v1 = json!({"indicators": [{"key": "occupancy_rate", "weight": "15", "floor": "0.50", "target": "0.90"}]});
        let v2 = json!({"indicators": [{"key": "occupancy_rate", "weight": "20", "floor": "0.50", "target": "0.90"}]});
        let first = in_write(store, async |w| {
            add_scheme(w, "qx-default", 1, v1.clone()).await
        })
        .await
        .unwrap();
        in_write(store, async |w| {
            add_scheme(w, "qx-default", 2, v2.clone()).await
        })
        .await
        .unwrap();
        let again = in_write(store, async |w| {
            add_scheme(w, "qx-default", 1, v2.clone()).await
        })
        .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );

        let found = find_scheme(store, "qx-default", 1).await.unwrap().unwrap();
        assert_eq!(found, first);
        assert_eq!(found.definition, v1);
        assert_eq!(
            find_scheme_by_id(store, first.id).await.unwrap(),
            Some(first)
        );
        let latest = latest_scheme(store, "qx-default").await.unwrap().unwrap();
        assert_eq!((latest.version, latest.definition), (2, v2));
        assert_eq!(latest_scheme(store, "other").await.unwrap(), None);
        assert_eq!(find_scheme(store, "qx-default", 3).await.unwrap(), None);
        assert!(store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn a_round_runs_from_self_report_to_result() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let f = fixture(store).await;
        let scheme = in_write(store, async |w| {
            add_scheme(w, "qx-default", 1, json!({})).await
        })
        .await
        .unwrap();

        let backwards = NewRound {
            period_end: day(2025, 12, 31),
            ..round(scheme.id)
        };
        let refused = in_write(store, async |w| add_round(w, &backwards).await).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("ends")),
            "{refused:?}"
        );
        let bad_state = NewRound {
            state: "closed".to_owned(),
            ..round(scheme.id)
        };
        assert!(
            in_write(store, async |w| add_round(w, &bad_state).await)
                .await
                .is_err()
        );

        let one_day = NewRound {
            name: "one day".to_owned(),
            period_end: day(2026, 1, 1),
            ..round(scheme.id)
        };
        let short = in_write(store, async |w| add_round(w, &one_day).await)
            .await
            .unwrap();
        let year = in_write(store, async |w| add_round(w, &round(scheme.id)).await)
            .await
            .unwrap();
        assert_eq!(year.state, "open");
        assert_eq!(year.version, 1);
        assert_eq!(
            find_round(store, year.id).await.unwrap(),
            Some(year.clone())
        );
        assert_eq!(
            list_rounds(store).await.unwrap(),
            vec![year.clone(), short.clone()]
        );

        let (a, b) = in_write(store, async |w| {
            let a = add_assignment(
                w,
                year.id,
                f.carriers[0],
                Some(f.evaluator_org),
                Some(f.evaluator),
            )
            .await?;
            let b = add_assignment(w, year.id, f.carriers[1], Some(f.evaluator_org), None).await?;
            Ok((a, b))
        })
        .await
        .unwrap();
        let twice = in_write(store, async |w| {
            add_assignment(w, year.id, f.carriers[0], None, None).await
        })
        .await;
        assert!(
            matches!(twice, Err(StoreError::Duplicate { .. })),
            "{twice:?}"
        );
        assert_eq!(
            list_assignments(store, year.id).await.unwrap(),
            vec![a.clone(), b.clone()]
        );
        assert_eq!(find_assignment(store, a.id).await.unwrap(), Some(a.clone()));
        assert!(list_assignments(store, short.id).await.unwrap().is_empty());

        let values =
            json!({"satisfaction": "88.5", "service_events": 14, "financing_raised": "1200000.00"});
        let submitted_at = now();
        let report = in_write(store, async |w| {
            record_self_report(w, a.id, &values, None, submitted_at).await
        })
        .await
        .unwrap();
        assert_eq!(report.values, values);
        let again = in_write(store, async |w| {
            record_self_report(w, a.id, &json!({"satisfaction": "99"}), None, now()).await
        })
        .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );
        assert_eq!(find_self_report(store, a.id).await.unwrap(), Some(report));
        assert_eq!(find_self_report(store, b.id).await.unwrap(), None);

        let verified =
            json!({"satisfaction": "80.0", "service_events": 12, "financing_raised": "1200000.00"});
        let verification = in_write(store, async |w| {
            record_verification(
                w,
                a.id,
                &verified,
                Some(f.evaluator),
                now(),
                Some(day(2026, 11, 20)),
            )
            .await
        })
        .await
        .unwrap();
        assert_eq!(verification.site_visit_on, Some(day(2026, 11, 20)));
        let again = in_write(store, async |w| {
            record_verification(w, a.id, &verified, None, now(), None).await
        })
        .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );
        assert_eq!(
            find_verification(store, a.id).await.unwrap(),
            Some(verification)
        );
        assert_eq!(find_verification(store, b.id).await.unwrap(), None);

        let mut trace = Trace::new();
        trace.step(
            rules::EVAL,
            &clauses::THIRD_PARTY,
            "得分 87.35，良好",
            "score 87.35: good",
        );
        let result = NewResult {
            assignment_id: a.id,
            score: d("87.35"),
            grade: Grade::Good,
            coefficient: d("1"),
            violations: 1,
            false_reporting: false,
            items: json!([{"key": "satisfaction", "value": "80.0", "weight": "10", "points": "5.71"}]),
            flags: json!([{"key": "satisfaction", "self": "88.5", "verified": "80.0"}]),
            trace: trace.clone(),
        };
        let stored = in_write(store, async |w| add_result(w, &result).await)
            .await
            .unwrap();
        assert_eq!(stored.score.to_string(), "87.35");
        assert_eq!(stored.coefficient.to_string(), "1.00");
        assert_eq!(stored.coefficient, d("1"));
        assert_eq!(stored.grade, Grade::Good);
        assert_eq!(stored.trace, trace);
        assert_eq!(stored.items, result.items);
        assert_eq!(stored.flags, result.flags);
        let again = in_write(store, async |w| add_result(w, &result).await).await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );

        let vetoed = NewResult {
            assignment_id: b.id,
            score: d("91.2"),
            grade: Grade::Fail,
            coefficient: d("0.00"),
            false_reporting: true,
            violations: 0,
            ..result.clone()
        };
        let too_precise = NewResult {
            score: d("91.205"),
            ..vetoed.clone()
        };
        assert!(matches!(
            in_write(store, async |w| add_result(w, &too_precise).await).await,
            Err(StoreError::Invalid(_))
        ));
        let vetoed = in_write(store, async |w| add_result(w, &vetoed).await)
            .await
            .unwrap();
        assert_eq!(vetoed.score.to_string(), "91.20");
        assert_eq!(vetoed.coefficient.to_string(), "0.00");
        assert!(vetoed.false_reporting);

        assert_eq!(
            find_result_for_assignment(store, a.id).await.unwrap(),
            Some(stored.clone())
        );
        assert_eq!(
            list_results_for_round(store, year.id).await.unwrap(),
            vec![stored, vetoed]
        );
        assert!(
            list_results_for_round(store, short.id)
                .await
                .unwrap()
                .is_empty()
        );

        let audit = store.verify_audit().await.unwrap();
        assert!(audit.is_intact(), "{audit:?}");
        db.drop_db().await.unwrap();
    }
}
