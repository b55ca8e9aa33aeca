//! Filing a monthly report by upload (SPEC §4 "by form or upload"), over HTTP: the
//! template, a file with a bad figure (the form comes back with the file's figures
//! and the message at the field, nothing filed), a file of another month, a file
//! that is no spreadsheet, a missing token, an official who may not file, and the
//! good XLSX, filed with the figures it holds.

use reqwest::{Client, Response};
use rust_xlsxwriter::Workbook;

use crate::world::PASSWORD;
use crate::world_portal::WorldPortal;

const BOUNDARY: &str = "----fuhua-report-upload-boundary";
const HEADERS: &str =
    "报告月份,在孵企业数,带动就业人数,服务活动次数,在孵企业融资额（元）,出孵企业数";

/// A multipart body with `fields` and the file.
fn multipart(fields: &[(&str, &str)], filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
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

struct User<'a> {
    portal: &'a WorldPortal,
    client: Client,
    csrf: String,
}

impl User<'_> {
    async fn sign_in<'p>(portal: &'p WorldPortal, username: &str) -> User<'p> {
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
        let mut user = User {
            portal,
            client,
            csrf: String::new(),
        };
        let page = user.text("/account/password").await;
        user.csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        user
    }

    async fn get(&self, path: &str) -> Response {
        self.client.get(self.portal.url(path)).send().await.unwrap()
    }

    async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    async fn upload(&self, csrf: bool, month: &str, name: &str, bytes: &[u8]) -> Response {
        let carrier = self.portal.world.carrier_a.to_string();
        let mut fields = vec![("carrier", carrier.as_str()), ("month", month)];
        if csrf {
            fields.insert(0, ("csrf", self.csrf.as_str()));
        }
        self.client
            .post(self.portal.url("/reports/upload"))
            .header("origin", &self.portal.base)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(&fields, name, bytes))
            .send()
            .await
            .unwrap()
    }
}

fn report_xlsx(row: [&str; 6]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in HEADERS.split(',').enumerate() {
        sheet.write_string(0, c as u16, header).unwrap();
    }
    sheet.write_string(1, 0, row[0]).unwrap();
    for (c, cell) in row.iter().enumerate().skip(1) {
        sheet
            .write_number(1, c as u16, cell.parse::<f64>().unwrap())
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_operator_files_a_monthly_report_by_uploading_its_spreadsheet() {
    let portal = WorldPortal::start().await;
    let carrier = portal.world.carrier_a;
    let operator = User::sign_in(&portal, "operator.a").await;
    let form_path = format!("/reports/file?carrier={carrier}&month=2026-10");

    // The filing page offers the upload and its template.
    let form = operator.text(&form_path).await;
    assert!(form.contains("action=\"/reports/upload\""), "{form}");
    assert!(form.contains("enctype=\"multipart/form-data\""));
    assert!(form.contains("href=\"/reports/template.xlsx\""));
    let template = operator.get("/reports/template.xlsx").await;
    assert_eq!(template.status(), 200);
    let disposition = template.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let bytes = template.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX");

    // A bad figure: 400, the file's figures in the form, the message at the field.
    let bad = format!("{HEADERS}\n2026-10,-3,17,2,88000.5,1\n");
    let response = operator
        .upload(true, "2026-10", "十月.csv", bad.as_bytes())
        .await;
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"tenants-error\""), "{page}");
    assert!(page.contains("请填写不小于 0 的整数"), "{page}");
    assert!(page.contains("value=\"-3\"") && page.contains("value=\"88000.5\""));
    assert!(
        !operator.text(&form_path).await.contains("当前状态"),
        "nothing was filed"
    );

    // Another month's file, and a file that is no spreadsheet: at the file field.
    let other = format!("{HEADERS}\n2026-09,3,17,2,0,0\n");
    let response = operator
        .upload(true, "2026-10", "九月.csv", other.as_bytes())
        .await;
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"report-file-error\""), "{page}");
    assert!(page.contains("与所报月份 2026-10 不一致"), "{page}");
    let response = operator
        .upload(
            true,
            "2026-10",
            "scan.pdf",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old",
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("另存为"));

    // No token, or an official (who does not file): refused, nothing filed.
    let good = report_xlsx(["2026-10", "9", "31", "4", "120000.50", "2"]);
    let response = operator.upload(false, "2026-10", "十月.xlsx", &good).await;
    assert_eq!(response.status(), 403);
    let official = User::sign_in(&portal, "official.district").await;
    let response = official.upload(true, "2026-10", "十月.xlsx", &good).await;
    assert_eq!(response.status(), 403);
    assert!(!operator.text(&form_path).await.contains("当前状态"));

    // The good file is filed with its figures (late: past 2026-11-10).
    let response = operator.upload(true, "2026-10", "十月.xlsx", &good).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/reports/") && location.ends_with("?done=submit"),
        "{location}"
    );
    let report = operator.text(&location).await;
    assert!(report.contains("<td>31</td>"), "{report}");
    assert!(
        report.contains("120000.50") || report.contains("120,000.50"),
        "{report}"
    );
    // Filing the same month again is a conflict, not a second report.
    let response = operator.upload(true, "2026-10", "十月.xlsx", &good).await;
    assert_eq!(response.status(), 409);
    portal.stop().await;
}
