//! The OpenAPI document describes exactly what the server does: every example in it
//! is posted, and every answer (and an error answer) is checked against its schemas.

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A validator for one component schema, resolving `$ref`s inside the document.
fn validator(doc: &Value, component: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{component}"),
        "components": doc["components"].clone(),
    });
    jsonschema::validator_for(&schema).unwrap()
}

fn schema_name(reference: &Value) -> &str {
    reference["$ref"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{instance:#}");
}

#[tokio::test]
async fn every_example_is_answered_as_the_document_says() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut posted = 0;
    for path in [
        "/api/v1/calc/rent-waiver",
        "/api/v1/calc/award",
        "/api/v1/calc/evaluation",
    ] {
        let post = &paths[path]["post"];
        let content = &post["requestBody"]["content"]["application/json"];
        let request_schema = validator(&doc, schema_name(&content["schema"]));
        let ok_schema = validator(
            &doc,
            schema_name(&post["responses"]["200"]["content"]["application/json"]["schema"]),
        );
        let examples = content["examples"].as_object().unwrap();
        assert!(!examples.is_empty(), "{path} has no example");
        for (name, example) in examples {
            let body = &example["value"];
            assert_valid(
                &request_schema,
                body,
                &format!("{path} example {name} (request)"),
            );
            for lang in ["zh-CN", "en"] {
                let response = app.post_json(path, body, Some(lang)).await;
                assert_eq!(response.status(), 200, "{path} example {name}");
                let answer: Value = response.json().await.unwrap();
                assert_valid(
                    &ok_schema,
                    &answer,
                    &format!("{path} example {name} (answer, {lang})"),
                );
                posted += 1;
            }
        }
        // An error answer fits the error schema too.
        let errors = validator(
            &doc,
            schema_name(&post["responses"]["400"]["content"]["application/json"]["schema"]),
        );
        let response = app
            .post_json(path, &json!({"unexpected": true}), None)
            .await;
        assert_eq!(response.status(), 400);
        assert_valid(
            &errors,
            &response.json().await.unwrap(),
            &format!("{path} error"),
        );
    }
    assert!(posted >= 12);
}

#[tokio::test]
async fn the_request_schemas_refuse_unknown_fields_like_the_server() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for name in [
        "RentWaiverRequest",
        "AwardRequest",
        "EvaluationRequest",
        "Stay",
        "Carrier",
        "Accreditation",
    ] {
        assert_eq!(
            doc["components"]["schemas"][name]["additionalProperties"], false,
            "{name}"
        );
    }
    let waiver = validator(&doc, "RentWaiverRequest");
    assert!(!waiver.is_valid(&json!({"founder": {"group": "other"}, "stays": [], "extra": 1})));
}
