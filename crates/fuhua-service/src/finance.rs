//! Finance (SPEC §1 finance role, §3 fund sources, R-AWARD-BUDGET): fund sources
//! and their yearly appropriations — created, and adjusted only with a written
//! reason (each adjustment audited) — and per source and year what is
//! appropriated, reserved, paid and left. Only finance users; a street's finance
//! user sees the district's sources and its own street's.

use fuhua_core::vocab::FundingSource;
use fuhua_core::{Money, Problem};
use fuhua_store::repo::finance as repo;
use fuhua_store::repo::reference::{self, NewAppropriation, NewFundSource};

use crate::System;
use crate::actor::{Actor, Role};
use crate::claims::{covered, required_text};
use crate::error::{ServiceError, ServiceResult};

/// A fund source to create: a street/town budget names its street or town.
#[derive(Debug, Clone)]
pub struct FundSourceInput {
    pub kind: FundingSource,
    pub name: String,
    /// Only for `street_town_budget`: the street or town whose budget it is.
    pub jurisdiction_id: Option<i64>,
}

/// One appropriation as finance sees it. `reserved` is what approvals set aside
/// and is not paid yet; `left` = appropriated − reserved − paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub fund_source_id: i64,
    pub fund_source_key: String,
    pub fund_source_name: String,
    pub kind: FundingSource,
    pub appropriation_id: i64,
    pub year: i32,
    pub appropriated: Money,
    pub reserved: Money,
    pub paid: Money,
    pub left: Money,
    pub version: i32,
}

async fn finance_scope(system: &System, actor: &Actor) -> ServiceResult<Vec<i64>> {
    if !actor.has(Role::Finance) {
        return Err(ServiceError::Forbidden);
    }
    covered(system, actor, Role::Finance).await
}

fn visible(source: &reference::FundSource, scope: &[i64]) -> bool {
    source.jurisdiction_id.is_none_or(|j| scope.contains(&j))
}

/// Every fund source the finance user sees, by key.
pub async fn fund_sources(
    system: &System,
    actor: &Actor,
) -> ServiceResult<Vec<reference::FundSource>> {
    let scope = finance_scope(system, actor).await?;
    Ok(reference::list_fund_sources(system.store())
        .await?
        .into_iter()
        .filter(|s| visible(s, &scope))
        .collect())
}

/// Creates a fund source (key from its kind: `street_town_budget:<code>` for a
/// street or town). A second one with the same key is a conflict.
pub async fn add_fund_source(
    system: &System,
    actor: &Actor,
    input: &FundSourceInput,
) -> ServiceResult<i64> {
    let scope = finance_scope(system, actor).await?;
    let name = required_text("name", &input.name, 100)?;
    let (key, jurisdiction_id) = match input.kind {
        FundingSource::StreetTownBudget => {
            let jurisdiction = match input.jurisdiction_id {
                Some(id) if scope.contains(&id) => reference::find_jurisdiction(system.store(), id)
                    .await?
                    .filter(|j| j.parent_id.is_some()),
                _ => None,
            }
            .ok_or_else(|| {
                ServiceError::invalid(Problem::new(
                    "jurisdiction_id",
                    "required",
                    "街道（镇）预算请选择所属街道（镇）。",
                    "Choose the street or town whose budget this is.",
                ))
            })?;
            (
                format!("street_town_budget:{}", jurisdiction.code),
                Some(jurisdiction.id),
            )
        }
        kind => (kind.as_str().to_owned(), None),
    };
    if reference::find_fund_source_by_key(system.store(), &key)
        .await?
        .is_some()
    {
        return Err(ServiceError::conflict(
            "该资金来源已存在。",
            "This fund source exists already.",
        ));
    }
    let w = system.store().write(&actor.audit_actor()).await?;
    let source = reference::add_fund_source(
        &w,
        &NewFundSource {
            key,
            kind: input.kind,
            name,
            jurisdiction_id,
        },
    )
    .await?;
    w.commit().await?;
    Ok(source.id)
}

