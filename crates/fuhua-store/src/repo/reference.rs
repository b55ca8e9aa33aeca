//! Reference data: jurisdictions, organisations, fund sources, appropriations and the
//! dated policy parameters. Contact phones of organisations are stored sealed with
//! their keyed hash; audit rows carry the hash only.

use chrono::NaiveDate;
use fuhua_core::params::{ParamKey, ParamValue, ParamVersion};
use fuhua_core::vocab::FundingSource;
use fuhua_core::{CreditCode, Money, ParameterSet};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{by_id, every, first, insert, now, parse_code, people};
use crate::crypto::Crypto;
use crate::entities::{appropriation, fund_source, jurisdiction, organisation, parameter_version};
use crate::error::StoreError;
use crate::{Store, Write};

fuhua_core::vocabulary! {
    /// Whether a jurisdiction is the district or one of its streets/towns.
    JurisdictionKind {
        District = "district", "区", "district";
        StreetTown = "street_town", "街道（镇）", "street or town";
    }
}

fuhua_core::vocabulary! {
    /// What an organisation is to Fuhua (operators, tenants' companies, evaluators).
    OrganisationKind {
        Operator = "operator", "运营机构", "operator";
        Enterprise = "enterprise", "企业", "enterprise";
        IndividualBusiness = "individual_business", "个体工商户", "individual business";
        Evaluator = "evaluator", "第三方评估机构", "third-party evaluator";
        Other = "other", "其他单位", "other";
    }
}

/// Refuses an empty (or blank) required text, naming the field.
pub(crate) fn required(field: &str, value: &str) -> Result<(), StoreError> {
    if value.trim().is_empty() {
        Err(StoreError::Invalid(format!("{field} must not be empty")))
    } else {
        Ok(())
    }
}

/// Seals a contact phone (SPEC §6: personal data at rest): the normalised number
/// sealed, and its keyed hash for lookups and audit rows. Blank numbers are none.
/// A failed encryption is [`StoreError::Encrypt`].
pub(crate) fn seal_phone(
    crypto: &Crypto,
    phone: Option<&str>,
) -> Result<(Option<Vec<u8>>, Option<String>), StoreError> {
    let phone = phone.map(people::normalise_phone).filter(|p| !p.is_empty());
    let sealed = phone
        .as_deref()
        .map(|p| crypto.seal(people::PHONE, p))
        .transpose()?;
    let hash = phone
        .as_deref()
        .map(|p| crypto.keyed_hash(people::PHONE, p));
    Ok((sealed, hash))
}

// ---------------------------------------------------------------------------
// Jurisdictions
// ---------------------------------------------------------------------------

/// A jurisdiction to record.
#[derive(Debug, Clone)]
pub struct NewJurisdiction {
    pub code: String,
    pub name: String,
    pub kind: JurisdictionKind,
    pub parent_id: Option<i64>,
}

/// A stored jurisdiction: the district, or one of its streets/towns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jurisdiction {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: JurisdictionKind,
    pub parent_id: Option<i64>,
}

fn jurisdiction_of(m: jurisdiction::Model) -> Result<Jurisdiction, StoreError> {
    Ok(Jurisdiction {
        id: m.id,
        code: m.code,
        name: m.name,
        kind: parse_code("kind", &m.kind)?,
        parent_id: m.parent_id,
    })
}

/// Records a jurisdiction. An existing code is refused as a duplicate.
pub async fn add_jurisdiction(
    w: &Write,
    new: &NewJurisdiction,
) -> Result<Jurisdiction, StoreError> {
    required("a jurisdiction's code", &new.code)?;
    required("a jurisdiction's name", &new.name)?;
    let row = jurisdiction::ActiveModel {
        code: Set(new.code.trim().to_owned()),
        name: Set(new.name.clone()),
        kind: Set(new.kind.as_str().to_owned()),
        parent_id: Set(new.parent_id),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "code": new.code.trim(),
        "name": new.name,
        "kind": new.kind,
        "parent_id": new.parent_id,
    });
    jurisdiction_of(insert(w, "jurisdictions", row, |m| m.id, audit).await?)
}

/// Finds a jurisdiction by its code (e.g. the region code 370211).
pub async fn find_jurisdiction_by_code(
    store: &Store,
    code: &str,
) -> Result<Option<Jurisdiction>, StoreError> {
    jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Code.eq(code.trim()))
        .one(store.db())
        .await?
        .map(jurisdiction_of)
        .transpose()
}

