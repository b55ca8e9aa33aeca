//! Carriers (载体, SPEC §2), their operator contracts, accreditation records and
//! accreditation applications. Contact phones are stored sealed with their keyed
//! hash; audit rows carry the hash only. The rule crates' types are not named here:
//! records carry their fields and the service converts them.

use chrono::{DateTime, NaiveDate, Utc};
use fuhua_core::Money;
use fuhua_core::vocab::{AccreditationStatus, CarrierKind, Founding, Level, Operation};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::reference::{required, seal_phone};
use super::{by_id, every, first, insert, now, parse_code, people};
use crate::entities::{
    accreditation_application, accreditation_record, carrier, operator_contract,
};
use crate::error::StoreError;
use crate::{Store, Write};

// ---------------------------------------------------------------------------
// Carriers
// ---------------------------------------------------------------------------

/// A carrier to record (SPEC §2 "Carrier"). `Debug` leaves out the contact phone.
#[derive(Clone)]
pub struct NewCarrier {
    pub name: String,
    pub kind: CarrierKind,
    pub founding: Founding,
    pub operation: Operation,
    pub jurisdiction_id: i64,
    pub address: String,
    /// Hundredths of m².
    pub floor_area_centi: i64,
    pub workstations: i32,
    pub operator_org_id: Option<i64>,
    /// R-WAIVER-FULL: the policy says "may" (可); default true.
    pub waives_rent: bool,
    /// The carrier's own base for R-AWARD-OPERATING, when it differs from the parameter.
    pub base_operating_subsidy: Option<Money>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

impl std::fmt::Debug for NewCarrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCarrier")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("jurisdiction_id", &self.jurisdiction_id)
            .field(
                "contact_phone",
                &self.contact_phone.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// A stored carrier; the contact phone stays sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub id: i64,
    pub name: String,
    pub kind: CarrierKind,
    pub founding: Founding,
    pub operation: Operation,
    pub jurisdiction_id: i64,
    pub address: String,
    /// Hundredths of m².
    pub floor_area_centi: i64,
    pub workstations: i32,
    pub operator_org_id: Option<i64>,
    pub waives_rent: bool,
    pub base_operating_subsidy: Option<Money>,
    pub contact_name: Option<String>,
    pub has_contact_phone: bool,
    pub version: i32,
}

fn carrier_of(m: carrier::Model) -> Result<Carrier, StoreError> {
    Ok(Carrier {
        id: m.id,
        name: m.name,
        kind: parse_code("kind", &m.kind)?,
        founding: parse_code("founding", &m.founding)?,
        operation: parse_code("operation", &m.operation)?,
        jurisdiction_id: m.jurisdiction_id,
        address: m.address,
        floor_area_centi: m.floor_area_centi,
        workstations: m.workstations,
        operator_org_id: m.operator_org_id,
        waives_rent: m.waives_rent,
        base_operating_subsidy: m.base_operating_subsidy_fen.map(Money::from_fen),
        contact_name: m.contact_name,
        has_contact_phone: m.contact_phone_enc.is_some(),
        version: m.version,
    })
}

/// Checks what the schema's CHECKs would refuse, with messages people understand.
fn check_carrier(new: &NewCarrier) -> Result<(), StoreError> {
    required("a carrier's name", &new.name)?;
    required("a carrier's address", &new.address)?;
    if new.floor_area_centi < 0 {
        return Err(StoreError::Invalid(
            "a carrier's floor area cannot be negative".into(),
        ));
    }
    if new.workstations < 0 {
        return Err(StoreError::Invalid(
            "a carrier's workstation count cannot be negative".into(),
        ));
    }
    if new.base_operating_subsidy.is_some_and(Money::is_negative) {
        return Err(StoreError::Invalid(
            "a carrier's base operating subsidy cannot be negative".into(),
        ));
    }
    Ok(())
}

/// Records a carrier (version 1).
pub async fn add_carrier(w: &Write, new: &NewCarrier) -> Result<Carrier, StoreError> {
    check_carrier(new)?;
    // SPEC §6: the contact phone only sealed, with its keyed hash.
    let (phone_enc, phone_hash) = seal_phone(w.crypto(), new.contact_phone.as_deref())?;
    let subsidy_fen = new.base_operating_subsidy.map(Money::to_fen);
    let at = now();
    let row = carrier::ActiveModel {
        name: Set(new.name.clone()),
        kind: Set(new.kind.as_str().to_owned()),
        founding: Set(new.founding.as_str().to_owned()),
        operation: Set(new.operation.as_str().to_owned()),
        jurisdiction_id: Set(new.jurisdiction_id),
        address: Set(new.address.clone()),
        floor_area_centi: Set(new.floor_area_centi),
        workstations: Set(new.workstations),
        operator_org_id: Set(new.operator_org_id),
        waives_rent: Set(new.waives_rent),
        base_operating_subsidy_fen: Set(subsidy_fen),
        contact_name: Set(new.contact_name.clone()),
        contact_phone_enc: Set(phone_enc),
        contact_phone_hash: Set(phone_hash.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "name": new.name,
        "kind": new.kind,
        "founding": new.founding,
        "operation": new.operation,
        "jurisdiction_id": new.jurisdiction_id,
        "address": new.address,
        "floor_area_centi": new.floor_area_centi,
        "workstations": new.workstations,
        "operator_org_id": new.operator_org_id,
        "waives_rent": new.waives_rent,
        "base_operating_subsidy_fen": subsidy_fen,
        "contact_name": new.contact_name,
        "contact_phone_hash": phone_hash,
    });
    carrier_of(insert(w, "carriers", row, |m| m.id, audit).await?)
}

/// Finds a carrier by id.
pub async fn find_carrier(store: &Store, id: i64) -> Result<Option<Carrier>, StoreError> {
    by_id::<carrier::Entity, _>(store, id, carrier_of).await
}

/// Finds a carrier by its exact name (names are not unique: the oldest one wins).
pub async fn find_carrier_by_name(
    store: &Store,
    name: &str,
) -> Result<Option<Carrier>, StoreError> {
    first(
        store,
        carrier::Entity::find()
            .filter(carrier::Column::Name.eq(name))
            .order_by_asc(carrier::Column::Id),
        carrier_of,
    )
    .await
}

/// Every carrier, ordered by name.
pub async fn list_carriers(store: &Store) -> Result<Vec<Carrier>, StoreError> {
    every(
        store,
        carrier::Entity::find()
            .order_by_asc(carrier::Column::Name)
            .order_by_asc(carrier::Column::Id),
        carrier_of,
    )
    .await
}

/// The carriers of one jurisdiction (a street official's scope, SPEC §1), by name.
pub async fn list_carriers_by_jurisdiction(
    store: &Store,
    jurisdiction_id: i64,
) -> Result<Vec<Carrier>, StoreError> {
    every(
        store,
        carrier::Entity::find()
            .filter(carrier::Column::JurisdictionId.eq(jurisdiction_id))
            .order_by_asc(carrier::Column::Name)
            .order_by_asc(carrier::Column::Id),
        carrier_of,
    )
    .await
}

/// The carriers of any of `jurisdiction_ids` (an official's covered jurisdictions),
/// in one query, by name.
pub async fn list_carriers_in_jurisdictions(
    store: &Store,
    jurisdiction_ids: &[i64],
) -> Result<Vec<Carrier>, StoreError> {
    if jurisdiction_ids.is_empty() {
        return Ok(Vec::new());
    }
    every(
        store,
        carrier::Entity::find()
            .filter(carrier::Column::JurisdictionId.is_in(jurisdiction_ids.iter().copied()))
            .order_by_asc(carrier::Column::Name)
            .order_by_asc(carrier::Column::Id),
        carrier_of,
    )
    .await
}

/// The carriers an operator organisation manages (an operator's scope, SPEC §1), by name.
pub async fn list_carriers_by_operator(
    store: &Store,
    operator_org_id: i64,
) -> Result<Vec<Carrier>, StoreError> {
    every(
        store,
        carrier::Entity::find()
            .filter(carrier::Column::OperatorOrgId.eq(operator_org_id))
            .order_by_asc(carrier::Column::Name)
            .order_by_asc(carrier::Column::Id),
        carrier_of,
    )
    .await
}

/// The full contact phone of a carrier (for the people allowed to contact it). The
/// caller checks who is asking.
pub async fn reveal_carrier_phone(store: &Store, id: i64) -> Result<Option<String>, StoreError> {
    let row = carrier::Entity::find_by_id(id)
        .one(store.db())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "carriers",
            id: id.to_string(),
        })?;
    row.contact_phone_enc
        .as_deref()
        .map(|sealed| store.crypto().open(people::PHONE, sealed))
        .transpose()
}

