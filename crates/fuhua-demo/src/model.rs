//! The demo district as plain data: what a loader writes into an empty database.
//!
//! Every item has a natural key (a code, credit code, certificate number, case
//! number or username) so that a loader can tell what already exists. Items refer
//! to each other by those keys, never by database ids.

use chrono::NaiveDate;
use fuhua_accreditation::{Accreditation, Carrier};
use fuhua_awards::{AwardCaseState, OwedStep, Programme};
use fuhua_core::Money;
use fuhua_core::vocab::{
    AccreditationStatus, AreaKind, CarrierKind, FounderGroup, Founding, FundingSource, Grade,
    Level, Operation,
};
use fuhua_evaluation::{Inputs, Item, RoundState};
use fuhua_waiver::MonthlyReportState;
use rust_decimal::Decimal;
use serde::Serialize;

use super::accounts::DemoAccount;
use super::cases::CasePlan;

/// The whole demo district for one `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoDistrict {
    /// The day the plan was made for; every other date is relative to it.
    pub today: NaiveDate,
    /// The district first, then its streets and towns.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Bodies that issue accreditation certificates, highest level last.
    pub accrediting_bodies: Vec<String>,
    /// Operators (companies and public service centres) and the evaluator.
    pub organisations: Vec<Organisation>,
    pub carriers: Vec<DemoCarrier>,
    /// 300 tenants, each with its principal founder.
    pub entities: Vec<Entity>,
    /// Ordered by entity, then move-in.
    pub stays: Vec<DemoStay>,
    /// Ordered by carrier, then period.
    pub monthly_reports: Vec<MonthlyReport>,
    pub fund_sources: Vec<FundSource>,
    pub appropriations: Vec<Appropriation>,
    /// Ordered by case number.
    pub award_cases: Vec<AwardCase>,
    pub evaluation_round: EvaluationRound,
    /// The same as [`super::demo_accounts`].
    pub users: Vec<DemoAccount>,
    /// The rent-relief applications and extension requests made through the use
    /// cases once the district is written, with the founders' accounts they need.
    pub cases: CasePlan,
}

/// The district or one of its streets/towns. Natural key: `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jurisdiction {
    /// "370211" for the district, "370211001"… for streets, "370211101"… for towns.
    pub code: String,
    pub name: String,
    /// `District` for the district itself, `StreetTown` for a street or town.
    pub kind: AreaKind,
    /// The district's code for a street or town; `None` for the district.
    pub parent: Option<String>,
}

/// What an organisation is to the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// A professional operating company (专业化运营机构), also the socially-run
    /// carriers' own companies.
    OperatingCompany,
    /// A street/town public service centre running a government carrier itself
    /// (事业单位; credit code prefix 12).
    PublicInstitution,
    /// The third-party evaluator (第三方评估机构, clause 二十六).
    Evaluator,
}

impl OrganisationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::OperatingCompany => "operating_company",
            OrganisationKind::PublicInstitution => "public_institution",
            OrganisationKind::Evaluator => "evaluator",
        }
    }
}

/// An organisation. Natural key: `credit_code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    /// Unified social credit code, valid GB 32100 check character.
    pub credit_code: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub address: String,
    /// An office landline ("0532-…"), not personal data.
    pub phone: String,
}

/// The operating contract of an entrusted carrier (公办民营 / 政府购买服务).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatingContract {
    /// Natural key of the contract.
    pub number: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// One accreditation record. Natural key: `certificate_no`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoAccreditation {
    pub certificate_no: String,
    pub level: Level,
    pub accrediting_body: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub status: AccreditationStatus,
    /// Why a record was ended, suspended or revoked, as the official wrote it.
    pub note: Option<String>,
}

impl DemoAccreditation {
    /// The record as the rent rules read it (fuhua-accreditation).
    pub fn to_rule(&self) -> Accreditation {
        Accreditation {
            level: self.level,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            status: self.status,
        }
    }
}

