//! `POST /api/v1/calc/award` over real HTTP.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, pairs};

async fn award(app: &TestApp, body: Value) -> Value {
    let response = app.post_json("/api/v1/calc/award", &body, Some("en")).await;
    assert_eq!(response.status(), 200, "{body}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn ladder_steps_are_owed_level_by_level_with_their_own_caps() {
    let app = TestApp::spawn().await;
    let national = award(
        &app,
        json!({"programme": "ladder", "paid_steps": [{"level": "municipal", "amount": "5000000.00"}], "new_level": "national"}),
    )
    .await;
    assert_eq!(
        national["steps"],
        json!([
            {"level": "provincial", "cap": "1000000.00", "amount": "1000000.00"},
            {"level": "national", "cap": "2000000.00", "amount": "2000000.00"}
        ])
    );
    assert_eq!(national["total"], "3000000.00");
    let skipped = award(
        &app,
        json!({"programme": "ladder", "new_level": "provincial"}),
    )
    .await;
    assert_eq!(skipped["total"], "6000000.00");
    let again = award(
        &app,
        json!({"programme": "ladder", "paid_steps": [{"level": "municipal", "amount": 4000000}], "new_level": "municipal"}),
    )
    .await;
    assert_eq!(
        (again["steps"].clone(), again["total"].clone()),
        (json!([]), json!("0.00"))
    );
    let below = award(
        &app,
        json!({"programme": "ladder", "new_level": "district"}),
    )
    .await;
    assert_eq!(below["total"], "0.00");
    assert!(!below["trace"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_municipal_amount_over_the_cap_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/v1/calc/award",
            &json!({"programme": "ladder", "new_level": "municipal", "municipal_amount": "5000000.01"}),
            None,
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        error_fields(response).await,
        pairs(&[("municipal_amount", "over_cap")])
    );
}

#[tokio::test]
async fn area_awards_default_to_the_cap_and_are_paid_once() {
    let app = TestApp::spawn().await;
    let district = award(&app, json!({"programme": "area", "area_kind": "district"})).await;
    assert_eq!(
        district["steps"],
        json!([{"level": "district", "cap": "1000000.00", "amount": "1000000.00"}])
    );
    let paid = award(
        &app,
        json!({"programme": "area", "area_kind": "district", "paid_steps": [{"level": "district", "amount": "800000"}]}),
    )
    .await;
    assert_eq!(paid["total"], "0.00");
    let response = app
        .post_json(
            "/api/v1/calc/award",
            &json!({"programme": "area", "area_kind": "street_town", "amount": 500001}),
            None,
        )
        .await;
    assert_eq!(
        error_fields(response).await,
        pairs(&[("amount", "over_cap")])
    );
}
