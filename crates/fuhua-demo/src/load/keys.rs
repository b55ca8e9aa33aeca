//! Natural keys → database ids, and the conversions every step of the load needs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use fuhua_core::CreditCode;
use fuhua_store::StoreError;

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
