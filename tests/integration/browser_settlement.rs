//! From the monthly report to the paid claim in headless Chromium, as people do it,
//! following the pages' links: the operator files October's report (late), an
//! official accepts it, generates the quarter's settlement claim with the button,
//! the operator submits it, the official approves it, finance pays it with a voucher
//! number — and the same claim paid again from a second tab is refused with a clear
//! message, the claim keeping its one payment. Each decision email, and the
//! reminders of a report due and of a window ending, reach the loopback SMTP server.
//! Screenshots under `target/screenshots/settlement/`.

use std::path::Path;
use std::time::{Duration, Instant};

use fuhua_core::Money;
use fuhua_core::vocab::FundingSource;
use fuhua_mail::testing::Received;
use fuhua_service::claims::money_text;
use fuhua_service::finance::{self, FundSourceInput};
use fuhua_service::relief::{self, Decision, DecisionReason};
use fuhua_service::reminders;
use fuhua_store::repo::claims as claim_repo;
use fuhua_store::repo::relief as relief_repo;
use fuhua_store::repo::tenants;
use fuhua_waiver::{ClaimState, ReliefAction};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::chrome::{
    self, Profile, Screen, click_to_next_page, fill, main_text, path, sign_in, sign_out,
};
use crate::helpers::today;
use crate::world::{PASSWORD, World, d};
use crate::world_portal::WorldPortal;

const DESK: u32 = 1280;
const MAIL_WAIT: Duration = Duration::from_secs(30);
const CARRIER: &str = "西海岸新区大学生创业孵化基地";
const OPERATOR_MAIL: &str = "operator.a@example.cn";
const VOUCHER: &str = "记-2026-1127-001";
const SECOND_VOUCHER: &str = "记-2026-1127-002";

/// The founder's relief on carrier A approved through the use cases (its ledger
/// stored from the move-in in 2024 to "today"), and finance's appropriation for
/// 2026 of the fund source the ledger names.
async fn approved_relief_and_budget(world: &World) {
    let system = &world.system;
    let founder = world.actor("founder").await;
    let operator = world.actor("operator.a").await;
    let official = world.actor("official.district").await;
    let id = relief::apply(system, &founder, world.stay_id, today())
        .await
        .unwrap();
    let version = |id| async move {
        relief_repo::find_relief_application(&world.store, id)
            .await
            .unwrap()
            .unwrap()
            .version
    };
    relief::act(
        system,
        &operator,
        id,
        version(id).await,
        ReliefAction::Confirm,
    )
    .await
    .unwrap();
    let yes = Decision {
        approve: true,
        reason: DecisionReason::Eligible,
        text: "符合条件".into(),
    };
    relief::decide(system, &official, id, version(id).await, &yes, today())
        .await
        .unwrap();

    let ledger = tenants::ledger_of_stay(&world.store, world.stay_id)
        .await
        .unwrap();
    let kind = ledger
        .iter()
        .find(|r| r.month == "2026-08")
        .and_then(|r| r.funding_source)
        .expect("an approved ledger row in 2026Q3");
    let finance_user = world.actor("finance").await;
    let input = FundSourceInput {
        kind,
        name: "区财政就业补助资金".into(),
        jurisdiction_id: (kind == FundingSource::StreetTownBudget).then_some(world.street_a),
    };
    let source = finance::add_fund_source(system, &finance_user, &input)
        .await
        .unwrap();
    finance::add_appropriation(system, &finance_user, source, 2026, Money::yuan(100_000))
        .await
        .unwrap();
}

/// Finds the element of `css` and follows it to the next page.
async fn follow(web: &WebDriver, css: &str) {
    let element = found(web, css).await;
    click_to_next_page(web, &element).await;
}

/// The first element of `css`; a failure names the page it is missing from.
async fn found(web: &WebDriver, css: &str) -> WebElement {
    match web.find(By::Css(css)).await {
        Ok(element) => element,
        Err(e) => panic!("no {css} on {}: {e}", path(web).await),
    }
}

