//! Policy parameters as dated values (SPEC §3 "Parameters"), in the manner of
//! OpenFisca: every value has the date it takes effect, a citation of the clause it
//! comes from, and a mark saying whether the number is the policy's own or a choice
//! the district made where the policy is silent. Officials add versions with a
//! future effective date; past decisions keep the values of their reference date.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::lang::Text;
use crate::money::Money;
use crate::trace::Clause;
use crate::vocab::{FounderGroup, Grade, LadderMode};

/// The date the policy was issued (青西新管办发〔2018〕146号, 2018-12-21); the
/// defaults are in force from then on.
pub const POLICY_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2018, 12, 21) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// Where a parameter's number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The policy states the number itself.
    Policy,
    /// The policy leaves it open; the district chose it (our interpretation).
    District,
}

/// Coefficients applied to the base operating subsidy per grade (R-AWARD-OPERATING).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeCoefficients {
    pub excellent: Decimal,
    pub good: Decimal,
    pub pass: Decimal,
    pub fail: Decimal,
}

impl GradeCoefficients {
    pub fn of(&self, grade: Grade) -> Decimal {
        match grade {
            Grade::Excellent => self.excellent,
            Grade::Good => self.good,
            Grade::Pass => self.pass,
            Grade::Fail => self.fail,
        }
    }
}

macro_rules! keys {
    ($($variant:ident = $code:literal;)+) => {
        /// The name of a parameter.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ParamKey {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl ParamKey {
            pub const ALL: &'static [ParamKey] = &[$(ParamKey::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ParamKey::$variant => $code,)+ }
            }

            pub fn parse(code: &str) -> Option<ParamKey> {
                match code { $($code => Some(ParamKey::$variant),)+ _ => None }
            }
        }
    };
}

keys! {
    WaiverWindowMonths = "waiver_window_months";
    GraduateYears = "graduate_years";
    KeyGroups = "key_groups";
    KeygroupReductionRate = "keygroup_reduction_rate";
    KeygroupReductionCapPerMonth = "keygroup_reduction_cap_per_month";
    ExtensionMaxMonths = "extension_max_months";
    ExtensionTotalMaxMonths = "extension_total_max_months";
    ExtensionExtendsWaiver = "extension_extends_waiver";
    WindowPerFounder = "window_per_founder";
    LadderMunicipalCap = "ladder_municipal_cap";
    LadderProvincialStep = "ladder_provincial_step";
    LadderNationalStep = "ladder_national_step";
    LadderMode = "ladder_mode";
    AreaCapDistrict = "area_cap_district";
    AreaCapStreetTown = "area_cap_street_town";
    EvaluationScheme = "evaluation_scheme";
    GradeCoefficients = "grade_coefficients";
    EvalFlagTolerance = "eval_flag_tolerance";
    BaseOperatingSubsidy = "base_operating_subsidy";
    RevocationReviewAfterFails = "revocation_review_after_fails";
    ReportDueDay = "report_due_day";
    Holidays = "holidays";
    Workdays = "workdays";
}

/// A parameter's value. Each key takes exactly one of these shapes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamValue {
    Count(u32),
    Rate(Decimal),
    Money(Money),
    OptionalMoney(Option<Money>),
    Flag(bool),
    Groups(Vec<FounderGroup>),
    LadderMode(LadderMode),
    Name(String),
    Coefficients(GradeCoefficients),
    Dates(Vec<NaiveDate>),
}

/// What is known about a parameter: its origin, clause and what it means.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub key: ParamKey,
    pub origin: Origin,
    pub clause: Clause,
    /// What the value controls.
    pub meaning: Text,
    /// For district choices: why this default. For the policy's numbers: the words.
    pub reason: Text,
}

