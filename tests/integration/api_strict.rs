//! The JSON API reads strictly: a key given twice is refused at its path, a body not
//! sent as JSON is a 415, `null` means "left out" everywhere, and the cap on
//! extension months named in a refusal is the one in force.

use fuhua_core::ParameterSet;
use fuhua_core::params::{ParamKey, ParamValue, ParamVersion};
use fuhua_portal::ServerLimits;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, gov_base, pairs};
use crate::raw::{Server, state_with};

fn waiver(extra: Value) -> Value {
    let mut body = json!({
        "as_of": "2024-06-30",
        "founder": {"group": "other"},
        "stays": [{"carrier": gov_base(), "move_in": "2024-03-15", "monthly_rent": "3000.00"}]
    });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    body
}

#[tokio::test]
async fn a_key_given_twice_is_refused_at_its_path() {
    let app = TestApp::spawn().await;
    let body = br#"{"as_of": "2024-06-30", "founder": {"group": "other"}, "founder": {"group": "graduate"},
        "stays": [{"carrier": {"kind": "incubation_base", "founding": "gov_invested"},
                   "move_in": "2024-03-15", "move_in": "2025-01-01", "monthly_rent": "3000.00"}]}"#;
    let response = app
        .post_raw("/api/v1/calc/rent-waiver", body.to_vec(), Some("en"))
        .await;
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    let fields: Vec<(&str, &str)> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("founder", "duplicate_key"),
            ("stays[0].move_in", "duplicate_key")
        ]
    );
    assert_eq!(
        answer["errors"][1]["message"],
        "stays[0].move_in appears more than once; give each field once"
    );
    for (path, body) in [
        (
            "/api/v1/calc/award",
            &br#"{"programme": "ladder", "new_level": "national", "programme": "area"}"#[..],
        ),
        (
            "/api/v1/calc/evaluation",
            br#"{"indicators": {"tenants": 1, "tenants": 2}}"#,
        ),
    ] {
        let response = app.post_raw(path, body.to_vec(), None).await;
        assert_eq!(response.status(), 400, "{path}");
        let fields = error_fields(response).await;
        assert!(
            fields.iter().any(|(_, code)| code == "duplicate_key"),
            "{path}: {fields:?}"
        );
    }
}

#[tokio::test]
async fn a_body_not_sent_as_json_is_a_415() {
    let app = TestApp::spawn().await;
    let body = waiver(json!({})).to_string();
    let cases: [(Option<&str>, u16); 7] = [
        (Some("application/json"), 200),
        (Some("application/json; charset=UTF-8"), 200),
        (Some("Application/JSON"), 200),
        (Some("text/plain"), 415),
        (Some("application/x-www-form-urlencoded"), 415),
        (Some("application/json; charset=gbk"), 415),
        (None, 415),
    ];
    for (content_type, expected) in cases {
        let mut request = app
            .client
            .post(app.url("/api/v1/calc/rent-waiver"))
            .header("accept-language", "en")
            .body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), expected, "{content_type:?}");
        if expected == 415 {
            assert_eq!(response.headers()["content-type"], "application/json");
            let answer: Value = response.json().await.unwrap();
            assert_eq!(answer["errors"][0]["field"], "headers.content-type");
            assert_eq!(answer["errors"][0]["code"], "unsupported_media_type");
            let message = answer["errors"][0]["message"].as_str().unwrap();
            match content_type {
                Some(given) => assert!(message.contains(given), "{message}"),
                None => assert!(message.ends_with("none was sent"), "{message}"),
            }
        }
    }
}

