//! The settlement-claim and finance pages over HTTP: generate, submit, approve,
//! export, the finance page with its chart, and a batch payment with one bad row.

use fuhua_core::Money;
use fuhua_core::vocab::{FundingSource, Regime};
use fuhua_store::Actor as AuditActor;
use fuhua_store::repo::claims as repo;
use fuhua_store::repo::reference::{self, NewAppropriation, NewFundSource};
use fuhua_store::repo::tenants::{self, NewLedgerRow};
use fuhua_waiver::ClaimState;

use crate::world::PASSWORD;
use crate::world_portal::WorldPortal;

struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

impl Client {
    async fn sign_in(portal: &WorldPortal, username: &str) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let response = http
            .post(portal.url("/login"))
            .header("origin", &portal.base)
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{username} signs in");
        let page = http
            .get(portal.url("/account/password"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        Client {
            http,
            base: portal.base.clone(),
            csrf,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_official_generates_and_approves_finance_pays_in_a_batch_and_exports_keep_their_names() {
    let portal = WorldPortal::start().await;
    let world = &portal.world;
    let store = &world.store;
    let w = store.write(&AuditActor::cli()).await.unwrap();
    tenants::add_ledger_rows(
        &w,
        &[NewLedgerRow {
            stay_id: world.stay_id,
            month: "2025-10".into(),
            adjustment: false,
            regime: Regime::FullWaiver,
            funding_source: Some(FundingSource::DistrictFinance),
            occupied_days: 31,
            days_in_month: 31,
            rent_due: Money::yuan(3000),
            waived: Money::yuan(3000),
            payable: Money::ZERO,
            relief_application_id: None,
        }],
    )
    .await
    .unwrap();
    let source = reference::add_fund_source(
        &w,
        &NewFundSource {
            key: "district_finance".into(),
            kind: FundingSource::DistrictFinance,
            name: "区财政就业补助资金".into(),
            jurisdiction_id: None,
        },
    )
    .await
    .unwrap();
    reference::add_appropriation(
        &w,
        &NewAppropriation {
            fund_source_id: source.id,
            year: 2025,
            amount: Money::yuan(100_000),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();

    let official = Client::sign_in(&portal, "official.district").await;
    // A quarter not yet ended comes back with the message at the field.
    let early = official
        .post("/claims/generate", &[("quarter", "2026Q4")])
        .await;
    assert_eq!(early.status(), 400);
    let body = early.text().await.unwrap();
    assert!(
        body.contains("2026-12-31") && body.contains("value=\"2026Q4\""),
        "{body}"
    );
    let done = official
        .post("/claims/generate", &[("quarter", "2025Q4")])
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/claims?quarter=2025Q4&generated=1");
    let list = official.get("/claims?quarter=2025Q4&state=generated").await;
    assert_eq!(list.status(), 200);
    let body = list.text().await.unwrap();
    assert!(body.contains("西海岸新区大学生创业孵化基地"), "{body}");
    let claims = repo::list_claims(store, &repo::ClaimFilter::default(), 10)
        .await
        .unwrap();
    let id = claims[0].id;

    // The operator submits from the claim page.
    let operator = Client::sign_in(&portal, "operator.a").await;
    let page = operator
        .get(&format!("/claims/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("提交结算申请") && page.contains("2025-10"),
        "{page}"
    );
    let version = claims[0].version.to_string();
    let submitted = operator
        .post(
            &format!("/claims/{id}/act"),
            &[("version", &version), ("action", "submit")],
        )
        .await;
    assert_eq!(submitted.status(), 303);

    // Bulk approval: preview, then confirm.
    let version = repo::find_claim(store, id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let id_text = id.to_string();
    let v_key = format!("v_{id}");
    let preview = official
        .post(
            "/claims/approve",
            &[
                ("step", "preview"),
                ("id", &id_text),
                (&v_key, &version),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(preview.status(), 200);
    assert!(preview.text().await.unwrap().contains("可以办理"));
    assert_eq!(
        repo::find_claim(store, id).await.unwrap().unwrap().state,
        ClaimState::Submitted,
        "a preview writes nothing"
    );
    let confirmed = official
        .post(
            "/claims/approve",
            &[
                ("step", "confirm"),
                ("id", &id_text),
                (&v_key, &version),
                ("note", ""),
            ],
        )
        .await;
    assert!(confirmed.text().await.unwrap().contains("已办理"));
    assert_eq!(
        repo::find_claim(store, id).await.unwrap().unwrap().state,
        ClaimState::Approved
    );

    // Exports follow the filters and keep the Chinese file name.
    let csv = official.get("/claims.csv?quarter=2025Q4").await;
    assert_eq!(csv.status(), 200);
    let disposition = csv
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition
            .contains("filename*=UTF-8''%E7%BB%93%E7%AE%97%E7%94%B3%E8%AF%B7%2D2025Q4%2Ecsv"),
        "{disposition}"
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("西海岸新区大学生创业孵化基地") && text.contains("3000.00"));
    let xlsx = official.get("/claims.xlsx?quarter=2025Q4").await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let none = official
        .get("/claims.csv?quarter=2024Q1")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&none).contains("西海岸"));

    // Finance: the budget with its chart and table, then a batch payment.
    let finance = Client::sign_in(&portal, "finance").await;
    let page = finance.get("/finance").await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(
        body.contains("<svg") && body.contains("100,000.00") && body.contains("97,000.00"),
        "{body}"
    );
    let choose = finance.get("/finance/pay").await.text().await.unwrap();
    assert!(choose.contains(&format!("name=\"voucher_{id}\"")));
    let version = repo::find_claim(store, id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let voucher_key = format!("voucher_{id}");
    let bad = finance
        .post(
            "/finance/pay",
            &[
                ("step", "preview"),
                ("id", &id_text),
                (&v_key, &version),
                (&voucher_key, " "),
                ("paid_on", "2026-01-20"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 200);
    assert!(bad.text().await.unwrap().contains("请填写此项"));
    let paid = finance
        .post(
            "/finance/pay",
            &[
                ("step", "confirm"),
                ("id", &id_text),
                (&v_key, &version),
                (&voucher_key, "记-2026-0120-001"),
                ("paid_on", "2026-01-20"),
            ],
        )
        .await;
    assert!(paid.text().await.unwrap().contains("已办理"));
    let claim = repo::find_claim(store, id).await.unwrap().unwrap();
    assert_eq!(claim.state, ClaimState::Paid);
    assert_eq!(claim.voucher_no.as_deref(), Some("记-2026-0120-001"));
    // Paying again from the claim page is refused with a clear message.
    let again = finance
        .post(
            &format!("/claims/{id}/act"),
            &[
                ("version", &claim.version.to_string()),
                ("action", "pay"),
                ("voucher_no", "X"),
                ("paid_on", "2026-01-21"),
            ],
        )
        .await;
    assert_eq!(again.status(), 409);
    portal.stop().await;
}
