//! The OpenAPI document states the limits the server enforces: for values at and
//! past each limit, the request schema and the server give the same verdict, so a
//! client that checks its requests against the document never sends one the server
//! refuses.

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A validator for a component schema that checks formats too (a generated client
/// types `format: date` as a date).
fn validator(doc: &Value, component: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{component}"),
        "components": doc["components"].clone(),
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Sets the value at a JSON pointer, adding the last key when it is missing.
fn set(body: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match body.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is {other}"),
    }
}

fn example(doc: &Value, path: &str, name: &str) -> Value {
    doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"][name]
        ["value"]
        .clone()
}

/// `n` stays one after another, none overlapping.
fn stays(n: i32) -> Value {
    (0..n)
        .map(|i| {
            json!({"carrier": {"kind": "incubation_base", "founding": "gov_invested"},
                   "move_in": format!("{}-01-01", 1990 + i), "move_out": format!("{}-06-30", 1990 + i),
                   "monthly_rent": "100"})
        })
        .collect()
}

fn accreditations(n: usize) -> Value {
    (0..n)
        .map(|_| json!({"level": "district", "valid_from": "2020-01-01"}))
        .collect()
}

fn paid_steps(n: usize) -> Value {
    (0..n)
        .map(|_| json!({"level": "municipal", "amount": "1"}))
        .collect()
}

#[tokio::test]
async fn schemas_and_server_agree_at_every_limit() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let null = Value::Null;
    // (pointer, value, accepted) on an example of each endpoint.
    let spec_example = vec![
        ("/as_of", json!("2099-12-31"), true),
        ("/as_of", json!("2100-01-01"), false),
        ("/as_of", json!("1949-12-31"), false),
        ("/as_of", json!("2025-02-30"), false),
        ("/as_of", json!("2024-6-30"), false),
        ("/as_of", null.clone(), true),
        ("/stays/0/move_in", json!("1949-12-31"), false),
        ("/stays/0/move_in", json!("1950-01-01"), true),
        ("/stays/0/move_out", json!("2100-01-01"), false),
        ("/stays/0/move_out", null.clone(), true),
        ("/stays/0/monthly_rent", json!("1000000000000.00"), true),
        ("/stays/0/monthly_rent", json!("1000000000000.01"), false),
        ("/stays/0/monthly_rent", json!(1_000_000_000_001u64), false),
        ("/stays/0/monthly_rent", json!(99_999_999_999_999u64), false),
        ("/stays/0/monthly_rent", json!("1.234"), false),
        ("/stays/0/monthly_rent", json!(1.234), false),
        ("/stays/0/monthly_rent", json!(1645.16), true),
        ("/stays/0/monthly_rent", json!("-1"), false),
        ("/stays/0/monthly_rent", json!(-1), false),
        ("/stays/0/monthly_rent", json!("0"), true),
        ("/stays/0/monthly_rent", null.clone(), false),
        ("/stays/0/carrier/waives_rent", null.clone(), true),
        ("/stays/0/carrier/waives_rent", json!("yes"), false),
        ("/stays/0/carrier/accreditations", null.clone(), true),
        ("/stays/0/carrier/accreditations", accreditations(20), true),
        ("/stays/0/carrier/accreditations", accreditations(21), false),
        ("/stays", stays(20), true),
        ("/stays", stays(21), false),
        ("/stays", json!([]), false),
        ("/founder", null.clone(), false),
        ("/founder/group", json!("graduate"), false),
        ("/founder/graduated_on", null.clone(), true),
        ("/extension_months", json!(24), true),
        ("/extension_months", json!(6.0), true),
        ("/extension_months", json!(25), false),
        ("/extension_months", json!(5000), false),
        ("/extension_months", json!(2.5), false),
        ("/extension_months", json!(-1), false),
        ("/extension_months", null.clone(), true),
        ("/colour", null.clone(), false),
    ];
    let key_group_move = vec![
        ("/founder/graduated_on", null.clone(), false),
        (
            "/stays/0/carrier/accreditations/0/valid_until",
            null.clone(),
            true,
        ),
        (
            "/stays/0/carrier/accreditations/0/status",
            null.clone(),
            true,
        ),
        (
            "/stays/0/carrier/accreditations/0/level",
            null.clone(),
            false,
        ),
    ];
    let skipped_to_provincial = vec![
        ("/municipal_amount", json!("5000000.00"), true),
        ("/municipal_amount", json!("5000000.01"), false),
        ("/municipal_amount", json!(5_000_001), false),
        ("/municipal_amount", json!("0.01"), true),
        ("/municipal_amount", json!(0), false),
        ("/municipal_amount", json!("0.00"), false),
        ("/municipal_amount", null.clone(), true),
        ("/new_level", null.clone(), false),
        ("/area_kind", json!("district"), false),
        ("/area_kind", null.clone(), true),
        ("/amount", json!("1"), false),
    ];
    let national_after_municipal = vec![
        ("/paid_steps/0/amount", json!("4000000"), true),
        ("/paid_steps/0/amount", json!("5000000.01"), false),
        ("/paid_steps/0/level", json!("district"), false),
        ("/paid_steps", paid_steps(11), false),
        ("/paid_steps", null.clone(), true),
    ];
    let street_town_area = vec![
        ("/amount", json!(500_000), true),
        ("/amount", json!("500000.01"), false),
        ("/amount", json!(0), false),
        ("/amount", null.clone(), true),
        ("/new_level", json!("national"), false),
        ("/area_kind", null.clone(), false),
        (
            "/paid_steps",
            json!([{"level": "municipal", "amount": "1"}]),
            false,
        ),
        (
            "/paid_steps",
            json!([{"level": "street_town", "amount": "1"}]),
            true,
        ),
    ];
    let good_operator = vec![
        ("/indicators/occupancy_rate", json!(1), true),
        ("/indicators/occupancy_rate", json!(1.01), false),
        ("/indicators/occupancy_rate", json!("1.01"), false),
        ("/indicators/occupancy_rate", json!("0.5"), true),
        ("/indicators/occupancy_rate", json!(-0.1), false),
        ("/indicators/satisfaction", json!(100), true),
        ("/indicators/satisfaction", json!("100.5"), false),
        ("/indicators/tenants", json!(2.5), false),
        ("/indicators/tenants", json!("2.5"), false),
        ("/indicators/tenants", null.clone(), false),
        ("/indicators/financing_raised", json!("1.234"), false),
        ("/indicators/financing_raised", json!(1.5), true),
        ("/indicators/violations", json!(1000), true),
        ("/indicators/violations", json!(1001), false),
        ("/indicators/violations", null.clone(), true),
        ("/indicators/false_reporting", null.clone(), true),
        ("/indicators/colour", null.clone(), false),
        ("/scheme", null.clone(), true),
        ("/scheme", json!("other"), false),
    ];
    let probes = [
        ("/api/v1/calc/rent-waiver", "spec_example", spec_example),
        ("/api/v1/calc/rent-waiver", "key_group_move", key_group_move),
        (
            "/api/v1/calc/award",
            "skipped_to_provincial",
            skipped_to_provincial,
        ),
        (
            "/api/v1/calc/award",
            "national_after_municipal",
            national_after_municipal,
        ),
        ("/api/v1/calc/award", "street_town_area", street_town_area),
        ("/api/v1/calc/evaluation", "good_operator", good_operator),
    ];
    let mut disagreements = Vec::new();
    for (path, name, cases) in probes {
        let schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let validator = validator(&doc, &schema);
        for (pointer, value, accepted) in cases {
            let mut body = example(&doc, path, name);
            set(&mut body, pointer, value.clone());
            let by_schema = validator.is_valid(&body);
            let status = app.post_json(path, &body, None).await.status().as_u16();
            assert!(
                status == 200 || status == 400,
                "{path} {pointer} = {value}: {status}"
            );
            if by_schema != accepted || (status == 200) != accepted {
                disagreements.push(format!(
                    "{path} {name} {pointer} = {value}: expected {}, schema {}, server {status}",
                    if accepted { "accepted" } else { "refused" },
                    if by_schema { "accepts" } else { "refuses" },
                ));
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[tokio::test]
async fn the_document_says_how_bodies_are_read() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let description = doc["info"]["description"].as_str().unwrap();
    for words in [
        "null is the same as leaving a field out",
        "Content-Type: application/json",
        "duplicate_key",
        "1950-01-01 and 2099-12-31",
    ] {
        assert!(description.contains(words), "{words}");
    }
    for path in [
        "/api/v1/calc/rent-waiver",
        "/api/v1/calc/award",
        "/api/v1/calc/evaluation",
    ] {
        let responses = &doc["paths"][path]["post"]["responses"];
        for status in ["400", "408", "413", "415", "431"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Errors",
                "{path} {status}"
            );
        }
    }
}
