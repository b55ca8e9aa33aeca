//! Bulk acceptance for officials (ARCHITECTURE "bulk actions go preview → confirm
//! → per-item result"): the preview says for each selected report whether it can
//! be accepted now and why not; confirming accepts each item exactly as
//! [`super::decide`] does alone — the same checks, the same audit row, the same
//! email — in one transaction per item, so one item that fails (changed meanwhile,
//! out of scope) leaves the others accepted.

use fuhua_core::Text;
use fuhua_core::workflow::{Actions, Party};
use fuhua_waiver::ReportAction;

use super::{Decision, decide, load};
use crate::System;
use crate::actor::{Actor, Role};
use crate::error::{ServiceError, ServiceResult};

/// At most this many reports in one bulk action.
pub const MAX_ITEMS: usize = 200;

/// One selected report in the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewItem {
    pub id: i64,
    /// Empty when the report is not visible to the actor.
    pub carrier_name: String,
    pub period: String,
    pub version: i32,
    /// `None` when it can be accepted; else why not.
    pub blocked: Option<Text>,
}

/// The outcome of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub id: i64,
    pub carrier_name: String,
    pub period: String,
    /// `None` when accepted; else why not.
    pub error: Option<Text>,
}

fn not_found() -> Text {
    Text::new("找不到该月报。", "No such report.")
}

fn check_selection(ids: &[i64]) -> ServiceResult<()> {
    if ids.is_empty() {
        return Err(ServiceError::invalid(fuhua_core::Problem::new(
            "ids",
            "required",
            "请至少选择一份月报。",
            "Select at least one report.",
        )));
    }
    if ids.len() > MAX_ITEMS {
        return Err(ServiceError::invalid(fuhua_core::Problem::new(
            "ids",
            "too_many",
            format!("一次最多处理 {MAX_ITEMS} 份月报。"),
            format!("At most {MAX_ITEMS} reports at a time."),
        )));
    }
    Ok(())
}

/// The preview of accepting `ids`: each report with whether it can be accepted.
/// Only officials (`Forbidden` otherwise); a report outside the official's scope
/// is listed as not found.
pub async fn preview_accept(
    system: &System,
    actor: &Actor,
    ids: &[i64],
) -> ServiceResult<Vec<PreviewItem>> {
    if !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    check_selection(ids)?;
    let mut items = Vec::new();
    for &id in ids {
        let item = match load(system, actor, id).await {
            Ok(loaded) => {
                let ok = loaded.parties.iter().any(|&p| {
                    ReportAction::apply(loaded.report.state, ReportAction::Accept, p).is_ok()
                });
                let blocked = if ok {
                    None
                } else if !loaded.parties.contains(&Party::Official) {
                    Some(Text::new(
                        "您无权接收该月报。",
                        "You may not accept this report.",
                    ))
                } else {
                    let (zh, en) = ReportAction::waiting_for(loaded.report.state);
                    Some(Text::new(zh, en))
                };
                PreviewItem {
                    id,
                    carrier_name: loaded.carrier.name,
                    period: loaded.report.period,
                    version: loaded.report.version,
                    blocked,
                }
            }
            Err(ServiceError::NotFound | ServiceError::Forbidden) => PreviewItem {
                id,
                carrier_name: String::new(),
                period: String::new(),
                version: 0,
                blocked: Some(not_found()),
            },
            Err(other) => return Err(other),
        };
        items.push(item);
    }
    Ok(items)
}

/// Accepts each `(id, version)` (the versions the preview showed) as
/// [`super::decide`] would alone, one transaction per item, and reports each
/// item's outcome. Only officials (`Forbidden` otherwise).
pub async fn accept_all(
    system: &System,
    actor: &Actor,
    items: &[(i64, i32)],
) -> ServiceResult<Vec<ItemResult>> {
    if !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    check_selection(&ids)?;
    let mut results = Vec::new();
    for &(id, version) in items {
        let (carrier_name, period) = match load(system, actor, id).await {
            Ok(l) => (l.carrier.name, l.report.period),
            Err(_) => (String::new(), String::new()),
        };
        let error = match decide(system, actor, id, version, &Decision::Accept).await {
            Ok(()) => None,
            Err(ServiceError::NotFound | ServiceError::Forbidden) => Some(not_found()),
            Err(ServiceError::Conflict { zh, en }) => Some(Text::new(zh, en)),
            Err(ServiceError::Invalid(problems)) => Some(
                problems
                    .first()
                    .map(|p| p.message.clone())
                    .unwrap_or_else(not_found),
            ),
            Err(other) => return Err(other),
        };
        results.push(ItemResult {
            id,
            carrier_name,
            period,
            error,
        });
    }
    Ok(results)
}

/// The result page of a bulk acceptance: each item as it stands now, with
/// whether this action accepted it (`accepted` from the confirmation's outcome)
/// and, when not, what the report waits for. Only officials (`Forbidden`).
pub async fn outcome(
    system: &System,
    actor: &Actor,
    items: &[(i64, bool)],
) -> ServiceResult<Vec<ItemResult>> {
    if !actor.has(Role::Official) {
        return Err(ServiceError::Forbidden);
    }
    let mut results = Vec::new();
    for &(id, accepted) in items.iter().take(MAX_ITEMS) {
        let result = match load(system, actor, id).await {
            Ok(l) => ItemResult {
                id,
                error: (!accepted).then(|| {
                    let (zh, en) = ReportAction::waiting_for(l.report.state);
                    Text::new(zh, en)
                }),
                carrier_name: l.carrier.name,
                period: l.report.period,
            },
            Err(ServiceError::NotFound | ServiceError::Forbidden) => ItemResult {
                id,
                carrier_name: String::new(),
                period: String::new(),
                error: Some(not_found()),
            },
            Err(other) => return Err(other),
        };
        results.push(result);
    }
    Ok(results)
}