// ---------------------------------------------------------------------------
// Operator contracts
// ---------------------------------------------------------------------------

/// An entrusted-operation contract to record (SPEC §2 `operation`: by a professional
/// operator under a contract with start/end dates).
#[derive(Debug, Clone)]
pub struct NewOperatorContract {
    pub carrier_id: i64,
    pub operator_org_id: i64,
    pub contract_no: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A stored operator contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorContract {
    pub id: i64,
    pub carrier_id: i64,
    pub operator_org_id: i64,
    pub contract_no: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

fn contract_of(m: operator_contract::Model) -> OperatorContract {
    OperatorContract {
        id: m.id,
        carrier_id: m.carrier_id,
        operator_org_id: m.operator_org_id,
        contract_no: m.contract_no,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
    }
}

/// Records an operator contract; it must not end before it starts.
pub async fn add_operator_contract(
    w: &Write,
    new: &NewOperatorContract,
) -> Result<OperatorContract, StoreError> {
    required("a contract number", &new.contract_no)?;
    if new.ends_on < new.starts_on {
        return Err(StoreError::Invalid(format!(
            "operator contract {}: the end date {} is before the start date {}",
            new.contract_no, new.ends_on, new.starts_on
        )));
    }
    let row = operator_contract::ActiveModel {
        carrier_id: Set(new.carrier_id),
        operator_org_id: Set(new.operator_org_id),
        contract_no: Set(new.contract_no.clone()),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "carrier_id": new.carrier_id,
        "operator_org_id": new.operator_org_id,
        "contract_no": new.contract_no,
        "starts_on": new.starts_on,
        "ends_on": new.ends_on,
    });
    Ok(contract_of(
        insert(w, "operator_contracts", row, |m| m.id, audit).await?,
    ))
}

/// The operator contracts of a carrier, oldest start first.
pub async fn list_operator_contracts(
    store: &Store,
    carrier_id: i64,
) -> Result<Vec<OperatorContract>, StoreError> {
    every(
        store,
        operator_contract::Entity::find()
            .filter(operator_contract::Column::CarrierId.eq(carrier_id))
            .order_by_asc(operator_contract::Column::StartsOn)
            .order_by_asc(operator_contract::Column::Id),
        |m| Ok(contract_of(m)),
    )
    .await
}

// ---------------------------------------------------------------------------
// Accreditation records
// ---------------------------------------------------------------------------

/// An accreditation to record (SPEC §2 "accreditation history").
#[derive(Debug, Clone)]
pub struct NewAccreditationRecord {
    pub carrier_id: i64,
    pub level: Level,
    pub accrediting_body: String,
    pub certificate_no: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub status: AccreditationStatus,
    pub application_id: Option<i64>,
}

/// A stored accreditation record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccreditationRecord {
    pub id: i64,
    pub carrier_id: i64,
    pub level: Level,
    pub accrediting_body: String,
    pub certificate_no: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub status: AccreditationStatus,
    pub application_id: Option<i64>,
    pub version: i32,
}

