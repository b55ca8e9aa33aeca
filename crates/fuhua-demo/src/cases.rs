//! The rent-relief cases of the demo (SPEC §4 "rent-relief application", "extension
//! request"), planned here and made through the use cases once the district is
//! written, so that every README account finds work waiting:
//!
//! - `entrepreneur` (陈晓雨): the application on her first stay approved (applied,
//!   confirmed by `operator`, approved by `official.a`), the one on her current stay
//!   submitted and waiting for the operator;
//! - `operator` (启航): two applications to confirm — hers and one more founder's;
//! - `official.a`: three applications the operator confirmed, to decide, and one
//!   extension request the operator made for a tenant whose window ends soon.
//!
//! Only stays the rules give a regime are picked (computed with fuhua-waiver and the
//! default parameters), so every application can be approved; only open stays in
//! the operator's carriers, with windows still running, so the cases are live.

use chrono::{Months, NaiveDate};
use fuhua_core::ParameterSet;
use fuhua_core::vocab::Regime;
use fuhua_waiver::{WaiverResult, calculate};
use serde::Serialize;

use super::accounts::{ENTREPRENEUR, FounderAccount, OFFICIAL_A, OPERATOR, OperatorAccount};
use super::model::{DemoDistrict, DemoStay, OrganisationKind};
use super::settlement::{PlannedSettlement, latest_ended, settlement_plan};

/// How far a planned application is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliefTarget {
    /// Applied (`relief::apply`): waiting for the operator.
    Submitted,
    /// Then confirmed by the operator (`relief::act`, Confirm): waiting for an official.
    Confirmed,
    /// Then approved by an official (`relief::decide`): the ledger is stored.
    Approved,
}

/// One rent-relief application. Natural key: the stay (`entity`, `move_in`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRelief {
    /// Entity credit code.
    pub entity: String,
    /// Carrier code of the stay.
    pub carrier: String,
    /// Move-in of the stay (with `entity`, the stay's natural key).
    pub move_in: NaiveDate,
    /// Username of the entrepreneur who applies (linked to the founder's person).
    pub applicant: String,
    pub target: ReliefTarget,
    /// Username of the operator who confirms (targets Confirmed and Approved).
    pub confirmed_by: Option<String>,
    /// Username of the official who approves (target Approved).
    pub decided_by: Option<String>,
}

/// One extension request (R-WAIVER-EXTEND), left waiting for an official.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedExtension {
    /// Entity credit code.
    pub entity: String,
    /// Whole months asked for, within `extension_max_months`.
    pub months: u32,
    pub reason: String,
    /// Username of who asks: the operator of the entity's carrier.
    pub requested_by: String,
}

/// What the use cases are asked to do after the district is written, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CasePlan {
    /// Accounts for the founders among the applicants who are no README user.
    pub founder_accounts: Vec<FounderAccount>,
    /// Accounts for the staff of the operating organisations other than the README
    /// operator's, who file their carriers' monthly reports.
    pub operator_accounts: Vec<OperatorAccount>,
    /// The entrepreneur's first, then the others.
    pub relief: Vec<PlannedRelief>,
    pub extensions: Vec<PlannedExtension>,
    /// The quarters settled once the approved reliefs' ledgers are stored.
    pub settlement: PlannedSettlement,
}

/// Months asked for in the demo's extension request (a district may allow up to
/// `extension_max_months`, 12 by default).
const EXTENSION_MONTHS: u32 = 6;

/// How many other founders' applications wait for the operator, for an official,
/// and are approved (their ledgers are what the quarters settle).
const OTHERS_SUBMITTED: usize = 1;
const OTHERS_CONFIRMED: usize = 3;
const OTHERS_APPROVED: usize = 3;

/// An open stay of an entity in one of the operator's carriers that the rules give a
/// regime, with the end of the entity's window.
struct Candidate<'a> {
    index: usize,
    stay: &'a DemoStay,
    window_end: NaiveDate,
}

/// The candidates, in the plan's entity order (the demo entrepreneur excluded).
fn candidates<'a>(
    district: &'a DemoDistrict,
    carriers: &[&str],
    params: &ParameterSet,
) -> Vec<Candidate<'a>> {
    let today = district.today;
    let mut found = Vec::new();
    for (index, entity) in district.entities.iter().enumerate().skip(1) {
        let stays: Vec<&DemoStay> = district.stays_of(&entity.credit_code).collect();
        let Some(result) = district
            .waiver_input(&entity.credit_code, today)
            .and_then(|input| calculate(&input, params).ok())
            .map(|decision| decision.value)
        else {
            continue;
        };
        let Some(window) = result.window else {
            continue;
        };
        let open = stays
            .iter()
            .enumerate()
            .find(|(_, s)| s.move_out.is_none() && carriers.contains(&s.carrier.as_str()));
        if let Some((at, stay)) = open
            && has_regime(&result, at)
            && window.end >= today
        {
            found.push(Candidate {
                index,
                stay,
                window_end: window.end,
            });
        }
    }
    found
}

fn has_regime(result: &WaiverResult, stay: usize) -> bool {
    result
        .stays
        .get(stay)
        .is_some_and(|s| s.regime != Regime::None)
}

/// Takes the first candidate not yet used that passes `fits`, preferring the carrier
/// `prefer` (so the cases spread over the operator's carriers).
fn take<'a, 'b>(
    candidates: &'b [Candidate<'a>],
    used: &mut Vec<usize>,
    prefer: &str,
    fits: impl Fn(&Candidate<'a>) -> bool,
) -> Option<&'b Candidate<'a>> {
    let free = |c: &&Candidate<'a>| !used.contains(&c.index) && fits(c);
    let chosen = candidates
        .iter()
        .filter(free)
        .find(|c| c.stay.carrier == prefer)
        .or_else(|| candidates.iter().find(free))?;
    used.push(chosen.index);
    Some(chosen)
}