/// Parses an amount in yuan typed into `field` (not negative, at most two decimals).
pub fn parse_amount(field: &str, text: &str) -> ServiceResult<Money> {
    let bad = || {
        ServiceError::invalid(Problem::new(
            field,
            "amount",
            "请填写不小于 0 的金额（元），最多两位小数，例如 1200000 或 1200000.50。",
            "Give an amount in yuan, not negative, with at most two decimals (1200000 or 1200000.50).",
        ))
    };
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    let amount = Money::parse(&cleaned).map_err(|_| bad())?;
    if amount.is_negative() {
        return Err(bad());
    }
    Ok(amount)
}

/// Records a fund source's appropriation for a year (one per source and year).
pub async fn add_appropriation(
    system: &System,
    actor: &Actor,
    fund_source_id: i64,
    year: i32,
    amount: Money,
) -> ServiceResult<i64> {
    let scope = finance_scope(system, actor).await?;
    let source = reference::find_fund_source(system.store(), fund_source_id)
        .await?
        .filter(|s| visible(s, &scope))
        .ok_or(ServiceError::NotFound)?;
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::invalid(Problem::new(
            "year",
            "year",
            "年度应在 2000 至 2100 之间。",
            "The year must be between 2000 and 2100.",
        )));
    }
    if reference::find_appropriation(system.store(), source.id, year)
        .await?
        .is_some()
    {
        return Err(ServiceError::conflict(
            format!("{} 年度的预算指标已录入，请用“调整”修改。", year),
            format!("The {year} appropriation exists already; adjust it instead."),
        ));
    }
    let w = system.store().write(&actor.audit_actor()).await?;
    let appropriation = reference::add_appropriation(
        &w,
        &NewAppropriation {
            fund_source_id: source.id,
            year,
            amount,
        },
    )
    .await?;
    w.commit().await?;
    Ok(appropriation.id)
}

/// Sets an appropriation to `amount` with a written reason, audited; refused below
/// what is already reserved on it (the form's `version` guards against a stale page).
pub async fn adjust_appropriation(
    system: &System,
    actor: &Actor,
    appropriation_id: i64,
    version: i32,
    amount: Money,
    reason: &str,
) -> ServiceResult<()> {
    let lines = overview(system, actor).await?;
    let line = lines
        .iter()
        .find(|l| l.appropriation_id == appropriation_id)
        .ok_or(ServiceError::NotFound)?;
    let reason = required_text("reason", reason, 1000)?;
    if line.version != version {
        return Err(ServiceError::conflict(
            "该预算指标已被他人调整，请刷新后重试。",
            "Someone else adjusted this appropriation; reload and try again.",
        ));
    }
    if amount < line.reserved + line.paid {
        return Err(ServiceError::invalid(Problem::new(
            "amount",
            "below_reserved",
            format!(
                "不能低于已预留和已拨付的 {} 元。",
                crate::claims::money_text(line.reserved + line.paid)
            ),
            format!(
                "It cannot be less than the {} yuan already reserved and paid.",
                crate::claims::money_text(line.reserved + line.paid)
            ),
        )));
    }
    let w = system.store().write(&actor.audit_actor()).await?;
    repo::adjust_appropriation(
        &w,
        appropriation_id,
        version,
        line.appropriated,
        amount,
        &reason,
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// Per fund source and year: appropriated, reserved (not yet paid), paid and left,
/// by key then year.
pub async fn overview(system: &System, actor: &Actor) -> ServiceResult<Vec<BudgetLine>> {
    let sources = fund_sources(system, actor).await?;
    let committed = repo::committed(system.store()).await?;
    let mut lines = Vec::new();
    for source in sources {
        for appropriation in reference::list_appropriations(system.store(), source.id).await? {
            let c = committed
                .get(&appropriation.id)
                .copied()
                .unwrap_or_default();
            lines.push(BudgetLine {
                fund_source_id: source.id,
                fund_source_key: source.key.clone(),
                fund_source_name: source.name.clone(),
                kind: source.kind,
                appropriation_id: appropriation.id,
                year: appropriation.year,
                appropriated: appropriation.amount,
                reserved: c.reserved - c.paid,
                paid: c.paid,
                left: appropriation.amount - c.reserved,
                version: appropriation.version,
            });
        }
    }
    Ok(lines)
}
