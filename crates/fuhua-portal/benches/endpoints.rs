//! Each calculation endpoint and the calculator page, in process (no network):
//! request parsing, the rules, and the JSON or HTML answer.
#![allow(clippy::unwrap_used, missing_docs)]

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use fuhua_core::ParameterSet;
use fuhua_portal::{AppState, Clock, routes};

const WAIVER: &str = r#"{"as_of":"2026-11-27","founder":{"group":"graduate","graduated_on":"2021-07-01"},"extension_months":6,
"stays":[{"carrier":{"kind":"incubation_base","founding":"social","accreditations":[{"level":"district","valid_from":"2020-01-01"}]},"move_in":"2023-06-01","move_out":"2024-12-31","monthly_rent":"1500.00"},
{"carrier":{"kind":"incubation_base","founding":"gov_invested"},"move_in":"2025-01-01","monthly_rent":3000}]}"#;
const AWARD: &str = r#"{"programme":"ladder","paid_steps":[{"level":"municipal","amount":"5000000.00"}],"new_level":"national"}"#;
const EVALUATION: &str = r#"{"indicators":{"occupancy_rate":"0.85","tenants":18,"jobs_created":40,"key_group_share":"0.40","graduated_tenants":3,"service_events":10,"financing_raised":"2000000","satisfaction":88,"on_time_report_rate":"0.92","violations":1}}"#;
const PAGE: &str = "/?calc=1&group=graduate&graduated_on=2021-07-01&s0_kind=incubation_base&s0_founding=gov_invested&s0_move_in=2024-03-15&s0_rent=3000&project=1";

fn endpoints(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state = AppState::new(
        ParameterSet::defaults(),
        Clock::Fixed(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()),
    )
    .unwrap();
    let filter = routes(state);
    let mut group = c.benchmark_group("endpoints");
    for (name, path, body) in [
        ("rent-waiver", "/api/v1/calc/rent-waiver", WAIVER),
        ("award", "/api/v1/calc/award", AWARD),
        ("evaluation", "/api/v1/calc/evaluation", EVALUATION),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                let response = warp::test::request()
                    .method("POST")
                    .path(path)
                    .header("content-type", "application/json")
                    .body(body)
                    .reply(&filter)
                    .await;
                assert_eq!(response.status(), 200);
                response
            })
        });
    }
    group.bench_function("calculator page", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = warp::test::request().path(PAGE).reply(&filter).await;
            assert_eq!(response.status(), 200);
            response
        })
    });
    group.finish();
}

criterion_group!(benches, endpoints);
criterion_main!(benches);
