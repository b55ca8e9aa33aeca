//! `POST /api/v1/calc/rent-waiver` over real HTTP.

use serde_json::{Value, json};

use crate::helpers::{TestApp, gov_base, today};

#[tokio::test]
async fn the_spec_example_is_answered_to_the_fen() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/v1/calc/rent-waiver",
            &json!({"as_of": "2024-03-31", "founder": {"group": "other"},
                    "stays": [{"carrier": gov_base(), "move_in": "2024-03-15", "monthly_rent": "3000.00"}]}),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-language"], "zh-CN");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["window"],
        json!({"start": "2024-03-15", "end": "2027-03-14"})
    );
    assert_eq!(
        body["stays"],
        json!([{"regime": "full_waiver", "rate": "1.00", "funding_source": "district_finance", "reasons": []}])
    );
    assert_eq!(
        body["months"],
        json!([{"month": "2024-03", "stay": 0, "occupied_days": 17, "days_in_month": 31,
                "rent_due": "1645.16", "waived": "1645.16", "payable": "0.00"}])
    );
    assert_eq!(body["total_waived"], "1645.16");
    assert_eq!(body["months_remaining"], 35);
    let trace = body["trace"].as_array().unwrap();
    assert!(
        trace.iter().any(|s| s["rule"] == "R-WAIVER-FULL"
            && s["clause"].as_str().unwrap().contains("3年内租金全免"))
    );
    app.stop().await;
}

#[tokio::test]
async fn as_of_defaults_to_today_and_details_follow_accept_language() {
    let app = TestApp::spawn().await;
    let body: Value = app
        .post_json(
            "/api/v1/calc/rent-waiver",
            &json!({"founder": {"group": "other"}, "stays": [{"carrier": gov_base(), "move_in": "2026-10-01", "monthly_rent": 1000}]}),
            Some("en-GB,en;q=0.9"),
        )
        .await
        .json()
        .await
        .unwrap();
    // Today is 2026-11-27: October and 27 days of November.
    let months: Vec<&str> = body["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2026-10", "2026-11"]);
    assert_eq!(body["months"][1]["occupied_days"], 27);
    assert!(today().to_string().starts_with("2026-11-27"));
    let details: Vec<&str> = body["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["detail"].as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("the window starts on the first move-in")),
        "{details:?}"
    );
    assert!(
        body["trace"][0]["clause"]
            .as_str()
            .unwrap()
            .starts_with("Qingxi Xinguanbanfa [2018] No. 146, clause (VII)")
    );
}

#[tokio::test]
async fn a_stay_with_no_regime_gets_null_window_and_funding() {
    let app = TestApp::spawn().await;
    let body: Value = app
        .post_json(
            "/api/v1/calc/rent-waiver",
            &json!({"as_of": "2024-02-29", "founder": {"group": "graduate", "graduated_on": "2010-07-01"},
                    "stays": [{"carrier": {"kind": "incubation_base", "founding": "social",
                                           "accreditations": [{"level": "district", "valid_from": "2020-01-01"}]},
                               "move_in": "2024-02-01", "monthly_rent": 2900}]}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["window"], Value::Null);
    assert_eq!(body["months_remaining"], Value::Null);
    assert_eq!(
        body["stays"][0],
        json!({"regime": "none", "rate": "0.00", "funding_source": null, "reasons": ["graduated_too_long_ago"]})
    );
    assert_eq!(body["months"][0]["rent_due"], "2900.00");
    assert_eq!(body["months"][0]["payable"], "2900.00");
    assert_eq!(body["total_waived"], "0.00");
}

#[tokio::test]
async fn stays_keep_the_request_order_and_rows_name_their_stay() {
    let app = TestApp::spawn().await;
    let street = json!({"kind": "household_service_base", "founding": "street_town"});
    let body: Value = app
        .post_json(
            "/api/v1/calc/rent-waiver",
            &json!({"as_of": "2025-02-28", "founder": {"group": "unemployed"}, "extension_months": 6,
                    "stays": [
                        {"carrier": street, "move_in": "2025-01-15", "monthly_rent": "1000"},
                        {"carrier": gov_base(), "move_in": "2024-02-29", "move_out": "2024-12-31", "monthly_rent": "2000"}
                    ]}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    // The window starts with the earlier stay (listed second) and has 36 + 6 months.
    assert_eq!(
        body["window"],
        json!({"start": "2024-02-29", "end": "2027-08-28"})
    );
    assert_eq!(body["stays"][0]["funding_source"], "street_town_budget");
    let stays: Vec<u64> = body["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["stay"].as_u64().unwrap())
        .collect();
    assert_eq!(stays.iter().filter(|s| **s == 0).count(), 2);
    assert_eq!(stays.iter().filter(|s| **s == 1).count(), 11);
    assert!(
        stays.windows(2).all(|w| w[0] <= w[1]),
        "ordered by stay then month"
    );
}
