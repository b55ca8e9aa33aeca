//! Award cases (SPEC §3 R-AWARD-*) with their steps, budget reservations on
//! appropriations, and payments. Case states, programmes and step levels are plain
//! wire strings here; the service converts them to the `fuhua-awards` types. State
//! moves go through `repo::cases`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_core::Money;
use fuhua_core::Trace;
use fuhua_core::vocab::{AreaKind, Level};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::{every, insert, now, parse_code};
use crate::entities::{appropriation, award_case, award_payment, award_step, budget_reservation};
use crate::error::StoreError;
use crate::{Store, Write};

/// The award programmes of SPEC §3, as stored in `award_cases.programme`.
pub const PROGRAMMES: [&str; 4] = ["ladder", "area", "operating", "key_group_settlement"];

/// The award case states of SPEC §4, as stored in `award_cases.state`.
pub const CASE_STATES: [&str; 6] = [
    "computed",
    "reviewed",
    "approved",
    "paid",
    "rejected",
    "cancelled",
];

/// Ids of a slice of rows loaded per query (keeps `IN (…)` lists small).
const CHUNK: usize = 500;

/// The step key of a ladder step (R-AWARD-LADDER): `ladder:<carrier_id>:<level>`.
pub fn ladder_step_key(carrier_id: i64, level: Level) -> String {
    format!("ladder:{carrier_id}:{}", level.as_str())
}

/// The step key of an area award (R-AWARD-AREA): `area:<jurisdiction_id>:<kind>`.
pub fn area_step_key(jurisdiction_id: i64, kind: AreaKind) -> String {
    format!("area:{jurisdiction_id}:{}", kind.as_str())
}

/// The step key of a year's operating subsidy (R-AWARD-OPERATING): `operating:<carrier_id>:<year>`.
pub fn operating_step_key(carrier_id: i64, year: i32) -> String {
    format!("operating:{carrier_id}:{year}")
}

/// A step an award case owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAwardStep {
    /// From [`ladder_step_key`], [`area_step_key`] or [`operating_step_key`].
    pub step_key: String,
    /// Ladder: `municipal`, `provincial` or `national`; area: `district` or
    /// `street_town`; operating: the year; key-group settlement: the quarter.
    pub level: String,
    /// The step's own cap (not cumulative).
    pub cap: Money,
    pub amount: Money,
}

/// An award case to record, with its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAwardCase {
    /// One of [`PROGRAMMES`].
    pub programme: String,
    pub carrier_id: Option<i64>,
    pub jurisdiction_id: Option<i64>,
    pub accreditation_record_id: Option<i64>,
    pub new_level: Option<Level>,
    pub area_kind: Option<AreaKind>,
    /// One of [`CASE_STATES`]; normally `computed` (the demo loader records
    /// historical cases in any state).
    pub state: String,
    pub total: Money,
    pub fund_source_id: Option<i64>,
    /// The decision trace of the rule crate.
    pub decision: Trace,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTime<Utc>>,
    pub closing_reason: Option<String>,
    pub created_by: Option<i64>,
    pub steps: Vec<NewAwardStep>,
}

/// A stored award step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardStep {
    pub id: i64,
    pub step_key: String,
    /// See [`NewAwardStep::level`].
    pub level: String,
    pub cap: Money,
    pub amount: Money,
}

/// A stored award case with its steps (in the order they were recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardCase {
    pub id: i64,
    /// One of [`PROGRAMMES`].
    pub programme: String,
    pub carrier_id: Option<i64>,
    pub jurisdiction_id: Option<i64>,
    pub accreditation_record_id: Option<i64>,
    pub new_level: Option<Level>,
    pub area_kind: Option<AreaKind>,
    /// One of [`CASE_STATES`].
    pub state: String,
    pub total: Money,
    pub fund_source_id: Option<i64>,
    pub decision: Trace,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTime<Utc>>,
    pub closing_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The optimistic-locking version to name when moving the case.
    pub version: i32,
    pub steps: Vec<AwardStep>,
}

fn step_of(m: award_step::Model) -> AwardStep {
    AwardStep {
        id: m.id,
        step_key: m.step_key,
        level: m.level,
        cap: Money::from_fen(m.cap_fen),
        amount: Money::from_fen(m.amount_fen),
    }
}

