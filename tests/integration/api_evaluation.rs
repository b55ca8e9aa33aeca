//! `POST /api/v1/calc/evaluation` over real HTTP.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, pairs};

fn indicators() -> Value {
    json!({"occupancy_rate": "0.70", "tenants": 10, "jobs_created": 10, "key_group_share": "0.25",
           "graduated_tenants": 2, "service_events": 6, "financing_raised": "1000000",
           "satisfaction": "77.5", "on_time_report_rate": "0.75"})
}

#[tokio::test]
async fn a_middling_year_is_scored_item_by_item() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/v1/calc/evaluation",
            &json!({"scheme": "qx-default", "indicators": indicators()}),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    // occupancy 15×0.5=7.50, tenants 10×0.5=5.00, jobs 20×(1/3)=6.67, key groups 10×0.5=5.00,
    // exits 10×0.4=4.00, services 10×0.5=5.00, financing 5×0.2=1.00, satisfaction 10×0.5=5.00,
    // reports 10×0.5=5.00 → 44.17, grade fail.
    let points: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["points"].as_str().unwrap())
        .collect();
    assert_eq!(
        points,
        [
            "7.50", "5.00", "6.67", "5.00", "4.00", "5.00", "1.00", "5.00", "5.00"
        ]
    );
    assert_eq!(body["score"], "44.17");
    assert_eq!(body["grade"], "fail");
    assert_eq!(body["coefficient"], "0.00");
    assert_eq!(
        body["items"][2],
        json!({"key": "jobs_per_tenant", "value": "1.00", "weight": "20", "points": "6.67"})
    );
}

#[tokio::test]
async fn violations_deduct_up_to_twenty_points() {
    let app = TestApp::spawn().await;
    let mut full = json!({"occupancy_rate": 0.9, "tenants": 20, "jobs_created": 60, "key_group_share": 0.5,
                          "graduated_tenants": 5, "service_events": 12, "financing_raised": 5000000,
                          "satisfaction": 95, "on_time_report_rate": 1});
    full["violations"] = json!(2);
    let two: Value = app
        .post_json(
            "/api/v1/calc/evaluation",
            &json!({"indicators": full}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (two["score"].as_str(), two["grade"].as_str()),
        (Some("90.00"), Some("excellent"))
    );
    full["violations"] = json!(9);
    let nine: Value = app
        .post_json(
            "/api/v1/calc/evaluation",
            &json!({"indicators": full}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            nine["score"].as_str(),
            nine["grade"].as_str(),
            nine["coefficient"].as_str()
        ),
        (Some("80.00"), Some("good"), Some("1.00"))
    );
}

#[tokio::test]
async fn bad_indicators_are_named() {
    let app = TestApp::spawn().await;
    let mut bad = indicators();
    bad["satisfaction"] = json!(101);
    bad["tenants"] = json!(2.5);
    let response = app
        .post_json("/api/v1/calc/evaluation", &json!({"indicators": bad}), None)
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        error_fields(response).await,
        pairs(&[
            ("indicators.tenants", "not_whole_number"),
            ("indicators.satisfaction", "out_of_range")
        ])
    );
}
