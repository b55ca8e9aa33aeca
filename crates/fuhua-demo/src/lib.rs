#![doc = include_str!("../README.md")]

mod accounts;
mod awards;
pub mod bulk;
mod carriers;
mod cases;
mod error;
mod evaluation;
mod ids;
mod load;
mod model;
mod names;
mod places;
mod reports;
mod settlement;
mod tenants;

#[cfg(test)]
mod tests;

use chrono::{NaiveDate, TimeDelta};
use fuhua_core::dates::days_in_month;
use fuhua_waiver::{Founder as WaiverFounder, Stay, WaiverInput};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

pub use accounts::{DemoAccount, FounderAccount, OperatorAccount, Role, Scope, demo_accounts};
pub use cases::{CasePlan, PlannedExtension, PlannedRelief, ReliefTarget};
pub use error::DemoError;
pub use load::{LoadOutcome, load};
pub use model::{
    Appropriation, AwardCase, AwardSubject, DemoAccreditation, DemoCarrier, DemoDistrict, DemoStay,
    Entity, EntityKind, EvaluationEntry, EvaluationRound, Founder, FundSource, Gender,
    Jurisdiction, MonthlyReport, OperatingContract, Organisation, OrganisationKind,
};
pub use settlement::PlannedSettlement;
pub use tenants::ENTITY_COUNT;

/// The demo's fixed seed (from the policy's number, 青西新管办发〔2018〕146号).
const SEED: u64 = 0x2018_0146_5158_0211;
const STREAM_IDENTITY: u64 = 1;
const STREAM_DATES: u64 = 2;
const STREAM_REPORTS: u64 = 3;
const STREAM_EVAL: u64 = 4;
const STREAM_FIGURES: u64 = 5;

/// An independent random stream for one item of one kind, so that what one item
/// draws never shifts another's.
fn rng_for(stream: u64, index: u64) -> StdRng {
    StdRng::seed_from_u64(SEED ^ (stream << 56) ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// An index drawn with the given relative weights (0 when all are 0).
fn pick_weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut roll = rng.random_range(0..total);
    for (index, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return index;
        }
        roll -= weight;
    }
    0
}

/// `day` moved by `days` calendar days (unchanged at the ends of the calendar).
fn shift(day: NaiveDate, days: i64) -> NaiveDate {
    day.checked_add_signed(TimeDelta::days(days)).unwrap_or(day)
}

/// A date, with the day clamped to the month's last day (so 02-30 is 02-28/29).
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    let day = day.min(days_in_month(year, month)).max(1);
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Plans the demo district as of `today`.
pub fn plan(today: NaiveDate) -> DemoDistrict {
    let planned = carriers::carriers(today);
    let organisations = places::organisations();
    let org_codes: Vec<String> = organisations
        .iter()
        .map(|o| o.credit_code.clone())
        .collect();
    let tenants = tenants::tenants(today, &planned, &org_codes);
    let carriers: Vec<DemoCarrier> = planned.into_iter().map(|p| p.carrier).collect();
    let monthly_reports = reports::monthly_reports(today, &carriers, &tenants.stays);
    let fund_sources = reports::fund_sources(&carriers);
    let appropriations = reports::appropriations(today, &fund_sources);
    let award_cases = awards::award_cases(today, &carriers);
    let evaluation_round = evaluation::evaluation_round(
        today,
        &carriers,
        &tenants.entities,
        &tenants.stays,
        &monthly_reports,
    );
    let mut district = DemoDistrict {
        today,
        jurisdictions: places::jurisdictions(),
        accrediting_bodies: places::accrediting_bodies(),
        organisations,
        carriers,
        entities: tenants.entities,
        stays: tenants.stays,
        monthly_reports,
        fund_sources,
        appropriations,
        award_cases,
        evaluation_round,
        users: demo_accounts(),
        cases: CasePlan::default(),
    };
    district.cases = cases::case_plan(&district);
    district
}

impl DemoDistrict {
    /// The carrier with this code (QXZT001 …).
    pub fn carrier(&self, code: &str) -> Option<&DemoCarrier> {
        self.carriers.iter().find(|c| c.code == code)
    }

    /// The entity with this credit code.
    pub fn entity(&self, credit_code: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.credit_code == credit_code)
    }

    /// The entity's stays, oldest first.
    pub fn stays_of<'a>(&'a self, credit_code: &'a str) -> impl Iterator<Item = &'a DemoStay> {
        self.stays.iter().filter(move |s| s.entity == credit_code)
    }

    /// What fuhua_waiver::calculate needs for one entity as of `as_of`: its founder
    /// and its stays with their carriers' accreditation records, no extensions.
    pub fn waiver_input(&self, credit_code: &str, as_of: NaiveDate) -> Option<WaiverInput> {
        let entity = self.entity(credit_code)?;
        let stays = self
            .stays_of(credit_code)
            .map(|s| {
                Some(Stay {
                    carrier: self.carrier(&s.carrier)?.to_rule(),
                    move_in: s.move_in,
                    move_out: s.move_out,
                    monthly_rent: s.monthly_rent,
                })
            })
            .collect::<Option<Vec<Stay>>>()?;
        Some(WaiverInput {
            founder: WaiverFounder {
                group: entity.founder.group,
                graduated_on: entity.founder.graduated_on,
            },
            stays,
            extension_months: 0,
            as_of,
            founder_prior_window: None,
        })
    }
}