fn case_of(m: award_case::Model, steps: Vec<AwardStep>) -> Result<AwardCase, StoreError> {
    Ok(AwardCase {
        id: m.id,
        programme: m.programme,
        carrier_id: m.carrier_id,
        jurisdiction_id: m.jurisdiction_id,
        accreditation_record_id: m.accreditation_record_id,
        new_level: m
            .new_level
            .as_deref()
            .map(|v| parse_code("new_level", v))
            .transpose()?,
        area_kind: m
            .area_kind
            .as_deref()
            .map(|v| parse_code("area_kind", v))
            .transpose()?,
        state: m.state,
        total: Money::from_fen(m.total_fen),
        fund_source_id: m.fund_source_id,
        decision: serde_json::from_str(&m.decision)?,
        reviewed_by: m.reviewed_by,
        reviewed_at: m.reviewed_at,
        approved_by: m.approved_by,
        approved_at: m.approved_at,
        closing_reason: m.closing_reason,
        created_by: m.created_by,
        created_at: m.created_at,
        version: m.version,
        steps,
    })
}

/// Refuses a value outside a closed list, naming the allowed ones.
fn one_of(column: &str, value: &str, allowed: &[&str]) -> Result<(), StoreError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{column} “{value}” is not one of {}",
            allowed.join(", ")
        )))
    }
}

/// Refuses a negative amount, naming it.
fn not_negative(what: &str, amount: Money) -> Result<(), StoreError> {
    if amount.is_negative() {
        Err(StoreError::Invalid(format!("{what} {amount} is negative")))
    } else {
        Ok(())
    }
}

/// Records an award case and its steps (each audited) in the caller's transaction.
/// SPEC §4 maker–checker: the approving official must not be the reviewing one.
pub async fn add_award_case(w: &Write, new: &NewAwardCase) -> Result<AwardCase, StoreError> {
    one_of("programme", &new.programme, &PROGRAMMES)?;
    one_of("state", &new.state, &CASE_STATES)?;
    if let (Some(reviewer), Some(approver)) = (new.reviewed_by, new.approved_by)
        && reviewer == approver
    {
        return Err(StoreError::Transition(format!(
            "the approving official (user {approver}) must not be the one who reviewed the award case (SPEC §4 maker–checker)"
        )));
    }
    for step in &new.steps {
        not_negative(&format!("the cap of step {}", step.step_key), step.cap)?;
        not_negative(
            &format!("the amount of step {}", step.step_key),
            step.amount,
        )?;
    }
    let at = now();
    let row = award_case::ActiveModel {
        programme: Set(new.programme.clone()),
        carrier_id: Set(new.carrier_id),
        jurisdiction_id: Set(new.jurisdiction_id),
        accreditation_record_id: Set(new.accreditation_record_id),
        new_level: Set(new.new_level.map(|l| l.as_str().to_owned())),
        area_kind: Set(new.area_kind.map(|k| k.as_str().to_owned())),
        state: Set(new.state.clone()),
        total_fen: Set(new.total.to_fen()),
        fund_source_id: Set(new.fund_source_id),
        decision: Set(serde_json::to_string(&new.decision)?),
        reviewed_by: Set(new.reviewed_by),
        reviewed_at: Set(new.reviewed_at),
        approved_by: Set(new.approved_by),
        approved_at: Set(new.approved_at),
        closing_reason: Set(new.closing_reason.clone()),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "programme": new.programme,
        "carrier_id": new.carrier_id,
        "jurisdiction_id": new.jurisdiction_id,
        "accreditation_record_id": new.accreditation_record_id,
        "new_level": new.new_level,
        "area_kind": new.area_kind,
        "state": new.state,
        "total": new.total,
        "fund_source_id": new.fund_source_id,
        "decision": new.decision,
        "reviewed_by": new.reviewed_by,
        "reviewed_at": new.reviewed_at,
        "approved_by": new.approved_by,
        "approved_at": new.approved_at,
        "closing_reason": new.closing_reason,
        "created_by": new.created_by,
    });
    let model = insert(w, "award_cases", row, |m| m.id, audit).await?;
    let mut steps = Vec::with_capacity(new.steps.len());
    for step in &new.steps {
        let row = award_step::ActiveModel {
            award_case_id: Set(model.id),
            step_key: Set(step.step_key.clone()),
            level: Set(step.level.clone()),
            cap_fen: Set(step.cap.to_fen()),
            amount_fen: Set(step.amount.to_fen()),
            created_at: Set(at),
            ..Default::default()
        };
        let audit = json!({
            "award_case_id": model.id,
            "step_key": step.step_key,
            "level": step.level,
            "cap": step.cap,
            "amount": step.amount,
        });
        steps.push(step_of(
            insert(w, "award_steps", row, |m| m.id, audit).await?,
        ));
    }
    case_of(model, steps)
}

/// Loads the steps of the given cases, grouped by case, each group in recorded order.
async fn steps_of<C: ConnectionTrait>(
    conn: &C,
    case_ids: &[i64],
) -> Result<HashMap<i64, Vec<AwardStep>>, StoreError> {
    let mut grouped: HashMap<i64, Vec<AwardStep>> = HashMap::new();
    for chunk in case_ids.chunks(CHUNK) {
        let rows = award_step::Entity::find()
            .filter(award_step::Column::AwardCaseId.is_in(chunk.iter().copied()))
            .order_by_asc(award_step::Column::Id)
            .all(conn)
            .await?;
        for row in rows {
            grouped
                .entry(row.award_case_id)
                .or_default()
                .push(step_of(row));
        }
    }
    Ok(grouped)
}

