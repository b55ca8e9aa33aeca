//! The tenant roll's writes, read inside the change that makes them: finding an
//! entity or a founder already on record (one person or entity is never recorded
//! twice across carriers), the stays a new stay would overlap (named, with their
//! carrier), and the changes to a recorded stay (move-out, rent, jobs) with
//! optimistic locking and their audit rows.

use chrono::NaiveDate;
use fuhua_core::{CreditCode, Money, ResidentId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::people::{Person, RESIDENT_ID, person_of};
use super::tenants::{Entity, Stay, entity_of, stay_of};
use super::{AuditImages, update_case};
use crate::Write;
use crate::entities::{carrier, entity, person, stay};
use crate::error::StoreError;

/// An entity by credit code, read in the change (so a row recorded earlier in the
/// same import is found).
pub async fn find_entity_by_credit_code_in(
    w: &Write,
    code: &CreditCode,
) -> Result<Option<Entity>, StoreError> {
    entity::Entity::find()
        .filter(entity::Column::CreditCode.eq(code.as_str()))
        .one(w.conn())
        .await?
        .map(entity_of)
        .transpose()
}

/// A person by resident ID, through its keyed hash, read in the change.
pub async fn find_person_by_resident_id_in(
    w: &Write,
    resident_id: &ResidentId,
) -> Result<Option<Person>, StoreError> {
    let hash = w.crypto().keyed_hash(RESIDENT_ID, resident_id.as_str());
    person::Entity::find()
        .filter(person::Column::ResidentIdHash.eq(hash))
        .one(w.conn())
        .await?
        .map(person_of)
        .transpose()
}

/// A stay by id, read in the change.
pub async fn find_stay_in(w: &Write, id: i64) -> Result<Option<Stay>, StoreError> {
    Ok(stay::Entity::find_by_id(id)
        .one(w.conn())
        .await?
        .map(stay_of))
}

/// A recorded stay with the name of its carrier (to name it in a message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedStay {
    pub stay: Stay,
    pub carrier_name: String,
}

/// The stays of `entity_id` that share a day with `move_in ..= move_out` (open
/// ends run forever), leaving out `except`. SPEC §3 R-WAIVER: stays of one entity
/// must not overlap.
pub async fn overlapping_stays_in(
    w: &Write,
    entity_id: i64,
    move_in: NaiveDate,
    move_out: Option<NaiveDate>,
    except: Option<i64>,
) -> Result<Vec<NamedStay>, StoreError> {
    let end = move_out.unwrap_or(NaiveDate::MAX);
    let rows = stay::Entity::find()
        .filter(stay::Column::EntityId.eq(entity_id))
        .order_by_asc(stay::Column::MoveIn)
        .find_also_related(carrier::Entity)
        .all(w.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(s, _)| Some(s.id) != except)
        .filter(|(s, _)| s.move_in <= end && move_in <= s.move_out.unwrap_or(NaiveDate::MAX))
        .map(|(s, c)| NamedStay {
            carrier_name: c.map(|c| c.name).unwrap_or_default(),
            stay: stay_of(s),
        })
        .collect())
}

/// One change to a recorded stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StayChange {
    /// The last occupied day (inclusive), or none to take a move-out back.
    MoveOut(Option<NaiveDate>),
    /// The monthly rent from now on, in yuan.
    Rent(Money),
    /// Jobs the entity provides (带动就业人数).
    Jobs(i32),
}

impl StayChange {
    /// The audit action of the change.
    pub fn action(self) -> &'static str {
        match self {
            StayChange::MoveOut(_) => "move_out",
            StayChange::Rent(_) => "change_rent",
            StayChange::Jobs(_) => "set_jobs",
        }
    }
}

/// Changes stay `stay` (as the caller read it: its version) in the caller's
/// transaction, with its audit row (before and after images). Another change
/// that landed first is a `Conflict`; a move-out before the move-in is `Invalid`; an
/// overlap with another stay of the entity is `OverlappingStay` (the database
/// refuses it too).
pub async fn change_stay(w: &Write, stay: &Stay, change: StayChange) -> Result<Stay, StoreError> {
    let (column, value, before, after) = match change {
        StayChange::MoveOut(out) => {
            if out.is_some_and(|out| out < stay.move_in) {
                return Err(StoreError::Invalid(
                    "the move-out date is before the move-in date".into(),
                ));
            }
            (
                "move_out",
                Expr::val(out),
                json!({"move_out": stay.move_out, "version": stay.version}),
                json!({"move_out": out, "version": stay.version + 1}),
            )
        }
        StayChange::Rent(rent) => {
            if rent.is_negative() {
                return Err(StoreError::Invalid(
                    "the monthly rent must not be negative".into(),
                ));
            }
            (
                "monthly_rent_fen",
                Expr::val(rent.to_fen()),
                json!({"monthly_rent": stay.monthly_rent, "version": stay.version}),
                json!({"monthly_rent": rent, "version": stay.version + 1}),
            )
        }
        StayChange::Jobs(jobs) => {
            if jobs < 0 {
                return Err(StoreError::Invalid(
                    "the number of jobs must not be negative".into(),
                ));
            }
            (
                "jobs",
                Expr::val(jobs),
                json!({"jobs": stay.jobs, "version": stay.version}),
                json!({"jobs": jobs, "version": stay.version + 1}),
            )
        }
    };
    update_case(
        w,
        "stays",
        stay.id,
        stay.version,
        vec![(column, value)],
        AuditImages {
            action: change.action(),
            before: &before,
            after: &after,
        },
    )
    .await?;
    find_stay_in(w, stay.id)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "stays",
            id: stay.id.to_string(),
        })
}