/// Why a parameter version was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("{key} takes a different kind of value")]
    WrongKind { key: &'static str },
    #[error("{key} must be between {min} and {max}")]
    OutOfRange {
        key: &'static str,
        min: String,
        max: String,
    },
    #[error("{key} must name at least one group")]
    NoGroups { key: &'static str },
    #[error("{key} must not be empty")]
    Empty { key: &'static str },
}

/// One dated value of one parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamVersion {
    pub key: ParamKey,
    pub effective_from: NaiveDate,
    pub value: ParamValue,
}

/// The values in force on one date, as the rules read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Params {
    /// The reference date these values were taken for.
    pub reference_date: NaiveDate,
    pub waiver_window_months: u32,
    pub graduate_years: u32,
    pub key_groups: Vec<FounderGroup>,
    pub keygroup_reduction_rate: Decimal,
    pub keygroup_reduction_cap_per_month: Option<Money>,
    pub extension_max_months: u32,
    pub extension_total_max_months: u32,
    pub extension_extends_waiver: bool,
    pub window_per_founder: bool,
    pub ladder_municipal_cap: Money,
    pub ladder_provincial_step: Money,
    pub ladder_national_step: Money,
    pub ladder_mode: LadderMode,
    pub area_cap_district: Money,
    pub area_cap_street_town: Money,
    pub evaluation_scheme: String,
    pub grade_coefficients: GradeCoefficients,
    pub eval_flag_tolerance: Decimal,
    pub base_operating_subsidy: Money,
    pub revocation_review_after_fails: u32,
    pub report_due_day: u32,
    pub holidays: Vec<NaiveDate>,
    /// Make-up working days (调休上班日): working days even on a weekend.
    pub workdays: Vec<NaiveDate>,
}

impl Default for Params {
    fn default() -> Params {
        let mut params = Params {
            reference_date: POLICY_DATE,
            waiver_window_months: 0,
            graduate_years: 0,
            key_groups: Vec::new(),
            keygroup_reduction_rate: Decimal::ZERO,
            keygroup_reduction_cap_per_month: None,
            extension_max_months: 0,
            extension_total_max_months: 0,
            extension_extends_waiver: false,
            window_per_founder: false,
            ladder_municipal_cap: Money::ZERO,
            ladder_provincial_step: Money::ZERO,
            ladder_national_step: Money::ZERO,
            ladder_mode: LadderMode::Steps,
            area_cap_district: Money::ZERO,
            area_cap_street_town: Money::ZERO,
            evaluation_scheme: String::new(),
            grade_coefficients: GradeCoefficients {
                excellent: Decimal::ZERO,
                good: Decimal::ZERO,
                pass: Decimal::ZERO,
                fail: Decimal::ZERO,
            },
            eval_flag_tolerance: Decimal::ZERO,
            base_operating_subsidy: Money::ZERO,
            revocation_review_after_fails: 0,
            report_due_day: 0,
            holidays: Vec::new(),
            workdays: Vec::new(),
        };
        for key in ParamKey::ALL {
            params.apply(*key, &key.default_value());
        }
        params
    }
}

impl Params {
    /// The working days these values define (`holidays` and `workdays`).
    pub fn calendar(&self) -> WorkCalendar {
        WorkCalendar::new(&self.holidays, &self.workdays)
    }

