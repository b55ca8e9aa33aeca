//! Policy parameters as dated values (SPEC §3 "Parameters"), in the manner of
//! OpenFisca: every value has the date it takes effect, a citation of the clause it
//! comes from, and a mark saying whether the number is the policy's own or a choice
//! the district made where the policy is silent. Officials add versions with a
//! future effective date; past decisions keep the values of their reference date.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::clauses;
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
        };
        for key in ParamKey::ALL {
            params.apply(*key, &key.default_value());
        }
        params
    }
}

impl Params {
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
            // Unreachable for versions accepted by `ParameterSet::add`.
            _ => {}
        }
    }
}

fn rate(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

impl ParamKey {
    /// SPEC §3's default.
    pub fn default_value(self) -> ParamValue {
        use ParamKey as K;
        use ParamValue as V;
        match self {
            K::WaiverWindowMonths => V::Count(36),
            K::GraduateYears => V::Count(5),
            K::KeyGroups => V::Groups(vec![
                FounderGroup::Graduate,
                FounderGroup::Unemployed,
                FounderGroup::ReturningMigrantWorker,
            ]),
            K::KeygroupReductionRate => V::Rate(rate(100, 2)),
            K::KeygroupReductionCapPerMonth => V::OptionalMoney(None),
            K::ExtensionMaxMonths => V::Count(12),
            K::ExtensionTotalMaxMonths => V::Count(24),
            K::ExtensionExtendsWaiver => V::Flag(true),
            K::WindowPerFounder => V::Flag(false),
            K::LadderMunicipalCap => V::Money(Money::yuan(5_000_000)),
            K::LadderProvincialStep => V::Money(Money::yuan(1_000_000)),
            K::LadderNationalStep => V::Money(Money::yuan(2_000_000)),
            K::LadderMode => V::LadderMode(LadderMode::Steps),
            K::AreaCapDistrict => V::Money(Money::yuan(1_000_000)),
            K::AreaCapStreetTown => V::Money(Money::yuan(500_000)),
            K::EvaluationScheme => V::Name("qx-default".to_owned()),
            K::GradeCoefficients => V::Coefficients(GradeCoefficients {
                excellent: rate(120, 2),
                good: rate(100, 2),
                pass: rate(80, 2),
                fail: rate(0, 2),
            }),
            K::EvalFlagTolerance => V::Rate(rate(10, 2)),
            K::BaseOperatingSubsidy => V::Money(Money::ZERO),
            K::RevocationReviewAfterFails => V::Count(2),
            K::ReportDueDay => V::Count(10),
            K::Holidays => V::Dates(Vec::new()),
        }
    }

    /// Checks that a value has this key's shape and a sensible range.
    pub fn check(self, value: &ParamValue) -> Result<(), ParamError> {
        use ParamKey as K;
        use ParamValue as V;
        let key = self.as_str();
        let count = |n: u32, min: u32, max: u32| {
            if (min..=max).contains(&n) {
                Ok(())
            } else {
                Err(ParamError::OutOfRange {
                    key,
                    min: min.to_string(),
                    max: max.to_string(),
                })
            }
        };
        let fraction = |d: Decimal, max: Decimal| {
            if d >= Decimal::ZERO && d <= max && d.scale() <= 4 {
                Ok(())
            } else {
                Err(ParamError::OutOfRange {
                    key,
                    min: "0".into(),
                    max: max.to_string(),
                })
            }
        };
        let non_negative = |m: &Money| {
            if m.is_negative() {
                Err(ParamError::OutOfRange {
                    key,
                    min: "0.00".into(),
                    max: crate::money::MAX_YUAN.to_string(),
                })
            } else {
                Ok(())
            }
        };
        match (self, value) {
            (K::WaiverWindowMonths, V::Count(n)) => count(*n, 1, 120),
            (K::GraduateYears, V::Count(n)) => count(*n, 1, 30),
            (K::ExtensionMaxMonths, V::Count(n)) => count(*n, 0, 60),
            (K::ExtensionTotalMaxMonths, V::Count(n)) => count(*n, 0, 120),
            (K::RevocationReviewAfterFails, V::Count(n)) => count(*n, 1, 10),
            (K::ReportDueDay, V::Count(n)) => count(*n, 1, 28),
            (K::KeyGroups, V::Groups(g)) if g.is_empty() => Err(ParamError::NoGroups { key }),
            (K::KeyGroups, V::Groups(_)) => Ok(()),
            (K::KeygroupReductionRate | K::EvalFlagTolerance, V::Rate(r)) => {
                fraction(*r, Decimal::ONE)
            }
            (K::KeygroupReductionCapPerMonth, V::OptionalMoney(m)) => {
                m.as_ref().map_or(Ok(()), non_negative)
            }
            (K::ExtensionExtendsWaiver | K::WindowPerFounder, V::Flag(_)) => Ok(()),
            (
                K::LadderMunicipalCap
                | K::LadderProvincialStep
                | K::LadderNationalStep
                | K::AreaCapDistrict
                | K::AreaCapStreetTown
                | K::BaseOperatingSubsidy,
                V::Money(m),
            ) => non_negative(m),
            (K::LadderMode, V::LadderMode(_)) => Ok(()),
            (K::EvaluationScheme, V::Name(s)) if s.trim().is_empty() => {
                Err(ParamError::Empty { key })
            }
            (K::EvaluationScheme, V::Name(_)) => Ok(()),
            (K::GradeCoefficients, V::Coefficients(c)) => {
                for value in [c.excellent, c.good, c.pass, c.fail] {
                    fraction(value, Decimal::from(5))?;
                }
                Ok(())
            }
            (K::Holidays, V::Dates(_)) => Ok(()),
            _ => Err(ParamError::WrongKind { key }),
        }
    }

    /// Origin, clause and meaning of the parameter (shown to officials and in
    /// docs/POLICY.md).
    pub fn info(self) -> ParamInfo {
        use Origin::{District, Policy};
        use ParamKey as K;
        let (origin, clause, meaning, reason) = match self {
            K::WaiverWindowMonths => (
                Policy,
                clauses::WINDOW,
                Text::new(
                    "租金减免期限（月）",
                    "length of the rent-waiver window in months",
                ),
                Text::new(
                    "政策原文“3年内”，即36个月",
                    "the policy says “3年内” (within 3 years): 36 months",
                ),
            ),
            K::GraduateYears => (
                Policy,
                clauses::KEY_GROUP,
                Text::new(
                    "高校毕业生毕业后可认定为重点群体的年限",
                    "years after graduation a graduate counts as a key group",
                ),
                Text::new(
                    "政策原文“毕业未超过5年”",
                    "the policy says “毕业未超过5年” (graduated no more than 5 years ago)",
                ),
            ),
            K::KeyGroups => (
                District,
                clauses::KEY_GROUP,
                Text::new(
                    "享受租金减免的重点群体",
                    "founder groups that count as key groups",
                ),
                Text::new(
                    "政策列举高校毕业生、城乡失业人员、返乡农民工后以“等”结尾，未穷尽，故由区确定名单",
                    "the policy lists graduates, the unemployed and returning migrant workers and ends with 等 (etc.), so the district keeps the list",
                ),
            ),
            K::KeygroupReductionRate => (
                District,
                clauses::KEY_GROUP,
                Text::new(
                    "重点群体租金减免比例",
                    "share of rent reduced for key groups",
                ),
                Text::new(
                    "政策只说“租金减免”未给比例，默认1.00（全额）",
                    "the policy says “租金减免” without a rate; the default 1.00 (all of it) is ours",
                ),
            ),
            K::KeygroupReductionCapPerMonth => (
                District,
                clauses::KEY_GROUP,
                Text::new(
                    "重点群体每月减免上限（元）",
                    "monthly cap of the key-group reduction in yuan",
                ),
                Text::new(
                    "政策未设上限，默认不设",
                    "the policy sets no cap; none by default",
                ),
            ),
            K::ExtensionMaxMonths => (
                District,
                clauses::EXTENSION,
                Text::new(
                    "单次延长孵化期上限（月）",
                    "most months one extension may add",
                ),
                Text::new(
                    "政策只说“可适当延长”，上限由区确定",
                    "the policy says only “可适当延长” (may be extended as appropriate); the cap is ours",
                ),
            ),
            K::ExtensionTotalMaxMonths => (
                District,
                clauses::EXTENSION,
                Text::new(
                    "累计延长孵化期上限（月）",
                    "most months all extensions together may add",
                ),
                Text::new(
                    "政策未设总上限，默认24个月",
                    "the policy sets no total; 24 months is ours",
                ),
            ),
            K::ExtensionExtendsWaiver => (
                District,
                clauses::EXTENSION,
                Text::new(
                    "延长孵化期是否同时延长租金减免期",
                    "whether an extension also lengthens the rent-waiver window",
                ),
                Text::new(
                    "政策延长的是“孵化周期”，是否延长减免期由区确定，默认延长",
                    "the policy extends the incubation period; whether the waiver follows is the district's choice (default yes)",
                ),
            ),
            K::WindowPerFounder => (
                District,
                clauses::WINDOW,
                Text::new(
                    "同一创业者名下实体共用一个减免期",
                    "a founder's later entities share the first entity's window",
                ),
                Text::new(
                    "政策按“入驻创业实体”给予，默认按实体计算",
                    "the policy grants the waiver per entering entity; off by default",
                ),
            ),
            K::LadderMunicipalCap => (
                Policy,
                clauses::LADDER,
                Text::new(
                    "市级示范基地奖补上限（元）",
                    "cap of the municipal demonstration award in yuan",
                ),
                Text::new(
                    "政策原文“最高500万元”",
                    "the policy says “最高500万元” (up to 5,000,000 yuan)",
                ),
            ),
            K::LadderProvincialStep => (
                Policy,
                clauses::LADDER,
                Text::new(
                    "省级示范基地阶梯奖补（元）",
                    "provincial ladder step in yuan",
                ),
                Text::new(
                    "政策原文“再分别给予100万元”",
                    "the policy says “再分别给予100万元” (a further 1,000,000 yuan)",
                ),
            ),
            K::LadderNationalStep => (
                Policy,
                clauses::LADDER,
                Text::new(
                    "国家级示范基地阶梯奖补（元）",
                    "national ladder step in yuan",
                ),
                Text::new(
                    "政策原文“200万元一次性奖补”",
                    "the policy says “200万元一次性奖补” (a one-time 2,000,000 yuan)",
                ),
            ),
            K::LadderMode => (
                District,
                clauses::LADDER,
                Text::new("阶梯奖补计算方式", "how the ladder award is computed"),
                Text::new(
                    "“差额阶梯奖补”可理解为逐级定额或补足累计上限差额，默认逐级定额",
                    "“差额阶梯奖补” can be read as fixed steps or as topping up to the cumulative cap; fixed steps by default",
                ),
            ),
            K::AreaCapDistrict => (
                Policy,
                clauses::AREA,
                Text::new(
                    "创业型区（市）奖补上限（元）",
                    "cap of the entrepreneurial-district award in yuan",
                ),
                Text::new(
                    "政策原文“最高100万元”",
                    "the policy says “最高100万元” (up to 1,000,000 yuan)",
                ),
            ),
            K::AreaCapStreetTown => (
                Policy,
                clauses::AREA,
                Text::new(
                    "创业型街道（镇）奖补上限（元）",
                    "cap of the entrepreneurial street/town award in yuan",
                ),
                Text::new(
                    "政策原文“50万元”",
                    "the policy says “50万元” (500,000 yuan)",
                ),
            ),
            K::EvaluationScheme => (
                District,
                clauses::THIRD_PARTY,
                Text::new("默认绩效评估方案", "default evaluation scheme"),
                Text::new(
                    "政策要求开展绩效评估但未给指标，指标体系由区制定",
                    "the policy calls for performance evaluation without indicators; the scheme is ours",
                ),
            ),
            K::GradeCoefficients => (
                District,
                clauses::OPERATING,
                Text::new(
                    "评估等次对应的运营补助系数",
                    "operating-subsidy coefficient per grade",
                ),
                Text::new(
                    "政策给予“房租和运营经费补助”未附条件，按等次发放是区的选择",
                    "the policy grants “房租和运营经费补助” without conditions; paying by grade is the district's choice",
                ),
            ),
            K::EvalFlagTolerance => (
                District,
                clauses::THIRD_PARTY,
                Text::new(
                    "自评与核实值差异预警阈值",
                    "difference between self-report and verification that is flagged",
                ),
                Text::new(
                    "第三方实地核实的容差由区确定，默认10%",
                    "the tolerance of third-party verification is ours: 10 %",
                ),
            ),
            K::BaseOperatingSubsidy => (
                District,
                clauses::OPERATING,
                Text::new(
                    "运营补助基数（元/年）",
                    "base operating subsidy in yuan per year",
                ),
                Text::new(
                    "政策未定金额，默认0（区设定前不发放）",
                    "the policy sets no amount; 0 until the district sets one",
                ),
            ),
            K::RevocationReviewAfterFails => (
                District,
                clauses::SUPERVISION,
                Text::new(
                    "连续几次不合格触发撤销认定复核",
                    "consecutive fail grades that flag the accreditation for review",
                ),
                Text::new(
                    "撤销规则为区的选择，默认连续2次",
                    "the revocation rule is ours: two in a row",
                ),
            ),
            K::ReportDueDay => (
                District,
                clauses::FUNDS,
                Text::new(
                    "月报截止日（次月几日）",
                    "day of the next month monthly reports are due",
                ),
                Text::new(
                    "默认次月10日，遇周末和节假日顺延",
                    "the 10th of the next month, moved past weekends and holidays",
                ),
            ),
            K::Holidays => (
                District,
                clauses::FUNDS,
                Text::new(
                    "法定节假日（用于顺延截止日）",
                    "public holidays (to move deadlines)",
                ),
                Text::new(
                    "按国务院办公厅每年公布的放假安排维护",
                    "kept from the State Council's yearly holiday notice",
                ),
            ),
        };
        ParamInfo {
            key: self,
            origin,
            clause,
            meaning,
            reason,
        }
    }
}

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
    pub fn defaults() -> ParameterSet {
        ParameterSet {
            versions: ParamKey::ALL
                .iter()
                .map(|key| ParamVersion {
                    key: *key,
                    effective_from: POLICY_DATE,
                    value: key.default_value(),
                })
                .collect(),
        }
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
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn defaults_are_specs_numbers() {
        let p = ParameterSet::defaults().at(d(2025, 1, 1));
        assert_eq!(p.waiver_window_months, 36);
        assert_eq!(p.graduate_years, 5);
        assert_eq!(
            (p.extension_max_months, p.extension_total_max_months),
            (12, 24)
        );
        assert_eq!(p.keygroup_reduction_rate.to_string(), "1.00");
        assert_eq!(p.ladder_municipal_cap.to_string(), "5000000.00");
        assert_eq!(p.ladder_provincial_step.to_string(), "1000000.00");
        assert_eq!(p.ladder_national_step.to_string(), "2000000.00");
        assert_eq!(p.area_cap_district.to_string(), "1000000.00");
        assert_eq!(p.area_cap_street_town.to_string(), "500000.00");
        assert_eq!(p.evaluation_scheme, "qx-default");
        assert_eq!(p.ladder_mode, LadderMode::Steps);
        assert_eq!(
            p.grade_coefficients.of(Grade::Excellent).to_string(),
            "1.20"
        );
        assert_eq!(p.grade_coefficients.of(Grade::Pass).to_string(), "0.80");
        assert_eq!(p.key_groups.len(), 3);
        assert!(p.extension_extends_waiver && !p.window_per_founder);
        assert_eq!(p.base_operating_subsidy, Money::ZERO);
    }

    #[test]
    fn a_later_version_applies_from_its_date_and_never_before() {
        let mut set = ParameterSet::defaults();
        set.add(ParamVersion {
            key: ParamKey::WaiverWindowMonths,
            effective_from: d(2026, 1, 1),
            value: ParamValue::Count(48),
        })
        .unwrap();
        assert_eq!(set.at(d(2025, 12, 31)).waiver_window_months, 36);
        assert_eq!(set.at(d(2026, 1, 1)).waiver_window_months, 48);
        assert_eq!(set.at(d(2030, 1, 1)).waiver_window_months, 48);
        // Before the policy existed the first values apply.
        assert_eq!(set.at(d(2010, 1, 1)).waiver_window_months, 36);
        assert_eq!(set.at(d(2026, 1, 1)).reference_date, d(2026, 1, 1));
    }

    #[test]
    fn versions_are_checked() {
        let mut set = ParameterSet::defaults();
        let bad_kind = ParamVersion {
            key: ParamKey::WaiverWindowMonths,
            effective_from: d(2026, 1, 1),
            value: ParamValue::Flag(true),
        };
        assert!(matches!(
            set.add(bad_kind),
            Err(ParamError::WrongKind { .. })
        ));
        let bad_rate = ParamVersion {
            key: ParamKey::KeygroupReductionRate,
            effective_from: d(2026, 1, 1),
            value: ParamValue::Rate(Decimal::new(15, 1)),
        };
        assert!(matches!(
            set.add(bad_rate),
            Err(ParamError::OutOfRange { .. })
        ));
        let no_groups = ParamVersion {
            key: ParamKey::KeyGroups,
            effective_from: d(2026, 1, 1),
            value: ParamValue::Groups(vec![]),
        };
        assert!(matches!(
            set.add(no_groups),
            Err(ParamError::NoGroups { .. })
        ));
        assert_eq!(set, ParameterSet::defaults());
    }

    #[test]
    fn every_parameter_says_where_its_number_comes_from() {
        let policy: Vec<_> = ParamKey::ALL
            .iter()
            .filter(|k| k.info().origin == Origin::Policy)
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            policy,
            [
                "waiver_window_months",
                "graduate_years",
                "ladder_municipal_cap",
                "ladder_provincial_step",
                "ladder_national_step",
                "area_cap_district",
                "area_cap_street_town"
            ]
        );
        for key in ParamKey::ALL {
            assert!(!key.info().reason.zh.is_empty());
            assert_eq!(ParamKey::parse(key.as_str()), Some(*key));
            assert!(key.check(&key.default_value()).is_ok(), "{key:?}");
        }
    }

    #[test]
    fn versions_round_trip_through_json() {
        let version = ParamVersion {
            key: ParamKey::KeyGroups,
            effective_from: d(2026, 1, 1),
            value: ParamValue::Groups(vec![FounderGroup::Graduate]),
        };
        let json = serde_json::to_string(&version).unwrap();
        assert!(json.contains("\"key_groups\""));
        let back: ParamVersion = serde_json::from_str(&json).unwrap();
        assert_eq!(back, version);
    }
}