/// Attaches their steps to loaded cases.
async fn cases_with_steps(
    store: &Store,
    models: Vec<award_case::Model>,
) -> Result<Vec<AwardCase>, StoreError> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut steps = steps_of(store.db(), &ids).await?;
    models
        .into_iter()
        .map(|m| {
            let own = steps.remove(&m.id).unwrap_or_default();
            case_of(m, own)
        })
        .collect()
}

/// An award case with its steps.
pub async fn find_award_case(store: &Store, id: i64) -> Result<Option<AwardCase>, StoreError> {
    let Some(model) = award_case::Entity::find_by_id(id).one(store.db()).await? else {
        return Ok(None);
    };
    Ok(cases_with_steps(store, vec![model]).await?.pop())
}

/// A carrier's award cases, oldest first.
pub async fn list_award_cases_for_carrier(
    store: &Store,
    carrier_id: i64,
) -> Result<Vec<AwardCase>, StoreError> {
    let models = award_case::Entity::find()
        .filter(award_case::Column::CarrierId.eq(carrier_id))
        .order_by_asc(award_case::Column::Id)
        .all(store.db())
        .await?;
    cases_with_steps(store, models).await
}

/// The award cases in a state (one of [`CASE_STATES`]), oldest first.
pub async fn list_award_cases_by_state(
    store: &Store,
    state: &str,
) -> Result<Vec<AwardCase>, StoreError> {
    let models = award_case::Entity::find()
        .filter(award_case::Column::State.eq(state))
        .order_by_asc(award_case::Column::Id)
        .all(store.db())
        .await?;
    cases_with_steps(store, models).await
}

/// Money to set aside from an appropriation for an award case or a settlement claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReservation {
    pub appropriation_id: i64,
    /// Exactly one of `award_case_id` and `claim_id`.
    pub award_case_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub amount: Money,
    /// A finance user's written reason for reserving beyond what is left (SPEC §3).
    pub override_reason: Option<String>,
    pub reserved_by: Option<i64>,
}

/// A stored reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub id: i64,
    pub appropriation_id: i64,
    pub award_case_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub amount: Money,
    pub override_reason: Option<String>,
    pub reserved_by: Option<i64>,
    /// Set when the reservation was released (the money is available again).
    pub released_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn reservation_of(m: budget_reservation::Model) -> Reservation {
    Reservation {
        id: m.id,
        appropriation_id: m.appropriation_id,
        award_case_id: m.award_case_id,
        claim_id: m.claim_id,
        amount: Money::from_fen(m.amount_fen),
        override_reason: m.override_reason,
        reserved_by: m.reserved_by,
        released_at: m.released_at,
        created_at: m.created_at,
    }
}

/// What is left of an appropriation: its amount minus every unreleased reservation.
/// With `lock`, the appropriation row is locked until the transaction ends
/// (PostgreSQL; SQLite writers are serialised anyway), so two approvals cannot
/// both spend the last of it.
async fn available_on<C: ConnectionTrait>(
    conn: &C,
    appropriation_id: i64,
    lock: bool,
) -> Result<Money, StoreError> {
    let mut find = appropriation::Entity::find_by_id(appropriation_id);
    if lock {
        find = find.lock_exclusive();
    }
    let appropriation = find.one(conn).await?.ok_or_else(|| StoreError::NotFound {
        entity: "appropriations",
        id: appropriation_id.to_string(),
    })?;
    // CAST: PostgreSQL sums BIGINT as NUMERIC.
    let reserved: i64 = budget_reservation::Entity::find()
        .select_only()
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"),
            "reserved",
        )
        .filter(budget_reservation::Column::AppropriationId.eq(appropriation_id))
        .filter(budget_reservation::Column::ReleasedAt.is_null())
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .unwrap_or(0);
    Ok(Money::from_fen(
        appropriation.amount_fen.saturating_sub(reserved),
    ))
}

/// What is left of an appropriation (SPEC §3 fund sources), as committed.
pub async fn appropriation_available(
    store: &Store,
    appropriation_id: i64,
) -> Result<Money, StoreError> {
    available_on(store.db(), appropriation_id, false).await
}

/// What is left of an appropriation, inside a change: the appropriation stays
/// locked until it commits, so the balance checked is the balance reserved from.
pub async fn appropriation_available_in(
    w: &Write,
    appropriation_id: i64,
) -> Result<Money, StoreError> {
    available_on(w.conn(), appropriation_id, true).await
}

