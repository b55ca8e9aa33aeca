//! The rent-relief journey in headless Chromium, as people do it: a founder already
//! on record registers and waits for the link, his carrier's operator confirms the
//! link, he applies after the preview, the operator confirms the stay, an official
//! approves, and he sees the decision, his ledger and the months left — with the
//! loopback SMTP server receiving each email of the journey. Every page is also
//! checked at 390 px (a phone: no sideways scrolling) and saved as a screenshot
//! under `target/screenshots/journey/`, at 1280 px and at 390 px.

use std::path::Path;
use std::time::Duration;

use fuhua_mail::testing::Received;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::chrome::{
    self, Profile, Screen, click_to_next_page, fill, main_text, open, path, sign_in, sign_out,
    wait_for,
};
use crate::world::{PASSWORD, resident};
use crate::world_portal::WorldPortal;

const DESK: u32 = 1280;
const PHONE: u32 = 390;
const MAIL_WAIT: Duration = Duration::from_secs(30);

const FOUNDER: &str = "wangliqiang";
const FOUNDER_PASSWORD: &str = "xin-an-workshop-2026";
const FOUNDER_EMAIL: &str = "wang.liqiang@example.cn";
const ENTITY: &str = "青岛王立强科技有限公司";
const CARRIER: &str = "辛安街道创业孵化基地";

/// Checks the page at phone width and saves it at desk and phone width.
async fn step(web: &WebDriver, shots: &Path, name: &str) {
    chrome::fits_a_phone_and_shoot(web, shots, name, PHONE, DESK).await;
}

/// The text content of every element of `css` (also inside closed `<details>`).
async fn texts(web: &WebDriver, css: &str) -> Vec<String> {
    let ret = web
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim());",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    ret.convert().unwrap()
}

