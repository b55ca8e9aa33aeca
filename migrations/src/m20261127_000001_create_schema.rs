//! The first schema: every domain object of SPEC §2 and every case of SPEC §4.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 34] = [
    "jurisdictions",
    "organisations",
    "people",
    "users",
    "user_roles",
    "sessions",
    "carriers",
    "operator_contracts",
    "accreditation_applications",
    "accreditation_records",
    "entities",
    "stays",
    "monthly_reports",
    "relief_applications",
    "extension_requests",
    "fund_sources",
    "appropriations",
    "settlement_claims",
    "ledger_rows",
    "award_cases",
    "award_steps",
    "budget_reservations",
    "award_payments",
    "evaluation_schemes",
    "evaluation_rounds",
    "evaluation_assignments",
    "evaluation_self_reports",
    "evaluation_verifications",
    "evaluation_results",
    "parameter_versions",
    "documents",
    "audit_log",
    "audit_head",
    "mail_outbox",
];

/// The largest document kept in the database (10 MiB).
const DOCUMENT_MAX_BYTES: i64 = 10 * 1024 * 1024;

fn table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(big_pk_auto("id"))
        .to_owned()
}

fn created(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at"))
}

/// `created_at`, `updated_at` and the optimistic-locking `version` of a case.
fn case_columns(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(integer("version").default(1))
}

fn fk(t: &mut TableCreateStatement, table: &'static str, column: &'static str, to: &'static str) {
    t.foreign_key(
        ForeignKey::create()
            .from(table, column)
            .to(to, "id")
            .on_delete(ForeignKeyAction::Restrict),
    );
}

/// A text column limited to a closed list of values.
fn one_of(column: &'static str, values: &[&str]) -> ColumnDef {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    string(column)
        .check(Expr::cust(format!("{column} IN ({list})")))
        .to_owned()
}

fn one_of_null(column: &'static str, values: &[&str]) -> ColumnDef {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    string_null(column)
        .check(Expr::cust(format!(
            "{column} IS NULL OR {column} IN ({list})"
        )))
        .to_owned()
}

fn non_negative(column: &'static str) -> ColumnDef {
    big_integer(column)
        .check(Expr::cust(format!("{column} >= 0")))
        .to_owned()
}

