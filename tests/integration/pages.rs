//! The public calculator page and the rest of the HTML side.

use crate::helpers::TestApp;

const RESULT: &str = "/?calc=1&group=graduate&graduated_on=2022-07-01&s0_kind=incubation_base&s0_founding=social&s0_waives_rent=yes&s0_level=district&s0_valid_from=2020-01-01&s0_status=active&s0_move_in=2024-03-15&s0_rent=3000&as_of=2024-05-31";

async fn page(
    app: &TestApp,
    path: &str,
    lang: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(lang) = lang {
        request = request.header("accept-language", lang);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

#[tokio::test]
async fn the_blank_calculator_is_chinese_and_says_results_are_an_estimate() {
    let app = TestApp::spawn().await;
    let (status, headers, html) = page(&app, "/", None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-language"], "zh-CN");
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("租金减免测算"));
    assert!(html.contains("测算结果仅供参考，以审核结果为准"));
    assert!(html.contains("<form class=\"calculator\" method=\"get\" action=\"/\""));
    assert!(
        !html.contains("<script"),
        "the page works without JavaScript"
    );
    assert!(
        html.contains("name=\"s2_move_in\""),
        "three stays are offered"
    );
    assert!(!html.contains("name=\"s3_move_in\""));
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(headers.contains_key(header), "{header}");
    }
}

#[tokio::test]
async fn a_result_shows_regime_window_months_left_ledger_and_quoted_clauses() {
    let app = TestApp::spawn().await;
    let (status, _, html) = page(&app, RESULT, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("重点群体租金减免"), "regime per stay");
    assert!(html.contains("2024-03-15 – 2027-03-14"), "window");
    assert!(
        html.contains("<dt>剩余整月数</dt><dd>33</dd>"),
        "months remaining"
    );
    assert!(
        html.contains("data-label=\"应缴租金\" class=\"num\">1645.16</td>"),
        "ledger row"
    );
    assert!(html.contains("<th scope=\"row\" data-label=\"月份\">2024-05</th>"));
    assert!(
        !html.contains(">2024-06<"),
        "no row after as_of without projection"
    );
    assert!(
        html.contains(
            "<blockquote><p>青西新管办发〔2018〕146号 第（七）条：“毕业未超过5年的高校毕业生"
        ),
        "clause quoted"
    );
    assert!(html.contains("R-WAIVER-KEYGROUP"));
    assert!(html.contains("测算结果仅供参考"));
    // The form keeps what was entered, so the result can be adjusted.
    assert!(
        html.contains("id=\"s0_move_in\" name=\"s0_move_in\" type=\"date\" value=\"2024-03-15\"")
    );
    // The share link reproduces the calculation.
    assert!(html.contains("href=\"&#x2f;?calc=1&amp;group=graduate"));
}

#[tokio::test]
async fn the_ledger_can_be_projected_to_the_end_of_the_window() {
    let app = TestApp::spawn().await;
    let (_, _, html) = page(&app, &format!("{RESULT}&project=1"), None).await;
    assert!(html.contains("已预测到减免期结束（2027-03-14）"));
    assert!(html.contains(">2027-03<"));
    assert!(!html.contains(">2027-04<"));
    assert!(html.contains("<tr class=\"projected\">"));
    assert!(
        html.contains("<dt>剩余整月数</dt><dd>33</dd>"),
        "months left still count from as_of"
    );
}

#[tokio::test]
async fn bad_input_reshows_the_form_with_a_message_at_each_field() {
    let app = TestApp::spawn().await;
    let path = "/?calc=1&group=graduate&s0_kind=incubation_base&s0_founding=gov_invested&s0_move_in=2025-02-30&s0_rent=12.345&s1_move_in=2024-01-01&s1_move_out=2023-12-01&s1_rent=100&extension_months=abc";
    let (status, _, html) = page(&app, path, None).await;
    assert_eq!(status, 400);
    assert!(!html.contains("id=\"result-title\""));
    assert!(html.contains("请修改以下内容后再测算"));
    // Each bad input is marked and carries its message; the typed values stay.
    for (input, value) in [
        ("s0_move_in", "2025-02-30"),
        ("s0_rent", "12.345"),
        ("s1_move_out", "2023-12-01"),
        ("extension_months", "abc"),
    ] {
        assert!(
            html.contains(&format!("id=\"{input}\" name=\"{input}\"")),
            "{input}"
        );
        assert!(
            html.contains(&format!("value=\"{value}\"")),
            "{input} keeps {value}"
        );
        assert!(
            html.contains(&format!("<p class=\"error\" id=\"{input}-error\">")),
            "{input} has a message"
        );
    }
    assert!(html.contains("入驻日期 的 2025-02-30 不是真实存在的日期"));
    assert!(html.contains("月租金（元） 最多保留2位小数"));
    assert!(
        html.contains("毕业日期"),
        "graduates need a graduation date"
    );
    assert!(html.contains("id=\"graduated_on-error\""));
    // The second stay's section is opened because it has an error.
    assert!(html.contains("<details open>"));
}

#[tokio::test]
async fn english_is_one_click_away_and_remembered() {
    let app = TestApp::spawn().await;
    let (_, headers, html) = page(&app, "/", None).await;
    assert!(html.contains("href=\"&#x2f;?lang=en\""));
    assert!(!headers.contains_key("set-cookie"));
    let response = app
        .client
        .get(app.url(&format!("{RESULT}&lang=en")))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("HttpOnly"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("key-group rent reduction"));
    assert!(html.contains("Results are an estimate; the official decision counts."));
    assert!(html.contains("Qingxi Xinguanbanfa [2018] No. 146, clause (VII)"));
    // The cookie keeps English on the next page without ?lang.
    let html = app
        .client
        .get(app.url("/"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Rent waiver calculator"));
    // Accept-Language alone is honoured too.
    let (_, _, html) = page(&app, "/", Some("en-US,en;q=0.8")).await;
    assert!(html.contains("Rent waiver calculator"));
}

#[tokio::test]
async fn the_account_pages_remember_a_language_chosen_by_link_once() {
    let app = TestApp::spawn().await;
    for (path, cookie) in [
        ("/login?lang=en", "lang=en;"),
        ("/register?lang=zh-CN", "lang=zh-CN;"),
    ] {
        let response = app.get(path).await;
        let cookies: Vec<_> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert_eq!(cookies.len(), 1, "{path}: {cookies:?}");
        assert!(cookies[0].starts_with(cookie), "{path}: {cookies:?}");
    }
    let response = app.get("/login").await;
    assert!(!response.headers().contains_key("set-cookie"));
    // The calculator sets its own cookie; it is not doubled.
    let response = app.get("/?lang=en").await;
    assert_eq!(response.headers().get_all("set-cookie").iter().count(), 1);
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404_and_health_is_reported() {
    let app = TestApp::spawn().await;
    let (status, _, html) = page(&app, "/nowhere", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("页面不存在") && html.contains("返回首页"));
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "{\"status\":\"ok\"}");
    let css = app.get("/static/site.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn a_query_that_cannot_be_decoded_still_gets_a_page() {
    let app = TestApp::spawn().await;
    let (status, _, _) = page(&app, "/?calc=1&s0_move_in=%ZZ&group=%E4", None).await;
    assert!(status == 200 || status == 400, "{status}");
}