/// Reserves money on an appropriation. SPEC §3: refused when it would exceed what is
/// left, unless a finance user overrides with a written reason.
pub async fn reserve(w: &Write, new: &NewReservation) -> Result<Reservation, StoreError> {
    not_negative("the reservation", new.amount)?;
    if new.award_case_id.is_some() == new.claim_id.is_some() {
        return Err(StoreError::Invalid(
            "a reservation is for exactly one award case or one settlement claim".into(),
        ));
    }
    let override_reason = new
        .override_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let available = appropriation_available_in(w, new.appropriation_id).await?;
    if new.amount > available && override_reason.is_none() {
        return Err(StoreError::Transition(format!(
            "reserving {} would exceed the {available} left on appropriation {} (SPEC §3); a finance user may override with a written reason",
            new.amount, new.appropriation_id
        )));
    }
    let row = budget_reservation::ActiveModel {
        appropriation_id: Set(new.appropriation_id),
        award_case_id: Set(new.award_case_id),
        claim_id: Set(new.claim_id),
        amount_fen: Set(new.amount.to_fen()),
        override_reason: Set(override_reason.clone()),
        reserved_by: Set(new.reserved_by),
        released_at: Set(None),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "appropriation_id": new.appropriation_id,
        "award_case_id": new.award_case_id,
        "claim_id": new.claim_id,
        "amount": new.amount,
        "available_before": available,
        "override_reason": override_reason,
        "reserved_by": new.reserved_by,
    });
    Ok(reservation_of(
        insert(w, "budget_reservations", row, |m| m.id, audit).await?,
    ))
}

/// Releases a reservation (its case was cancelled or rejected): the money is
/// available again. Releasing twice is refused.
pub async fn release_reservation(w: &Write, id: i64) -> Result<Reservation, StoreError> {
    let before = budget_reservation::Entity::find_by_id(id)
        .one(w.conn())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "budget_reservations",
            id: id.to_string(),
        })?;
    if before.released_at.is_some() {
        return Err(StoreError::Transition(format!(
            "reservation {id} is already released"
        )));
    }
    let at = now();
    let update = Query::update()
        .table(budget_reservation::Entity)
        .value(budget_reservation::Column::ReleasedAt, at)
        .and_where(Expr::col(budget_reservation::Column::Id).eq(id))
        .and_where(Expr::col(budget_reservation::Column::ReleasedAt).is_null())
        .to_owned();
    if w.conn().execute(&update).await?.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            entity: "budget_reservations",
            id,
        });
    }
    let mut after = before.clone();
    after.released_at = Some(at);
    let image = |r: &budget_reservation::Model| {
        json!({
            "appropriation_id": r.appropriation_id,
            "award_case_id": r.award_case_id,
            "claim_id": r.claim_id,
            "amount": Money::from_fen(r.amount_fen),
            "released_at": r.released_at,
        })
    };
    w.audit_change(
        "release",
        "budget_reservations",
        id,
        Some(&image(&before)),
        Some(&image(&after)),
    )
    .await?;
    Ok(reservation_of(after))
}

/// The reservations of an appropriation, oldest first (released ones included).
pub async fn list_reservations(
    store: &Store,
    appropriation_id: i64,
) -> Result<Vec<Reservation>, StoreError> {
    every(
        store,
        budget_reservation::Entity::find()
            .filter(budget_reservation::Column::AppropriationId.eq(appropriation_id))
            .order_by_asc(budget_reservation::Column::Id),
        |m| Ok(reservation_of(m)),
    )
    .await
}

/// The reservations made for an award case, oldest first (released ones included).
pub async fn reservations_for_award_case(
    store: &Store,
    award_case_id: i64,
) -> Result<Vec<Reservation>, StoreError> {
    every(
        store,
        budget_reservation::Entity::find()
            .filter(budget_reservation::Column::AwardCaseId.eq(award_case_id))
            .order_by_asc(budget_reservation::Column::Id),
        |m| Ok(reservation_of(m)),
    )
    .await
}

/// A disbursement of one award step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub award_step_id: i64,
    /// Must be the step's own key.
    pub step_key: String,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub voucher_no: String,
    pub paid_by: Option<i64>,
}

/// A stored payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    pub award_step_id: i64,
    pub step_key: String,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub voucher_no: String,
    pub paid_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn payment_of(m: award_payment::Model) -> Payment {
    Payment {
        id: m.id,
        award_step_id: m.award_step_id,
        step_key: m.step_key,
        amount: Money::from_fen(m.amount_fen),
        paid_on: m.paid_on,
        voucher_no: m.voucher_no,
        paid_by: m.paid_by,
        created_at: m.created_at,
    }
}