fn index(
    name: &'static str,
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in columns {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

const KINDS: [&str; 6] = [
    "incubation_base",
    "household_service_base",
    "maker_space",
    "tech_incubator",
    "university_science_park",
    "featured_town",
];
const FOUNDINGS: [&str; 5] = [
    "gov_invested",
    "gov_leased",
    "gov_purchased_service",
    "street_town",
    "social",
];
const LEVELS: [&str; 5] = [
    "street_town",
    "district",
    "municipal",
    "provincial",
    "national",
];
const GROUPS: [&str; 4] = [
    "graduate",
    "unemployed",
    "returning_migrant_worker",
    "other",
];
const SOURCES: [&str; 3] = [
    "municipal_finance",
    "district_finance",
    "street_town_budget",
];
const ROLES: [&str; 6] = [
    "entrepreneur",
    "operator",
    "official",
    "finance",
    "evaluator",
    "admin",
];
const REGIMES: [&str; 3] = ["full_waiver", "key_group_reduction", "none"];
const GRADES: [&str; 4] = ["excellent", "good", "pass", "fail"];

/// SPEC §3 defaults, frozen as they were when the schema was created (a later change
/// of a default is a new dated version, never an edit of these rows).
const PARAMETER_DEFAULTS: [(&str, &str); 22] = [
    ("waiver_window_months", r#"{"count":36}"#),
    ("graduate_years", r#"{"count":5}"#),
    (
        "key_groups",
        r#"{"groups":["graduate","unemployed","returning_migrant_worker"]}"#,
    ),
    ("keygroup_reduction_rate", r#"{"rate":"1.00"}"#),
    (
        "keygroup_reduction_cap_per_month",
        r#"{"optional_money":null}"#,
    ),
    ("extension_max_months", r#"{"count":12}"#),
    ("extension_total_max_months", r#"{"count":24}"#),
    ("extension_extends_waiver", r#"{"flag":true}"#),
    ("window_per_founder", r#"{"flag":false}"#),
    ("ladder_municipal_cap", r#"{"money":"5000000.00"}"#),
    ("ladder_provincial_step", r#"{"money":"1000000.00"}"#),
    ("ladder_national_step", r#"{"money":"2000000.00"}"#),
    ("ladder_mode", r#"{"ladder_mode":"steps"}"#),
    ("area_cap_district", r#"{"money":"1000000.00"}"#),
    ("area_cap_street_town", r#"{"money":"500000.00"}"#),
    ("evaluation_scheme", r#"{"name":"qx-default"}"#),
    (
        "grade_coefficients",
        r#"{"coefficients":{"excellent":"1.20","good":"1.00","pass":"0.80","fail":"0.00"}}"#,
    ),
    ("eval_flag_tolerance", r#"{"rate":"0.10"}"#),
    ("base_operating_subsidy", r#"{"money":"0.00"}"#),
    ("revocation_review_after_fails", r#"{"count":2}"#),
    ("report_due_day", r#"{"count":10}"#),
    ("holidays", r#"{"dates":[]}"#),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();

        // Jurisdictions: the district and its streets/towns.
        let mut t = table("jurisdictions");
        t.col(string_uniq("code"))
            .col(string("name"))
            .col(one_of("kind", &["district", "street_town"]))
            .col(big_integer_null("parent_id"));
        created(&mut t);
        fk(&mut t, "jurisdictions", "parent_id", "jurisdictions");
        manager.create_table(t).await?;

        // Organisations: operators, tenants' companies, accrediting bodies, evaluators.
        let mut t = table("organisations");
        t.col(string("name"))
            .col(string_uniq("credit_code"))
            .col(one_of(
                "kind",
                &[
                    "operator",
                    "enterprise",
                    "individual_business",
                    "evaluator",
                    "other",
                ],
            ))
            .col(string_null("contact_name"))
            .col(blob_null("contact_phone_enc"))
            .col(string_null("contact_phone_hash"))
            .col(string_null("email"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"));
        manager.create_table(t).await?;

        // People: resident IDs and phones only encrypted, with keyed hashes for lookups.
        let mut t = table("people");
        t.col(string("name"))
            .col(blob("resident_id_enc"))
            .col(string_uniq("resident_id_hash"))
            .col(string("resident_id_masked"))
            .col(integer("birth_year"))
            .col(blob_null("phone_enc"))
            .col(string_null("phone_hash"))
            .col(one_of("founder_group", &GROUPS))
            .col(date_null("graduated_on"))
            .col(date_null("unemployed_on"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"));
        manager.create_table(t).await?;

        let mut t = table("users");
        t.col(string_uniq("username"))
            .col(string("display_name"))
            .col(string_null("email"))
            .col(string("password_hash"))
            .col(big_integer_null("person_id"))
            .col(big_integer_null("organisation_id"))
            .col(boolean("active").default(true))
            .col(timestamp_with_time_zone_null("last_login_at"));
        created(&mut t);
        fk(&mut t, "users", "person_id", "people");
        fk(&mut t, "users", "organisation_id", "organisations");
        manager.create_table(t).await?;

        // A role with its scope: a jurisdiction for officials, an organisation for
        // operators and evaluators. scope_key ("j:3", "o:5", "-") keeps pairs unique.
        let mut t = table("user_roles");
        t.col(big_integer("user_id"))
            .col(one_of("role", &ROLES))
            .col(big_integer_null("jurisdiction_id"))
            .col(big_integer_null("organisation_id"))
            .col(string("scope_key"));
        created(&mut t);
        fk(&mut t, "user_roles", "user_id", "users");
        fk(&mut t, "user_roles", "jurisdiction_id", "jurisdictions");
        fk(&mut t, "user_roles", "organisation_id", "organisations");
        manager.create_table(t).await?;

        // Sessions live in the database so that several servers share them.
        let mut t = Table::create().table("sessions").to_owned();
        t.col(string("id").primary_key())
            .col(big_integer("user_id"))
            .col(string("csrf_token"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone("last_seen_at"));
        fk(&mut t, "sessions", "user_id", "users");
        manager.create_table(t).await?;

        let mut t = table("carriers");
        t.col(string("name"))
            .col(one_of("kind", &KINDS))
            .col(one_of("founding", &FOUNDINGS))
            .col(one_of("operation", &["self_operated", "entrusted"]))
            .col(big_integer("jurisdiction_id"))
            .col(string("address"))
            .col(non_negative("floor_area_centi"))
            .col(integer("workstations").check(Expr::cust("workstations >= 0")))
            .col(big_integer_null("operator_org_id"))
            .col(boolean("waives_rent").default(true))
            .col(big_integer_null("base_operating_subsidy_fen"))
            .col(string_null("contact_name"))
            .col(blob_null("contact_phone_enc"))
            .col(string_null("contact_phone_hash"));
        case_columns(&mut t);
        fk(&mut t, "carriers", "jurisdiction_id", "jurisdictions");
        fk(&mut t, "carriers", "operator_org_id", "organisations");
        manager.create_table(t).await?;

        let mut t = table("operator_contracts");
        t.col(big_integer("carrier_id"))
            .col(big_integer("operator_org_id"))
            .col(string("contract_no"))
            .col(date("starts_on"))
            .col(date("ends_on"))
            .check(Expr::cust("ends_on >= starts_on"));
        created(&mut t);
        fk(&mut t, "operator_contracts", "carrier_id", "carriers");
        fk(
            &mut t,
            "operator_contracts",
            "operator_org_id",
            "organisations",
        );
        manager.create_table(t).await?;

        let mut t = table("accreditation_applications");
        t.col(big_integer("carrier_id"))
            .col(one_of("level", &["street_town", "district"]))
            .col(one_of(
                "state",
                &[
                    "draft",
                    "submitted",
                    "under_review",
                    "approved",
                    "rejected",
                    "returned",
                    "withdrawn",
                ],
            ))
            .col(text("checklist").default("{}"))
            .col(date_null("site_inspection_on"))
            .col(text_null("comments"))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(big_integer_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(big_integer_null("created_by"));
        case_columns(&mut t);
        fk(
            &mut t,
            "accreditation_applications",
            "carrier_id",
            "carriers",
        );
        fk(&mut t, "accreditation_applications", "decided_by", "users");
        fk(&mut t, "accreditation_applications", "created_by", "users");
        manager.create_table(t).await?;

        let mut t = table("accreditation_records");
        t.col(big_integer("carrier_id"))
            .col(one_of("level", &LEVELS))
            .col(string("accrediting_body"))
            .col(string("certificate_no"))
            .col(date("valid_from"))
            .col(date_null("valid_until"))
            .col(one_of(
                "status",
                &["active", "suspended", "revoked", "expired"],
            ))
            .col(big_integer_null("application_id"))
            .check(Expr::cust(
                "valid_until IS NULL OR valid_until >= valid_from",
            ));
        case_columns(&mut t);
        fk(&mut t, "accreditation_records", "carrier_id", "carriers");
        fk(
            &mut t,
            "accreditation_records",
            "application_id",
            "accreditation_applications",
        );
        manager.create_table(t).await?;

        // Entering entities (入驻创业实体) and their principal founder.
        let mut t = table("entities");
        t.col(string("name"))
            .col(one_of("kind", &["enterprise", "individual_business"]))
            .col(string_uniq("credit_code"))
            .col(date("registered_on"))
            .col(big_integer("founder_person_id"));
        case_columns(&mut t);
        fk(&mut t, "entities", "founder_person_id", "people");
        manager.create_table(t).await?;

        // Stays: move_out is the last occupied day; stays of one entity never overlap
        // (enforced by a trigger below, on both databases).
        let mut t = table("stays");
        t.col(big_integer("entity_id"))
            .col(big_integer("carrier_id"))
            .col(date("move_in"))
            .col(date_null("move_out"))
            .col(non_negative("monthly_rent_fen"))
            .col(big_integer_null("area_centi"))
            .col(string_null("unit"))
            .col(integer("jobs").default(0).check(Expr::cust("jobs >= 0")))
            .check(Expr::cust("move_out IS NULL OR move_out >= move_in"));
        case_columns(&mut t);
        fk(&mut t, "stays", "entity_id", "entities");
        fk(&mut t, "stays", "carrier_id", "carriers");
        manager.create_table(t).await?;

        let mut t = table("monthly_reports");
        t.col(big_integer("carrier_id"))
            .col(string_len("period", 7))
            .col(date("due_on"))
            .col(one_of(
                "state",
                &["due", "submitted", "accepted", "returned"],
            ))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(boolean("late").default(false))
            .col(timestamp_with_time_zone_null("accepted_at"))
            .col(big_integer_null("accepted_by"))
            .col(text("data").default("{}"));
        case_columns(&mut t);
        fk(&mut t, "monthly_reports", "carrier_id", "carriers");
        fk(&mut t, "monthly_reports", "accepted_by", "users");
        manager.create_table(t).await?;

        let mut t = table("relief_applications");
        t.col(big_integer("entity_id"))
            .col(big_integer("stay_id"))
            .col(big_integer_null("applicant_user_id"))
            .col(one_of(
                "state",
                &[
                    "draft",
                    "submitted",
                    "confirmed",
                    "disputed",
                    "approved",
                    "rejected",
                    "withdrawn",
                ],
            ))
            .col(text_null("eligibility"))
            .col(text_null("operator_note"))
            .col(big_integer_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(text_null("decision_note"));
        case_columns(&mut t);
        fk(&mut t, "relief_applications", "entity_id", "entities");
        fk(&mut t, "relief_applications", "stay_id", "stays");
        fk(&mut t, "relief_applications", "applicant_user_id", "users");
        fk(&mut t, "relief_applications", "decided_by", "users");
        manager.create_table(t).await?;

        let mut t = table("extension_requests");
        t.col(big_integer("entity_id"))
            .col(integer("months").check(Expr::cust("months BETWEEN 1 AND 120")))
            .col(text("reason"))
            .col(big_integer_null("requested_by"))
            .col(one_of("state", &["submitted", "approved", "rejected"]))
            .col(big_integer_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(text_null("decision_note"));
        case_columns(&mut t);
        fk(&mut t, "extension_requests", "entity_id", "entities");
        fk(&mut t, "extension_requests", "requested_by", "users");
        fk(&mut t, "extension_requests", "decided_by", "users");
        manager.create_table(t).await?;

        // Fund sources: key is "municipal_finance", "district_finance" or
        // "street_town_budget:<jurisdiction code>".
        let mut t = table("fund_sources");
        t.col(string_uniq("key"))
            .col(one_of("kind", &SOURCES))
            .col(string("name"))
            .col(big_integer_null("jurisdiction_id"));
        created(&mut t);
        fk(&mut t, "fund_sources", "jurisdiction_id", "jurisdictions");
        manager.create_table(t).await?;

        let mut t = table("appropriations");
        t.col(big_integer("fund_source_id"))
            .col(integer("year"))
            .col(non_negative("amount_fen"));
        case_columns(&mut t);
        fk(&mut t, "appropriations", "fund_source_id", "fund_sources");
        manager.create_table(t).await?;

        let mut t = table("settlement_claims");
        t.col(big_integer("carrier_id"))
            .col(integer("year"))
            .col(integer("quarter").check(Expr::cust("quarter BETWEEN 1 AND 4")))
            .col(one_of("funding_source", &SOURCES))
            .col(one_of(
                "state",
                &["generated", "submitted", "approved", "rejected", "paid"],
            ))
            .col(big_integer("total_fen"))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(big_integer_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(date_null("paid_on"))
            .col(string_null("voucher_no"))
            .col(big_integer_null("paid_by"));
        case_columns(&mut t);
        fk(&mut t, "settlement_claims", "carrier_id", "carriers");
        fk(&mut t, "settlement_claims", "decided_by", "users");
        fk(&mut t, "settlement_claims", "paid_by", "users");
        manager.create_table(t).await?;

        // The monthly ledger of approved reliefs; late changes become adjustment rows.
        let mut t = table("ledger_rows");
        t.col(big_integer("stay_id"))
            .col(string_len("month", 7))
            .col(one_of("kind", &["regular", "adjustment"]))
            .col(one_of("regime", &REGIMES))
            .col(one_of_null("funding_source", &SOURCES))
            .col(integer("occupied_days"))
            .col(integer("days_in_month"))
            .col(big_integer("rent_due_fen"))
            .col(big_integer("waived_fen"))
            .col(big_integer("payable_fen"))
            .col(big_integer_null("claim_id"))
            .col(big_integer_null("relief_application_id"));
        created(&mut t);
        fk(&mut t, "ledger_rows", "stay_id", "stays");
        fk(&mut t, "ledger_rows", "claim_id", "settlement_claims");
        fk(
            &mut t,
            "ledger_rows",
            "relief_application_id",
            "relief_applications",
        );
        manager.create_table(t).await?;

        let mut t = table("award_cases");
        t.col(one_of(
            "programme",
            &["ladder", "area", "operating", "key_group_settlement"],
        ))
        .col(big_integer_null("carrier_id"))
        .col(big_integer_null("jurisdiction_id"))
        .col(big_integer_null("accreditation_record_id"))
        .col(one_of_null("new_level", &LEVELS))
        .col(one_of_null("area_kind", &["district", "street_town"]))
        .col(one_of(
            "state",
            &[
                "computed",
                "reviewed",
                "approved",
                "paid",
                "rejected",
                "cancelled",
            ],
        ))
        .col(big_integer("total_fen"))
        .col(big_integer_null("fund_source_id"))
        .col(text("decision"))
        .col(big_integer_null("reviewed_by"))
        .col(timestamp_with_time_zone_null("reviewed_at"))
        .col(big_integer_null("approved_by"))
        .col(timestamp_with_time_zone_null("approved_at"))
        .col(text_null("closing_reason"))
        .col(big_integer_null("created_by"))
        // Maker–checker: the approving official is never the reviewing one.
        .check(Expr::cust(
            "approved_by IS NULL OR reviewed_by IS NULL OR approved_by <> reviewed_by",
        ));
        case_columns(&mut t);
        fk(&mut t, "award_cases", "carrier_id", "carriers");
        fk(&mut t, "award_cases", "jurisdiction_id", "jurisdictions");
        fk(
            &mut t,
            "award_cases",
            "accreditation_record_id",
            "accreditation_records",
        );
        fk(&mut t, "award_cases", "fund_source_id", "fund_sources");
        fk(&mut t, "award_cases", "reviewed_by", "users");
        fk(&mut t, "award_cases", "approved_by", "users");
        fk(&mut t, "award_cases", "created_by", "users");
        manager.create_table(t).await?;

        // step_key names a step once and for all: "ladder:<carrier>:<level>",
        // "area:<jurisdiction>:<kind>", "operating:<carrier>:<year>".
        let mut t = table("award_steps");
        t.col(big_integer("award_case_id"))
            .col(string("step_key"))
            .col(string("level"))
            .col(non_negative("cap_fen"))
            .col(non_negative("amount_fen"));
        created(&mut t);
        fk(&mut t, "award_steps", "award_case_id", "award_cases");
        manager.create_table(t).await?;

        let mut t = table("budget_reservations");
        t.col(big_integer("appropriation_id"))
            .col(big_integer_null("award_case_id"))
            .col(big_integer_null("claim_id"))
            .col(big_integer("amount_fen"))
            .col(text_null("override_reason"))
            .col(big_integer_null("reserved_by"))
            .col(timestamp_with_time_zone_null("released_at"));
        created(&mut t);
        fk(
            &mut t,
            "budget_reservations",
            "appropriation_id",
            "appropriations",
        );
        fk(
            &mut t,
            "budget_reservations",
            "award_case_id",
            "award_cases",
        );
        fk(
            &mut t,
            "budget_reservations",
            "claim_id",
            "settlement_claims",
        );
        fk(&mut t, "budget_reservations", "reserved_by", "users");
        manager.create_table(t).await?;

        // One payment per step, ever: step_key is unique.
        let mut t = table("award_payments");
        t.col(big_integer_uniq("award_step_id"))
            .col(string_uniq("step_key"))
            .col(non_negative("amount_fen"))
            .col(date("paid_on"))
            .col(string("voucher_no"))
            .col(big_integer_null("paid_by"));
        created(&mut t);
        fk(&mut t, "award_payments", "award_step_id", "award_steps");
        fk(&mut t, "award_payments", "paid_by", "users");
        manager.create_table(t).await?;

        let mut t = table("evaluation_schemes");
        t.col(string("key"))
            .col(integer("version"))
            .col(text("definition"));
        created(&mut t);
        manager.create_table(t).await?;

        let mut t = table("evaluation_rounds");
        t.col(string("name"))
            .col(big_integer("scheme_id"))
            .col(date("period_start"))
            .col(date("period_end"))
            .col(one_of(
                "state",
                &["open", "self_reporting", "verifying", "scored", "published"],
            ))
            .col(big_integer_null("opened_by"))
            .col(timestamp_with_time_zone_null("published_at"))
            .check(Expr::cust("period_end >= period_start"));
        case_columns(&mut t);
        fk(
            &mut t,
            "evaluation_rounds",
            "scheme_id",
            "evaluation_schemes",
        );
        fk(&mut t, "evaluation_rounds", "opened_by", "users");
        manager.create_table(t).await?;

        let mut t = table("evaluation_assignments");
        t.col(big_integer("round_id"))
            .col(big_integer("carrier_id"))
            .col(big_integer_null("evaluator_org_id"))
            .col(big_integer_null("evaluator_user_id"));
        created(&mut t);
        fk(
            &mut t,
            "evaluation_assignments",
            "round_id",
            "evaluation_rounds",
        );
        fk(&mut t, "evaluation_assignments", "carrier_id", "carriers");
        fk(
            &mut t,
            "evaluation_assignments",
            "evaluator_org_id",
            "organisations",
        );
        fk(
            &mut t,
            "evaluation_assignments",
            "evaluator_user_id",
            "users",
        );
        manager.create_table(t).await?;

        for (name, who) in [
            ("evaluation_self_reports", "submitted"),
            ("evaluation_verifications", "verified"),
        ] {
            let mut t = table(name);
            t.col(big_integer_uniq("assignment_id"))
                .col(text("indicator_values"))
                .col(big_integer_null(if who == "submitted" {
                    "submitted_by"
                } else {
                    "verified_by"
                }))
                .col(timestamp_with_time_zone(if who == "submitted" {
                    "submitted_at"
                } else {
                    "verified_at"
                }));
            if name == "evaluation_verifications" {
                t.col(date_null("site_visit_on"));
            }
            created(&mut t);
            fk(&mut t, name, "assignment_id", "evaluation_assignments");
            fk(
                &mut t,
                name,
                if who == "submitted" {
                    "submitted_by"
                } else {
                    "verified_by"
                },
                "users",
            );
            manager.create_table(t).await?;
        }

        // Scores and coefficients in hundredths (like fen): exact on both databases.
        let mut t = table("evaluation_results");
        t.col(big_integer_uniq("assignment_id"))
            .col(big_integer("score_centi"))
            .col(one_of("grade", &GRADES))
            .col(big_integer("coefficient_centi"))
            .col(integer("violations").default(0))
            .col(boolean("false_reporting").default(false))
            .col(text("items"))
            .col(text("flags"))
            .col(text("trace"));
        created(&mut t);
        fk(
            &mut t,
            "evaluation_results",
            "assignment_id",
            "evaluation_assignments",
        );
        manager.create_table(t).await?;

        let mut t = table("parameter_versions");
        t.col(string("key"))
            .col(date("effective_from"))
            .col(text("value"))
            .col(text("note"))
            .col(big_integer_null("created_by"));
        created(&mut t);
        fk(&mut t, "parameter_versions", "created_by", "users");
        manager.create_table(t).await?;

        let mut t = table("documents");
        t.col(string("owner_table"))
            .col(big_integer("owner_id"))
            .col(string("filename"))
            .col(string("content_type"))
            .col(big_integer("size_bytes").check(Expr::cust(format!(
                "size_bytes BETWEEN 0 AND {DOCUMENT_MAX_BYTES}"
            ))))
            .col(string("sha256"))
            .col(blob("content"))
            .col(big_integer_null("uploaded_by"));
        created(&mut t);
        fk(&mut t, "documents", "uploaded_by", "users");
        manager.create_table(t).await?;

        // The audit chain: append-only rows, each hashing the previous one; the head
        // (the newest seq and hash) is kept apart so deleting the newest rows shows.
        let mut t = table("audit_log");
        t.col(big_integer_uniq("seq"))
            .col(string("at"))
            .col(string("actor"))
            .col(string("action"))
            .col(string("entity"))
            .col(string("entity_id"))
            .col(text_null("before"))
            .col(text_null("after"))
            .col(string("prev_hash"))
            .col(string("hash"));
        manager.create_table(t).await?;

        let mut t = Table::create().table("audit_head").to_owned();
        t.col(integer("id").primary_key().check(Expr::cust("id = 1")))
            .col(big_integer("seq"))
            .col(string("hash"))
            .col(string("updated_at"));
        manager.create_table(t).await?;

        let mut t = table("mail_outbox");
        t.col(string("to_address"))
            .col(string("template"))
            .col(string("lang"))
            .col(text("context"))
            .col(one_of("state", &["pending", "sent", "failed"]))
            .col(integer("attempts").default(0))
            .col(timestamp_with_time_zone("next_attempt_at"))
            .col(timestamp_with_time_zone_null("locked_until"))
            .col(string_null("locked_by"))
            .col(text_null("last_error"))
            .col(timestamp_with_time_zone_null("sent_at"));
        created(&mut t);
        manager.create_table(t).await?;

        // Indexes for the lists a district with 100,000 tenants runs.
        let indexes = [
            index(
                "ux_user_roles_scope",
                "user_roles",
                &["user_id", "role", "scope_key"],
                true,
            ),
            index("ix_sessions_user", "sessions", &["user_id"], false),
            index("ix_sessions_expires", "sessions", &["expires_at"], false),
            index(
                "ix_jurisdictions_parent",
                "jurisdictions",
                &["parent_id"],
                false,
            ),
            index("ix_people_phone_hash", "people", &["phone_hash"], false),
            index(
                "ix_carriers_jurisdiction",
                "carriers",
                &["jurisdiction_id"],
                false,
            ),
            index(
                "ix_carriers_operator",
                "carriers",
                &["operator_org_id"],
                false,
            ),
            index(
                "ix_contracts_carrier",
                "operator_contracts",
                &["carrier_id"],
                false,
            ),
            index(
                "ix_acc_apps_carrier",
                "accreditation_applications",
                &["carrier_id"],
                false,
            ),
            index(
                "ix_acc_apps_state",
                "accreditation_applications",
                &["state"],
                false,
            ),
            index(
                "ix_acc_records_carrier",
                "accreditation_records",
                &["carrier_id", "valid_from"],
                false,
            ),
            index(
                "ix_acc_records_status",
                "accreditation_records",
                &["status"],
                false,
            ),
            index(
                "ix_entities_founder",
                "entities",
                &["founder_person_id"],
                false,
            ),
            index("ix_stays_entity", "stays", &["entity_id", "move_in"], false),
            index(
                "ix_stays_carrier",
                "stays",
                &["carrier_id", "move_in"],
                false,
            ),
            index(
                "ux_monthly_reports_period",
                "monthly_reports",
                &["carrier_id", "period"],
                true,
            ),
            index(
                "ix_monthly_reports_state",
                "monthly_reports",
                &["state", "due_on"],
                false,
            ),
            index(
                "ix_relief_entity",
                "relief_applications",
                &["entity_id"],
                false,
            ),
            index("ix_relief_stay", "relief_applications", &["stay_id"], false),
            index("ix_relief_state", "relief_applications", &["state"], false),
            index(
                "ix_extensions_entity",
                "extension_requests",
                &["entity_id"],
                false,
            ),
            index(
                "ix_extensions_state",
                "extension_requests",
                &["state"],
                false,
            ),
            index(
                "ux_appropriations_year",
                "appropriations",
                &["fund_source_id", "year"],
                true,
            ),
            index(
                "ux_claims_quarter",
                "settlement_claims",
                &["carrier_id", "year", "quarter", "funding_source"],
                true,
            ),
            index("ix_claims_state", "settlement_claims", &["state"], false),
            index(
                "ix_ledger_stay_month",
                "ledger_rows",
                &["stay_id", "month"],
                false,
            ),
            index("ix_ledger_claim", "ledger_rows", &["claim_id"], false),
            index(
                "ix_award_cases_carrier",
                "award_cases",
                &["carrier_id"],
                false,
            ),
            index("ix_award_cases_state", "award_cases", &["state"], false),
            index(
                "ix_award_cases_jurisdiction",
                "award_cases",
                &["jurisdiction_id"],
                false,
            ),
            index(
                "ix_award_steps_case",
                "award_steps",
                &["award_case_id"],
                false,
            ),
            index("ix_award_steps_key", "award_steps", &["step_key"], false),
            index(
                "ix_reservations_appropriation",
                "budget_reservations",
                &["appropriation_id"],
                false,
            ),
            index(
                "ux_schemes_version",
                "evaluation_schemes",
                &["key", "version"],
                true,
            ),
            index("ix_rounds_state", "evaluation_rounds", &["state"], false),
            index(
                "ux_assignments_carrier",
                "evaluation_assignments",
                &["round_id", "carrier_id"],
                true,
            ),
            index(
                "ix_assignments_evaluator",
                "evaluation_assignments",
                &["evaluator_org_id"],
                false,
            ),
            index(
                "ux_parameters_dated",
                "parameter_versions",
                &["key", "effective_from"],
                true,
            ),
            index(
                "ix_documents_owner",
                "documents",
                &["owner_table", "owner_id"],
                false,
            ),
            index(
                "ix_audit_entity",
                "audit_log",
                &["entity", "entity_id"],
                false,
            ),
            index(
                "ix_outbox_due",
                "mail_outbox",
                &["state", "next_attempt_at"],
                false,
            ),
        ];
        for i in indexes {
            manager.create_index(i).await?;
        }

        let conn = manager.get_connection();
        for sql in triggers_up(backend) {
            conn.execute_unprepared(sql).await?;
        }

        // The audit chain starts from a well-known genesis hash.
        conn.execute_unprepared(&format!(
            "INSERT INTO audit_head (id, seq, hash, updated_at) VALUES (1, 0, '{}', '1970-01-01T00:00:00.000000Z')",
            "0".repeat(64)
        ))
        .await?;

        // SPEC §3 defaults, in force from the policy's date (2018-12-21).
        let policy_date = sea_orm_migration::sea_orm::prelude::Date::from_ymd_opt(2018, 12, 21)
            .ok_or_else(|| DbErr::Migration("the policy date is not a date".into()))?;
        for (key, value) in PARAMETER_DEFAULTS {
            let insert = Query::insert()
                .into_table("parameter_versions")
                .columns(["key", "effective_from", "value", "note", "created_at"])
                .values_panic([
                    key.into(),
                    policy_date.into(),
                    value.into(),
                    "SPEC §3 default (青西新管办发〔2018〕146号)".into(),
                    Expr::current_timestamp(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        for sql in triggers_down(manager.get_database_backend()) {
            conn.execute_unprepared(sql).await?;
        }
        for name in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(*name).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Rules the database keeps even if the application is bypassed: stays of one entity
/// never overlap, and audit rows are never updated or deleted.
fn triggers_up(backend: DbBackend) -> Vec<&'static str> {
    match backend {
        DbBackend::Sqlite => vec![
            "CREATE TRIGGER stays_no_overlap_insert BEFORE INSERT ON stays
             WHEN EXISTS (SELECT 1 FROM stays s WHERE s.entity_id = NEW.entity_id
                 AND s.move_in <= COALESCE(NEW.move_out, '9999-12-31')
                 AND NEW.move_in <= COALESCE(s.move_out, '9999-12-31'))
             BEGIN SELECT RAISE(ABORT, 'overlapping_stay'); END",
            "CREATE TRIGGER stays_no_overlap_update BEFORE UPDATE OF entity_id, move_in, move_out ON stays
             WHEN EXISTS (SELECT 1 FROM stays s WHERE s.entity_id = NEW.entity_id AND s.id <> NEW.id
                 AND s.move_in <= COALESCE(NEW.move_out, '9999-12-31')
                 AND NEW.move_in <= COALESCE(s.move_out, '9999-12-31'))
             BEGIN SELECT RAISE(ABORT, 'overlapping_stay'); END",
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log_is_append_only'); END",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log_is_append_only'); END",
        ],
        _ => vec![
            "CREATE FUNCTION stays_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               -- Serialise writers of one entity's stays, then look for an overlap.
               PERFORM 1 FROM entities WHERE id = NEW.entity_id FOR UPDATE;
               IF EXISTS (SELECT 1 FROM stays s WHERE s.entity_id = NEW.entity_id AND s.id <> NEW.id
                   AND s.move_in <= COALESCE(NEW.move_out, 'infinity'::date)
                   AND NEW.move_in <= COALESCE(s.move_out, 'infinity'::date)) THEN
                 RAISE EXCEPTION 'overlapping_stay' USING ERRCODE = '23P01';
               END IF;
               RETURN NEW;
             END $$",
            "CREATE TRIGGER stays_no_overlap BEFORE INSERT OR UPDATE OF entity_id, move_in, move_out ON stays
             FOR EACH ROW EXECUTE FUNCTION stays_no_overlap()",
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'audit_log_is_append_only'; END $$",
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
             FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        ],
    }
}

fn triggers_down(backend: DbBackend) -> Vec<&'static str> {
    match backend {
        DbBackend::Sqlite => vec![
            "DROP TRIGGER IF EXISTS stays_no_overlap_insert",
            "DROP TRIGGER IF EXISTS stays_no_overlap_update",
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ],
        _ => vec![
            "DROP TRIGGER IF EXISTS stays_no_overlap ON stays",
            "DROP FUNCTION IF EXISTS stays_no_overlap()",
            "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
            "DROP FUNCTION IF EXISTS audit_log_append_only()",
        ],
    }
}