/// Finds a jurisdiction by id.
pub async fn find_jurisdiction(store: &Store, id: i64) -> Result<Option<Jurisdiction>, StoreError> {
    by_id::<jurisdiction::Entity, _>(store, id, jurisdiction_of).await
}

/// Every jurisdiction, ordered by code.
pub async fn list_jurisdictions(store: &Store) -> Result<Vec<Jurisdiction>, StoreError> {
    every(
        store,
        jurisdiction::Entity::find().order_by_asc(jurisdiction::Column::Code),
        jurisdiction_of,
    )
    .await
}

// ---------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------

/// An organisation to record (one row per legal person, SPEC §2: USCC). `Debug`
/// leaves out the contact phone.
#[derive(Clone)]
pub struct NewOrganisation {
    pub name: String,
    pub credit_code: CreditCode,
    pub kind: OrganisationKind,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub email: Option<String>,
}

impl std::fmt::Debug for NewOrganisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOrganisation")
            .field("name", &self.name)
            .field("credit_code", &self.credit_code)
            .field("kind", &self.kind)
            .field(
                "contact_phone",
                &self.contact_phone.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// A stored organisation; the contact phone stays sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub kind: OrganisationKind,
    pub contact_name: Option<String>,
    pub has_contact_phone: bool,
    pub email: Option<String>,
}

fn organisation_of(m: organisation::Model) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: m.id,
        name: m.name,
        credit_code: m.credit_code,
        kind: parse_code("kind", &m.kind)?,
        contact_name: m.contact_name,
        has_contact_phone: m.contact_phone_enc.is_some(),
        email: m.email,
    })
}

/// Records an organisation. A credit code already on record is refused as a duplicate.
pub async fn add_organisation(
    w: &Write,
    new: &NewOrganisation,
) -> Result<Organisation, StoreError> {
    required("an organisation's name", &new.name)?;
    // SPEC §6: the contact phone only sealed, with its keyed hash.
    let (phone_enc, phone_hash) = seal_phone(w.crypto(), new.contact_phone.as_deref())?;
    let at = now();
    let row = organisation::ActiveModel {
        name: Set(new.name.clone()),
        credit_code: Set(new.credit_code.as_str().to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        contact_name: Set(new.contact_name.clone()),
        contact_phone_enc: Set(phone_enc),
        contact_phone_hash: Set(phone_hash.clone()),
        email: Set(new.email.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    let audit = json!({
        "name": new.name,
        "credit_code": new.credit_code.as_str(),
        "kind": new.kind,
        "contact_name": new.contact_name,
        "contact_phone_hash": phone_hash,
        "email": new.email,
    });
    organisation_of(insert(w, "organisations", row, |m| m.id, audit).await?)
}

/// Finds an organisation by its unified social credit code.
pub async fn find_organisation_by_credit_code(
    store: &Store,
    credit_code: &CreditCode,
) -> Result<Option<Organisation>, StoreError> {
    organisation::Entity::find()
        .filter(organisation::Column::CreditCode.eq(credit_code.as_str()))
        .one(store.db())
        .await?
        .map(organisation_of)
        .transpose()
}

/// Finds an organisation by id.
pub async fn find_organisation(store: &Store, id: i64) -> Result<Option<Organisation>, StoreError> {
    by_id::<organisation::Entity, _>(store, id, organisation_of).await
}

/// Organisations of one kind (or all), ordered by name.
pub async fn list_organisations(
    store: &Store,
    kind: Option<OrganisationKind>,
) -> Result<Vec<Organisation>, StoreError> {
    let mut query = organisation::Entity::find();
    if let Some(kind) = kind {
        query = query.filter(organisation::Column::Kind.eq(kind.as_str()));
    }
    query
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .all(store.db())
        .await?
        .into_iter()
        .map(organisation_of)
        .collect()
}

/// The full contact phone of an organisation (for the people allowed to contact
/// it). The caller checks who is asking.
pub async fn reveal_organisation_phone(
    store: &Store,
    id: i64,
) -> Result<Option<String>, StoreError> {
    let row = organisation::Entity::find_by_id(id)
        .one(store.db())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "organisations",
            id: id.to_string(),
        })?;
    row.contact_phone_enc
        .as_deref()
        .map(|sealed| store.crypto().open(people::PHONE, sealed))
        .transpose()
}

// ---------------------------------------------------------------------------
// Fund sources and appropriations
// ---------------------------------------------------------------------------

/// A fund source to record: whose budget pays (SPEC §3 funding sources).
#[derive(Debug, Clone)]
pub struct NewFundSource {
    /// "municipal_finance", "district_finance" or "street_town_budget:<jurisdiction code>".
    pub key: String,
    pub kind: FundingSource,
    pub name: String,
    pub jurisdiction_id: Option<i64>,
}

/// A stored fund source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundSource {
    pub id: i64,
    pub key: String,
    pub kind: FundingSource,
    pub name: String,
    pub jurisdiction_id: Option<i64>,
}