async fn text_of(web: &WebDriver, css: &str) -> String {
    found(web, css).await.text().await.unwrap()
}

async fn shoot(web: &WebDriver, shots: &Path, name: &str) {
    web.execute("document.activeElement.blur();", vec![])
        .await
        .unwrap();
    chrome::shoot(web, shots, name, DESK).await;
}

fn seen(received: &[Received]) -> Vec<(Vec<String>, Option<String>)> {
    received
        .iter()
        .map(|m| (m.recipients.clone(), m.subject()))
        .collect()
}

/// How many mails to `to` with the decoded `subject` arrived.
fn count(received: &[Received], to: &str, subject: &str) -> usize {
    received
        .iter()
        .filter(|m| m.recipients == [to.to_owned()] && m.subject().as_deref() == Some(subject))
        .count()
}

/// Waits (bounded by [`MAIL_WAIT`]) until a mail to `to` with `subject` arrived.
async fn arrives(portal: &WorldPortal, to: &str, subject: &str) {
    let deadline = Instant::now() + MAIL_WAIT;
    loop {
        let received = portal.smtp.messages();
        if count(&received, to, subject) > 0 {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "no mail to {to} with subject {subject:?}; received {:?}",
            seen(&received)
        );
        // Wakes at the next message (or at the deadline).
        let _ = portal.smtp.wait_for(received.len() + 1, left).await;
    }
}

/// The operator goes from the dashboard to its carrier, to the carrier's reports,
/// and files October (due 2026-11-10, so late). Returns the report's id.
async fn operator_files_a_report(web: &WebDriver, portal: &WorldPortal, shots: &Path) -> i64 {
    let carrier = portal.world.carrier_a;
    sign_in(web, &portal.base, "operator.a", PASSWORD).await;
    assert_eq!(path(web).await, "/dashboard");
    follow(web, "main a[href='/carriers']").await;
    follow(web, &format!("main a[href='/carriers/{carrier}']")).await;
    follow(web, &format!("main a[href='/reports?carrier={carrier}']")).await;
    let row = text_of(web, "table.list tbody").await;
    assert!(
        row.contains("2026-10") && row.contains("已逾期未报"),
        "{row}"
    );
    follow(
        web,
        &format!("a[href='/reports/file?carrier={carrier}&month=2026-10']"),
    )
    .await;
    let intro = main_text(web).await;
    assert!(
        intro.contains(CARRIER) && intro.contains("2026-11-10"),
        "{intro}"
    );
    for (field, value) in [
        ("tenants", "1"),
        ("jobs", "3"),
        ("service_events", "2"),
        ("financing_raised", "50000"),
        ("exits", "0"),
    ] {
        fill(web, field, value).await;
    }
    // The filing page, with its upload form, fits a 390 px phone.
    chrome::fits_a_phone_and_shoot(web, shots, "1-report-form", 390, DESK).await;
    follow(web, "form[action='/reports'] button[type=submit]").await;
    let here = path(web).await;
    assert!(here.ends_with("?done=submit"), "{here}");
    let id: i64 = here
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a report page: {here}"));
    assert_eq!(text_of(web, ".facts .badge").await, "已提交");
    assert_eq!(text_of(web, ".facts .badge.late").await, "逾期报送");
    assert!(main_text(web).await.contains("50000"));
    shoot(web, shots, "2-report-filed").await;
    sign_out(web).await;
    id
}

