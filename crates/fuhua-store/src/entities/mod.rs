//! sea-orm entities, one module per table of the schema created by
//! `fuhua_migrations` (`m20261127_000001_create_schema`). The migration is the source
//! of truth: every column here has the migration's name, type and nullability.
//!
//! Money is integer fen (`*_fen: i64`), JSON is text (`String`), dates are
//! `Date` (`chrono::NaiveDate`) and times are `DateTimeUtc`.

pub mod account_link;
pub mod accreditation_application;
pub mod accreditation_record;
pub mod appropriation;
pub mod audit_head;
pub mod audit_log;
pub mod award_case;
pub mod award_payment;
pub mod award_step;
pub mod budget_reservation;
pub mod carrier;
pub mod case_note;
pub mod document;
pub mod entity;
pub mod evaluation_assignment;
pub mod evaluation_result;
pub mod evaluation_round;
pub mod evaluation_scheme;
pub mod evaluation_self_report;
pub mod evaluation_verification;
pub mod extension_request;
pub mod fund_source;
pub mod jurisdiction;
pub mod ledger_row;
pub mod login_attempt;
pub mod mail_outbox;
pub mod monthly_report;
pub mod operator_contract;
pub mod organisation;
pub mod parameter_version;
pub mod person;
pub mod relief_application;
pub mod secret;
pub mod session;
pub mod settlement_claim;
pub mod stay;
pub mod user;
pub mod user_role;

