//! What the pages show of rent-relief applications: one application with its
//! eligibility, the actions the viewer may take (and why others are unavailable),
//! its timeline and notes; and the filtered, paged list.

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_core::Text;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::workflow::{Actions, Party, Workflow};
use fuhua_store::repo::carriers::Carrier;
use fuhua_store::repo::people;
use fuhua_store::repo::relief::{
    self as repo, NoteVisibility, ReliefApplication, ReliefFilter, ReliefListRow,
};
use fuhua_store::repo::tenants::{Entity, Stay};
use fuhua_store::repo::timeline;
use fuhua_waiver::{ReliefAction, ReliefState};

use super::eligibility::{self, Eligibility};
use super::{TABLE, load};
use crate::System;
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::scope;

/// One action on the page: shown as a button when available, else with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionView {
    pub action: ReliefAction,
    pub available: bool,
    /// Why it is unavailable (what the case waits for).
    pub why_not: Option<Text>,
}

/// One line of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// A username, `system:cli`, or an email address.
    pub who: String,
    pub what: Text,
    /// Internal notes are shown to officials only.
    pub internal: bool,
}

/// An application as one viewer may see it.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub app: ReliefApplication,
    pub stay: Stay,
    pub entity: Entity,
    pub carrier: Carrier,
    pub founder_name: String,
    pub founder_id_masked: String,
    pub founder_group: FounderGroup,
    /// Computed today while the case is open; as decided once it is closed.
    pub eligibility: Option<Eligibility>,
    pub parties: Vec<Party>,
    pub actions: Vec<ActionView>,
    pub timeline: Vec<TimelineEntry>,
}

impl ApplicationView {
    pub fn is_official(&self) -> bool {
        self.parties.contains(&Party::Official)
    }
}

fn describe_action(action: &str) -> Text {
    let state = action
        .strip_prefix("transition:")
        .and_then(|s| s.parse::<ReliefState>().ok());
    match (action, state) {
        ("create", _) => Text::new("创建申请", "application created"),
        (_, Some(state)) => Text::new(
            format!("状态变为：{}", state.label(fuhua_core::Lang::Zh)),
            format!("state changed to: {}", state.label(fuhua_core::Lang::En)),
        ),
        (other, None) => Text::new(other, other),
    }
}

fn mail_label(template: &str, state: &str) -> Text {
    let sent = match state {
        "sent" => ("已发送", "sent"),
        "failed" => ("发送失败", "failed"),
        _ => ("待发送", "queued"),
    };
    let (zh, en) = match template {
        "relief_submitted" => ("申请待确认通知", "application to confirm"),
        "relief_confirmed" => ("运营机构已确认通知", "stay confirmed"),
        "relief_disputed" => ("运营机构提出异议通知", "stay disputed"),
        "relief_decided" => ("审核决定通知", "decision"),
        "extension_requested" => ("延长申请通知", "extension requested"),
        "extension_decided" => ("延长决定通知", "extension decided"),
        other => (other, other),
    };
    Text::new(
        format!("邮件「{zh}」{}", sent.0),
        format!("email “{en}” {}", sent.1),
    )
}

/// One application with what the viewer may do; `NotFound` outside their scope.
pub async fn view(
    system: &System,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> ServiceResult<ApplicationView> {
    let loaded = load(system, actor, id).await?;
    let store = system.store();
    let founder = people::find_person(store, loaded.entity.founder_person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let closed = loaded.app.state.next().is_empty();
    let eligibility = if closed {
        loaded
            .app
            .eligibility
            .clone()
            .and_then(|v| serde_json::from_value::<Eligibility>(v).ok())
    } else {
        let params = system.parameters().await?;
        let facts = eligibility::load(system, loaded.entity.id, &params, today).await?;
        eligibility::compute(&facts, &params, today)
            .and_then(|d| eligibility::of_stay(&facts, &d, loaded.stay.id))
            .ok()
    };
    let mut actions = Vec::new();
    for &action in ReliefAction::ALL {
        let mine = ReliefAction::moves()
            .iter()
            .any(|m| m.action == action && loaded.parties.contains(&m.by));
        if !mine {
            continue;
        }
        let available = loaded
            .parties
            .iter()
            .any(|&p| ReliefAction::apply(loaded.app.state, action, p).is_ok());
        let why_not = (!available).then(|| {
            let (zh, en) = ReliefAction::waiting_for(loaded.app.state);
            Text::new(zh, en)
        });
        actions.push(ActionView {
            action,
            available,
            why_not,
        });
    }
    let is_official = loaded.parties.contains(&Party::Official);
    let mut timeline_entries = Vec::new();
    for row in timeline::audit_of(store, TABLE.table(), id).await? {
        let at = DateTime::parse_from_rfc3339(&row.at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        timeline_entries.push(TimelineEntry {
            at,
            who: row.actor,
            what: describe_action(&row.action),
            internal: false,
        });
    }
    for mail in timeline::mails_of_case(store, TABLE.table(), id).await? {
        timeline_entries.push(TimelineEntry {
            at: mail.sent_at.unwrap_or(mail.created_at),
            who: mail.to_address,
            what: mail_label(&mail.template, &mail.state),
            internal: false,
        });
    }
    for note in repo::notes_of_case(store, TABLE.table(), id).await? {
        let internal = note.visibility == NoteVisibility::Internal;
        if internal && !is_official {
            continue;
        }
        let author = people::find_user_by_id(store, note.author_user_id).await?;
        timeline_entries.push(TimelineEntry {
            at: note.created_at,
            who: author.map(|u| u.display_name).unwrap_or_default(),
            what: Text::new(note.body.clone(), note.body),
            internal,
        });
    }
    timeline_entries.sort_by_key(|e| e.at);
    Ok(ApplicationView {
        founder_name: founder.name,
        founder_id_masked: founder.resident_id_masked,
        founder_group: founder.founder_group,
        app: loaded.app,
        stay: loaded.stay,
        entity: loaded.entity,
        carrier: loaded.carrier,
        eligibility,
        parties: loaded.parties,
        actions,
        timeline: timeline_entries,
    })
}

/// Filters of the application list (from the URL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub state: Option<ReliefState>,
    pub jurisdiction_id: Option<i64>,
    pub carrier_id: Option<i64>,
    pub founder_group: Option<FounderGroup>,
    /// 1-based.
    pub page: u64,
}

/// Rows per page of every list (ARCHITECTURE: 25 a page).
pub const PER_PAGE: u64 = 25;

/// One page of the applications the actor may see, with the number of all matches.
pub async fn list(
    system: &System,
    actor: &Actor,
    query: &ListQuery,
) -> ServiceResult<(Vec<ReliefListRow>, u64)> {
    let mut filter = ReliefFilter {
        states: query.state.into_iter().collect(),
        jurisdiction_id: query.jurisdiction_id,
        carrier_id: query.carrier_id,
        founder_group: query.founder_group,
        page: query.page.saturating_sub(1),
        per_page: PER_PAGE,
        ..ReliefFilter::default()
    };
    match scope::official_jurisdictions(system, actor).await? {
        Some(jurisdictions) => filter.jurisdiction_ids = Some(jurisdictions),
        None => {
            let orgs = actor.operated_organisations();
            if orgs.is_empty() {
                return Err(ServiceError::Forbidden);
            }
            filter.operator_org_ids = Some(orgs);
        }
    }
    Ok(repo::list_relief(system.store(), &filter).await?)
}