fn record_of(m: accreditation_record::Model) -> Result<AccreditationRecord, StoreError> {
    Ok(AccreditationRecord {
        id: m.id,
        carrier_id: m.carrier_id,
        level: parse_code("level", &m.level)?,
        accrediting_body: m.accrediting_body,
        certificate_no: m.certificate_no,
        valid_from: m.valid_from,
        valid_until: m.valid_until,
        status: parse_code("status", &m.status)?,
        application_id: m.application_id,
        version: m.version,
    })
}

/// Records an accreditation of a carrier (version 1). Its validity must not end
/// before it starts.
pub async fn add_accreditation_record(
    w: &Write,
    new: &NewAccreditationRecord,
) -> Result<AccreditationRecord, StoreError> {
    required("the accrediting body", &new.accrediting_body)?;
    required("the certificate number", &new.certificate_no)?;
    // SPEC §3 R-WAIVER-KEYGROUP: an accreditation counts while valid_from ≤ D ≤ valid_until.
    if let Some(until) = new.valid_until
        && until < new.valid_from
    {
        return Err(StoreError::Invalid(format!(
            "accreditation {}: valid until {until} is before valid from {}",
            new.certificate_no, new.valid_from
        )));
    }
    let at = now();
    let row = accreditation_record::ActiveModel {
        carrier_id: Set(new.carrier_id),
        level: Set(new.level.as_str().to_owned()),
        accrediting_body: Set(new.accrediting_body.clone()),
        certificate_no: Set(new.certificate_no.clone()),
        valid_from: Set(new.valid_from),
        valid_until: Set(new.valid_until),
        status: Set(new.status.as_str().to_owned()),
        application_id: Set(new.application_id),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "carrier_id": new.carrier_id,
        "level": new.level,
        "accrediting_body": new.accrediting_body,
        "certificate_no": new.certificate_no,
        "valid_from": new.valid_from,
        "valid_until": new.valid_until,
        "status": new.status,
        "application_id": new.application_id,
    });
    record_of(insert(w, "accreditation_records", row, |m| m.id, audit).await?)
}

