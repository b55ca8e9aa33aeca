//! The plan, without a database: identities, carriers, tenants and stays
//! ([`people`]), what happened in the district ([`activity`]), and the rent-relief
//! cases to be made through the use cases ([`cases`]).

mod activity;
mod cases;
mod people;

use chrono::NaiveDate;

use super::*;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The days the tests plan for: late November, early January (the evaluation round
/// has just been published) and a leap day.
pub(super) fn days() -> [NaiveDate; 3] {
    [d(2026, 11, 27), d(2027, 1, 4), d(2028, 2, 29)]
}

pub(super) fn plans() -> Vec<DemoDistrict> {
    days().into_iter().map(plan).collect()
}
