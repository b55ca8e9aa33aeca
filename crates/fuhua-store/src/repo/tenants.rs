//! Entering entities, their stays and what hangs off them: monthly reports, rent
//! relief applications, extension requests, ledger rows and settlement claims.

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_core::vocab::{FundingSource, Regime};
use fuhua_core::{CreditCode, Money};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{by_id, every, insert, now, parse_code};
use crate::entities::{entity, ledger_row, monthly_report, settlement_claim, stay};
use crate::error::StoreError;
use crate::{Store, Write};

/// Enterprise or individual business (个体工商户).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Enterprise,
    IndividualBusiness,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Enterprise => "enterprise",
            EntityKind::IndividualBusiness => "individual_business",
        }
    }

    fn parse(code: &str) -> Result<EntityKind, StoreError> {
        match code {
            "enterprise" => Ok(EntityKind::Enterprise),
            "individual_business" => Ok(EntityKind::IndividualBusiness),
            other => Err(StoreError::Corrupt(format!(
                "entity kind “{other}” is not known"
            ))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewEntity {
    pub name: String,
    pub kind: EntityKind,
    pub credit_code: CreditCode,
    pub registered_on: NaiveDate,
    pub founder_person_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: i64,
    pub name: String,
    pub kind: EntityKind,
    pub credit_code: String,
    pub registered_on: NaiveDate,
    pub founder_person_id: i64,
    pub version: i32,
}

pub(crate) fn entity_of(m: entity::Model) -> Result<Entity, StoreError> {
    Ok(Entity {
        id: m.id,
        name: m.name,
        kind: EntityKind::parse(&m.kind)?,
        credit_code: m.credit_code,
        registered_on: m.registered_on,
        founder_person_id: m.founder_person_id,
        version: m.version,
    })
}

/// Records an entering entity; its credit code is unique.
pub async fn add_entity(w: &Write, new: &NewEntity) -> Result<Entity, StoreError> {
    let at = now();
    let row = entity::ActiveModel {
        name: Set(new.name.clone()),
        kind: Set(new.kind.as_str().to_owned()),
        credit_code: Set(new.credit_code.as_str().to_owned()),
        registered_on: Set(new.registered_on),
        founder_person_id: Set(new.founder_person_id),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "name": new.name,
        "kind": new.kind.as_str(),
        "credit_code": new.credit_code.as_str(),
        "registered_on": new.registered_on,
        "founder_person_id": new.founder_person_id,
    });
    entity_of(insert(w, "entities", row, |m| m.id, audit).await?)
}

pub async fn find_entity_by_credit_code(
    store: &Store,
    code: &CreditCode,
) -> Result<Option<Entity>, StoreError> {
    entity::Entity::find()
        .filter(entity::Column::CreditCode.eq(code.as_str()))
        .one(store.db())
        .await?
        .map(entity_of)
        .transpose()
}

/// Every entity a person founded (to warn when a founder already had a window).
pub async fn entities_of_founder(store: &Store, person_id: i64) -> Result<Vec<Entity>, StoreError> {
    every(
        store,
        entity::Entity::find()
            .filter(entity::Column::FounderPersonId.eq(person_id))
            .order_by_asc(entity::Column::Id),
        entity_of,
    )
    .await
}

#[derive(Debug, Clone)]
pub struct NewStay {
    pub entity_id: i64,
    pub carrier_id: i64,
    pub move_in: NaiveDate,
    /// The last occupied day, inclusive.
    pub move_out: Option<NaiveDate>,
    pub monthly_rent: Money,
    pub area_centi: Option<i64>,
    pub unit: Option<String>,
    pub jobs: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    pub id: i64,
    pub entity_id: i64,
    pub carrier_id: i64,
    pub move_in: NaiveDate,
    pub move_out: Option<NaiveDate>,
    pub monthly_rent: Money,
    pub area_centi: Option<i64>,
    pub unit: Option<String>,
    pub jobs: i32,
    pub version: i32,
    /// The approved waiver window's end, kept at approval and extension.
    pub window_end: Option<NaiveDate>,
}

pub(crate) fn stay_of(m: stay::Model) -> Stay {
    Stay {
        id: m.id,
        entity_id: m.entity_id,
        carrier_id: m.carrier_id,
        move_in: m.move_in,
        move_out: m.move_out,
        monthly_rent: Money::from_fen(m.monthly_rent_fen),
        area_centi: m.area_centi,
        unit: m.unit,
        jobs: m.jobs,
        version: m.version,
        window_end: m.window_end,
    }
}

/// Records a stay. SPEC §3: stays of one entity must not overlap — checked here for
/// a clear answer, and refused by the database whatever the path (a trigger).
pub async fn add_stay(w: &Write, new: &NewStay) -> Result<Stay, StoreError> {
    if new.move_out.is_some_and(|out| out < new.move_in) {
        return Err(StoreError::Invalid(
            "the move-out date is before the move-in date".into(),
        ));
    }
    if new.monthly_rent.is_negative() {
        return Err(StoreError::Invalid(
            "the monthly rent must not be negative".into(),
        ));
    }
    let end = new.move_out.unwrap_or(NaiveDate::MAX);
    let existing = stay::Entity::find()
        .filter(stay::Column::EntityId.eq(new.entity_id))
        .all(w.conn())
        .await?;
    if existing
        .iter()
        .any(|s| s.move_in <= end && new.move_in <= s.move_out.unwrap_or(NaiveDate::MAX))
    {
        return Err(StoreError::OverlappingStay);
    }
    let at = now();
    let row = stay::ActiveModel {
        entity_id: Set(new.entity_id),
        carrier_id: Set(new.carrier_id),
        move_in: Set(new.move_in),
        move_out: Set(new.move_out),
        monthly_rent_fen: Set(new.monthly_rent.to_fen()),
        area_centi: Set(new.area_centi),
        unit: Set(new.unit.clone()),
        jobs: Set(new.jobs),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "entity_id": new.entity_id,
        "carrier_id": new.carrier_id,
        "move_in": new.move_in,
        "move_out": new.move_out,
        "monthly_rent": new.monthly_rent,
        "area_centi": new.area_centi,
        "unit": new.unit,
        "jobs": new.jobs,
    });
    Ok(stay_of(insert(w, "stays", row, |m| m.id, audit).await?))
}

/// A stay by id.
pub async fn find_stay(store: &Store, id: i64) -> Result<Option<Stay>, StoreError> {
    by_id::<stay::Entity, _>(store, id, |m| Ok(stay_of(m))).await
}

/// An entity by id.
pub async fn find_entity(store: &Store, id: i64) -> Result<Option<Entity>, StoreError> {
    by_id::<entity::Entity, _>(store, id, entity_of).await
}

/// An entity's stays, oldest first.
pub async fn stays_of_entity(store: &Store, entity_id: i64) -> Result<Vec<Stay>, StoreError> {
    every(
        store,
        stay::Entity::find()
            .filter(stay::Column::EntityId.eq(entity_id))
            .order_by_asc(stay::Column::MoveIn),
        |m| Ok(stay_of(m)),
    )
    .await
}

/// A carrier's stays, oldest first.
pub async fn stays_in_carrier(store: &Store, carrier_id: i64) -> Result<Vec<Stay>, StoreError> {
    every(
        store,
        stay::Entity::find()
            .filter(stay::Column::CarrierId.eq(carrier_id))
            .order_by_asc(stay::Column::MoveIn),
        |m| Ok(stay_of(m)),
    )
    .await
}

/// A monthly report of a carrier (SPEC §4).
#[derive(Debug, Clone)]
pub struct NewMonthlyReport {
    pub carrier_id: i64,
    /// "YYYY-MM".
    pub period: String,
    pub due_on: NaiveDate,
    /// due, submitted, accepted or returned.
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<i64>,
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyReport {
    pub id: i64,
    pub carrier_id: i64,
    pub period: String,
    pub due_on: NaiveDate,
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub data: Value,
    pub version: i32,
}

pub async fn add_monthly_report(
    w: &Write,
    new: &NewMonthlyReport,
) -> Result<MonthlyReport, StoreError> {
    let at = now();
    let row = monthly_report::ActiveModel {
        carrier_id: Set(new.carrier_id),
        period: Set(new.period.clone()),
        due_on: Set(new.due_on),
        state: Set(new.state.clone()),
        submitted_at: Set(new.submitted_at),
        late: Set(new.late),
        accepted_at: Set(new.accepted_at),
        accepted_by: Set(new.accepted_by),
        data: Set(new.data.to_string()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "carrier_id": new.carrier_id,
        "period": new.period,
        "due_on": new.due_on,
        "state": new.state,
        "late": new.late,
    });
    let m = insert(w, "monthly_reports", row, |m| m.id, audit).await?;
    Ok(MonthlyReport {
        id: m.id,
        carrier_id: m.carrier_id,
        period: m.period,
        due_on: m.due_on,
        state: m.state,
        submitted_at: m.submitted_at,
        late: m.late,
        data: serde_json::from_str(&m.data)?,
        version: m.version,
    })
}

/// A carrier's monthly reports, oldest period first.
pub async fn monthly_reports_of(
    store: &Store,
    carrier_id: i64,
) -> Result<Vec<MonthlyReport>, StoreError> {
    monthly_report::Entity::find()
        .filter(monthly_report::Column::CarrierId.eq(carrier_id))
        .order_by_asc(monthly_report::Column::Period)
        .all(store.db())
        .await?
        .into_iter()
        .map(|m| {
            Ok(MonthlyReport {
                id: m.id,
                carrier_id: m.carrier_id,
                period: m.period,
                due_on: m.due_on,
                state: m.state,
                submitted_at: m.submitted_at,
                late: m.late,
                data: serde_json::from_str(&m.data)?,
                version: m.version,
            })
        })
        .collect()
}

/// A regular or adjustment row of the monthly ledger of an approved relief.
#[derive(Debug, Clone)]
pub struct NewLedgerRow {
    pub stay_id: i64,
    /// "YYYY-MM".
    pub month: String,
    /// A late move-out or rent change is an adjustment, never an edit (SPEC §4).
    pub adjustment: bool,
    pub regime: Regime,
    pub funding_source: Option<FundingSource>,
    pub occupied_days: i32,
    pub days_in_month: i32,
    pub rent_due: Money,
    pub waived: Money,
    pub payable: Money,
    pub relief_application_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub id: i64,
    pub stay_id: i64,
    pub month: String,
    pub adjustment: bool,
    pub regime: Regime,
    pub funding_source: Option<FundingSource>,
    pub occupied_days: i32,
    pub days_in_month: i32,
    pub rent_due: Money,
    pub waived: Money,
    pub payable: Money,
    pub claim_id: Option<i64>,
}

fn ledger_of(m: ledger_row::Model) -> Result<LedgerRow, StoreError> {
    Ok(LedgerRow {
        id: m.id,
        stay_id: m.stay_id,
        month: m.month,
        adjustment: m.kind == "adjustment",
        regime: parse_code("regime", &m.regime)?,
        funding_source: m
            .funding_source
            .as_deref()
            .map(|f| parse_code("funding_source", f))
            .transpose()?,
        occupied_days: m.occupied_days,
        days_in_month: m.days_in_month,
        rent_due: Money::from_fen(m.rent_due_fen),
        waived: Money::from_fen(m.waived_fen),
        payable: Money::from_fen(m.payable_fen),
        claim_id: m.claim_id,
    })
}

/// Appends ledger rows (all in the caller's transaction).
pub async fn add_ledger_rows(
    w: &Write,
    rows: &[NewLedgerRow],
) -> Result<Vec<LedgerRow>, StoreError> {
    let mut stored = Vec::with_capacity(rows.len());
    for new in rows {
        let at = now();
        let row = ledger_row::ActiveModel {
            stay_id: Set(new.stay_id),
            month: Set(new.month.clone()),
            kind: Set(if new.adjustment {
                "adjustment"
            } else {
                "regular"
            }
            .into()),
            regime: Set(new.regime.as_str().into()),
            funding_source: Set(new.funding_source.map(|f| f.as_str().to_owned())),
            occupied_days: Set(new.occupied_days),
            days_in_month: Set(new.days_in_month),
            rent_due_fen: Set(new.rent_due.to_fen()),
            waived_fen: Set(new.waived.to_fen()),
            payable_fen: Set(new.payable.to_fen()),
            claim_id: Set(None),
            relief_application_id: Set(new.relief_application_id),
            created_at: Set(at),
            ..Default::default()
        };
        let audit = json!({
            "stay_id": new.stay_id,
            "month": new.month,
            "adjustment": new.adjustment,
            "regime": new.regime,
            "rent_due": new.rent_due,
            "waived": new.waived,
            "payable": new.payable,
        });
        stored.push(ledger_of(
            insert(w, "ledger_rows", row, |m| m.id, audit).await?,
        )?);
    }
    Ok(stored)
}

/// A stay's ledger rows, by month then insertion.
pub async fn ledger_of_stay(store: &Store, stay_id: i64) -> Result<Vec<LedgerRow>, StoreError> {
    every(
        store,
        ledger_row::Entity::find()
            .filter(ledger_row::Column::StayId.eq(stay_id))
            .order_by_asc(ledger_row::Column::Month)
            .order_by_asc(ledger_row::Column::Id),
        ledger_of,
    )
    .await
}

/// A stay's ledger rows inside a change (to add only what is missing).
pub async fn ledger_of_stay_in(w: &Write, stay_id: i64) -> Result<Vec<LedgerRow>, StoreError> {
    ledger_row::Entity::find()
        .filter(ledger_row::Column::StayId.eq(stay_id))
        .order_by_asc(ledger_row::Column::Month)
        .order_by_asc(ledger_row::Column::Id)
        .all(w.conn())
        .await?
        .into_iter()
        .map(ledger_of)
        .collect()
}

/// A settlement claim per carrier, quarter and fund source (starts `generated`).
#[derive(Debug, Clone)]
pub struct NewSettlementClaim {
    pub carrier_id: i64,
    pub year: i32,
    pub quarter: i32,
    pub funding_source: FundingSource,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementClaim {
    pub id: i64,
    pub carrier_id: i64,
    pub year: i32,
    pub quarter: i32,
    pub funding_source: FundingSource,
    pub state: String,
    pub total: Money,
    pub version: i32,
}

/// Generates a claim; a second claim for the same carrier, quarter and fund source
/// is a duplicate.
pub async fn add_settlement_claim(
    w: &Write,
    new: &NewSettlementClaim,
) -> Result<SettlementClaim, StoreError> {
    if !(1..=4).contains(&new.quarter) {
        return Err(StoreError::Invalid("a quarter is 1 to 4".into()));
    }
    let at = now();
    let row = settlement_claim::ActiveModel {
        carrier_id: Set(new.carrier_id),
        year: Set(new.year),
        quarter: Set(new.quarter),
        funding_source: Set(new.funding_source.as_str().into()),
        state: Set("generated".into()),
        total_fen: Set(new.total.to_fen()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "carrier_id": new.carrier_id,
        "year": new.year,
        "quarter": new.quarter,
        "funding_source": new.funding_source,
        "total": new.total,
        "state": "generated",
    });
    let m = insert(w, "settlement_claims", row, |m| m.id, audit).await?;
    Ok(SettlementClaim {
        id: m.id,
        carrier_id: m.carrier_id,
        year: m.year,
        quarter: m.quarter,
        funding_source: parse_code("funding_source", &m.funding_source)?,
        state: m.state,
        total: Money::from_fen(m.total_fen),
        version: m.version,
    })
}
