//! Importing a tenant roll through the portal over HTTP: the template download,
//! an upload with one bad row (its error shown with the ID masked, no confirm
//! button), a fixed upload confirmed onto the roll, a second confirmation refused
//! with nothing more written, another operator's carrier, an oversized upload, a
//! file that is no spreadsheet, and a form without its CSRF token.

use reqwest::{Client, Response, StatusCode};

use crate::tenant_import::cases_dir;
use crate::world::PASSWORD;
use crate::world_portal::WorldPortal;

const BOUNDARY: &str = "----fuhua-import-test-boundary";

/// A multipart body with the `csrf` field (when given) and `file`.
fn multipart(csrf: Option<&str>, filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

struct Operator<'a> {
    portal: &'a WorldPortal,
    client: Client,
    csrf: String,
}

impl Operator<'_> {
    async fn get(&self, path: &str) -> Response {
        self.client.get(self.portal.url(path)).send().await.unwrap()
    }

    async fn upload(&self, carrier: i64, csrf: Option<&str>, name: &str, bytes: &[u8]) -> Response {
        self.client
            .post(self.portal.url(&format!("/carriers/{carrier}/import")))
            .header("origin", &self.portal.base)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(csrf, name, bytes))
            .send()
            .await
            .unwrap()
    }

    async fn confirm(&self, path: &str, sha256: &str) -> Response {
        self.client
            .post(self.portal.url(&format!("{path}/confirm")))
            .header("origin", &self.portal.base)
            .form(&[("csrf", self.csrf.as_str()), ("sha256", sha256)])
            .send()
            .await
            .unwrap()
    }
}

fn location(response: &Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn hidden(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

async fn sign_in<'p>(portal: &'p WorldPortal, username: &str) -> Operator<'p> {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(portal.url("/login"))
        .header("origin", &portal.base)
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{username} signs in");
    let mut operator = Operator {
        portal,
        client,
        csrf: String::new(),
    };
    let page = operator
        .get(&format!("/carriers/{}/import", portal.world.carrier_a))
        .await
        .text()
        .await
        .unwrap();
    operator.csrf = hidden(&page, "csrf");
    assert!(!operator.csrf.is_empty(), "the upload form carries a token");
    operator
}