/// Every entity under a CamelCase name (`Stay`, `AuditLog`, ...).
pub mod prelude {
    pub use super::account_link::Entity as AccountLink;
    pub use super::accreditation_application::Entity as AccreditationApplication;
    pub use super::accreditation_record::Entity as AccreditationRecord;
    pub use super::appropriation::Entity as Appropriation;
    pub use super::audit_head::Entity as AuditHead;
    pub use super::audit_log::Entity as AuditLog;
    pub use super::award_case::Entity as AwardCase;
    pub use super::award_payment::Entity as AwardPayment;
    pub use super::award_step::Entity as AwardStep;
    pub use super::budget_reservation::Entity as BudgetReservation;
    pub use super::carrier::Entity as Carrier;
    pub use super::document::Entity as Document;
    pub use super::entity::Entity;
    pub use super::evaluation_assignment::Entity as EvaluationAssignment;
    pub use super::evaluation_result::Entity as EvaluationResult;
    pub use super::evaluation_round::Entity as EvaluationRound;
    pub use super::evaluation_scheme::Entity as EvaluationScheme;
    pub use super::evaluation_self_report::Entity as EvaluationSelfReport;
    pub use super::evaluation_verification::Entity as EvaluationVerification;
    pub use super::extension_request::Entity as ExtensionRequest;
    pub use super::fund_source::Entity as FundSource;
    pub use super::jurisdiction::Entity as Jurisdiction;
    pub use super::ledger_row::Entity as LedgerRow;
    pub use super::login_attempt::Entity as LoginAttempt;
    pub use super::mail_outbox::Entity as MailOutbox;
    pub use super::monthly_report::Entity as MonthlyReport;
    pub use super::operator_contract::Entity as OperatorContract;
    pub use super::organisation::Entity as Organisation;
    pub use super::parameter_version::Entity as ParameterVersion;
    pub use super::person::Entity as Person;
    pub use super::relief_application::Entity as ReliefApplication;
    pub use super::session::Entity as Session;
    pub use super::settlement_claim::Entity as SettlementClaim;
    pub use super::stay::Entity as Stay;
    pub use super::user::Entity as User;
    pub use super::user_role::Entity as UserRole;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use sea_orm::sea_query::StringLen;
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, ColumnType, ConnectionTrait, Database, DatabaseConnection,
        EntityTrait, IdenStatic, Iterable, PaginatorTrait, PrimaryKeyToColumn, QueryFilter, Set,
        Statement,
    };
    use sea_orm_migration::MigratorTrait;
    use std::error::Error;

    type TestResult = Result<(), Box<dyn Error>>;

    fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}").into())
    }

    /// The type SQLite declares for a column the migration creates with this type.
    fn sqlite_type(column_type: &ColumnType) -> String {
        match column_type {
            // sea-query declares both as `integer` on SQLite (always 64-bit there).
            ColumnType::BigInteger | ColumnType::Integer => "integer".to_owned(),
            ColumnType::String(StringLen::N(n)) => format!("varchar({n})"),
            ColumnType::String(_) => "varchar".to_owned(),
            ColumnType::Text => "text".to_owned(),
            ColumnType::Blob => "blob".to_owned(),
            ColumnType::Date => "date_text".to_owned(),
            ColumnType::TimestampWithTimeZone => "timestamp_with_timezone_text".to_owned(),
            ColumnType::Boolean => "boolean".to_owned(),
            other => format!("unexpected {other:?}"),
        }
    }

    /// Compares an entity's columns (names, types, nullability, primary key) with the
    /// table SQLite reports, in order.
    async fn same_columns<E: EntityTrait>(db: &DatabaseConnection) -> TestResult {
        let table = E::default().table_name();
        let keys: Vec<String> = E::PrimaryKey::iter()
            .map(|k| k.into_column().as_str().to_owned())
            .collect();
        let expected: Vec<(String, String, bool, bool)> = E::Column::iter()
            .map(|c| {
                let def = c.def();
                let name = c.as_str().to_owned();
                let primary_key = keys.contains(&name);
                let ty = sqlite_type(def.get_column_type());
                (name, ty, !def.is_null(), primary_key)
            })
            .collect();
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY cid"),
            ))
            .await?;
        let mut actual = Vec::new();
        for row in rows {
            let name: String = row.try_get("", "name")?;
            let ty: String = row.try_get("", "type")?;
            let not_null: i32 = row.try_get("", "notnull")?;
            let pk: i32 = row.try_get("", "pk")?;
            // SQLite lets a primary key be NULL unless declared NOT NULL; the entity
            // never models it as nullable.
            actual.push((name, ty.to_lowercase(), not_null != 0 || pk != 0, pk != 0));
        }
        assert_eq!(expected, actual, "columns of {table}");
        Ok(())
    }

    /// Every entity's columns against the migrated tables.
    async fn same_columns_all(db: &DatabaseConnection) -> TestResult {
        macro_rules! same {
            ($($m:ident),* $(,)?) => {
                $( same_columns::<$m::Entity>(db).await?; )*
            };
        }
        same!(
            jurisdiction,
            organisation,
            person,
            user,
            user_role,
            session,
            carrier,
            operator_contract,
            accreditation_application,
            accreditation_record,
            entity,
            stay,
            monthly_report,
            relief_application,
            extension_request,
            fund_source,
            appropriation,
            settlement_claim,
            ledger_row,
            award_case,
            award_step,
            budget_reservation,
            award_payment,
            evaluation_scheme,
            evaluation_round,
            evaluation_assignment,
            evaluation_self_report,
            evaluation_verification,
            evaluation_result,
            parameter_version,
            document,
            audit_log,
            audit_head,
            mail_outbox,
            login_attempt,
            account_link,
            case_note,
        );
        Ok(())
    }

    /// Selects every row of every entity: a column whose name or type does not match
    /// the created table makes the select (or the decoding of a row) fail.
    async fn select_all(db: &DatabaseConnection) -> TestResult {
        macro_rules! all {
            ($($m:ident),* $(,)?) => {
                $( $m::Entity::find().all(db).await.map_err(|e| format!("{}: {e}", stringify!($m)))?; )*
            };
        }
        all!(
            jurisdiction,
            organisation,
            person,
            user,
            user_role,
            session,
            carrier,
            operator_contract,
            accreditation_application,
            accreditation_record,
            entity,
            stay,
            monthly_report,
            relief_application,
            extension_request,
            fund_source,
            appropriation,
            settlement_claim,
            ledger_row,
            award_case,
            award_step,
            budget_reservation,
            award_payment,
            evaluation_scheme,
            evaluation_round,
            evaluation_assignment,
            evaluation_self_report,
            evaluation_verification,
            evaluation_result,
            parameter_version,
            document,
            audit_log,
            audit_head,
            mail_outbox,
            login_attempt,
            account_link,
            case_note,
        );
        Ok(())
    }

    async fn round_trips(db: &DatabaseConnection) -> TestResult {
        fuhua_migrations::Migrator::up(db, None).await?;
        same_columns_all(db).await?;
        select_all(db).await?;

        let now = Utc::now();

        let district = jurisdiction::ActiveModel {
            code: Set("370211".to_owned()),
            name: Set("Qingxi New District".to_owned()),
            kind: Set("district".to_owned()),
            parent_id: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let town = jurisdiction::ActiveModel {
            code: Set("370211-001".to_owned()),
            name: Set("Lingshan Town".to_owned()),
            kind: Set("street_town".to_owned()),
            parent_id: Set(Some(district.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let read = jurisdiction::Entity::find_by_id(town.id).one(db).await?;
        assert_eq!(read.as_ref(), Some(&town));
        assert_eq!(read.and_then(|j| j.parent_id), Some(district.id));

        let founder = person::ActiveModel {
            name: Set("Zhang San".to_owned()),
            resident_id_enc: Set(vec![0, 1, 2, 0xfe, 0xff]),
            resident_id_hash: Set("h-resident".to_owned()),
            resident_id_masked: Set("3702**********0011".to_owned()),
            birth_year: Set(1999),
            phone_enc: Set(Some(vec![9, 8, 7])),
            phone_hash: Set(Some("h-phone".to_owned())),
            founder_group: Set("graduate".to_owned()),
            graduated_on: Set(Some(date(2021, 6, 30)?)),
            unemployed_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let read = person::Entity::find_by_id(founder.id).one(db).await?;
        assert_eq!(read.as_ref(), Some(&founder));
        assert_eq!(
            read.map(|p| p.resident_id_enc),
            Some(vec![0, 1, 2, 0xfe, 0xff])
        );

        let base = carrier::ActiveModel {
            name: Set("Lingshan Maker Space".to_owned()),
            kind: Set("maker_space".to_owned()),
            founding: Set("gov_invested".to_owned()),
            operation: Set("self_operated".to_owned()),
            jurisdiction_id: Set(town.id),
            address: Set("1 Harbour Road".to_owned()),
            floor_area_centi: Set(120_050),
            workstations: Set(40),
            operator_org_id: Set(None),
            waives_rent: Set(true),
            base_operating_subsidy_fen: Set(Some(1_000_000)),
            contact_name: Set(None),
            contact_phone_enc: Set(None),
            contact_phone_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let tenant = entity::ActiveModel {
            name: Set("Zhang San Studio".to_owned()),
            kind: Set("individual_business".to_owned()),
            credit_code: Set("92370211MA3XXXXX1A".to_owned()),
            registered_on: Set(date(2023, 3, 1)?),
            founder_person_id: Set(founder.id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;

        let first = stay::ActiveModel {
            entity_id: Set(tenant.id),
            carrier_id: Set(base.id),
            move_in: Set(date(2023, 3, 15)?),
            move_out: Set(Some(date(2024, 6, 30)?)),
            monthly_rent_fen: Set(123_456_789_012),
            area_centi: Set(Some(2_550)),
            unit: Set(Some("A-101".to_owned())),
            jobs: Set(3),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let second = stay::ActiveModel {
            entity_id: Set(tenant.id),
            carrier_id: Set(base.id),
            move_in: Set(date(2024, 7, 1)?),
            move_out: Set(None),
            monthly_rent_fen: Set(0),
            area_centi: Set(None),
            unit: Set(None),
            jobs: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let stays = stay::Entity::find()
            .filter(stay::Column::EntityId.eq(tenant.id))
            .all(db)
            .await?;
        assert_eq!(stays, vec![first.clone(), second.clone()]);
        assert_eq!(first.monthly_rent_fen, 123_456_789_012);
        assert_eq!(first.move_out, Some(date(2024, 6, 30)?));
        assert_eq!(second.move_out, None);

        let head = audit_head::Entity::find_by_id(1).one(db).await?;
        assert_eq!(
            head,
            Some(audit_head::Model {
                id: 1,
                seq: 0,
                hash: "0".repeat(64),
                updated_at: "1970-01-01T00:00:00.000000Z".to_owned(),
            })
        );

        assert_eq!(parameter_version::Entity::find().count(db).await?, 24);
        let window = parameter_version::Entity::find()
            .filter(parameter_version::Column::Key.eq("waiver_window_months"))
            .one(db)
            .await?
            .ok_or("waiver_window_months is not seeded")?;
        assert_eq!(window.effective_from, date(2018, 12, 21)?);
        assert_eq!(window.value, r#"{"count":36}"#);
        assert_eq!(window.created_by, None);
        let dated = parameter_version::ActiveModel {
            key: Set("waiver_window_months".to_owned()),
            effective_from: Set(date(2027, 1, 1)?),
            value: Set(r#"{"count":24}"#.to_owned()),
            note: Set("test".to_owned()),
            created_by: Set(None),
            created_at: Set(Utc
                .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
                .single()
                .ok_or("bad time")?),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let read = parameter_version::Entity::find_by_id(dated.id)
            .one(db)
            .await?;
        assert_eq!(read, Some(dated));
        assert_eq!(parameter_version::Entity::find().count(db).await?, 25);

        select_all(db).await
    }

    /// A SQLite file under the temp directory, removed (with its journals) on drop,
    /// even when an assertion fails.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut file = self.0.clone().into_os_string();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
        }
    }

    #[tokio::test]
    async fn entities_match_the_migrated_schema() -> TestResult {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let file = TempDb(std::env::temp_dir().join(format!(
            "fuhua-store-entities-{}-{nanos}.sqlite",
            std::process::id()
        )));
        let url = format!("sqlite://{}?mode=rwc", file.0.display());
        let db = Database::connect(&url).await?;
        let outcome = round_trips(&db).await;
        let closed = db.close().await;
        drop(file);
        outcome?;
        closed?;
        Ok(())
    }
}
