//! Natural keys → database ids, and the conversions every step of the load needs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use fuhua_core::CreditCode;
use fuhua_store::repo::{carriers, people, reference};
use fuhua_store::{Store, StoreError};

use crate::model::DemoDistrict;

/// The database ids of what was written, by the plan's natural keys.
#[derive(Debug, Default)]
pub(super) struct Ids {
    pub(super) jurisdictions: HashMap<String, i64>,
    pub(super) organisations: HashMap<String, i64>,
    pub(super) carriers: HashMap<String, i64>,
    /// By certificate number.
    pub(super) records: HashMap<String, i64>,
    /// The founder's person id, by the credit code of their entity (never keyed
    /// by resident ID: personal data stays out of maps and messages).
    pub(super) founders: HashMap<String, i64>,
    pub(super) entities: HashMap<String, i64>,
    pub(super) users: HashMap<String, i64>,
    pub(super) fund_sources: HashMap<String, i64>,
    /// By (fund source code, year).
    pub(super) appropriations: HashMap<(String, i32), i64>,
}

/// The ids of what the district's transaction wrote and the fund sources the
/// finance user created, read back by natural key (a later step may run in another
/// process than the one that wrote the district): jurisdictions, carriers (by the
/// plan's code, found by name), accreditation records, users, fund sources and
/// appropriations. Organisations, founders and entities are not needed after the
/// district's transaction and stay empty.
pub(super) async fn resolve(store: &Store, district: &DemoDistrict) -> Result<Ids, StoreError> {
    let mut ids = Ids::default();
    for j in reference::list_jurisdictions(store).await? {
        ids.jurisdictions.insert(j.code, j.id);
    }
    let stored = carriers::list_carriers(store).await?;
    for planned in &district.carriers {
        let Some(carrier) = stored.iter().find(|c| c.name == planned.name) else {
            continue;
        };
        ids.carriers.insert(planned.code.clone(), carrier.id);
        for a in &planned.accreditations {
            if let Some(record) = carriers::find_accreditation_by_certificate(
                store,
                Some(carrier.id),
                &a.certificate_no,
            )
            .await?
            {
                ids.records.insert(a.certificate_no.clone(), record.id);
            }
        }
    }
    for user in people::list_users(store).await? {
        ids.users.insert(user.username, user.id);
    }
    for source in reference::list_fund_sources(store).await? {
        for a in reference::list_appropriations(store, source.id).await? {
            ids.appropriations
                .insert((source.key.clone(), a.year), a.id);
        }
        ids.fund_sources.insert(source.key, source.id);
    }
    Ok(ids)
}

/// The id of `key` in `map`; a key the plan names but did not define is a bug in
/// the plan, reported as such.
pub(super) fn id_of(map: &HashMap<String, i64>, what: &str, key: &str) -> Result<i64, StoreError> {
    map.get(key).copied().ok_or_else(|| {
        StoreError::Invalid(format!(
            "the demo plan refers to {what} “{key}”, which it does not define"
        ))
    })
}

/// The id of the user `username` names, if any.
pub(super) fn user_of(ids: &Ids, username: Option<&str>) -> Result<Option<i64>, StoreError> {
    username
        .map(|name| id_of(&ids.users, "user", name))
        .transpose()
}

/// A count from the plan as a database integer.
pub(super) fn int(what: &str, value: u32) -> Result<i32, StoreError> {
    i32::try_from(value)
        .map_err(|_| StoreError::Invalid(format!("{what} {value} is too large to store")))
}

/// A day of the plan as a timestamp. SPEC §2: dates are calendar days in
/// Asia/Shanghai, timestamps UTC — a day's event is put at 10:00 Shanghai time
/// (02:00 UTC), well inside that calendar day.
pub(super) fn on_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(2, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

pub(super) fn credit_code(code: &str) -> Result<CreditCode, StoreError> {
    // SPEC §2: identifiers are validated on every input path.
    CreditCode::parse(code)
        .map_err(|e| StoreError::Invalid(format!("credit code {code} is not valid: {e}")))
}
