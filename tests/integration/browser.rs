//! The calculator in a real headless Chromium at phone width (375 px): nothing may
//! scroll sideways, and the form works by plain submission (the pages carry no
//! script). Runs when `FUHUA_TEST_CHROMEDRIVER` names a chromedriver (CI sets it and
//! installs Debian's chromium and chromium-driver).

use thirtyfour::prelude::*;

use crate::chrome::{self, Profile, Screen, widths};
use crate::helpers::TestApp;

const FULL: &str = "/?calc=1&group=graduate&graduated_on=2019-07-01&s0_kind=incubation_base&s0_founding=social&s0_waives_rent=yes&s0_level=district&s0_valid_from=2020-01-01&s0_status=active&s0_move_in=2023-06-01&s0_move_out=2024-12-31&s0_rent=1500&s1_kind=incubation_base&s1_founding=social&s1_waives_rent=yes&s1_level=municipal&s1_valid_from=2022-05-01&s1_valid_until=2030-04-30&s1_status=active&s1_move_in=2025-01-01&s1_move_out=2025-12-31&s1_rent=1800.50&s2_kind=maker_space&s2_founding=gov_invested&s2_move_in=2026-01-01&s2_rent=99999.99&extension_months=6&project=1";

#[tokio::test]
async fn the_calculator_fits_a_375_px_phone_and_submits_without_script() {
    let Some(chromedriver) = chrome::chromedriver() else {
        return;
    };
    let app = TestApp::spawn().await;
    let driver = chrome::start_driver(&chromedriver);
    let profile = Profile::new("calculator");
    let web = chrome::chromium(&driver, &profile, Screen::Phone(375)).await;
    let shots = chrome::screenshot_dir("calculator");

    let bad = "/?calc=1&group=graduate&s0_move_in=2025-02-30&s0_rent=-3&s1_move_in=2024-01-01&s1_move_out=2023-01-01&s1_rent=1";
    let pages = [
        ("blank", "/".to_owned()),
        ("full-result", FULL.to_owned()),
        ("errors", bad.to_owned()),
        ("not-found", "/no/such/page".to_owned()),
        // Last: choosing English is remembered in a cookie for the pages after it.
        ("full-result-en", format!("{FULL}&lang=en")),
    ];
    for (name, path) in &pages {
        web.goto(app.url(path)).await.unwrap();
        let (scroll, viewport) = widths(&web).await;
        assert_eq!(viewport, 375, "{name}: the viewport is a phone's");
        assert!(
            scroll <= viewport,
            "{name}: the page is {scroll} px wide at a {viewport} px viewport"
        );
        std::fs::write(
            shots.join(format!("{name}.png")),
            web.screenshot_as_png().await.unwrap(),
        )
        .unwrap();
        let has_result = !web
            .find_all(By::Id("result-title"))
            .await
            .unwrap()
            .is_empty();
        assert_eq!(has_result, name.starts_with("full-result"), "{name}");
    }

    // Plain form submission: change the rent of the result page and submit.
    web.goto(app.url(FULL)).await.unwrap();
    let rent = web.find(By::Id("s0_rent")).await.unwrap();
    rent.clear().await.unwrap();
    rent.send_keys("2000").await.unwrap();
    let before = web.find(By::Id("result-title")).await.unwrap();
    web.find(By::Css("form.calculator button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The old page goes away when the new one loads (a bounded wait inside thirtyfour).
    before.wait_until().stale().await.unwrap();
    let url = web.current_url().await.unwrap();
    assert!(url.as_str().contains("s0_rent=2000"), "{url}");
    let title = web.find(By::Id("result-title")).await.unwrap();
    assert_eq!(
        title.text().await.unwrap(),
        "Result",
        "the English chosen before is remembered"
    );
    assert!(
        web.find_all(By::Css(".error-summary"))
            .await
            .unwrap()
            .is_empty()
    );

    web.quit().await.unwrap();
    app.stop().await;
}