fn fund_source_of(m: fund_source::Model) -> Result<FundSource, StoreError> {
    Ok(FundSource {
        id: m.id,
        key: m.key,
        kind: parse_code("kind", &m.kind)?,
        name: m.name,
        jurisdiction_id: m.jurisdiction_id,
    })
}

/// Checks that a fund source's key matches its kind: the kind's code for municipal
/// and district finance, `street_town_budget:<code>` with a jurisdiction for a
/// street/town budget (R-WAIVER-FULL: "补助资金由街道(镇)自行承担").
fn check_fund_source_key(new: &NewFundSource) -> Result<(), StoreError> {
    let ok = match new.kind {
        FundingSource::StreetTownBudget => {
            new.jurisdiction_id.is_some()
                && new
                    .key
                    .strip_prefix("street_town_budget:")
                    .is_some_and(|code| !code.trim().is_empty())
        }
        kind => new.key == kind.as_str(),
    };
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "fund source key “{}” does not fit kind {}: use “municipal_finance”, “district_finance”, \
             or “street_town_budget:<jurisdiction code>” with its jurisdiction",
            new.key, new.kind
        )))
    }
}

/// Records a fund source. An existing key is refused as a duplicate.
pub async fn add_fund_source(w: &Write, new: &NewFundSource) -> Result<FundSource, StoreError> {
    required("a fund source's name", &new.name)?;
    check_fund_source_key(new)?;
    let row = fund_source::ActiveModel {
        key: Set(new.key.clone()),
        kind: Set(new.kind.as_str().to_owned()),
        name: Set(new.name.clone()),
        jurisdiction_id: Set(new.jurisdiction_id),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "key": new.key,
        "kind": new.kind,
        "name": new.name,
        "jurisdiction_id": new.jurisdiction_id,
    });
    fund_source_of(insert(w, "fund_sources", row, |m| m.id, audit).await?)
}

/// Finds a fund source by its key.
pub async fn find_fund_source_by_key(
    store: &Store,
    key: &str,
) -> Result<Option<FundSource>, StoreError> {
    first(
        store,
        fund_source::Entity::find().filter(fund_source::Column::Key.eq(key)),
        fund_source_of,
    )
    .await
}

/// Finds a fund source by id.
pub async fn find_fund_source(store: &Store, id: i64) -> Result<Option<FundSource>, StoreError> {
    by_id::<fund_source::Entity, _>(store, id, fund_source_of).await
}

/// Every fund source, ordered by key.
pub async fn list_fund_sources(store: &Store) -> Result<Vec<FundSource>, StoreError> {
    every(
        store,
        fund_source::Entity::find().order_by_asc(fund_source::Column::Key),
        fund_source_of,
    )
    .await
}

/// A yearly appropriation to record.
#[derive(Debug, Clone)]
pub struct NewAppropriation {
    pub fund_source_id: i64,
    pub year: i32,
    pub amount: Money,
}

/// A stored appropriation: a fund source's budget for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appropriation {
    pub id: i64,
    pub fund_source_id: i64,
    pub year: i32,
    pub amount: Money,
    pub version: i32,
}

fn appropriation_of(m: appropriation::Model) -> Appropriation {
    Appropriation {
        id: m.id,
        fund_source_id: m.fund_source_id,
        year: m.year,
        amount: Money::from_fen(m.amount_fen),
        version: m.version,
    }
}

