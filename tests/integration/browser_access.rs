//! The signed-in portal in headless Chromium for people who read English or use
//! only the keyboard: the language link switches a signed-in page to English and
//! the choice holds on the next page; signing in works with Tab, typing and Enter
//! alone, and the focused element shows a visible outline.

use thirtyfour::prelude::*;

use crate::chrome::{
    self, Profile, Screen, assert_fits, click_to_next_page, main_text, open, path, sign_in,
    wait_for,
};
use crate::world::PASSWORD;
use crate::world_portal::WorldPortal;

/// The `lang` attribute of the page.
async fn page_lang(web: &WebDriver) -> String {
    web.find(By::Tag("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_english_switch_on_a_signed_in_page_is_remembered_on_the_next_page() {
    let Some(chromedriver) = chrome::chromedriver() else {
        return;
    };
    let portal = WorldPortal::start().await;
    let driver = chrome::start_driver(&chromedriver);
    let profile = Profile::new("english");
    let web = chrome::chromium(&driver, &profile, Screen::Phone(390)).await;
    let shots = chrome::screenshot_dir("english");

    // The founder of the world (linked, one entity and one stay).
    sign_in(&web, &portal.base, "founder", PASSWORD).await;
    assert_eq!(path(&web).await, "/dashboard");
    assert_eq!(page_lang(&web).await, "zh-CN");
    assert!(main_text(&web).await.contains("我的企业与入驻"));

    let switch = web
        .find(By::Css("nav[aria-label=language] a"))
        .await
        .unwrap();
    assert_eq!(switch.text().await.unwrap(), "English");
    click_to_next_page(&web, &switch).await;
    assert_eq!(path(&web).await, "/dashboard?lang=en");
    assert_eq!(page_lang(&web).await, "en");
    let text = main_text(&web).await;
    assert!(text.contains("My entities and stays"), "{text}");
    assert!(!text.contains("我的企业与入驻"), "{text}");
    assert_fits(&web, "dashboard in English").await;
    chrome::shoot(&web, &shots, "dashboard-en-phone", 390).await;

    // The next page, reached by a plain link, is in English too.
    let ledger = web
        .find(By::Css(format!(
            "a[href='/stays/{}/ledger']",
            portal.world.stay_id
        )))
        .await
        .unwrap();
    click_to_next_page(&web, &ledger).await;
    assert_eq!(
        path(&web).await,
        format!("/stays/{}/ledger", portal.world.stay_id)
    );
    assert_eq!(page_lang(&web).await, "en");
    let heading = web.find(By::Tag("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "My ledger");
    assert_eq!(
        web.find(By::Css("nav[aria-label=language] a"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "中文"
    );
    assert_fits(&web, "ledger in English").await;
    chrome::shoot(&web, &shots, "ledger-en-phone", 390).await;

    web.quit().await.unwrap();
    portal.stop().await;
}

/// The active element's id, tag and outline (style, width in px) as computed.
async fn focused(web: &WebDriver) -> (String, String, String, f64) {
    let ret = web
        .execute(
            "const e = document.activeElement; const s = getComputedStyle(e); \
             return [e.id || '', e.tagName.toLowerCase(), s.outlineStyle, s.outlineWidth];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<String> = ret.convert().unwrap();
    let width = v[3].trim_end_matches("px").parse().unwrap_or(0.0);
    (v[0].clone(), v[1].clone(), v[2].clone(), width)
}

fn assert_outlined(what: &str, style: &str, width: f64) {
    assert!(
        style != "none" && width >= 2.0,
        "{what}: no visible focus outline ({style} {width}px)"
    );
}

#[tokio::test]
async fn signing_in_with_the_keyboard_only_shows_where_the_focus_is() {
    let Some(chromedriver) = chrome::chromedriver() else {
        return;
    };
    let portal = WorldPortal::start().await;
    let driver = chrome::start_driver(&chromedriver);
    let profile = Profile::new("keyboard");
    let web = chrome::chromium(&driver, &profile, Screen::Desk(1280)).await;
    let shots = chrome::screenshot_dir("keyboard");

    open(&web, &portal.url("/login")).await;
    // From the start of the page, Tab walks the skip link and the header's links
    // (each outlined) to the username field.
    let mut stops = Vec::new();
    loop {
        assert!(
            stops.len() < 8,
            "Tab never reached the username field: {stops:?}"
        );
        web.action_chain()
            .send_keys(Key::Tab + "")
            .perform()
            .await
            .unwrap();
        let (id, tag, style, width) = focused(&web).await;
        assert_ne!(tag, "body", "Tab left the page after {stops:?}");
        assert_outlined(&format!("{tag}#{id}"), &style, width);
        if stops.is_empty() {
            chrome::shoot(&web, &shots, "skip-link-focused", 1280).await;
        }
        stops.push(format!("{tag}#{id}"));
        if id == "username" {
            break;
        }
    }
    assert_eq!(stops[0], "a#", "the skip link comes first");
    chrome::shoot(&web, &shots, "username-focused", 1280).await;

    web.action_chain()
        .send_keys("operator.b")
        .send_keys(Key::Tab + "")
        .perform()
        .await
        .unwrap();
    let (id, _, style, width) = focused(&web).await;
    assert_eq!(id, "password", "Tab goes from the username to the password");
    assert_outlined("password", &style, width);

    let old = web.find(By::Tag("html")).await.unwrap();
    web.action_chain()
        .send_keys(PASSWORD)
        .send_keys(Key::Enter + "")
        .perform()
        .await
        .unwrap();
    old.wait_until()
        .wait(chrome::PAGE_WAIT, std::time::Duration::from_millis(100))
        .stale()
        .await
        .unwrap();
    wait_for(&web, By::Css("#todo-title")).await;
    assert_eq!(path(&web).await, "/dashboard");
    assert!(main_text(&web).await.contains("待办"));

    web.quit().await.unwrap();
    portal.stop().await;
}