/// Finds an accreditation record by id.
pub async fn find_accreditation_record(
    store: &Store,
    id: i64,
) -> Result<Option<AccreditationRecord>, StoreError> {
    by_id::<accreditation_record::Entity, _>(store, id, record_of).await
}

/// The accreditation history of a carrier, by `valid_from` (then id).
pub async fn list_accreditation_records(
    store: &Store,
    carrier_id: i64,
) -> Result<Vec<AccreditationRecord>, StoreError> {
    every(
        store,
        accreditation_record::Entity::find()
            .filter(accreditation_record::Column::CarrierId.eq(carrier_id))
            .order_by_asc(accreditation_record::Column::ValidFrom)
            .order_by_asc(accreditation_record::Column::Id),
        record_of,
    )
    .await
}

/// Finds an accreditation by certificate number, of one carrier or of any (the
/// oldest record wins when several carry the number).
pub async fn find_accreditation_by_certificate(
    store: &Store,
    carrier_id: Option<i64>,
    certificate_no: &str,
) -> Result<Option<AccreditationRecord>, StoreError> {
    let mut query = accreditation_record::Entity::find()
        .filter(accreditation_record::Column::CertificateNo.eq(certificate_no));
    if let Some(carrier_id) = carrier_id {
        query = query.filter(accreditation_record::Column::CarrierId.eq(carrier_id));
    }
    query
        .order_by_asc(accreditation_record::Column::Id)
        .one(store.db())
        .await?
        .map(record_of)
        .transpose()
}

// ---------------------------------------------------------------------------
// Accreditation applications
// ---------------------------------------------------------------------------

/// The state every new application starts in (SPEC §4).
pub const APPLICATION_DRAFT: &str = "draft";