/// The district official finds the filed report through the list's filter and
/// accepts it; the operator is told.
async fn official_accepts(web: &WebDriver, portal: &WorldPortal, shots: &Path, id: i64) {
    sign_in(web, &portal.base, "official.district", PASSWORD).await;
    follow(web, "main a[href='/reports']").await;
    let status = web.find(By::Id("status")).await.unwrap();
    SelectElement::new(&status)
        .await
        .unwrap()
        .select_by_value("submitted")
        .await
        .unwrap();
    follow(web, "form.filters button[type=submit]").await;
    let rows = web.find_all(By::Css("table.list tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 1, "only the filed month waits");
    follow(web, &format!("table.list a[href='/reports/{id}']")).await;
    assert_eq!(path(web).await, format!("/reports/{id}"));
    follow(
        web,
        "form[action$='/decide']:has(input[name=action][value=accept]) button[type=submit]",
    )
    .await;
    assert_eq!(path(web).await, format!("/reports/{id}?done=accept"));
    assert_eq!(text_of(web, ".facts .badge").await, "已接收");
    shoot(web, shots, "3-report-accepted").await;
    arrives(
        portal,
        OPERATOR_MAIL,
        &format!("【孵化】月报已接收（{CARRIER} 2026-10）"),
    )
    .await;
}

/// Still signed in, the official generates 2026Q3 with the button (after a quarter
/// that has not ended is refused at the field). Returns the claim's id.
async fn official_generates(web: &WebDriver, portal: &WorldPortal, shots: &Path) -> i64 {
    follow(web, "a[href='/dashboard']").await;
    follow(web, "main a[href='/claims']").await;
    fill(web, "quarter", "2026Q4").await;
    follow(web, "form[action='/claims/generate'] button[type=submit]").await;
    let refused = text_of(web, "#quarter-error").await;
    assert!(refused.contains("2026-12-31"), "{refused}");
    fill(web, "quarter", "2026Q3").await;
    follow(web, "form[action='/claims/generate'] button[type=submit]").await;
    assert_eq!(path(web).await, "/claims?quarter=2026Q3&generated=1");
    let notice = text_of(web, "main p.success").await;
    assert!(notice.contains("已生成结算申请：1"), "{notice}");
    let ids = web
        .find_all(By::Css("table.list tbody th a"))
        .await
        .unwrap();
    assert_eq!(ids.len(), 1, "one carrier, one fund source");
    let id: i64 = ids[0].text().await.unwrap().parse().unwrap();
    let row = text_of(web, "table.list tbody tr").await;
    assert!(
        row.contains(CARRIER) && row.contains(&money_text(Money::yuan(9000))),
        "{row}"
    );
    shoot(web, shots, "4-claims-generated").await;

    // The button again: nothing new, said so.
    fill(web, "quarter", "2026Q3").await;
    follow(web, "form[action='/claims/generate'] button[type=submit]").await;
    assert_eq!(path(web).await, "/claims?quarter=2026Q3&generated=0");
    assert!(text_of(web, "main p.success").await.contains("没有新的"));
    let again = web
        .find_all(By::Css("table.list tbody th a"))
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "running it again changes nothing");
    arrives(
        portal,
        OPERATOR_MAIL,
        &format!("【孵化】{CARRIER}2026年第3季度房租减免结算申请已生成（编号 {id}）"),
    )
    .await;
    sign_out(web).await;
    id
}

/// The operator opens the claim from the dashboard, sees its three months and
/// submits it; the officials are told.
async fn operator_submits(web: &WebDriver, portal: &WorldPortal, shots: &Path, id: i64) {
    sign_in(web, &portal.base, "operator.a", PASSWORD).await;
    follow(web, "main a[href='/claims']").await;
    follow(web, &format!("table.list th a[href='/claims/{id}']")).await;
    let months: Vec<String> = {
        let mut out = Vec::new();
        for th in web.find_all(By::Css("table.list tbody th")).await.unwrap() {
            out.push(th.text().await.unwrap());
        }
        out
    };
    assert_eq!(months, ["2026-07", "2026-08", "2026-09"]);
    assert_eq!(
        text_of(web, ".facts dd").await,
        money_text(Money::yuan(9000))
    );
    shoot(web, shots, "5-claim-operator").await;
    follow(web, "button[name=action][value=submit]").await;
    assert_eq!(path(web).await, format!("/claims/{id}?done=1"));
    assert_eq!(text_of(web, "main .badge").await, "已提交");
    arrives(
        portal,
        "official.district@example.cn",
        &format!("【孵化】待审核：{CARRIER}2026年第3季度结算申请（编号 {id}）"),
    )
    .await;
    sign_out(web).await;
}

/// The official finds the submitted claim by the list's state filter and approves.
async fn official_approves(web: &WebDriver, portal: &WorldPortal, id: i64) {
    sign_in(web, &portal.base, "official.district", PASSWORD).await;
    follow(web, "main a[href='/claims']").await;
    let state = web.find(By::Id("f-state")).await.unwrap();
    SelectElement::new(&state)
        .await
        .unwrap()
        .select_by_value("submitted")
        .await
        .unwrap();
    follow(web, "form[action='/claims'] button[type=submit]").await;
    assert!(path(web).await.contains("state=submitted"));
    follow(web, &format!("table.list th a[href='/claims/{id}']")).await;
    fill(web, "note", "台账与月报一致，同意结算。").await;
    follow(web, "button[name=action][value=approve]").await;
    assert_eq!(path(web).await, format!("/claims/{id}?done=1"));
    assert_eq!(text_of(web, "main .badge").await, "已批准");
    arrives(
        portal,
        OPERATOR_MAIL,
        &format!("【孵化】结算申请已获批准（编号 {id}）"),
    )
    .await;
    sign_out(web).await;
}

/// Finance opens the claim from the finance page in two tabs, pays it in the first,
/// then submits the stale form of the second: refused, one payment kept.
async fn finance_pays_once(web: &WebDriver, portal: &WorldPortal, shots: &Path, id: i64) {
    sign_in(web, &portal.base, "finance", PASSWORD).await;
    follow(web, "main a[href='/finance']").await;
    // The claims waiting for payment link to the claim.
    follow(web, &format!("table.list a[href='/claims/{id}']")).await;
    assert_eq!(text_of(web, "main .badge").await, "已批准");
    // The same page in a second tab, as when the clerk opened it twice.
    let first = web.window().await.unwrap();
    let url = web.current_url().await.unwrap();
    let second = web.new_tab().await.unwrap();
    web.switch_to_window(second.clone()).await.unwrap();
    chrome::open(web, url.as_str()).await;
    assert!(!web.find_all(By::Id("voucher_no")).await.unwrap().is_empty());

    web.switch_to_window(first).await.unwrap();
    fill(web, "voucher_no", VOUCHER).await;
    let date = web.find(By::Id("paid_on")).await.unwrap();
    assert_eq!(date.value().await.unwrap().as_deref(), Some("2026-11-27"));
    follow(web, "button[name=action][value=pay]").await;
    assert_eq!(path(web).await, format!("/claims/{id}?done=1"));
    assert_eq!(text_of(web, "main .badge").await, "已拨付");
    let facts = text_of(web, ".facts").await;
    assert!(
        facts.contains(VOUCHER) && facts.contains("2026-11-27"),
        "{facts}"
    );
    shoot(web, shots, "6-claim-paid").await;

    web.switch_to_window(second).await.unwrap();
    fill(web, "voucher_no", SECOND_VOUCHER).await;
    follow(web, "button[name=action][value=pay]").await;
    assert_eq!(text_of(web, "main h1").await, "无法完成操作");
    let refusal = main_text(web).await;
    assert!(
        refusal.contains("不能重复拨付") && refusal.contains(VOUCHER),
        "{refusal}"
    );
    shoot(web, shots, "7-paid-again-refused").await;

    // From the refusal back to the claim through the pages: one payment.
    follow(web, "main a[href='/dashboard']").await;
    follow(web, "main a[href='/finance']").await;
    let budget = text_of(web, "main table.list tbody").await;
    assert!(budget.contains(&money_text(Money::yuan(9000))), "{budget}");
    assert!(
        !budget.contains(&money_text(Money::yuan(18_000))),
        "{budget}"
    );
    assert!(
        web.find_all(By::Css(format!("a[href='/claims/{id}']")))
            .await
            .unwrap()
            .is_empty(),
        "no longer waiting for payment"
    );
    shoot(web, shots, "8-finance").await;
    follow(web, "a[href='/dashboard']").await;
    follow(web, "main a[href='/claims']").await;
    follow(web, &format!("table.list th a[href='/claims/{id}']")).await;
    let page = main_text(web).await;
    assert!(
        page.contains(VOUCHER) && !page.contains(SECOND_VOUCHER),
        "{page}"
    );
    assert!(web.find_all(By::Id("voucher_no")).await.unwrap().is_empty());
    let claim = claim_repo::find_claim(&portal.world.store, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claim.state, ClaimState::Paid);
    assert_eq!(claim.voucher_no.as_deref(), Some(VOUCHER));
}

#[tokio::test]
async fn a_report_is_accepted_and_the_quarter_claimed_approved_and_paid_once_in_chromium() {
    let Some(chromedriver) = chrome::chromedriver() else {
        return;
    };
    let portal = WorldPortal::start().await;
    approved_relief_and_budget(&portal.world).await;
    let driver = chrome::start_driver(&chromedriver);
    let profile = Profile::new("settlement");
    let web = chrome::chromium(&driver, &profile, Screen::Desk(DESK)).await;
    let shots = chrome::screenshot_dir("settlement");

    let report = operator_files_a_report(&web, &portal, &shots).await;
    official_accepts(&web, &portal, &shots, report).await;
    let claim = official_generates(&web, &portal, &shots).await;
    operator_submits(&web, &portal, &shots, claim).await;
    official_approves(&web, &portal, claim).await;
    finance_pays_once(&web, &portal, &shots, claim).await;
    let paid = format!("【孵化】结算款已拨付（编号 {claim}）");
    arrives(&portal, OPERATOR_MAIL, &paid).await;

    // Reminders: on Monday 2026-12-07 November's reports are due in three working
    // days (Thursday 12-10) at both carriers; October is overdue only at carrier B,
    // since A filed it.
    let system = &portal.world.system;
    let run = reminders::run(system, d(2026, 12, 7)).await.unwrap();
    assert_eq!((run.report_due, run.report_overdue), (2, 1), "{run:?}");
    let due = format!("【孵化】月报将于 2026-12-10 截止（{CARRIER} 2026-11）");
    arrives(&portal, OPERATOR_MAIL, &due).await;
    // 2026-12-14: 90 days before the window ends on 2027-03-14.
    let run = reminders::run(system, d(2026, 12, 14)).await.unwrap();
    assert_eq!(run.window_ending, 1, "{run:?}");
    let window = "【孵化】租金减免期还剩 90 天（青岛陈晓雨科技有限公司）";
    arrives(&portal, "founder@example.cn", window).await;
    arrives(&portal, OPERATOR_MAIL, window).await;

    // Each email of the journey went out once; the refused payment sent nothing
    // (the reminders, queued after it, have arrived).
    let received = portal.smtp.messages();
    for (to, subject) in [
        (
            OPERATOR_MAIL,
            format!("【孵化】月报已接收（{CARRIER} 2026-10）"),
        ),
        (
            OPERATOR_MAIL,
            format!("【孵化】{CARRIER}2026年第3季度房租减免结算申请已生成（编号 {claim}）"),
        ),
        (
            OPERATOR_MAIL,
            format!("【孵化】结算申请已获批准（编号 {claim}）"),
        ),
        (OPERATOR_MAIL, paid.clone()),
        (OPERATOR_MAIL, due.clone()),
    ] {
        assert_eq!(
            count(&received, to, &subject),
            1,
            "{subject}: {:?}",
            seen(&received)
        );
    }

    web.quit().await.unwrap();
    portal.stop().await;
}