/// The mails received so far, once there are at least `n` (bounded wait).
async fn mails(portal: &WorldPortal, n: usize) -> Vec<Received> {
    portal
        .smtp
        .wait_for(n, MAIL_WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn has_mail(received: &[Received], to: &str, subject: &str) -> bool {
    received
        .iter()
        .any(|m| m.recipients == [to.to_owned()] && m.subject().as_deref() == Some(subject))
}

fn assert_mail(received: &[Received], to: &str, subject: &str) {
    let seen: Vec<_> = received
        .iter()
        .map(|m| (m.recipients.clone(), m.subject()))
        .collect();
    assert!(
        has_mail(received, to, subject),
        "no mail to {to} with subject {subject:?}; received {seen:?}"
    );
}

/// The id in `/relief/<id>?…`.
fn case_id(path: &str) -> i64 {
    path.trim_start_matches("/relief/")
        .split(['?', '#'])
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a case page: {path}"))
}

/// The state badge of the case page.
async fn state_badge(web: &WebDriver) -> String {
    web.find(By::Css(".case-header .badge"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The application ids in the list page's table.
async fn listed(web: &WebDriver) -> Vec<i64> {
    let ids: Vec<String> = web
        .execute(
            "return Array.from(document.querySelectorAll('table.list tbody th a')).map(e => e.textContent.trim());",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    ids.iter().map(|id| id.parse().unwrap()).collect()
}

/// The actions the case page offers (the `action` of each form).
async fn actions(web: &WebDriver) -> Vec<String> {
    let ret = web
        .execute(
            "return Array.from(document.querySelectorAll('form.action-form [name=action]')).map(e => e.value);",
            vec![],
        )
        .await
        .unwrap();
    ret.convert().unwrap()
}

/// Submits the case page's one-button form for `action`.
async fn act(web: &WebDriver, action: &str) {
    let button = web
        .find(By::Css(format!(
            "form.action-form:has(input[name=action][value={action}]) button[type=submit]"
        )))
        .await
        .unwrap();
    click_to_next_page(web, &button).await;
}

/// Registration of a founder already on record: the account waits for the link,
/// sees none of his records, and the operator of his carrier confirms the link.
async fn register_and_link(web: &WebDriver, portal: &WorldPortal, shots: &Path) {
    let base = &portal.base;
    open(web, &portal.url("/login")).await;
    step(web, shots, "01-login").await;
    let register = web.find(By::Css("main a[href='/register']")).await.unwrap();
    click_to_next_page(web, &register).await;
    assert_eq!(path(web).await, "/register");
    let id = resident("37021119900515003");
    for (field, value) in [
        ("name", "王立强"),
        ("resident_id", id.as_str()),
        ("phone", "13905320188"),
        ("email", FOUNDER_EMAIL),
        ("username", FOUNDER),
        ("password", FOUNDER_PASSWORD),
        ("password_confirm", FOUNDER_PASSWORD),
    ] {
        fill(web, field, value).await;
    }
    step(web, shots, "02-register").await;
    let submit = web
        .find(By::Css("form.account-form button[type=submit]"))
        .await
        .unwrap();
    click_to_next_page(web, &submit).await;
    assert!(
        path(web).await.starts_with("/account/link"),
        "{}",
        path(web).await
    );
    let text = main_text(web).await;
    assert!(text.contains("确认您就是本人之后"), "{text}");
    step(web, shots, "03-link-waiting").await;
    // Until the link is proven, his records stay hidden.
    open(web, &portal.url("/dashboard")).await;
    let text = main_text(web).await;
    assert!(text.contains("尚未与身份信息完成关联"), "{text}");
    assert!(!text.contains(ENTITY), "{text}");
    sign_out(web).await;

    sign_in(web, base, "operator.b", PASSWORD).await;
    assert_eq!(path(web).await, "/dashboard");
    open(web, &portal.url("/operator/links")).await;
    let card = wait_for(web, By::Css("li.card")).await;
    let card_text = card.text().await.unwrap();
    assert!(card_text.contains("王立强"), "{card_text}");
    assert!(card_text.contains(FOUNDER), "{card_text}");
    assert!(card_text.contains(ENTITY), "{card_text}");
    step(web, shots, "04-operator-links").await;
    let confirm = card.find(By::Css("button[type=submit]")).await.unwrap();
    click_to_next_page(web, &confirm).await;
    assert_eq!(path(web).await, "/operator/links?confirmed=1");
    assert!(web.find_all(By::Css("li.card")).await.unwrap().is_empty());
    sign_out(web).await;
}

/// The founder sees his stay, previews what the rules give it and applies; the
/// operator of his carrier gets the mail. Returns the application's id.
async fn apply(web: &WebDriver, portal: &WorldPortal, shots: &Path) -> i64 {
    sign_in(web, &portal.base, FOUNDER, FOUNDER_PASSWORD).await;
    assert_eq!(path(web).await, "/dashboard");
    let text = main_text(web).await;
    assert!(text.contains(ENTITY) && text.contains(CARRIER), "{text}");
    assert!(!text.contains("尚未与身份信息完成关联"), "{text}");
    step(web, shots, "05-founder-dashboard").await;

    let stay = portal.world.other_stay_id;
    let apply = web
        .find(By::Css(format!("a.button[href='/relief/new?stay={stay}']")))
        .await
        .unwrap();
    click_to_next_page(web, &apply).await;
    assert_eq!(path(web).await, format!("/relief/new?stay={stay}"));
    let regime = web
        .find(By::Css(".summary .badge"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!regime.is_empty(), "the preview names the regime");
    let summary = web
        .find(By::Css(".summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A graduate in a government-invested base: full waiver for three years.
    assert!(
        summary.contains("租金全免")
            && summary.contains("2024年3月15日 – 2027年3月14日（36 个月）"),
        "{summary}"
    );
    let trace = texts(web, "ol.trace li").await;
    assert!(trace.len() >= 2, "the preview shows the trace: {trace:?}");
    assert!(
        trace.iter().any(|t| t.contains("146")),
        "the trace quotes the policy: {trace:?}"
    );
    // The trace opened, as a reader would, for the screenshot.
    let how = web
        .find(By::XPath(
            "//main//details/summary[contains(., '计算依据')]",
        ))
        .await
        .unwrap();
    how.click().await.unwrap();
    step(web, shots, "06-preview").await;

    let submit = web
        .find(By::Css("form[action='/relief'] button[type=submit]"))
        .await
        .unwrap();
    click_to_next_page(web, &submit).await;
    let here = path(web).await;
    assert!(here.ends_with("?done=submit"), "{here}");
    let id = case_id(&here);
    assert_eq!(state_badge(web).await, "已提交");
    // The applicant may still withdraw; nothing else is his to do.
    assert_eq!(actions(web).await, ["withdraw"]);
    step(web, shots, "07-case-founder-submitted").await;

    let received = mails(portal, 1).await;
    assert_mail(
        &received,
        "operator.b@example.cn",
        &format!("【孵化】待确认：{ENTITY}的房租减免申请（编号 {id}）"),
    );
    sign_out(web).await;
    id
}

/// The operator finds the application in its inbox and confirms the stay.
async fn operator_confirms(web: &WebDriver, portal: &WorldPortal, shots: &Path, id: i64) {
    sign_in(web, &portal.base, "operator.b", PASSWORD).await;
    let inbox = wait_for(web, By::Css("#todo-title + ul.cards li.card a")).await;
    step(web, shots, "08-operator-dashboard").await;
    click_to_next_page(web, &inbox).await;
    assert_eq!(
        listed(web).await,
        [id],
        "the inbox leads to the application"
    );
    let row = web
        .find(By::Css(format!("table.list a[href='/relief/{id}']")))
        .await
        .unwrap();
    step(web, shots, "09-operator-list").await;
    click_to_next_page(web, &row).await;
    assert_eq!(path(web).await, format!("/relief/{id}"));
    let facts = main_text(web).await;
    assert!(facts.contains(ENTITY) && facts.contains("A-101"), "{facts}");
    let mut offered = actions(web).await;
    offered.sort();
    assert_eq!(offered, ["confirm", "dispute"]);
    step(web, shots, "10-case-operator").await;
    act(web, "confirm").await;
    assert_eq!(path(web).await, format!("/relief/{id}?done=confirm"));
    assert_eq!(state_badge(web).await, "运营机构已确认");

    let received = mails(portal, 2).await;
    assert_mail(
        &received,
        FOUNDER_EMAIL,
        &format!("【孵化】房租减免申请已确认入驻信息（编号 {id}）"),
    );
    sign_out(web).await;
}

/// The district official reads the facts with the trace and approves with a reason.
async fn official_approves(web: &WebDriver, portal: &WorldPortal, shots: &Path, id: i64) {
    sign_in(web, &portal.base, "official.district", PASSWORD).await;
    let inbox = wait_for(web, By::Css("#todo-title + ul.cards li.card a")).await;
    step(web, shots, "11-official-dashboard").await;
    click_to_next_page(web, &inbox).await;
    assert_eq!(
        listed(web).await,
        [id],
        "the inbox leads to the application"
    );

    // The filters live in the URL: street A and carrier A hold nothing of street B.
    let world = &portal.world;
    let street = web.find(By::Id("street")).await.unwrap();
    SelectElement::new(&street)
        .await
        .unwrap()
        .select_by_value(&world.street_a.to_string())
        .await
        .unwrap();
    let filter = web
        .find(By::Css("form.filters button[type=submit]"))
        .await
        .unwrap();
    click_to_next_page(web, &filter).await;
    let here = path(web).await;
    assert!(
        here.contains(&format!("street={}", world.street_a)),
        "{here}"
    );
    assert!(listed(web).await.is_empty());
    open(
        web,
        &portal.url(&format!("/relief?carrier={}", world.carrier_a)),
    )
    .await;
    assert!(listed(web).await.is_empty());
    let filtered = format!(
        "/relief?state=confirmed&street={}&carrier={}",
        world.street_b, world.carrier_b
    );
    open(web, &portal.url(&filtered)).await;
    assert_eq!(listed(web).await, [id]);
    let row = web
        .find(By::Css(format!("table.list a[href='/relief/{id}']")))
        .await
        .unwrap();
    step(web, shots, "12-official-list").await;
    click_to_next_page(web, &row).await;
    assert_eq!(path(web).await, format!("/relief/{id}"));
    // The official sees the trace open, with its clauses.
    let trace = web.find(By::Css("ol.trace")).await.unwrap();
    assert!(trace.is_displayed().await.unwrap());
    assert!(!trace.text().await.unwrap().is_empty());
    let mut offered = actions(web).await;
    offered.sort();
    assert_eq!(offered, ["approve", "reject"]);
    let reason = web.find(By::Id("reason_code")).await.unwrap();
    SelectElement::new(&reason)
        .await
        .unwrap()
        .select_by_value("eligible")
        .await
        .unwrap();
    fill(
        web,
        "text",
        "入驻信息与合同一致，符合政府投资孵化基地租金全免条件。",
    )
    .await;
    step(web, shots, "13-case-official-decision").await;
    let approve = web
        .find(By::Css("button[name=action][value=approve]"))
        .await
        .unwrap();
    click_to_next_page(web, &approve).await;
    assert_eq!(path(web).await, format!("/relief/{id}?done=approve"));
    assert_eq!(state_badge(web).await, "已批准");
    assert!(main_text(web).await.contains("符合政策条件"));

    let received = mails(portal, 4).await;
    let subject = format!("【孵化】房租减免申请已获批准（编号 {id}）");
    assert_mail(&received, FOUNDER_EMAIL, &subject);
    assert_mail(&received, "operator.b@example.cn", &subject);
    sign_out(web).await;
}

/// The founder sees the decision, the ledger with its rows, the letter and the
/// months left.
async fn founder_sees_the_decision(web: &WebDriver, portal: &WorldPortal, shots: &Path, id: i64) {
    sign_in(web, &portal.base, FOUNDER, FOUNDER_PASSWORD).await;
    let badge = web
        .find(By::Css(format!("a[href='/relief/{id}'] .badge")))
        .await
        .unwrap();
    assert_eq!(badge.text().await.unwrap(), "已批准");
    let facts = web
        .find(By::Css(".stay-result .facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("剩余整月数"), "{facts}");
    let left = web
        .find(By::XPath(
            "//dl[contains(@class,'facts')]//div[dt[contains(., '剩余整月数')]]/dd",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let left: u32 = left.trim().parse().unwrap_or_else(|_| panic!("{left:?}"));
    // 2026-11-27 to the window's end on 2027-03-14.
    assert_eq!(left, 3, "months left");
    let notices = texts(web, "#notices-title + ul li").await;
    assert!(notices.len() >= 2, "notices: {notices:?}");
    step(web, shots, "14-founder-dashboard-approved").await;

    let ledger = web
        .find(By::Css(format!(
            "a[href='/stays/{}/ledger']",
            portal.world.other_stay_id
        )))
        .await
        .unwrap();
    click_to_next_page(web, &ledger).await;
    let rows = texts(web, "table.ledger tbody tr").await;
    // From the move-in on 2024-03-15 to "today" (2026-11-27): 33 months.
    assert_eq!(rows.len(), 33, "{rows:?}");
    assert!(rows[0].contains("2024-03"), "{rows:?}");
    assert!(main_text(web).await.contains(ENTITY));
    step(web, shots, "15-ledger").await;

    open(web, &portal.url(&format!("/relief/{id}"))).await;
    assert_eq!(state_badge(web).await, "已批准");
    assert!(
        actions(web).await.is_empty(),
        "a decided case offers nothing"
    );
    step(web, shots, "16-case-founder-approved").await;

    open(web, &portal.url(&format!("/relief/{id}/letter"))).await;
    let letter = web
        .find(By::Css("article.letter"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        letter.contains("决定予以批准") && letter.contains(ENTITY),
        "{letter}"
    );
    step(web, shots, "17-letter").await;
}

#[tokio::test]
async fn rent_relief_from_registration_to_ledger_in_chromium_on_a_desk_and_a_390_px_phone() {
    let Some(chromedriver) = chrome::chromedriver() else {
        return;
    };
    let portal = WorldPortal::start().await;
    let driver = chrome::start_driver(&chromedriver);
    let profile = Profile::new("journey");
    let web = chrome::chromium(&driver, &profile, Screen::Desk(DESK)).await;
    let shots = chrome::screenshot_dir("journey");

    register_and_link(&web, &portal, &shots).await;
    let id = apply(&web, &portal, &shots).await;
    operator_confirms(&web, &portal, &shots, id).await;
    official_approves(&web, &portal, &shots, id).await;
    founder_sees_the_decision(&web, &portal, &shots, id).await;

    // Each email of the journey went out once, and nothing else.
    let received = portal.smtp.messages();
    let seen: Vec<_> = received
        .iter()
        .map(|m| (m.recipients.clone(), m.subject()))
        .collect();
    assert_eq!(received.len(), 4, "{seen:?}");

    web.quit().await.unwrap();
    portal.stop().await;
}