/// Records the payment of a step with its date and voucher (SPEC §3 disbursement).
/// SPEC §3/§4: a step is paid at most once per carrier, ever — a second payment of
/// the same step is refused by the database (UNIQUE `step_key`, even when two
/// servers race) and surfaces as [`StoreError::Duplicate`].
pub async fn record_payment(w: &Write, new: &NewPayment) -> Result<Payment, StoreError> {
    not_negative("the payment", new.amount)?;
    let voucher_no = new.voucher_no.trim();
    if voucher_no.is_empty() {
        return Err(StoreError::Invalid(
            "a payment needs its voucher number".into(),
        ));
    }
    let step = award_step::Entity::find_by_id(new.award_step_id)
        .one(w.conn())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "award_steps",
            id: new.award_step_id.to_string(),
        })?;
    if step.step_key != new.step_key {
        return Err(StoreError::Invalid(format!(
            "award step {} has the key “{}”, not “{}”",
            step.id, step.step_key, new.step_key
        )));
    }
    let row = award_payment::ActiveModel {
        award_step_id: Set(new.award_step_id),
        step_key: Set(new.step_key.clone()),
        amount_fen: Set(new.amount.to_fen()),
        paid_on: Set(new.paid_on),
        voucher_no: Set(voucher_no.to_owned()),
        paid_by: Set(new.paid_by),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "award_step_id": new.award_step_id,
        "step_key": new.step_key,
        "amount": new.amount,
        "paid_on": new.paid_on,
        "voucher_no": voucher_no,
        "paid_by": new.paid_by,
    });
    Ok(payment_of(
        insert(w, "award_payments", row, |m| m.id, audit).await?,
    ))
}

/// The ladder steps already paid to a carrier (R-AWARD-LADDER input): each step's
/// level (`municipal`, `provincial`, `national`) with the amount paid, in payment order.
pub async fn paid_steps_for_carrier(
    store: &Store,
    carrier_id: i64,
) -> Result<Vec<(String, Money)>, StoreError> {
    let prefix = format!("ladder:{carrier_id}:");
    let rows = award_payment::Entity::find()
        .filter(award_payment::Column::StepKey.starts_with(prefix.as_str()))
        .find_also_related(award_step::Entity)
        .order_by_asc(award_payment::Column::PaidOn)
        .order_by_asc(award_payment::Column::Id)
        .all(store.db())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(payment, step)| {
            // SQLite's LIKE ignores case; keep only exact prefixes.
            let suffix = payment.step_key.strip_prefix(&prefix)?;
            let level = step.map_or_else(|| suffix.to_owned(), |s| s.level);
            Some((level, Money::from_fen(payment.amount_fen)))
        })
        .collect())
}