/// An application for street/town or district accreditation to record.
#[derive(Debug, Clone)]
pub struct NewAccreditationApplication {
    pub carrier_id: i64,
    /// `street_town` or `district` only.
    pub level: Level,
    /// A JSON object (the checklist of the application form).
    pub checklist: Value,
    pub created_by: Option<i64>,
}

/// A stored accreditation application.
#[derive(Debug, Clone, PartialEq)]
pub struct AccreditationApplication {
    pub id: i64,
    pub carrier_id: i64,
    pub level: Level,
    /// `draft`, `submitted`, `under_review`, `approved`, `rejected`, `returned` or `withdrawn`.
    pub state: String,
    pub checklist: Value,
    pub site_inspection_on: Option<NaiveDate>,
    pub comments: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub version: i32,
}

fn application_of(
    m: accreditation_application::Model,
) -> Result<AccreditationApplication, StoreError> {
    Ok(AccreditationApplication {
        id: m.id,
        carrier_id: m.carrier_id,
        level: parse_code("level", &m.level)?,
        state: m.state,
        checklist: serde_json::from_str(&m.checklist)?,
        site_inspection_on: m.site_inspection_on,
        comments: m.comments,
        submitted_at: m.submitted_at,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        created_by: m.created_by,
        version: m.version,
    })
}

/// Records a draft application for street/town or district accreditation. The three
/// demonstration levels are accredited above the district and only recorded by
/// officials (SPEC §1 "records higher-level accreditations"), so they are refused.
pub async fn add_accreditation_application(
    w: &Write,
    new: &NewAccreditationApplication,
) -> Result<AccreditationApplication, StoreError> {
    if !matches!(new.level, Level::StreetTown | Level::District) {
        return Err(StoreError::Invalid(format!(
            "an accreditation application is for street_town or district level; {} is accredited above \
             the district and recorded by an official",
            new.level
        )));
    }
    if !new.checklist.is_object() {
        return Err(StoreError::Invalid(
            "an application's checklist must be a JSON object".into(),
        ));
    }
    let checklist = serde_json::to_string(&new.checklist)?;
    let at = now();
    let row = accreditation_application::ActiveModel {
        carrier_id: Set(new.carrier_id),
        level: Set(new.level.as_str().to_owned()),
        state: Set(APPLICATION_DRAFT.to_owned()),
        checklist: Set(checklist),
        site_inspection_on: Set(None),
        comments: Set(None),
        submitted_at: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "carrier_id": new.carrier_id,
        "level": new.level,
        "state": APPLICATION_DRAFT,
        "checklist": new.checklist,
        "created_by": new.created_by,
    });
    application_of(insert(w, "accreditation_applications", row, |m| m.id, audit).await?)
}

/// Finds an accreditation application by id.
pub async fn find_accreditation_application(
    store: &Store,
    id: i64,
) -> Result<Option<AccreditationApplication>, StoreError> {
    by_id::<accreditation_application::Entity, _>(store, id, application_of).await
}

/// The accreditation applications of a carrier, oldest first.
pub async fn list_accreditation_applications(
    store: &Store,
    carrier_id: i64,
) -> Result<Vec<AccreditationApplication>, StoreError> {
    every(
        store,
        accreditation_application::Entity::find()
            .filter(accreditation_application::Column::CarrierId.eq(carrier_id))
            .order_by_asc(accreditation_application::Column::Id),
        application_of,
    )
    .await
}

#[cfg(test)]
mod tests {
    use fuhua_core::CreditCode;
    use fuhua_core::ids::credit_check_char;

    use super::*;
    use crate::Actor;
    use crate::repo::reference::{
        JurisdictionKind, NewJurisdiction, NewOrganisation, OrganisationKind, add_jurisdiction,
        add_organisation,
    };
    use crate::testing::TestDb;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    async fn audit_rows(store: &Store) -> u64 {
        let verification = store.verify_audit().await.unwrap();
        assert!(verification.is_intact(), "{verification:?}");
        verification.rows
    }