/// A carrier (载体). Natural key: `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoCarrier {
    /// "QXZT001"… (青西载体).
    pub code: String,
    pub name: String,
    pub kind: CarrierKind,
    pub founding: Founding,
    pub operation: Operation,
    /// The jurisdiction code whose officials oversee it.
    pub jurisdiction: String,
    pub address: String,
    /// Floor area in hundredths of a square metre (1_268_050 = 12,680.50 m²).
    pub floor_area_centi_m2: i64,
    pub workstations: u32,
    /// Credit code of the organisation that runs it day to day: the contracted
    /// operator when entrusted, otherwise its own company or public service centre.
    pub operator: String,
    /// `Some` exactly when `operation` is `entrusted`.
    pub contract: Option<OperatingContract>,
    /// R-WAIVER-FULL: the district may switch the full waiver off ("可").
    pub waives_rent: bool,
    pub opened_on: NaiveDate,
    pub contact_name: String,
    /// Office landline, not personal data.
    pub contact_phone: String,
    /// Oldest first.
    pub accreditations: Vec<DemoAccreditation>,
}

impl DemoCarrier {
    /// The carrier as the rent rules read it (fuhua-accreditation).
    pub fn to_rule(&self) -> Carrier {
        Carrier {
            kind: self.kind,
            founding: self.founding,
            waives_rent: self.waives_rent,
            accreditations: self
                .accreditations
                .iter()
                .map(DemoAccreditation::to_rule)
                .collect(),
        }
    }

    /// The highest level among records that are `active` on `day`.
    pub fn level_on(&self, day: NaiveDate) -> Option<Level> {
        self.accreditations
            .iter()
            .filter(|a| a.to_rule().counts_on(day))
            .map(|a| a.level)
            .max()
    }
}

/// Enterprise or individual business (SPEC §2 entity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// 企业 (credit code 91…).
    Enterprise,
    /// 个体工商户 (credit code 92…).
    IndividualBusiness,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Enterprise => "enterprise",
            EntityKind::IndividualBusiness => "individual_business",
        }
    }
}

/// Gender as encoded in the 17th digit of a resident ID (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// The principal founder (legal representative) of an entity.
///
/// Personal data: `resident_id` and `phone` must be stored encrypted (SPEC §6),
/// with a keyed hash for lookups; never log them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Founder {
    /// Synthetic, region 370211, valid GB 11643 check digit. Personal data.
    pub resident_id: String,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    /// 11 digits, 13x/15x/18x. Personal data.
    pub phone: String,
    pub group: FounderGroup,
    /// Graduates only.
    pub graduated_on: Option<NaiveDate>,
    /// Graduates only.
    pub school: Option<String>,
    /// Unemployed founders only: the day of 失业登记.
    pub unemployment_registered_on: Option<NaiveDate>,
}

/// A tenant (入驻创业实体). Natural key: `credit_code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub credit_code: String,
    pub name: String,
    pub kind: EntityKind,
    pub industry: String,
    pub registered_on: NaiveDate,
    pub founder: Founder,
}

/// One stay (入驻). Natural key: (`entity`, `move_in`) — stays of one entity never
/// overlap (SPEC §3 R-WAIVER).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoStay {
    /// Entity credit code.
    pub entity: String,
    /// Carrier code.
    pub carrier: String,
    pub move_in: NaiveDate,
    /// The last occupied day, inclusive; `None` while still there.
    pub move_out: Option<NaiveDate>,
    /// 500.00–8,000.00 yuan.
    pub monthly_rent: Money,
    /// Hundredths of a square metre.
    pub area_centi_m2: i64,
    /// Room or workstation label, unique within the carrier.
    pub unit: String,
    pub workstations: u32,
    /// 带动就业人数, 0–30.
    pub jobs: u32,
}

