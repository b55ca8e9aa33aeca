//! The district's carriers (载体) and their accreditation histories (SPEC §2, §7).
//!
//! Fifteen carriers cover every kind, founding and level. 西海岸新区大学生创业孵化基地
//! climbed district → municipal → provincial → national; 青岛西海岸青年创新创业孵化基地
//! (socially run) was paid its municipal ladder step and is now provincial; one
//! record is suspended and one revoked.

use chrono::{Datelike, Days, NaiveDate};
use fuhua_core::dates::days_in_month;
use fuhua_core::vocab::{AccreditationStatus, CarrierKind, Founding, Level, Operation};

use super::model::{DemoAccreditation, DemoCarrier, OperatingContract};
use super::names::{self, Industry};
use super::places::{self, Org};
use super::ymd;

/// How the tenants of a carrier are drawn (not part of the plan's output).
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Relative share of the entities whose first stay is here.
    pub weight: u32,
    pub industries: &'static [Industry],
    /// Weights of graduate, unemployed, returning migrant worker, other.
    pub groups: [u32; 4],
    /// Percentage of enterprises (the rest are individual businesses).
    pub enterprise_pct: u32,
    pub units: UnitStyle,
    /// Monthly rent per m², in fen.
    pub rent_fen_per_m2: (i64, i64),
    /// Rented area in whole m².
    pub area_m2: (i64, i64),
}

/// How units are labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitStyle {
    /// Offices: "A座305室".
    Rooms,
    /// Open-plan workstations: "工位B-17".
    Desks,
    /// Street-front shops: "12号商铺".
    Shops,
}

/// A carrier with how its tenants are drawn.
#[derive(Debug, Clone)]
pub struct Planned {
    pub carrier: DemoCarrier,
    pub profile: Profile,
}

fn certificate(level: Level, street: &str, year: i32, seq: u32) -> String {
    let prefix = match level {
        Level::StreetTown => street,
        Level::District => "QXRS-FH",
        Level::Municipal => "QDRS-SFJD",
        Level::Provincial => "LRS-SFJD",
        Level::National => "RSB-SFJD",
    };
    format!("{prefix}-{year}-{seq:03}")
}

fn body(level: Level, jurisdiction: &str) -> String {
    match level {
        Level::StreetTown => places::street_body(jurisdiction),
        Level::District => places::BODY_DISTRICT.to_owned(),
        Level::Municipal => places::BODY_MUNICIPAL.to_owned(),
        Level::Provincial => places::BODY_PROVINCIAL.to_owned(),
        Level::National => places::BODY_NATIONAL.to_owned(),
    }
}

/// One step of a history: level, seq of the certificate, valid_from.
struct Step {
    level: Level,
    seq: u32,
    from: NaiveDate,
}

fn step(level: Level, seq: u32, from: NaiveDate) -> Step {
    Step { level, seq, from }
}

/// A history of records where each is superseded by the next: an earlier record
/// stays `active` but ends the day before the next starts, so it keeps counting
/// for move-ins on its own days (SPEC §3: "an accreditation counts on day D when
/// its status is active and valid_from ≤ D ≤ valid_until").
fn climb(jurisdiction: &str, street: &str, steps: &[Step]) -> Vec<DemoAccreditation> {
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let next = steps.get(i + 1);
            DemoAccreditation {
                certificate_no: certificate(step.level, street, step.from.year(), step.seq),
                level: step.level,
                accrediting_body: body(step.level, jurisdiction),
                valid_from: step.from,
                valid_until: next.and_then(|n| n.from.pred_opt()),
                status: AccreditationStatus::Active,
                note: next.map(|n| {
                    format!(
                        "升级为{}，本证书于新证书生效前一日终止",
                        n.level.label(fuhua_core::Lang::Zh)
                    )
                }),
            }
        })
        .collect()
}

/// Fields shared by every carrier; the rest is set per carrier.
struct Base {
    code: u32,
    name: &'static str,
    kind: CarrierKind,
    founding: Founding,
    jurisdiction: &'static str,
    address: &'static str,
    area_centi_m2: i64,
    workstations: u32,
    operator: Org,
    opened_on: NaiveDate,
    contact: (&'static str, &'static str),
}

fn carrier(base: Base, contract: Option<OperatingContract>) -> DemoCarrier {
    DemoCarrier {
        code: format!("QXZT{:03}", base.code),
        name: base.name.to_owned(),
        kind: base.kind,
        founding: base.founding,
        operation: if contract.is_some() {
            Operation::Entrusted
        } else {
            Operation::SelfOperated
        },
        jurisdiction: base.jurisdiction.to_owned(),
        address: base.address.to_owned(),
        floor_area_centi_m2: base.area_centi_m2,
        workstations: base.workstations,
        operator: base.operator.code(),
        contract,
        waives_rent: true,
        opened_on: base.opened_on,
        contact_name: base.contact.0.to_owned(),
        contact_phone: base.contact.1.to_owned(),
        accreditations: Vec::new(),
    }
}

fn contract(seq: u32, start: NaiveDate, end: NaiveDate) -> Option<OperatingContract> {
    Some(OperatingContract {
        number: format!("QXYY-{}-{seq:03}", start.year()),
        start,
        end,
    })
}

/// The last day of the month `months` months after `day`'s month.
fn month_end_after(day: NaiveDate, months: u32) -> NaiveDate {
    let index = day.year() * 12 + day.month0() as i32 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    ymd(year, month, days_in_month(year, month))
}

const OFFICE: &[Industry] = &[
    names::SOFTWARE,
    names::INTERNET,
    names::ECOMMERCE,
    names::MEDIA,
    names::DESIGN,
    names::EDUCATION,
];
const HOUSEHOLD: &[Industry] = &[
    names::HOUSEKEEPING,
    names::ELDERLY,
    names::MATERNITY,
    names::CATERING,
];
const TECH: &[Industry] = &[
    names::SOFTWARE,
    names::SMART_MFG,
    names::MARINE,
    names::INTERNET,
];
const STREET_SHOPS: &[Industry] = &[
    names::CATERING,
    names::FOOD,
    names::CRAFTS,
    names::RETAIL,
    names::MEDIA,
];
const RURAL: &[Industry] = &[
    names::AGRITECH,
    names::FOOD,
    names::ECOMMERCE,
    names::LOGISTICS,
    names::REPAIR,
];

const fn profile(
    weight: u32,
    industries: &'static [Industry],
    groups: [u32; 4],
    enterprise_pct: u32,
    units: UnitStyle,
    rent_fen_per_m2: (i64, i64),
    area_m2: (i64, i64),
) -> Profile {
    Profile {
        weight,
        industries,
        groups,
        enterprise_pct,
        units,
        rent_fen_per_m2,
        area_m2,
    }
}

mod bases;
mod others;

/// The district's carriers QXZT001…QXZT015, with dates relative to `today`.
pub fn carriers(today: NaiveDate) -> Vec<Planned> {
    let mut all = bases::carriers(today);
    all.extend(others::carriers(today));
    all
}