    /// A street and an operator organisation, committed.
    async fn setup(store: &Store) -> (i64, i64) {
        let w = store.write(&Actor::cli()).await.unwrap();
        let street = add_jurisdiction(
            &w,
            &NewJurisdiction {
                code: "370211002".into(),
                name: "辛安街道".into(),
                kind: JurisdictionKind::StreetTown,
                parent_id: None,
            },
        )
        .await
        .unwrap();
        let first17 = "91370211MA3C8D6E5";
        let check = credit_check_char(first17.as_bytes()).unwrap();
        let org = add_organisation(
            &w,
            &NewOrganisation {
                name: "青岛孵化运营有限公司".into(),
                credit_code: CreditCode::parse(&format!("{first17}{check}")).unwrap(),
                kind: OrganisationKind::Operator,
                contact_name: None,
                contact_phone: None,
                email: None,
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        (street.id, org.id)
    }

    fn new_carrier(jurisdiction_id: i64, operator_org_id: Option<i64>) -> NewCarrier {
        NewCarrier {
            name: "辛安街道家庭服务业基地".into(),
            kind: CarrierKind::HouseholdServiceBase,
            founding: Founding::StreetTown,
            operation: Operation::Entrusted,
            jurisdiction_id,
            address: "青岛西海岸新区辛安街道前湾港路1号".into(),
            floor_area_centi: 1_234_556,
            workstations: 120,
            operator_org_id,
            waives_rent: true,
            base_operating_subsidy: Some(Money::parse("0.01").unwrap()),
            contact_name: Some("李明".into()),
            contact_phone: Some("139-1234-5678".into()),
        }
    }

    #[tokio::test]
    async fn carriers_round_trip_with_sealed_phones() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let (street, org) = setup(store).await;
        let before = audit_rows(store).await;
        let w = store.write(&Actor::cli()).await.unwrap();
        let carrier = add_carrier(&w, &new_carrier(street, Some(org)))
            .await
            .unwrap();
        let mut other = new_carrier(street, None);
        other.name = "西海岸新区大学生创业孵化基地".into();
        other.kind = CarrierKind::IncubationBase;
        other.founding = Founding::Social;
        other.operation = Operation::SelfOperated;
        other.waives_rent = false;
        other.base_operating_subsidy = None;
        other.contact_phone = None;
        let other = add_carrier(&w, &other).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);

        assert_eq!(
            carrier.base_operating_subsidy,
            Some(Money::parse("0.01").unwrap())
        );
        assert_eq!(carrier.floor_area_centi, 1_234_556);
        assert_eq!(carrier.version, 1);
        assert!(carrier.has_contact_phone && !other.has_contact_phone);
        assert_eq!(
            find_carrier(store, carrier.id).await.unwrap(),
            Some(carrier.clone())
        );
        let by_name = find_carrier_by_name(store, "西海岸新区大学生创业孵化基地")
            .await
            .unwrap();
        assert_eq!(by_name, Some(other.clone()));
        assert_eq!(other.founding, Founding::Social);
        assert_eq!(other.base_operating_subsidy, None);
        assert!(!other.waives_rent);
        assert!(
            find_carrier_by_name(store, "nowhere")
                .await
                .unwrap()
                .is_none()
        );
        // Ordered by name.
        let mut expected = vec![carrier.clone(), other.clone()];
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(
            list_carriers_by_jurisdiction(store, street).await.unwrap(),
            expected
        );
        assert_eq!(list_carriers(store).await.unwrap(), expected);
        assert_eq!(
            list_carriers_by_operator(store, org).await.unwrap(),
            vec![carrier.clone()]
        );
        assert!(
            list_carriers_by_jurisdiction(store, street + 100)
                .await
                .unwrap()
                .is_empty()
        );

        // SPEC §6: the phone never in clear, in the row or in the audit log.
        let raw = carrier::Entity::find_by_id(carrier.id)
            .one(store.db())
            .await
            .unwrap()
            .unwrap();
        let sealed = raw.contact_phone_enc.unwrap();
        assert!(!sealed.windows(11).any(|w| w == b"13912345678"));
        assert!(!sealed.windows(4).any(|w| w == b"1234"));
        assert_eq!(
            raw.contact_phone_hash,
            Some(store.crypto().keyed_hash(people::PHONE, "13912345678"))
        );
        assert_eq!(raw.base_operating_subsidy_fen, Some(1));
        for row in store.audit_rows(0, 1000).await.unwrap() {
            assert!(!row.after.unwrap_or_default().contains("13912345678"));
        }
        assert_eq!(
            reveal_carrier_phone(store, carrier.id)
                .await
                .unwrap()
                .as_deref(),
            Some("13912345678")
        );
        assert_eq!(reveal_carrier_phone(store, other.id).await.unwrap(), None);

        // Negative areas are refused before the database.
        let w = store.write(&Actor::cli()).await.unwrap();
        let mut bad = new_carrier(street, None);
        bad.floor_area_centi = -1;
        assert!(matches!(
            add_carrier(&w, &bad).await,
            Err(StoreError::Invalid(_))
        ));
        w.rollback().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn operator_contracts_round_trip_and_must_not_end_before_they_start() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let (street, org) = setup(store).await;
        let w = store.write(&Actor::cli()).await.unwrap();
        let carrier = add_carrier(&w, &new_carrier(street, Some(org)))
            .await
            .unwrap();
        w.commit().await.unwrap();
        let before = audit_rows(store).await;

        let w = store.write(&Actor::cli()).await.unwrap();
        let later = add_operator_contract(
            &w,
            &NewOperatorContract {
                carrier_id: carrier.id,
                operator_org_id: org,
                contract_no: "XA-2025-02".into(),
                starts_on: d(2025, 1, 1),
                ends_on: d(2027, 12, 31),
            },
        )
        .await
        .unwrap();
        let earlier = add_operator_contract(
            &w,
            &NewOperatorContract {
                carrier_id: carrier.id,
                operator_org_id: org,
                contract_no: "XA-2022-01".into(),
                starts_on: d(2022, 1, 1),
                ends_on: d(2022, 1, 1),
            },
        )
        .await
        .unwrap();
        let backwards = add_operator_contract(
            &w,
            &NewOperatorContract {
                carrier_id: carrier.id,
                operator_org_id: org,
                contract_no: "XA-BAD".into(),
                starts_on: d(2025, 1, 2),
                ends_on: d(2025, 1, 1),
            },
        )
        .await;
        match backwards {
            Err(StoreError::Invalid(message)) => {
                assert!(message.contains("before the start"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);
        assert_eq!(
            list_operator_contracts(store, carrier.id).await.unwrap(),
            vec![earlier, later]
        );
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn accreditation_records_round_trip_in_date_order() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let (street, org) = setup(store).await;
        let w = store.write(&Actor::cli()).await.unwrap();
        let carrier = add_carrier(&w, &new_carrier(street, Some(org)))
            .await
            .unwrap();
        w.commit().await.unwrap();
        let before = audit_rows(store).await;

        let w = store.write(&Actor::cli()).await.unwrap();
        let municipal = add_accreditation_record(
            &w,
            &NewAccreditationRecord {
                carrier_id: carrier.id,
                level: Level::Municipal,
                accrediting_body: "青岛市人力资源和社会保障局".into(),
                certificate_no: "QD-2024-017".into(),
                valid_from: d(2024, 6, 1),
                valid_until: None,
                status: AccreditationStatus::Active,
                application_id: None,
            },
        )
        .await
        .unwrap();
        let district = add_accreditation_record(
            &w,
            &NewAccreditationRecord {
                carrier_id: carrier.id,
                level: Level::District,
                accrediting_body: "西海岸新区人力资源局".into(),
                certificate_no: "XHA-2022-003".into(),
                valid_from: d(2022, 3, 1),
                valid_until: Some(d(2025, 2, 28)),
                status: AccreditationStatus::Expired,
                application_id: None,
            },
        )
        .await
        .unwrap();
        let backwards = add_accreditation_record(
            &w,
            &NewAccreditationRecord {
                carrier_id: carrier.id,
                level: Level::District,
                accrediting_body: "x".into(),
                certificate_no: "BAD".into(),
                valid_from: d(2022, 3, 1),
                valid_until: Some(d(2022, 2, 28)),
                status: AccreditationStatus::Active,
                application_id: None,
            },
        )
        .await;
        assert!(
            matches!(backwards, Err(StoreError::Invalid(_))),
            "{backwards:?}"
        );
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);

        assert_eq!(district.status, AccreditationStatus::Expired);
        assert_eq!(district.valid_until, Some(d(2025, 2, 28)));
        assert_eq!(municipal.version, 1);
        assert_eq!(
            list_accreditation_records(store, carrier.id).await.unwrap(),
            vec![district.clone(), municipal.clone()]
        );
        assert_eq!(
            find_accreditation_record(store, municipal.id)
                .await
                .unwrap(),
            Some(municipal.clone())
        );
        assert_eq!(
            find_accreditation_by_certificate(store, Some(carrier.id), "QD-2024-017")
                .await
                .unwrap(),
            Some(municipal.clone())
        );
        assert_eq!(
            find_accreditation_by_certificate(store, None, "XHA-2022-003")
                .await
                .unwrap(),
            Some(district)
        );
        assert!(
            find_accreditation_by_certificate(store, Some(carrier.id + 1), "QD-2024-017")
                .await
                .unwrap()
                .is_none()
        );
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn accreditation_applications_start_as_drafts_at_two_levels_only() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let (street, org) = setup(store).await;
        let w = store.write(&Actor::cli()).await.unwrap();
        let carrier = add_carrier(&w, &new_carrier(street, Some(org)))
            .await
            .unwrap();
        w.commit().await.unwrap();
        let before = audit_rows(store).await;

        let checklist =
            json!({"site": true, "workstations": 120, "documents": ["lease", "licence"]});
        let w = store.write(&Actor::cli()).await.unwrap();
        let app = add_accreditation_application(
            &w,
            &NewAccreditationApplication {
                carrier_id: carrier.id,
                level: Level::District,
                checklist: checklist.clone(),
                created_by: None,
            },
        )
        .await
        .unwrap();
        let second = add_accreditation_application(
            &w,
            &NewAccreditationApplication {
                carrier_id: carrier.id,
                level: Level::StreetTown,
                checklist: json!({}),
                created_by: None,
            },
        )
        .await
        .unwrap();
        for level in [Level::Municipal, Level::Provincial, Level::National] {
            let refused = add_accreditation_application(
                &w,
                &NewAccreditationApplication {
                    carrier_id: carrier.id,
                    level,
                    checklist: json!({}),
                    created_by: None,
                },
            )
            .await;
            match refused {
                Err(StoreError::Invalid(message)) => {
                    assert!(message.contains(level.as_str()), "{message}")
                }
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
        let not_object = add_accreditation_application(
            &w,
            &NewAccreditationApplication {
                carrier_id: carrier.id,
                level: Level::District,
                checklist: json!([1, 2]),
                created_by: None,
            },
        )
        .await;
        assert!(matches!(not_object, Err(StoreError::Invalid(_))));
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);

        assert_eq!(app.state, "draft");
        assert_eq!(app.version, 1);
        assert_eq!(app.checklist, checklist);
        assert_eq!(app.level, Level::District);
        assert!(app.submitted_at.is_none() && app.decided_by.is_none());
        assert_eq!(
            find_accreditation_application(store, app.id).await.unwrap(),
            Some(app.clone())
        );
        assert_eq!(
            list_accreditation_applications(store, carrier.id)
                .await
                .unwrap(),
            vec![app, second]
        );
        db.drop_db().await.unwrap();
    }
}