    /// Sets one value; the shape was checked when the version was accepted.
    fn apply(&mut self, key: ParamKey, value: &ParamValue) {
        use ParamKey as K;
        use ParamValue as V;
        match (key, value) {
            (K::WaiverWindowMonths, V::Count(n)) => self.waiver_window_months = *n,
            (K::GraduateYears, V::Count(n)) => self.graduate_years = *n,
            (K::KeyGroups, V::Groups(g)) => self.key_groups = g.clone(),
            (K::KeygroupReductionRate, V::Rate(r)) => self.keygroup_reduction_rate = *r,
            (K::KeygroupReductionCapPerMonth, V::OptionalMoney(m)) => {
                self.keygroup_reduction_cap_per_month = *m
            }
            (K::ExtensionMaxMonths, V::Count(n)) => self.extension_max_months = *n,
            (K::ExtensionTotalMaxMonths, V::Count(n)) => self.extension_total_max_months = *n,
            (K::ExtensionExtendsWaiver, V::Flag(b)) => self.extension_extends_waiver = *b,
            (K::WindowPerFounder, V::Flag(b)) => self.window_per_founder = *b,
            (K::LadderMunicipalCap, V::Money(m)) => self.ladder_municipal_cap = *m,
            (K::LadderProvincialStep, V::Money(m)) => self.ladder_provincial_step = *m,
            (K::LadderNationalStep, V::Money(m)) => self.ladder_national_step = *m,
            (K::LadderMode, V::LadderMode(m)) => self.ladder_mode = *m,
            (K::AreaCapDistrict, V::Money(m)) => self.area_cap_district = *m,
            (K::AreaCapStreetTown, V::Money(m)) => self.area_cap_street_town = *m,
            (K::EvaluationScheme, V::Name(s)) => self.evaluation_scheme = s.clone(),
            (K::GradeCoefficients, V::Coefficients(c)) => self.grade_coefficients = *c,
            (K::EvalFlagTolerance, V::Rate(r)) => self.eval_flag_tolerance = *r,
            (K::BaseOperatingSubsidy, V::Money(m)) => self.base_operating_subsidy = *m,
            (K::RevocationReviewAfterFails, V::Count(n)) => self.revocation_review_after_fails = *n,
            (K::ReportDueDay, V::Count(n)) => self.report_due_day = *n,
            (K::Holidays, V::Dates(d)) => self.holidays = d.clone(),
            (K::Workdays, V::Dates(d)) => self.workdays = d.clone(),
            // Unreachable for versions accepted by `ParameterSet::add`.
            _ => {}
        }
    }
}

fn rate(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

mod defaults;
pub mod holidays;
mod info;

/// Every version of every parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterSet {
    versions: Vec<ParamVersion>,
}

impl Default for ParameterSet {
    fn default() -> ParameterSet {
        ParameterSet::defaults()
    }
}

impl ParameterSet {
    /// SPEC §3's defaults, in force from the policy's date.
    /// The calendars of `holidays::versions` are dated versions of their own, as
    /// the migrations store them.
    pub fn defaults() -> ParameterSet {
        let mut versions: Vec<ParamVersion> = ParamKey::ALL
            .iter()
            .map(|key| ParamVersion {
                key: *key,
                effective_from: POLICY_DATE,
                value: key.default_value(),
            })
            .collect();
        versions.extend(holidays::versions());
        versions.sort_by_key(|v| (v.key, v.effective_from));
        ParameterSet { versions }
    }

    /// Builds a set from stored versions, checking each.
    pub fn from_versions(versions: Vec<ParamVersion>) -> Result<ParameterSet, ParamError> {
        let mut set = ParameterSet::defaults();
        for version in versions {
            set.add(version)?;
        }
        Ok(set)
    }

    /// Adds a version; a version of the same key and date replaces the old one.
    pub fn add(&mut self, version: ParamVersion) -> Result<(), ParamError> {
        version.key.check(&version.value)?;
        self.versions
            .retain(|v| !(v.key == version.key && v.effective_from == version.effective_from));
        self.versions.push(version);
        self.versions.sort_by_key(|v| (v.key, v.effective_from));
        Ok(())
    }

    pub fn versions(&self) -> &[ParamVersion] {
        &self.versions
    }

    /// The version of `key` in force on `date`: the latest that took effect on or
    /// before it; before the first version, the first.
    pub fn version_at(&self, key: ParamKey, date: NaiveDate) -> Option<&ParamVersion> {
        let mut of_key = self.versions.iter().filter(|v| v.key == key);
        let first = of_key.clone().next();
        of_key.rfind(|v| v.effective_from <= date).or(first)
    }

    /// The values in force on `date` (the rule's reference date, SPEC §3).
    pub fn at(&self, date: NaiveDate) -> Params {
        let mut params = Params::default();
        for key in ParamKey::ALL {
            if let Some(version) = self.version_at(*key, date) {
                params.apply(*key, &version.value);
            }
        }
        params.reference_date = date;
        params
    }
}

#[cfg(test)]
mod tests;
