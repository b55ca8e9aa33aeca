//! Rent-relief applications and extension requests (SPEC §4), the notes on a case,
//! and the lists and counts the inboxes show. States are the rule crate's typed
//! states; they move only through [`super::cases::move_case`].

use chrono::{DateTime, Utc};
use fuhua_core::vocab::FounderGroup;
use fuhua_waiver::{ExtensionState, ReliefState};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};

use super::{by_id, every, insert, now, parse_code};
use crate::entities::{case_note, extension_request, relief_application};
use crate::error::StoreError;
use crate::{Store, Write};

/// An entrepreneur's rent-relief application (starts as a draft).
#[derive(Debug, Clone)]
pub struct NewReliefApplication {
    pub entity_id: i64,
    pub stay_id: i64,
    pub applicant_user_id: Option<i64>,
}

/// A stored rent-relief application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliefApplication {
    pub id: i64,
    pub entity_id: i64,
    pub stay_id: i64,
    pub applicant_user_id: Option<i64>,
    pub state: ReliefState,
    /// The eligibility computed when it was last submitted or decided (JSON).
    pub eligibility: Option<Value>,
    /// The operator's reason for a dispute.
    pub operator_note: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

fn relief_of(m: relief_application::Model) -> Result<ReliefApplication, StoreError> {
    Ok(ReliefApplication {
        id: m.id,
        entity_id: m.entity_id,
        stay_id: m.stay_id,
        applicant_user_id: m.applicant_user_id,
        state: parse_code("state", &m.state)?,
        eligibility: m
            .eligibility
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?,
        operator_note: m.operator_note,
        submitted_at: m.submitted_at,
        confirmed_by: m.confirmed_by,
        confirmed_at: m.confirmed_at,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        decision_reason: m.decision_reason,
        decision_note: m.decision_note,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

/// Records a draft application.
pub async fn add_relief_application(
    w: &Write,
    new: &NewReliefApplication,
) -> Result<ReliefApplication, StoreError> {
    let at = now();
    let row = relief_application::ActiveModel {
        entity_id: Set(new.entity_id),
        stay_id: Set(new.stay_id),
        applicant_user_id: Set(new.applicant_user_id),
        state: Set(ReliefState::Draft.as_str().into()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({"entity_id": new.entity_id, "stay_id": new.stay_id, "state": "draft"});
    relief_of(insert(w, "relief_applications", row, |m| m.id, audit).await?)
}

pub async fn find_relief_application(
    store: &Store,
    id: i64,
) -> Result<Option<ReliefApplication>, StoreError> {
    by_id::<relief_application::Entity, _>(store, id, relief_of).await
}

/// The applications of some entities, newest first.
pub async fn relief_applications_of_entities(
    store: &Store,
    entity_ids: &[i64],
) -> Result<Vec<ReliefApplication>, StoreError> {
    every(
        store,
        relief_application::Entity::find()
            .filter(relief_application::Column::EntityId.is_in(entity_ids.iter().copied()))
            .order_by_desc(relief_application::Column::Id),
        relief_of,
    )
    .await
}

/// The applications on one stay, newest first.
pub async fn relief_applications_of_stay(
    store: &Store,
    stay_id: i64,
) -> Result<Vec<ReliefApplication>, StoreError> {
    every(
        store,
        relief_application::Entity::find()
            .filter(relief_application::Column::StayId.eq(stay_id))
            .order_by_desc(relief_application::Column::Id),
        relief_of,
    )
    .await
}

/// Which applications a list shows: filters from the URL plus the actor's scope.
#[derive(Debug, Clone, Default)]
pub struct ReliefFilter {
    pub states: Vec<ReliefState>,
    /// Scope: only carriers in these jurisdictions (officials) …
    pub jurisdiction_ids: Option<Vec<i64>>,
    /// … or only carriers of these operator organisations (operators).
    pub operator_org_ids: Option<Vec<i64>>,
    pub jurisdiction_id: Option<i64>,
    pub carrier_id: Option<i64>,
    pub founder_group: Option<FounderGroup>,
    /// 0-based page of `per_page` rows.
    pub page: u64,
    pub per_page: u64,
}

/// One row of an application list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliefListRow {
    pub id: i64,
    pub state: ReliefState,
    pub entity_name: String,
    pub founder_name: String,
    pub founder_group: FounderGroup,
    pub carrier_id: i64,
    pub carrier_name: String,
    pub jurisdiction_id: i64,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

fn filtered(filter: &ReliefFilter) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new("relief_applications"))
        .join(
            JoinType::InnerJoin,
            Alias::new("stays"),
            Expr::col(("stays", "id")).equals(("relief_applications", "stay_id")),
        )
        .join(
            JoinType::InnerJoin,
            Alias::new("carriers"),
            Expr::col(("carriers", "id")).equals(("stays", "carrier_id")),
        )
        .join(
            JoinType::InnerJoin,
            Alias::new("entities"),
            Expr::col(("entities", "id")).equals(("relief_applications", "entity_id")),
        )
        .join(
            JoinType::InnerJoin,
            Alias::new("people"),
            Expr::col(("people", "id")).equals(("entities", "founder_person_id")),
        );
    if !filter.states.is_empty() {
        q.and_where(
            Expr::col(("relief_applications", "state"))
                .is_in(filter.states.iter().map(|s| s.as_str())),
        );
    }
    if let Some(ids) = &filter.jurisdiction_ids {
        q.and_where(Expr::col(("carriers", "jurisdiction_id")).is_in(ids.iter().copied()));
    }
    if let Some(ids) = &filter.operator_org_ids {
        q.and_where(Expr::col(("carriers", "operator_org_id")).is_in(ids.iter().copied()));
    }
    if let Some(id) = filter.jurisdiction_id {
        q.and_where(Expr::col(("carriers", "jurisdiction_id")).eq(id));
    }
    if let Some(id) = filter.carrier_id {
        q.and_where(Expr::col(("carriers", "id")).eq(id));
    }
    if let Some(group) = filter.founder_group {
        q.and_where(Expr::col(("people", "founder_group")).eq(group.as_str()));
    }
    q
}

/// One page of applications (oldest waiting first) and the number of all matches.
pub async fn list_relief(
    store: &Store,
    filter: &ReliefFilter,
) -> Result<(Vec<ReliefListRow>, u64), StoreError> {
    let mut count = filtered(filter);
    count.expr_as(Func::count(Expr::col(("relief_applications", "id"))), "n");
    let total: i64 = match store.db().query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let per_page = Ord::max(filter.per_page, 1);
    let mut q = filtered(filter);
    q.expr_as(Expr::col(("relief_applications", "id")), "id")
        .expr_as(Expr::col(("relief_applications", "state")), "state")
        .expr_as(
            Expr::col(("relief_applications", "submitted_at")),
            "submitted_at",
        )
        .expr_as(
            Expr::col(("relief_applications", "updated_at")),
            "updated_at",
        )
        .expr_as(Expr::col(("entities", "name")), "entity_name")
        .expr_as(Expr::col(("people", "name")), "founder_name")
        .expr_as(Expr::col(("people", "founder_group")), "founder_group")
        .expr_as(Expr::col(("carriers", "id")), "carrier_id")
        .expr_as(Expr::col(("carriers", "name")), "carrier_name")
        .expr_as(
            Expr::col(("carriers", "jurisdiction_id")),
            "jurisdiction_id",
        )
        .order_by(("relief_applications", "updated_at"), Order::Asc)
        .order_by(("relief_applications", "id"), Order::Asc)
        .limit(per_page)
        .offset(filter.page.saturating_mul(per_page));
    let mut rows = Vec::new();
    for row in store.db().query_all(&q).await? {
        let state: String = row.try_get("", "state")?;
        let group: String = row.try_get("", "founder_group")?;
        rows.push(ReliefListRow {
            id: row.try_get("", "id")?,
            state: parse_code("state", &state)?,
            entity_name: row.try_get("", "entity_name")?,
            founder_name: row.try_get("", "founder_name")?,
            founder_group: parse_code("founder_group", &group)?,
            carrier_id: row.try_get("", "carrier_id")?,
            carrier_name: row.try_get("", "carrier_name")?,
            jurisdiction_id: row.try_get("", "jurisdiction_id")?,
            submitted_at: row.try_get("", "submitted_at")?,
            updated_at: row.try_get("", "updated_at")?,
        });
    }
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// How much work waits in one state: the count, the oldest item's last move, and
/// how many have waited since before `overdue_before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub count: u64,
    pub oldest: Option<DateTime<Utc>>,
    pub overdue: u64,
}

/// Counts the applications `filter` selects (its states) for an inbox.
pub async fn relief_waiting(
    store: &Store,
    filter: &ReliefFilter,
    overdue_before: DateTime<Utc>,
) -> Result<Waiting, StoreError> {
    let mut q = filtered(filter);
    q.expr_as(Func::count(Expr::col(("relief_applications", "id"))), "n")
        .expr_as(
            Func::min(Expr::col(("relief_applications", "updated_at"))),
            "oldest",
        );
    let (count, oldest) = match store.db().query_one(&q).await? {
        Some(row) => (
            row.try_get::<i64>("", "n")?,
            row.try_get::<Option<DateTime<Utc>>>("", "oldest")?,
        ),
        None => (0, None),
    };
    let mut late = filtered(filter);
    late.expr_as(Func::count(Expr::col(("relief_applications", "id"))), "n")
        .and_where(Expr::col(("relief_applications", "updated_at")).lt(overdue_before));
    let overdue = match store.db().query_one(&late).await? {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    };
    Ok(Waiting {
        count: u64::try_from(count).unwrap_or(0),
        oldest,
        overdue: u64::try_from(overdue).unwrap_or(0),
    })
}

// ---------------------------------------------------------------------------
// Extension requests
// ---------------------------------------------------------------------------

/// A request to extend the incubation period (R-WAIVER-EXTEND), starting submitted.
#[derive(Debug, Clone)]
pub struct NewExtensionRequest {
    pub entity_id: i64,
    pub months: i32,
    pub reason: String,
    pub requested_by: Option<i64>,
}

/// A stored extension request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRequest {
    pub id: i64,
    pub entity_id: i64,
    pub months: i32,
    pub reason: String,
    pub requested_by: Option<i64>,
    pub state: ExtensionState,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

fn extension_of(m: extension_request::Model) -> Result<ExtensionRequest, StoreError> {
    Ok(ExtensionRequest {
        id: m.id,
        entity_id: m.entity_id,
        months: m.months,
        reason: m.reason,
        requested_by: m.requested_by,
        state: parse_code("state", &m.state)?,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        decision_note: m.decision_note,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

pub async fn add_extension_request(
    w: &Write,
    new: &NewExtensionRequest,
) -> Result<ExtensionRequest, StoreError> {
    if !(1..=120).contains(&new.months) {
        return Err(StoreError::Invalid(
            "an extension adds between 1 and 120 months".into(),
        ));
    }
    let at = now();
    let row = extension_request::ActiveModel {
        entity_id: Set(new.entity_id),
        months: Set(new.months),
        reason: Set(new.reason.clone()),
        requested_by: Set(new.requested_by),
        state: Set(ExtensionState::Submitted.as_str().into()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({"entity_id": new.entity_id, "months": new.months, "state": "submitted"});
    extension_of(insert(w, "extension_requests", row, |m| m.id, audit).await?)
}

pub async fn find_extension_request(
    store: &Store,
    id: i64,
) -> Result<Option<ExtensionRequest>, StoreError> {
    by_id::<extension_request::Entity, _>(store, id, extension_of).await
}

/// Extension requests of some entities (all of them when `None`), in some states
/// (all when empty), oldest first.
pub async fn extension_requests(
    store: &Store,
    entity_ids: Option<&[i64]>,
    states: &[ExtensionState],
) -> Result<Vec<ExtensionRequest>, StoreError> {
    let mut query = extension_request::Entity::find();
    if let Some(ids) = entity_ids {
        query = query.filter(extension_request::Column::EntityId.is_in(ids.iter().copied()));
    }
    if !states.is_empty() {
        query =
            query.filter(extension_request::Column::State.is_in(states.iter().map(|s| s.as_str())));
    }
    every(
        store,
        query.order_by_asc(extension_request::Column::Id),
        extension_of,
    )
    .await
}

/// Months of approved extensions of an entity (the `extension_months` of R-WAIVER).
pub async fn approved_extension_months(store: &Store, entity_id: i64) -> Result<i32, StoreError> {
    Ok(
        extension_requests(store, Some(&[entity_id]), &[ExtensionState::Approved])
            .await?
            .iter()
            .map(|r| r.months)
            .sum(),
    )
}

// ---------------------------------------------------------------------------
// Notes on cases
// ---------------------------------------------------------------------------

/// Who sees a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteVisibility {
    /// Officials only.
    Internal,
    /// A message the applicant sees too.
    Applicant,
}

impl NoteVisibility {
    fn as_str(self) -> &'static str {
        match self {
            NoteVisibility::Internal => "internal",
            NoteVisibility::Applicant => "applicant",
        }
    }
}

/// A note on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    pub id: i64,
    pub author_user_id: i64,
    pub visibility: NoteVisibility,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

fn note_of(m: case_note::Model) -> Result<CaseNote, StoreError> {
    Ok(CaseNote {
        id: m.id,
        author_user_id: m.author_user_id,
        visibility: match m.visibility.as_str() {
            "internal" => NoteVisibility::Internal,
            "applicant" => NoteVisibility::Applicant,
            other => return Err(StoreError::Corrupt(format!("note visibility “{other}”"))),
        },
        body: m.body,
        created_at: m.created_at,
    })
}

/// Adds a note to a case (`case_table` as in `CaseTable::table`).
pub async fn add_case_note(
    w: &Write,
    case_table: &'static str,
    case_id: i64,
    author_user_id: i64,
    visibility: NoteVisibility,
    body: &str,
) -> Result<CaseNote, StoreError> {
    let row = case_note::ActiveModel {
        case_table: Set(case_table.into()),
        case_id: Set(case_id),
        author_user_id: Set(author_user_id),
        visibility: Set(visibility.as_str().into()),
        body: Set(body.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "case_table": case_table,
        "case_id": case_id,
        "visibility": visibility.as_str(),
    });
    note_of(insert(w, "case_notes", row, |m| m.id, audit).await?)
}

/// A case's notes, oldest first.
pub async fn notes_of_case(
    store: &Store,
    case_table: &str,
    case_id: i64,
) -> Result<Vec<CaseNote>, StoreError> {
    every(
        store,
        case_note::Entity::find()
            .filter(case_note::Column::CaseTable.eq(case_table))
            .filter(case_note::Column::CaseId.eq(case_id))
            .order_by_asc(case_note::Column::Id),
        note_of,
    )
    .await
}