#[tokio::test]
async fn null_is_the_same_as_leaving_a_field_out() {
    let app = TestApp::spawn().await;
    let answer = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()
    };
    // Optional fields: null takes the default, exactly as leaving them out.
    let plain = answer(
        app.post_json("/api/v1/calc/rent-waiver", &waiver(json!({})), None)
            .await,
    )
    .await;
    let nulls = json!({
        "as_of": "2024-06-30",
        "founder": {"group": "other", "graduated_on": null},
        "stays": [{"carrier": {"kind": "incubation_base", "founding": "gov_invested", "waives_rent": null, "accreditations": null},
                   "move_in": "2024-03-15", "move_out": null, "monthly_rent": "3000.00"}],
        "extension_months": null
    });
    let with_nulls = answer(
        app.post_json("/api/v1/calc/rent-waiver", &nulls, None)
            .await,
    )
    .await;
    assert_eq!(plain, with_nulls);
    let evaluation = json!({"scheme": null, "indicators": {
        "occupancy_rate": 0.9, "tenants": 20, "jobs_created": 60, "key_group_share": 0.5,
        "graduated_tenants": 5, "service_events": 12, "financing_raised": 5000000,
        "satisfaction": 95, "on_time_report_rate": 1, "violations": null, "false_reporting": null}});
    let scored = answer(
        app.post_json("/api/v1/calc/evaluation", &evaluation, None)
            .await,
    )
    .await;
    assert_eq!(scored["score"], "100.00");
    let award = json!({"programme": "ladder", "paid_steps": null, "new_level": "national",
                       "municipal_amount": null, "area_kind": null, "amount": null});
    assert_eq!(
        answer(app.post_json("/api/v1/calc/award", &award, None).await).await["total"],
        "8000000.00"
    );

    // Required fields: null is "missing".
    let response = app
        .post_json(
            "/api/v1/calc/rent-waiver",
            &json!({"founder": {"group": null}, "stays": [{"carrier": gov_base(), "move_in": null, "monthly_rent": "1"}]}),
            None,
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        error_fields(response).await,
        pairs(&[
            ("founder.group", "required"),
            ("stays[0].move_in", "required")
        ])
    );

    // Unknown fields: refused whatever the value, null included.
    let response = app
        .post_json(
            "/api/v1/calc/rent-waiver",
            &waiver(json!({"colour": null})),
            None,
        )
        .await;
    assert_eq!(
        error_fields(response).await,
        pairs(&[("colour", "unknown_field")])
    );
    let mut indicators = evaluation.clone();
    indicators["indicators"]["colour"] = Value::Null;
    let response = app
        .post_json("/api/v1/calc/evaluation", &indicators, None)
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        error_fields(response).await,
        pairs(&[("indicators.colour", "unknown_field")])
    );
}

#[tokio::test]
async fn too_many_extension_months_are_refused_naming_the_cap_in_force() {
    let app = TestApp::spawn().await;
    for months in [
        json!(25),
        json!(5000),
        json!(99_999_999_999u64),
        json!(1e30),
    ] {
        let response = app
            .post_json(
                "/api/v1/calc/rent-waiver",
                &waiver(json!({"extension_months": months})),
                Some("en"),
            )
            .await;
        assert_eq!(response.status(), 400, "{months}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["errors"][0]["field"], "extension_months");
        assert_eq!(answer["errors"][0]["code"], "over_cap", "{months}");
        assert_eq!(
            answer["errors"][0]["message"],
            "extension months may not exceed 24 in all"
        );
    }
    // The calculator page says the same.
    let page = app
        .get("/?calc=1&lang=en&group=other&s0_kind=incubation_base&s0_founding=gov_invested&s0_move_in=2024-03-15&s0_rent=3000&extension_months=99999999999999999999999")
        .await;
    assert_eq!(page.status(), 400);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("extension months may not exceed 24 in all")
    );

    // With a cap of 12 in force, the refusal and the document both say 12.
    let mut params = ParameterSet::defaults();
    let effective_from = params
        .version_at(ParamKey::ExtensionTotalMaxMonths, crate::helpers::today())
        .unwrap()
        .effective_from;
    params
        .add(ParamVersion {
            key: ParamKey::ExtensionTotalMaxMonths,
            effective_from,
            value: ParamValue::Count(12),
        })
        .unwrap();
    let server = Server::start(state_with(params), ServerLimits::default()).await;
    let client = reqwest::Client::new();
    let post = |months: u32| {
        client
            .post(server.url("/api/v1/calc/rent-waiver"))
            .header("content-type", "application/json")
            .header("accept-language", "en")
            .body(waiver(json!({"extension_months": months})).to_string())
            .send()
    };
    assert_eq!(post(12).await.unwrap().status(), 200);
    let refused: Value = post(13).await.unwrap().json().await.unwrap();
    assert_eq!(
        refused["errors"][0]["message"],
        "extension months may not exceed 12 in all"
    );
    let doc: Value = client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["components"]["schemas"]["ExtensionMonths"]["maximum"],
        12
    );
    server.stop().await;
}