/// A carrier's monthly report. Natural key: (`carrier`, `period`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    pub carrier: String,
    /// "YYYY-MM".
    pub period: String,
    /// fuhua_waiver::report_due_date with the default `report_due_day` and
    /// `holidays` (see `reports::deadline`).
    pub due_on: NaiveDate,
    pub state: MonthlyReportState,
    pub submitted_on: Option<NaiveDate>,
    /// Submitted after `due_on`, or still not submitted after it.
    pub late: bool,
    /// Accepted or returned on.
    pub decided_on: Option<NaiveDate>,
    /// Username of the official who accepted or returned it.
    pub decided_by: Option<String>,
    pub return_reason: Option<String>,
    /// Entities occupying the carrier during the month.
    pub tenants: u32,
    pub jobs: u32,
    pub move_ins: u32,
    pub move_outs: u32,
    /// Service events held (trainings, mentoring, financing matchmaking).
    pub service_events: u32,
    /// Financing raised by the carrier's tenants in the month.
    pub financing_raised: Money,
}

/// A fund source. Natural key: `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundSource {
    /// "municipal_finance", "district_finance", "street_town_budget:370211002"….
    pub code: String,
    pub kind: FundingSource,
    pub name: String,
    /// The jurisdiction whose budget it is ("370211" for the city's fund too,
    /// since the platform only sees the district's share).
    pub jurisdiction: String,
}

/// A yearly appropriation. Natural key: (`fund_source`, `year`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appropriation {
    pub fund_source: String,
    pub year: i32,
    pub amount: Money,
    /// The budget document it comes from.
    pub document: String,
}

/// Who an award case is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AwardSubject {
    /// R-AWARD-LADDER: a carrier code.
    Carrier { code: String },
    /// R-AWARD-AREA: a jurisdiction code.
    Area { jurisdiction: String },
}

/// An award case (SPEC §4). Natural key: `number`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardCase {
    /// "QXJB-2024-003".
    pub number: String,
    pub programme: Programme,
    pub subject: AwardSubject,
    /// Ladder: the new accreditation level.
    pub new_level: Option<Level>,
    /// Ladder: the certificate that opened the case.
    pub certificate_no: Option<String>,
    /// Area: district or street/town.
    pub area_kind: Option<AreaKind>,
    /// The accreditation or creation date whose parameters the case used.
    pub reference_date: NaiveDate,
    pub state: AwardCaseState,
    /// As computed by fuhua_awards::ladder / area with the default parameters.
    pub steps: Vec<OwedStep>,
    pub total: Money,
    pub funding_source: FundingSource,
    pub computed_on: NaiveDate,
    pub computed_by: String,
    pub reviewed_on: Option<NaiveDate>,
    pub reviewed_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub approved_by: Option<String>,
    pub paid_on: Option<NaiveDate>,
    pub paid_by: Option<String>,
    /// "QXCZ-2024-0318".
    pub voucher_no: Option<String>,
    /// Rejected or cancelled: when, by whom, why.
    pub closed_on: Option<NaiveDate>,
    pub closed_by: Option<String>,
    pub closed_reason: Option<String>,
}

/// One carrier's figures in an evaluation round. Natural key: (round key, `carrier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationEntry {
    pub carrier: String,
    /// Evaluator username.
    pub verified_by: String,
    pub self_reported_on: NaiveDate,
    pub verified_on: NaiveDate,
    /// The operator's self-report (qx-default inputs).
    pub self_reported: Inputs,
    /// The evaluator's on-site verification.
    pub verified: Inputs,
    /// Keys whose self-report differs from the verification by more than
    /// `eval_flag_tolerance` (10 %).
    pub flagged: Vec<String>,
    /// fuhua_evaluation::evaluate on the verified values.
    pub score: Decimal,
    pub grade: Grade,
    pub coefficient: Decimal,
    pub items: Vec<Item>,
}

/// An evaluation round (SPEC §4). Natural key: `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationRound {
    /// "PG-2025".
    pub key: String,
    /// "2025年度创业载体运营绩效评估".
    pub name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub scheme: String,
    pub scheme_version: u32,
    pub state: RoundState,
    pub opened_on: NaiveDate,
    pub opened_by: String,
    pub published_on: NaiveDate,
    /// Credit code of the evaluator organisation.
    pub evaluator: String,
    pub entries: Vec<EvaluationEntry>,
}
