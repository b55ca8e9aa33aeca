//! The 待办 inbox (ARCHITECTURE "each role lands on a 待办 inbox"): per kind of work
//! the count, the oldest item's age and the overdue count, each linking to a
//! filtered list.
//!
//! Overdue after (district choices, not the policy's): an operator's confirmation
//! [`CONFIRM_DAYS`] days, an official's decision [`DECIDE_DAYS`] days.

use chrono::{DateTime, Duration, Utc};
use fuhua_core::Text;
use fuhua_store::repo::relief::{self as repo, ReliefFilter};
use fuhua_waiver::ReliefState;

use crate::System;
use crate::actor::Actor;
use crate::error::ServiceResult;
use crate::scope;

/// Days an operator has to confirm or dispute an application.
pub const CONFIRM_DAYS: i64 = 5;
/// Days an official has to decide an application or an extension.
pub const DECIDE_DAYS: i64 = 10;

/// One kind of work waiting for the actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    pub label: Text,
    pub count: u64,
    /// Whole days since the oldest item last moved.
    pub oldest_days: Option<i64>,
    pub overdue: u64,
    /// The filtered list.
    pub link: String,
}

async fn relief_item(
    system: &System,
    mut filter: ReliefFilter,
    state: ReliefState,
    days: i64,
    label: Text,
    link: String,
    now: DateTime<Utc>,
) -> ServiceResult<InboxItem> {
    filter.states = vec![state];
    let waiting = repo::relief_waiting(system.store(), &filter, now - Duration::days(days)).await?;
    Ok(InboxItem {
        label,
        count: waiting.count,
        oldest_days: waiting.oldest.map(|t| (now - t).num_days()),
        overdue: waiting.overdue,
        link,
    })
}

/// The work waiting for the actor, by kind (empty for roles with none here yet).
pub async fn inbox(
    system: &System,
    actor: &Actor,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<InboxItem>> {
    let mut items = Vec::new();
    let orgs = actor.operated_organisations();
    if !orgs.is_empty() {
        let filter = ReliefFilter {
            operator_org_ids: Some(orgs),
            ..ReliefFilter::default()
        };
        items.push(
            relief_item(
                system,
                filter,
                ReliefState::Submitted,
                CONFIRM_DAYS,
                Text::new(
                    "待确认的租金减免申请",
                    "Rent-relief applications to confirm",
                ),
                "/relief?state=submitted".into(),
                now,
            )
            .await?,
        );
    }
    if let Some(jurisdictions) = scope::official_jurisdictions(system, actor).await? {
        let filter = ReliefFilter {
            jurisdiction_ids: Some(jurisdictions),
            ..ReliefFilter::default()
        };
        items.push(
            relief_item(
                system,
                filter,
                ReliefState::Confirmed,
                DECIDE_DAYS,
                Text::new("待审核的租金减免申请", "Rent-relief applications to decide"),
                "/relief?state=confirmed".into(),
                now,
            )
            .await?,
        );
        let pending = crate::extension::pending(system, actor).await?;
        let oldest = pending.iter().map(|p| p.request.updated_at).min();
        items.push(InboxItem {
            label: Text::new("待审核的延长孵化期申请", "Extension requests to decide"),
            count: pending.len() as u64,
            oldest_days: oldest.map(|t| (now - t).num_days()),
            overdue: pending
                .iter()
                .filter(|p| p.request.updated_at < now - Duration::days(DECIDE_DAYS))
                .count() as u64,
            link: "/extensions".into(),
        });
    }
    Ok(items)
}
