//! Bad input anywhere in the API: 400 (413 when oversized) with every bad field
//! named, in the language asked for; never a 500.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, gov_base, pairs};

fn stay(move_in: &str, move_out: Option<&str>, rent: Value) -> Value {
    json!({"carrier": gov_base(), "move_in": move_in, "move_out": move_out, "monthly_rent": rent})
}

async fn fields_of(app: &TestApp, body: Value) -> Vec<(String, String)> {
    let response = app.post_json("/api/v1/calc/rent-waiver", &body, None).await;
    assert_eq!(response.status(), 400, "{body}");
    error_fields(response).await
}

#[tokio::test]
async fn each_kind_of_bad_rent_waiver_input_is_named() {
    let app = TestApp::spawn().await;
    let founder = json!({"group": "other"});
    let cases: Vec<(Value, Vec<(String, String)>)> = vec![
        (
            json!({"founder": founder, "stays": [stay("2025-02-30", None, json!(100))]}),
            pairs(&[("stays[0].move_in", "invalid_date")]),
        ),
        (
            json!({"founder": founder, "stays": [stay("2024-05-01", Some("2024-04-30"), json!(100))]}),
            pairs(&[("stays[0].move_out", "before_move_in")]),
        ),
        (
            json!({"founder": founder, "stays": [stay("2024-01-01", Some("2024-06-30"), json!(1)), stay("2024-06-30", None, json!(1))]}),
            pairs(&[("stays[1].move_in", "overlapping_stay")]),
        ),
        (
            json!({"founder": founder, "stays": [stay("2024-01-01", None, json!(-5))]}),
            pairs(&[("stays[0].monthly_rent", "negative")]),
        ),
        (
            json!({"founder": founder, "stays": [stay("2024-01-01", None, json!("100.005"))]}),
            pairs(&[("stays[0].monthly_rent", "too_many_decimals")]),
        ),
        (
            json!({"founder": {"group": "graduate"}, "stays": [stay("2024-01-01", None, json!(1))]}),
            pairs(&[("founder.graduated_on", "required")]),
        ),
        (
            json!({"founder": founder, "stays": [stay("2024-01-01", None, json!(1))], "extension_months": 25}),
            pairs(&[("extension_months", "over_cap")]),
        ),
        (
            json!({"founder": {"group": "student"}, "stays": [stay("2024-01-01", None, json!(1))]}),
            pairs(&[("founder.group", "unknown_value")]),
        ),
        (
            json!({"founder": founder, "stays": [stay("2024-01-01", None, json!(1))], "founders": []}),
            pairs(&[("founders", "unknown_field")]),
        ),
        (
            json!({"founder": founder, "stays": [{"carrier": {"kind": "incubation_base", "founding": "gov_invested", "owner": "x"},
                                                   "move_in": 20240101, "monthly_rent": true}]}),
            pairs(&[
                ("stays[0].carrier.owner", "unknown_field"),
                ("stays[0].move_in", "wrong_type"),
                ("stays[0].monthly_rent", "wrong_type"),
            ]),
        ),
        (
            json!({"founder": founder, "stays": "none"}),
            pairs(&[("stays", "wrong_type")]),
        ),
        (json!([1, 2]), pairs(&[("body", "wrong_type")])),
        (
            json!({}),
            pairs(&[("founder", "required"), ("stays", "required")]),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(fields_of(&app, body.clone()).await, expected, "{body}");
    }
}

#[tokio::test]
async fn many_bad_fields_are_named_in_one_answer() {
    let app = TestApp::spawn().await;
    let body = json!({
        "as_of": "2024-13-01",
        "founder": {"group": "graduate"},
        "stays": [
            stay("2024-02-30", None, json!("abc")),
            stay("2024-05-01", Some("2024-04-01"), json!(1)),
        ],
        "extension_months": 99
    });
    assert_eq!(
        fields_of(&app, body).await,
        pairs(&[
            ("as_of", "invalid_date"),
            ("stays[0].move_in", "invalid_date"),
            ("stays[0].monthly_rent", "not_a_number"),
            ("founder.graduated_on", "required"),
            ("stays[1].move_out", "before_move_in"),
            ("extension_months", "over_cap"),
        ])
    );
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = TestApp::spawn().await;
    let body = json!({"founder": {"group": "other"}, "stays": [stay("2024-05-01", Some("2024-04-30"), json!(1))]});
    let zh: Value = app
        .post_json("/api/v1/calc/rent-waiver", &body, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        zh["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("早于入驻日期")
    );
    let response = app
        .post_json("/api/v1/calc/rent-waiver", &body, Some("en"))
        .await;
    assert_eq!(response.headers()["content-language"], "en");
    let en: Value = response.json().await.unwrap();
    assert_eq!(
        en["errors"][0]["message"],
        "stays[0].move_out 2024-04-30 is before move_in 2024-05-01"
    );
}

#[tokio::test]
async fn malformed_json_is_a_400_naming_the_body() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/calc/rent-waiver",
        "/api/v1/calc/award",
        "/api/v1/calc/evaluation",
    ] {
        let response = app
            .post_raw(path, b"{\"founder\": ".to_vec(), Some("en"))
            .await;
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "body");
        assert_eq!(body["errors"][0]["code"], "malformed_json");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("line 1")
        );
    }
    let empty = app.post_raw("/api/v1/calc/award", Vec::new(), None).await;
    assert_eq!(empty.status(), 400);
}

#[tokio::test]
async fn an_oversized_body_is_a_413_with_or_without_content_length() {
    let app = TestApp::spawn().await;
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(70 * 1024));
    let response = app
        .post_raw(
            "/api/v1/calc/rent-waiver",
            big.clone().into_bytes(),
            Some("en"),
        )
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(
        error_fields(response).await,
        pairs(&[("body", "too_large")])
    );
    // Chunked: no Content-Length, counted as it arrives.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big
        .into_bytes()
        .chunks(8192)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let stream = futures_util::stream::iter(chunks);
    let response = app
        .client
        .post(app.url("/api/v1/calc/evaluation"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_in_json() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/calc/rent-waiver").await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(
        error_fields(response).await,
        pairs(&[("method", "method_not_allowed")])
    );
    let response = app
        .post_json("/api/v1/calc/nothing", &json!({}), None)
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        error_fields(response).await,
        pairs(&[("path", "not_found")])
    );
}

#[tokio::test]
async fn no_input_makes_the_api_answer_500() {
    let app = TestApp::spawn().await;
    let nasty = [
        json!(null),
        json!("text"),
        json!({"founder": null, "stays": null}),
        json!({"founder": {"group": "other"}, "stays": [null, 1, "x", []]}),
        json!({"founder": {"group": "other"}, "stays": [{"carrier": gov_base(), "move_in": "9999-12-31", "monthly_rent": "1e3"}]}),
        json!({"founder": {"group": "other"}, "stays": [{"carrier": gov_base(), "move_in": "2024-01-01", "monthly_rent": 99999999999999u64}]}),
        json!({"founder": {"group": "other"}, "stays": [{"carrier": gov_base(), "move_in": "2024-01-01", "monthly_rent": 1}], "extension_months": -1}),
        json!({"programme": "ladder", "paid_steps": [{"level": "municipal", "amount": "1"}, {"level": "municipal", "amount": "1"}], "new_level": "national"}),
    ];
    for body in nasty {
        for path in [
            "/api/v1/calc/rent-waiver",
            "/api/v1/calc/award",
            "/api/v1/calc/evaluation",
        ] {
            let status = app.post_json(path, &body, None).await.status();
            assert!(status == 400 || status == 200, "{path} {body} → {status}");
        }
    }
}