/// Every payment, oldest first.
pub async fn list_payments(store: &Store) -> Result<Vec<Payment>, StoreError> {
    every(
        store,
        award_payment::Entity::find().order_by_asc(award_payment::Column::Id),
        |m| Ok(payment_of(m)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use fuhua_core::clauses::{self, rules};
    use rust_decimal::Decimal;
    use sea_orm::ActiveModelTrait;

    use super::*;
    use crate::Actor;
    use crate::entities::{fund_source, user};
    use crate::testing::TestDb;

    /// Rows every award test needs, inserted directly (not through other repos).
    struct Fixture {
        jurisdiction: i64,
        carrier: i64,
        official_a: i64,
        official_b: i64,
        fund_source: i64,
        appropriation: i64,
    }

    async fn fixture(store: &Store) -> Fixture {
        let at = now();
        let db = store.db();
        let seed = crate::testing::seed_carriers(store, &["Lingshan Incubation Base"])
            .await
            .unwrap();
        let mut officials = Vec::new();
        for name in ["official.a", "official.b"] {
            let u = user::ActiveModel {
                username: Set(name.to_owned()),
                display_name: Set(name.to_owned()),
                email: Set(None),
                password_hash: Set("x".into()),
                person_id: Set(None),
                organisation_id: Set(None),
                active: Set(true),
                last_login_at: Set(None),
                created_at: Set(at),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
            officials.push(u.id);
        }
        let source = fund_source::ActiveModel {
            key: Set("municipal_finance".to_owned()),
            kind: Set("municipal_finance".to_owned()),
            name: Set("Municipal finance".to_owned()),
            jurisdiction_id: Set(None),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        let budget = appropriation::ActiveModel {
            fund_source_id: Set(source.id),
            year: Set(2026),
            amount_fen: Set(1_000_001),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        Fixture {
            jurisdiction: seed.jurisdiction_id,
            carrier: seed.carrier_ids[0],
            official_a: officials[0],
            official_b: officials[1],
            fund_source: source.id,
            appropriation: budget.id,
        }
    }

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn ladder_case(f: &Fixture) -> NewAwardCase {
        let mut decision = Trace::new();
        decision.step(
            rules::AWARD_LADDER,
            &clauses::LADDER,
            "新认定为省级示范，应付市级、省级两级",
            "newly provincial: owed the municipal and provincial steps",
        );
        decision.step(
            rules::AWARD_LADDER,
            &clauses::LADDER,
            "合计 5321098.77 元",
            "total 5321098.77 yuan",
        );
        NewAwardCase {
            programme: "ladder".to_owned(),
            carrier_id: Some(f.carrier),
            jurisdiction_id: Some(f.jurisdiction),
            accreditation_record_id: None,
            new_level: Some(Level::Provincial),
            area_kind: None,
            state: "computed".to_owned(),
            total: money("5321098.77"),
            fund_source_id: Some(f.fund_source),
            decision,
            reviewed_by: None,
            reviewed_at: None,
            approved_by: None,
            approved_at: None,
            closing_reason: None,
            created_by: Some(f.official_a),
            steps: vec![
                NewAwardStep {
                    step_key: ladder_step_key(f.carrier, Level::Municipal),
                    level: "municipal".to_owned(),
                    cap: Money::yuan(5_000_000),
                    amount: money("4321098.77"),
                },
                NewAwardStep {
                    step_key: ladder_step_key(f.carrier, Level::Provincial),
                    level: "provincial".to_owned(),
                    cap: Money::yuan(1_000_000),
                    amount: Money::yuan(1_000_000),
                },
            ],
        }
    }

    async fn add_case(store: &Store, new: &NewAwardCase) -> Result<AwardCase, StoreError> {
        let w = store.write(&Actor::cli()).await?;
        let case = add_award_case(&w, new).await?;
        w.commit().await?;
        Ok(case)
    }

    fn payment_of_step(step: &AwardStep, voucher: &str) -> NewPayment {
        NewPayment {
            award_step_id: step.id,
            step_key: step.step_key.clone(),
            amount: step.amount,
            paid_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            voucher_no: voucher.to_owned(),
            paid_by: None,
        }
    }

    async fn pay(store: &Store, new: &NewPayment) -> Result<Payment, StoreError> {
        let w = store.write(&Actor::cli()).await?;
        let payment = record_payment(&w, new).await?;
        w.commit().await?;
        Ok(payment)
    }

    #[test]
    fn step_keys_name_a_step_once_and_for_all() {
        assert_eq!(ladder_step_key(7, Level::National), "ladder:7:national");
        assert_eq!(area_step_key(3, AreaKind::StreetTown), "area:3:street_town");
        assert_eq!(operating_step_key(7, 2026), "operating:7:2026");
    }

    #[tokio::test]
    async fn a_case_with_steps_round_trips_with_its_trace() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let f = fixture(store).await;
        let new = ladder_case(&f);
        let added = add_case(store, &new).await.unwrap();

        let found = find_award_case(store, added.id).await.unwrap().unwrap();
        assert_eq!(found, added);
        assert_eq!(found.decision, new.decision);
        assert_eq!(found.decision.len(), 2);
        assert_eq!(found.total.to_fen(), 532_109_877);
        assert_eq!(found.total.to_string(), "5321098.77");
        assert_eq!(found.new_level, Some(Level::Provincial));
        assert_eq!(found.state, "computed");
        assert_eq!(found.version, 1);
        let steps: Vec<_> = found
            .steps
            .iter()
            .map(|s| {
                (
                    s.step_key.as_str(),
                    s.level.as_str(),
                    s.cap.to_fen(),
                    s.amount.to_fen(),
                )
            })
            .collect();
        let municipal = ladder_step_key(f.carrier, Level::Municipal);
        let provincial = ladder_step_key(f.carrier, Level::Provincial);
        assert_eq!(
            steps,
            vec![
                (municipal.as_str(), "municipal", 500_000_000, 432_109_877),
                (provincial.as_str(), "provincial", 100_000_000, 100_000_000),
            ]
        );

        let area = NewAwardCase {
            programme: "area".to_owned(),
            carrier_id: None,
            new_level: None,
            area_kind: Some(AreaKind::StreetTown),
            total: Money::yuan(500_000),
            steps: vec![NewAwardStep {
                step_key: area_step_key(f.jurisdiction, AreaKind::StreetTown),
                level: "street_town".to_owned(),
                cap: Money::yuan(500_000),
                amount: Money::yuan(500_000),
            }],
            ..ladder_case(&f)
        };
        let area = add_case(store, &area).await.unwrap();
        assert_eq!(
            find_award_case(store, area.id)
                .await
                .unwrap()
                .unwrap()
                .area_kind,
            Some(AreaKind::StreetTown)
        );

        assert_eq!(
            list_award_cases_for_carrier(store, f.carrier)
                .await
                .unwrap(),
            vec![found.clone()]
        );
        assert_eq!(
            list_award_cases_by_state(store, "computed")
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(
            list_award_cases_by_state(store, "paid")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(find_award_case(store, 9_999).await.unwrap(), None);

        let bad = NewAwardCase {
            programme: "lottery".to_owned(),
            ..ladder_case(&f)
        };
        assert!(matches!(
            add_case(store, &bad).await,
            Err(StoreError::Invalid(_))
        ));

        let audit = store.verify_audit().await.unwrap();
        assert!(audit.is_intact());
        assert_eq!(audit.rows, 5);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn the_reviewer_cannot_approve() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let f = fixture(store).await;
        let at = now();
        let same = NewAwardCase {
            state: "approved".to_owned(),
            reviewed_by: Some(f.official_a),
            reviewed_at: Some(at),
            approved_by: Some(f.official_a),
            approved_at: Some(at),
            ..ladder_case(&f)
        };
        let err = add_case(store, &same).await.unwrap_err();
        assert!(matches!(err, StoreError::Transition(_)), "{err:?}");
        assert!(err.to_string().contains("maker–checker"), "{err}");
        assert_eq!(super::super::count(store, "award_cases").await.unwrap(), 0);

        // Historical cases in any state, with two officials, are fine.
        let two = NewAwardCase {
            approved_by: Some(f.official_b),
            ..same
        };
        let case = add_case(store, &two).await.unwrap();
        assert_eq!(case.state, "approved");
        assert_eq!(case.reviewed_by, Some(f.official_a));
        assert_eq!(case.approved_by, Some(f.official_b));
        assert!(store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn a_step_is_paid_at_most_once_ever() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let f = fixture(store).await;
        let case = add_case(store, &ladder_case(&f)).await.unwrap();
        let municipal = &case.steps[0];
        let first = pay(store, &payment_of_step(municipal, "V-2026-001"))
            .await
            .unwrap();
        assert_eq!(first.amount.to_fen(), 432_109_877);
        assert_eq!(first.voucher_no, "V-2026-001");

        // The same step again.
        let again = pay(store, &payment_of_step(municipal, "V-2026-002")).await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );
        // The same step key through another (recomputed) case.
        let recomputed = add_case(store, &ladder_case(&f)).await.unwrap();
        let again = pay(store, &payment_of_step(&recomputed.steps[0], "V-2026-003")).await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );
        assert_eq!(list_payments(store).await.unwrap(), vec![first.clone()]);

        // A payment must name its step's own key, and a voucher.
        let mut wrong = payment_of_step(&recomputed.steps[1], "V-2026-004");
        wrong.step_key = ladder_step_key(f.carrier, Level::National);
        assert!(matches!(
            pay(store, &wrong).await,
            Err(StoreError::Invalid(_))
        ));
        let blank = payment_of_step(&recomputed.steps[1], "  ");
        assert!(matches!(
            pay(store, &blank).await,
            Err(StoreError::Invalid(_))
        ));

        // Another carrier whose id starts with the same digits is not this one.
        let other = NewAwardCase {
            steps: vec![NewAwardStep {
                step_key: format!("ladder:{}0:municipal", f.carrier),
                level: "municipal".to_owned(),
                cap: Money::yuan(5_000_000),
                amount: Money::yuan(5_000_000),
            }],
            ..ladder_case(&f)
        };
        let other = add_case(store, &other).await.unwrap();
        pay(store, &payment_of_step(&other.steps[0], "V-2026-005"))
            .await
            .unwrap();

        assert_eq!(
            paid_steps_for_carrier(store, f.carrier).await.unwrap(),
            vec![("municipal".to_owned(), money("4321098.77"))]
        );
        assert!(
            paid_steps_for_carrier(store, f.carrier + 1)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(list_payments(store).await.unwrap().len(), 2);
        assert!(store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn reservations_reduce_what_is_left_and_releases_restore_it() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let f = fixture(store).await;
        let case = add_case(store, &ladder_case(&f)).await.unwrap();
        let appropriation = f.appropriation;
        assert_eq!(
            appropriation_available(store, appropriation).await.unwrap(),
            money("10000.01")
        );

        let w = store.write(&Actor::cli()).await.unwrap();
        let before = appropriation_available_in(&w, appropriation).await.unwrap();
        assert_eq!(before.to_fen(), 1_000_001);
        let first = reserve(
            &w,
            &NewReservation {
                appropriation_id: appropriation,
                award_case_id: Some(case.id),
                claim_id: None,
                amount: money("3000.01"),
                override_reason: None,
                reserved_by: Some(f.official_b),
            },
        )
        .await
        .unwrap();
        // Inside the change, the reservation already counts.
        assert_eq!(
            appropriation_available_in(&w, appropriation).await.unwrap(),
            money("7000.00")
        );
        w.commit().await.unwrap();
        assert_eq!(first.amount.to_fen(), 300_001);
        assert_eq!(first.released_at, None);
        assert_eq!(
            appropriation_available(store, appropriation).await.unwrap(),
            money("7000.00")
        );

        // Beyond what is left: refused, unless overridden with a reason.
        let big = NewReservation {
            appropriation_id: appropriation,
            award_case_id: Some(case.id),
            claim_id: None,
            amount: money("7000.01"),
            override_reason: Some("   ".to_owned()),
            reserved_by: None,
        };
        let w = store.write(&Actor::cli()).await.unwrap();
        let refused = reserve(&w, &big).await;
        assert!(
            matches!(refused, Err(StoreError::Transition(_))),
            "{refused:?}"
        );
        drop(w);
        let w = store.write(&Actor::cli()).await.unwrap();
        let overridden = reserve(
            &w,
            &NewReservation {
                override_reason: Some("year-end top-up approved by the bureau".to_owned()),
                ..big.clone()
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(
            appropriation_available(store, appropriation).await.unwrap(),
            Money::parse_signed("-0.01").unwrap()
        );

        // Neither or both of case and claim: refused.
        let w = store.write(&Actor::cli()).await.unwrap();
        let neither = NewReservation {
            award_case_id: None,
            amount: Money::yuan(1),
            ..big.clone()
        };
        assert!(matches!(
            reserve(&w, &neither).await,
            Err(StoreError::Invalid(_))
        ));
        drop(w);

        let w = store.write(&Actor::cli()).await.unwrap();
        let released = release_reservation(&w, overridden.id).await.unwrap();
        assert!(released.released_at.is_some());
        release_reservation(&w, first.id).await.unwrap();
        let twice = release_reservation(&w, first.id).await;
        assert!(matches!(twice, Err(StoreError::Transition(_))), "{twice:?}");
        assert!(matches!(
            release_reservation(&w, 9_999).await,
            Err(StoreError::NotFound { .. })
        ));
        w.commit().await.unwrap();
        assert_eq!(
            appropriation_available(store, appropriation).await.unwrap(),
            money("10000.01")
        );
        let all = list_reservations(store, appropriation).await.unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|r| r.released_at.is_some()));
        assert_eq!(
            reservations_for_award_case(store, case.id).await.unwrap(),
            all
        );
        assert!(matches!(
            appropriation_available(store, 9_999).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn money_round_trips_to_the_fen() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let f = fixture(store).await;
        for text in [
            "0.00",
            "0.01",
            "0.10",
            "1645.16",
            "4999999.99",
            "999999999999.99",
        ] {
            let amount = money(text);
            let new = NewAwardCase {
                total: amount,
                steps: vec![NewAwardStep {
                    step_key: format!("test:{text}"),
                    level: "municipal".to_owned(),
                    cap: amount,
                    amount,
                }],
                ..ladder_case(&f)
            };
            let case = add_case(store, &new).await.unwrap();
            let read = find_award_case(store, case.id).await.unwrap().unwrap();
            assert_eq!(read.total, amount);
            assert_eq!(read.total.to_string(), text);
            assert_eq!(read.total.amount(), Decimal::from_str(text).unwrap());
            assert_eq!(read.steps[0].amount.to_string(), text);
            assert_eq!(read.steps[0].cap, amount);
        }
        db.drop_db().await.unwrap();
    }

    /// SPEC §3/§4: two servers racing to pay the same step — the database lets one win.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_payments_of_one_step_pay_it_once() {
        let db = TestDb::sqlite().await.unwrap();
        let f = fixture(&db.store).await;
        let case = add_case(&db.store, &ladder_case(&f)).await.unwrap();
        let step = case.steps[0].clone();
        let pools = [db.store.clone(), db.second_pool().await.unwrap()];
        let mut tasks = Vec::new();
        for i in 0..50 {
            let store = pools[i % 2].clone();
            let new = payment_of_step(&step, &format!("V-{i:03}"));
            tasks.push(tokio::spawn(async move { pay(&store, &new).await }));
        }
        let mut paid = 0;
        let mut duplicates = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => paid += 1,
                Err(StoreError::Duplicate { .. }) => duplicates += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((paid, duplicates), (1, 49));
        assert_eq!(
            super::super::count(&db.store, "award_payments")
                .await
                .unwrap(),
            1
        );
        assert_eq!(list_payments(&db.store).await.unwrap().len(), 1);
        assert!(db.store.verify_audit().await.unwrap().is_intact());
        let [first, second] = pools;
        drop(first);
        second.close().await.unwrap();
        db.drop_db().await.unwrap();
    }
}