/// Records a fund source's budget for a year. A second one for the same source and
/// year is refused as a duplicate; negative amounts are refused.
pub async fn add_appropriation(
    w: &Write,
    new: &NewAppropriation,
) -> Result<Appropriation, StoreError> {
    if new.amount.is_negative() {
        return Err(StoreError::Invalid(format!(
            "an appropriation cannot be negative (got {})",
            new.amount
        )));
    }
    if !(1900..=9999).contains(&new.year) {
        return Err(StoreError::Invalid(format!(
            "an appropriation's year must be between 1900 and 9999 (got {})",
            new.year
        )));
    }
    let at = now();
    let row = appropriation::ActiveModel {
        fund_source_id: Set(new.fund_source_id),
        year: Set(new.year),
        amount_fen: Set(new.amount.to_fen()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    let audit = json!({
        "fund_source_id": new.fund_source_id,
        "year": new.year,
        "amount_fen": new.amount.to_fen(),
    });
    Ok(appropriation_of(
        insert(w, "appropriations", row, |m| m.id, audit).await?,
    ))
}

/// The appropriation of a fund source for a year, if any.
pub async fn find_appropriation(
    store: &Store,
    fund_source_id: i64,
    year: i32,
) -> Result<Option<Appropriation>, StoreError> {
    Ok(appropriation::Entity::find()
        .filter(appropriation::Column::FundSourceId.eq(fund_source_id))
        .filter(appropriation::Column::Year.eq(year))
        .one(store.db())
        .await?
        .map(appropriation_of))
}

/// Every appropriation of a fund source, oldest year first.
pub async fn list_appropriations(
    store: &Store,
    fund_source_id: i64,
) -> Result<Vec<Appropriation>, StoreError> {
    every(
        store,
        appropriation::Entity::find()
            .filter(appropriation::Column::FundSourceId.eq(fund_source_id))
            .order_by_asc(appropriation::Column::Year),
        |m| Ok(appropriation_of(m)),
    )
    .await
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// A stored parameter version with its note and author (the parameter history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredParamVersion {
    pub id: i64,
    pub version: ParamVersion,
    pub note: String,
    pub created_by: Option<i64>,
}

fn param_version_of(m: parameter_version::Model) -> Result<StoredParamVersion, StoreError> {
    let key = ParamKey::parse(&m.key).ok_or_else(|| {
        StoreError::Corrupt(format!("parameter “{}” is not a known parameter", m.key))
    })?;
    let value: ParamValue = serde_json::from_str(&m.value).map_err(|e| {
        StoreError::Corrupt(format!(
            "value of parameter {} from {} is not valid: {e}",
            m.key, m.effective_from
        ))
    })?;
    key.check(&value).map_err(|e| {
        StoreError::Corrupt(format!(
            "value of parameter {} from {} is refused: {e}",
            m.key, m.effective_from
        ))
    })?;
    Ok(StoredParamVersion {
        id: m.id,
        version: ParamVersion {
            key,
            effective_from: m.effective_from,
            value,
        },
        note: m.note,
        created_by: m.created_by,
    })
}

/// Every stored parameter version, by key then effective date.
pub async fn list_parameter_versions(store: &Store) -> Result<Vec<StoredParamVersion>, StoreError> {
    every(
        store,
        parameter_version::Entity::find()
            .order_by_asc(parameter_version::Column::Key)
            .order_by_asc(parameter_version::Column::EffectiveFrom),
        param_version_of,
    )
    .await
}

/// The parameter set the rules read (SPEC §3 "Parameters"): every stored version.
pub async fn load_parameters(store: &Store) -> Result<ParameterSet, StoreError> {
    let versions = list_parameter_versions(store)
        .await?
        .into_iter()
        .map(|stored| stored.version)
        .collect();
    ParameterSet::from_versions(versions)
        .map_err(|e| StoreError::Corrupt(format!("parameters: {e}")))
}

/// Records a new dated version of a parameter. SPEC: "a change has an effective date
/// and never rewrites past decisions" — so the value must fit its key and take
/// effect today or later. A second version of the same key and date is a duplicate.
pub async fn add_parameter_version(
    w: &Write,
    version: &ParamVersion,
    note: &str,
    created_by: Option<i64>,
    today: NaiveDate,
) -> Result<StoredParamVersion, StoreError> {
    let key = version.key.as_str();
    version
        .key
        .check(&version.value)
        .map_err(|e| StoreError::Invalid(format!("parameter {key} refused: {e}")))?;
    // SPEC preamble: a change never rewrites past decisions — no effective date in the past.
    if version.effective_from < today {
        return Err(StoreError::Invalid(format!(
            "parameter {key} refused: the effective date {} is in the past; a change takes effect today ({today}) or later",
            version.effective_from
        )));
    }
    let value = serde_json::to_string(&version.value)?;
    let row = parameter_version::ActiveModel {
        key: Set(key.to_owned()),
        effective_from: Set(version.effective_from),
        value: Set(value),
        note: Set(note.to_owned()),
        created_by: Set(created_by),
        created_at: Set(now()),
        ..Default::default()
    };
    let audit = json!({
        "key": key,
        "effective_from": version.effective_from,
        "value": version.value,
        "note": note,
        "created_by": created_by,
    });
    param_version_of(insert(w, "parameter_versions", row, |m| m.id, audit).await?)
}

#[cfg(test)]
mod tests {
    use chrono::Days;
    use fuhua_core::ids::credit_check_char;

    use super::*;
    use crate::Actor;
    use crate::testing::TestDb;

    fn code(first17: &str) -> CreditCode {
        let check = credit_check_char(first17.as_bytes()).unwrap();
        CreditCode::parse(&format!("{first17}{check}")).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    async fn audit_rows(store: &Store) -> u64 {
        let verification = store.verify_audit().await.unwrap();
        assert!(verification.is_intact(), "{verification:?}");
        verification.rows
    }

    #[tokio::test]
    async fn jurisdictions_round_trip_and_are_audited() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let before = audit_rows(store).await;
        let w = store.write(&Actor::cli()).await.unwrap();
        let district = add_jurisdiction(
            &w,
            &NewJurisdiction {
                code: "370211".into(),
                name: "西海岸新区".into(),
                kind: JurisdictionKind::District,
                parent_id: None,
            },
        )
        .await
        .unwrap();
        let street = add_jurisdiction(
            &w,
            &NewJurisdiction {
                code: "370211002".into(),
                name: "辛安街道".into(),
                kind: JurisdictionKind::StreetTown,
                parent_id: Some(district.id),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);

        let found = find_jurisdiction_by_code(store, "370211002")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, street);
        assert_eq!(found.kind, JurisdictionKind::StreetTown);
        assert_eq!(found.parent_id, Some(district.id));
        assert_eq!(
            find_jurisdiction(store, district.id).await.unwrap(),
            Some(district.clone())
        );
        assert!(
            find_jurisdiction_by_code(store, "999")
                .await
                .unwrap()
                .is_none()
        );
        let all = list_jurisdictions(store).await.unwrap();
        assert_eq!(all, vec![district, street]);

        let w = store.write(&Actor::cli()).await.unwrap();
        let again = add_jurisdiction(
            &w,
            &NewJurisdiction {
                code: "370211".into(),
                name: "again".into(),
                kind: JurisdictionKind::District,
                parent_id: None,
            },
        )
        .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { .. })),
            "{again:?}"
        );
        w.rollback().await.unwrap();
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn organisations_keep_phones_sealed_and_credit_codes_unique() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let before = audit_rows(store).await;
        let credit = code("91370211MA3C8D6E5");
        let w = store.write(&Actor::cli()).await.unwrap();
        let org = add_organisation(
            &w,
            &NewOrganisation {
                name: "青岛孵化运营有限公司".into(),
                credit_code: credit.clone(),
                kind: OrganisationKind::Operator,
                contact_name: Some("王芳".into()),
                contact_phone: Some("138 6543 2109".into()),
                email: Some("ops@example.cn".into()),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 1);
        assert!(org.has_contact_phone);
        assert_eq!(org.kind, OrganisationKind::Operator);
        assert_eq!(org.credit_code, credit.as_str());

        let found = find_organisation_by_credit_code(store, &credit)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, org);
        assert_eq!(
            find_organisation(store, org.id).await.unwrap(),
            Some(org.clone())
        );
        assert_eq!(
            list_organisations(store, Some(OrganisationKind::Operator))
                .await
                .unwrap(),
            vec![org.clone()]
        );
        assert!(
            list_organisations(store, Some(OrganisationKind::Evaluator))
                .await
                .unwrap()
                .is_empty()
        );

        // SPEC §6: never in clear, in the row or in the audit log.
        let raw = organisation::Entity::find_by_id(org.id)
            .one(store.db())
            .await
            .unwrap()
            .unwrap();
        let sealed = raw.contact_phone_enc.unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("13865432109"));
        assert!(!sealed.windows(11).any(|w| w == b"13865432109"));
        assert_eq!(
            raw.contact_phone_hash,
            Some(store.crypto().keyed_hash(people::PHONE, "13865432109"))
        );
        let audit = store.audit_rows(0, 1000).await.unwrap();
        assert!(
            audit
                .iter()
                .all(|r| !r.after.as_deref().unwrap_or("").contains("13865432109"))
        );
        assert_eq!(
            reveal_organisation_phone(store, org.id)
                .await
                .unwrap()
                .as_deref(),
            Some("13865432109")
        );

        let w = store.write(&Actor::cli()).await.unwrap();
        let duplicate = add_organisation(
            &w,
            &NewOrganisation {
                name: "另一家".into(),
                credit_code: credit.clone(),
                kind: OrganisationKind::Enterprise,
                contact_name: None,
                contact_phone: None,
                email: None,
            },
        )
        .await;
        assert!(
            matches!(duplicate, Err(StoreError::Duplicate { .. })),
            "{duplicate:?}"
        );
        w.rollback().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 1);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn fund_sources_and_appropriations_round_trip_to_the_fen() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let before = audit_rows(store).await;
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
        let district = add_fund_source(
            &w,
            &NewFundSource {
                key: "district_finance".into(),
                kind: FundingSource::DistrictFinance,
                name: "区就业补助资金".into(),
                jurisdiction_id: None,
            },
        )
        .await
        .unwrap();
        let street_budget = add_fund_source(
            &w,
            &NewFundSource {
                key: "street_town_budget:370211002".into(),
                kind: FundingSource::StreetTownBudget,
                name: "辛安街道自有资金".into(),
                jurisdiction_id: Some(street.id),
            },
        )
        .await
        .unwrap();
        let big = Money::parse("1234567.89").unwrap();
        let a2025 = add_appropriation(
            &w,
            &NewAppropriation {
                fund_source_id: district.id,
                year: 2025,
                amount: big,
            },
        )
        .await
        .unwrap();
        let a2024 = add_appropriation(
            &w,
            &NewAppropriation {
                fund_source_id: district.id,
                year: 2024,
                amount: Money::parse("0.01").unwrap(),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 5);

        assert_eq!(
            find_fund_source_by_key(store, "district_finance")
                .await
                .unwrap(),
            Some(district.clone())
        );
        assert_eq!(
            find_fund_source(store, street_budget.id).await.unwrap(),
            Some(street_budget.clone())
        );
        assert_eq!(street_budget.kind, FundingSource::StreetTownBudget);
        assert_eq!(
            list_fund_sources(store).await.unwrap(),
            vec![district.clone(), street_budget]
        );

        let found = find_appropriation(store, district.id, 2025)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, a2025);
        assert_eq!(found.amount, big);
        assert_eq!(found.amount.to_string(), "1234567.89");
        assert_eq!(found.version, 1);
        assert!(
            find_appropriation(store, district.id, 2023)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            list_appropriations(store, district.id).await.unwrap(),
            vec![a2024, a2025]
        );

        // A key that does not fit its kind, and a second appropriation for a year.
        let w = store.write(&Actor::cli()).await.unwrap();
        let bad = add_fund_source(
            &w,
            &NewFundSource {
                key: "street_town_budget:".into(),
                kind: FundingSource::StreetTownBudget,
                name: "x".into(),
                jurisdiction_id: Some(street.id),
            },
        )
        .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
        let twice = add_appropriation(
            &w,
            &NewAppropriation {
                fund_source_id: district.id,
                year: 2025,
                amount: Money::yuan(1),
            },
        )
        .await;
        assert!(
            matches!(twice, Err(StoreError::Duplicate { .. })),
            "{twice:?}"
        );
        w.rollback().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 5);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn parameters_load_the_spec_defaults_and_dated_versions() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let set = load_parameters(store).await.unwrap();
        assert_eq!(set, ParameterSet::defaults());
        let p = set.at(d(2025, 1, 1));
        assert_eq!(p.waiver_window_months, 36);
        assert_eq!(p.graduate_years, 5);
        assert_eq!(
            (p.extension_max_months, p.extension_total_max_months),
            (12, 24)
        );
        assert_eq!(p.keygroup_reduction_rate.to_string(), "1.00");
        assert_eq!(p.ladder_municipal_cap, Money::yuan(5_000_000));
        assert_eq!(p.evaluation_scheme, "qx-default");
        // The schema's defaults (every key but `workdays`) and the 2024–2026
        // calendars (`holidays` and `workdays` from 2024-01-01).
        assert_eq!(
            list_parameter_versions(store).await.unwrap().len(),
            ParamKey::ALL.len() - 1 + 2
        );

        let before = audit_rows(store).await;
        let today = d(2026, 11, 27);
        let starts = today.checked_add_days(Days::new(35)).unwrap();
        let w = store.write(&Actor::cli()).await.unwrap();
        let stored = add_parameter_version(
            &w,
            &ParamVersion {
                key: ParamKey::WaiverWindowMonths,
                effective_from: starts,
                value: ParamValue::Count(48),
            },
            "区政府常务会议决定",
            None,
            today,
        )
        .await
        .unwrap();
        // Today itself is allowed.
        add_parameter_version(
            &w,
            &ParamVersion {
                key: ParamKey::GraduateYears,
                effective_from: today,
                value: ParamValue::Count(6),
            },
            "",
            None,
            today,
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);
        assert_eq!(stored.note, "区政府常务会议决定");
        assert_eq!(stored.version.value, ParamValue::Count(48));

        let set = load_parameters(store).await.unwrap();
        let day_before = starts.pred_opt().unwrap();
        assert_eq!(set.at(day_before).waiver_window_months, 36);
        assert_eq!(set.at(starts).waiver_window_months, 48);
        assert_eq!(set.at(d(2030, 1, 1)).waiver_window_months, 48);
        assert_eq!(set.at(d(2025, 1, 1)).graduate_years, 5);
        assert_eq!(set.at(today).graduate_years, 6);

        let w = store.write(&Actor::cli()).await.unwrap();
        // A past effective date is refused.
        let past = add_parameter_version(
            &w,
            &ParamVersion {
                key: ParamKey::WaiverWindowMonths,
                effective_from: today.pred_opt().unwrap(),
                value: ParamValue::Count(24),
            },
            "",
            None,
            today,
        )
        .await;
        match past {
            Err(StoreError::Invalid(message)) => {
                assert!(
                    message.contains("waiver_window_months") && message.contains("past"),
                    "{message}"
                )
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // A value of the wrong kind or out of range is refused, naming the key.
        let wrong = add_parameter_version(
            &w,
            &ParamVersion {
                key: ParamKey::KeygroupReductionRate,
                effective_from: starts,
                value: ParamValue::Count(2),
            },
            "",
            None,
            today,
        )
        .await;
        match wrong {
            Err(StoreError::Invalid(message)) => {
                assert!(message.contains("keygroup_reduction_rate"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // The same key and date twice is a duplicate.
        let twice = add_parameter_version(
            &w,
            &ParamVersion {
                key: ParamKey::WaiverWindowMonths,
                effective_from: starts,
                value: ParamValue::Count(40),
            },
            "",
            None,
            today,
        )
        .await;
        assert!(
            matches!(twice, Err(StoreError::Duplicate { .. })),
            "{twice:?}"
        );
        w.rollback().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 2);
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn an_unknown_stored_parameter_is_a_clear_error() {
        let db = TestDb::sqlite().await.unwrap();
        db.raw(
            "INSERT INTO parameter_versions (key, effective_from, value, note, created_at) \
             VALUES ('moon_phase', '2026-01-01', '{\"count\":3}', '', '2026-01-01T00:00:00Z')",
        )
        .await
        .unwrap();
        match load_parameters(&db.store).await {
            Err(StoreError::Corrupt(message)) => {
                assert!(message.contains("moon_phase"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        db.raw("DELETE FROM parameter_versions WHERE key = 'moon_phase'")
            .await
            .unwrap();
        db.raw(
            "INSERT INTO parameter_versions (key, effective_from, value, note, created_at) \
             VALUES ('graduate_years', '2027-01-01', '{\"flag\":true}', '', '2026-01-01T00:00:00Z')",
        )
        .await
        .unwrap();
        match load_parameters(&db.store).await {
            Err(StoreError::Corrupt(message)) => {
                assert!(message.contains("graduate_years"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        db.drop_db().await.unwrap();
    }
}