#[tokio::test]
async fn an_operator_imports_a_roll_through_the_portal() {
    let portal = WorldPortal::start().await;
    let carrier = portal.world.carrier_a;
    let op = sign_in(&portal, "operator.a").await;
    let csrf = op.csrf.clone();

    // The carrier page links the import; the form has a labelled file input.
    let page = op
        .get(&format!("/carriers/{carrier}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/carriers/{carrier}/import\"")));
    let form = op.get(&format!("/carriers/{carrier}/import")).await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("<label for=\"file\">"));
    assert!(form.contains("type=\"file\" id=\"file\" name=\"file\""));
    assert!(form.contains("enctype=\"multipart/form-data\""));
    assert!(form.contains("href=\"/import/template.xlsx\""));

    // The template: an XLSX with a UTF-8 file name.
    let template = op.get("/import/template.xlsx").await;
    assert_eq!(template.status(), 200);
    let disposition = template.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''")
            && disposition.contains(
                "%E5%85%A5%E9%A9%BB%E4%BC%81%E4%B8%9A%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF" /* 入驻企业导入模板 */
            ),
        "{disposition}"
    );
    let bytes = template.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");

    // One bad row: its error with the ID masked, and no confirm button.
    let good = std::fs::read(cases_dir().join("c01_id_lowercase_x.csv")).unwrap();
    let good_text = String::from_utf8(good.clone()).unwrap();
    let bad_text = good_text.replace("370211198206264168", "370211198206264169");
    assert_ne!(bad_text, good_text);
    let response = op
        .upload(carrier, Some(&csrf), "名册.csv", bad_text.as_bytes())
        .await;
    assert_eq!(response.status(), 303);
    let bad_report = location(&response);
    assert!(bad_report.starts_with(&format!("/carriers/{carrier}/import/")));
    let report = op.get(&bad_report).await;
    assert_eq!(report.status(), 200);
    let report = report.text().await.unwrap();
    assert!(report.contains("data-label=\"行号\">3</th>"), "{report}");
    assert!(report.contains("负责人身份证号"));
    assert!(report.contains("3702**********4169"), "{report}");
    assert!(!report.contains("370211198206264169"), "the ID is masked");
    assert!(
        !report.contains("确认导入"),
        "no confirm button with a bad row"
    );
    assert!(!report.contains("name=\"sha256\""));
    assert!(report.contains("重新上传"));
    let xlsx = op.get(&format!("{bad_report}/report.xlsx")).await;
    assert_eq!(xlsx.status(), 200);
    let disposition = xlsx.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains(
            "%E5%AF%BC%E5%85%A5%E6%A0%A1%E9%AA%8C%E7%BB%93%E6%9E%9C" /* 导入校验结果 */
        ),
        "{disposition}"
    );
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // Nothing of the carrier's roll yet.
    let roll_path = format!("/tenants?carrier={carrier}");
    let roll = op.get(&roll_path).await.text().await.unwrap();
    assert!(!roll.contains("青岛晨帆文化传媒有限公司"));

    // The fixed file: every row good, confirmed onto the roll.
    let response = op.upload(carrier, Some(&csrf), "名册.csv", &good).await;
    assert_eq!(response.status(), 303);
    let good_report = location(&response);
    let report = op.get(&good_report).await.text().await.unwrap();
    assert!(report.contains("确认导入"), "{report}");
    assert!(report.contains("id=\"good-rows\">2</dd>"), "{report}");
    let sha256 = hidden(&report, "sha256");
    assert_eq!(sha256.len(), 64);
    let confirmed = op.confirm(&good_report, &sha256).await;
    assert_eq!(confirmed.status(), 303);
    let target = location(&confirmed);
    assert_eq!(target, format!("/tenants?carrier={carrier}&imported=2"));
    let roll = op.get(&target).await.text().await.unwrap();
    assert!(roll.contains("id=\"imported\""));
    for name in ["青岛海湾星辰网络科技有限公司", "青岛晨帆文化传媒有限公司"]
    {
        assert_eq!(roll.matches(name).count(), 1, "{name} on the roll once");
    }

    // A second confirmation of the same upload: a conflict, nothing more written.
    let again = op.confirm(&good_report, &sha256).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let again = again.text().await.unwrap();
    assert!(again.contains("未导入"));
    assert!(!again.contains("确认导入</button>"));
    let roll = op.get(&roll_path).await.text().await.unwrap();
    for name in ["青岛海湾星辰网络科技有限公司", "青岛晨帆文化传媒有限公司"]
    {
        assert_eq!(roll.matches(name).count(), 1, "{name} still once");
    }
    // A confirmation for another file's report: a conflict too.
    let stale = op.confirm(&bad_report, &sha256).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    // Another operator's carrier: 404 for the form, the upload and the report.
    let other = portal.world.carrier_b;
    assert_eq!(
        op.get(&format!("/carriers/{other}/import")).await.status(),
        404
    );
    let response = op.upload(other, Some(&csrf), "名册.csv", &good).await;
    assert_eq!(response.status(), 404);
    let id = good_report.rsplit('/').next().unwrap();
    assert_eq!(
        op.get(&format!("/carriers/{other}/import/{id}"))
            .await
            .status(),
        404
    );

    // 50 MB: a 413 page in Chinese naming the limit.
    let huge = vec![b'a'; 50 * 1024 * 1024];
    let response = op.upload(carrier, Some(&csrf), "huge.csv", &huge).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("文件太大") && page.contains("10 MB"),
        "{page}"
    );

    // Not a spreadsheet: the form again, the message at the file field.
    let response = op
        .upload(
            carrier,
            Some(&csrf),
            "notes.txt",
            "这不是表格，只是几句话。\n".as_bytes(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert!(
        page.contains("<p class=\"error\" id=\"file-error\">"),
        "{page}"
    );

    // No CSRF token: 403, nothing stored.
    let response = op.upload(carrier, None, "名册.csv", &good).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    portal.stop().await;
}