/// Plans the cases of `district` as of its `today`.
pub fn case_plan(district: &DemoDistrict) -> CasePlan {
    let params = ParameterSet::defaults();
    let today = district.today;
    let Some(operator_org) = district
        .users
        .iter()
        .find(|a| a.username == OPERATOR)
        .map(|a| a.scope.code().to_owned())
    else {
        return CasePlan::default();
    };
    let carriers: Vec<&str> = district
        .carriers
        .iter()
        .filter(|c| c.operator == operator_org)
        .map(|c| c.code.as_str())
        .collect();
    let mut plan = CasePlan {
        operator_accounts: operator_accounts(district, &operator_org),
        settlement: settlement_plan(today),
        ..CasePlan::default()
    };
    let relief = |stay: &DemoStay, applicant: &str, target: ReliefTarget| PlannedRelief {
        entity: stay.entity.clone(),
        carrier: stay.carrier.clone(),
        move_in: stay.move_in,
        applicant: applicant.to_owned(),
        target,
        confirmed_by: (target >= ReliefTarget::Confirmed).then(|| OPERATOR.to_owned()),
        decided_by: (target == ReliefTarget::Approved).then(|| OFFICIAL_A.to_owned()),
    };

    // The demo entrepreneur: relief approved on her first stay, asked on her current one.
    if let Some(own) = district.entities.first() {
        let stays: Vec<&DemoStay> = district.stays_of(&own.credit_code).collect();
        if let [first, .., current] = stays.as_slice() {
            plan.relief
                .push(relief(first, ENTREPRENEUR, ReliefTarget::Approved));
            plan.relief
                .push(relief(current, ENTREPRENEUR, ReliefTarget::Submitted));
        }
    }

    // Other founders, through accounts of their own.
    let candidates = candidates(district, &carriers, &params);
    let mut used = Vec::new();
    let targets = std::iter::repeat_n(ReliefTarget::Submitted, OTHERS_SUBMITTED).chain(
        std::iter::repeat_n(ReliefTarget::Confirmed, OTHERS_CONFIRMED),
    );
    // A window that runs at least a few more months, so the decision still matters.
    let lasting = today
        .checked_add_months(Months::new(EXTENSION_MONTHS))
        .unwrap_or(today);
    let mut founder = |k: usize,
                       target: ReliefTarget,
                       used: &mut Vec<usize>,
                       fits: &dyn Fn(&Candidate<'_>) -> bool| {
        let prefer = carriers
            .get(k % carriers.len().max(1))
            .copied()
            .unwrap_or("");
        let chosen = take(&candidates, used, prefer, fits)?;
        let entity = district.entities.get(chosen.index)?;
        let account = FounderAccount::new(
            chosen.index,
            &entity.founder.name,
            &entity.name,
            &entity.credit_code,
        );
        plan.relief
            .push(relief(chosen.stay, &account.username, target));
        plan.founder_accounts.push(account);
        Some(())
    };
    for (k, target) in targets.enumerate() {
        founder(k, target, &mut used, &|c| c.window_end > lasting);
    }

    // An extension asked for by the operator for a tenant whose window ends soon.
    let prefer = carriers.first().copied().unwrap_or("");
    let extension = take(&candidates, &mut used, prefer, |c| c.window_end <= lasting);

    // Approved reliefs on stays begun before the latest ended quarter, with windows
    // running on: every quarter since has ledger rows to settle.
    let settled_from = latest_ended(today).first_month().first_day();
    for k in 0..OTHERS_APPROVED {
        founder(k, ReliefTarget::Approved, &mut used, &|c| {
            c.window_end > lasting && c.stay.move_in < settled_from
        });
    }

    if let Some(chosen) = extension {
        plan.extensions.push(PlannedExtension {
            entity: chosen.stay.entity.clone(),
            months: EXTENSION_MONTHS,
            reason: format!(
                "该企业减免期将于{}届满，目前仍处于市场开拓期，经营尚未稳定，运营机构建议延长孵化期{}个月。",
                chosen.window_end, EXTENSION_MONTHS
            ),
            requested_by: OPERATOR.to_owned(),
        });
    }
    plan
}

/// An account for the staff of each organisation that operates a carrier, except
/// the README operator's (`readme_org`), in the plan's organisation order.
fn operator_accounts(district: &DemoDistrict, readme_org: &str) -> Vec<OperatorAccount> {
    district
        .organisations
        .iter()
        .enumerate()
        .filter(|(_, o)| o.kind != OrganisationKind::Evaluator && o.credit_code != readme_org)
        .filter(|(_, o)| {
            district
                .carriers
                .iter()
                .any(|c| c.operator == o.credit_code)
        })
        .map(|(index, o)| OperatorAccount::new(index, &o.name, &o.credit_code))
        .collect()
}

impl DemoDistrict {
    /// The username of the operator who acts for the carrier `code`: the README
    /// operator for 启航's carriers, the organisation's staff account otherwise.
    pub fn operator_of(&self, code: &str) -> Option<&str> {
        let org = &self.carrier(code)?.operator;
        self.users
            .iter()
            .find(|u| u.role == super::accounts::Role::Operator && u.scope.code() == org)
            .map(|u| u.username.as_str())
            .or_else(|| {
                self.cases
                    .operator_accounts
                    .iter()
                    .find(|a| &a.organisation == org)
                    .map(|a| a.username.as_str())
            })
    }
}
