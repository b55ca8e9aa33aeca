//! The calculator in a real headless Chromium at phone width (375 px): nothing may
//! scroll sideways, and the form works by plain submission (the pages carry no
//! script). Runs when `FUHUA_TEST_CHROMEDRIVER` names a chromedriver (CI sets it and
//! installs Debian's chromium and chromium-driver).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::helpers::TestApp;

/// chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free loopback port and waits for its "started" line
/// (bounded by 30 s).
fn start_driver(path: &str) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(path)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromedriver at {path}: {e}"));
    let stdout = child.stdout.take().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = BufReader::new(stdout).lines();
    loop {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start within 30 s"
        );
        match lines.next() {
            Some(Ok(line)) if line.contains("started successfully") => break,
            Some(Ok(_)) => continue,
            _ => panic!("chromedriver exited before it started"),
        }
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(
        &std::env::var("FUHUA_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    )
    .unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        &format!("--user-data-dir={}", profile.display()),
    ] {
        caps.add_arg(arg).unwrap();
    }
    // A browser set up for Chinese, as the district's users have it.
    caps.add_arg("--lang=zh-CN").unwrap();
    caps.add_experimental_option(
        "prefs",
        serde_json::json!({"intl.accept_languages": "zh-CN,zh"}),
    )
    .unwrap();
    // Headless windows are at least 500 px wide: emulate the phone's viewport instead.
    caps.add_experimental_option(
        "mobileEmulation",
        serde_json::json!({"deviceMetrics": {"width": 375, "height": 812, "pixelRatio": 2.0}}),
    )
    .unwrap();
    WebDriver::new(&driver.url, caps).await.unwrap()
}

/// The page's width against the viewport's, in CSS pixels.
async fn widths(driver: &WebDriver) -> (i64, i64) {
    let ret = driver
        .execute(
            "return [Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let pair: Vec<i64> = ret.convert().unwrap();
    (pair[0], pair[1])
}

const FULL: &str = "/?calc=1&group=graduate&graduated_on=2019-07-01&s0_kind=incubation_base&s0_founding=social&s0_waives_rent=yes&s0_level=district&s0_valid_from=2020-01-01&s0_status=active&s0_move_in=2023-06-01&s0_move_out=2024-12-31&s0_rent=1500&s1_kind=incubation_base&s1_founding=social&s1_waives_rent=yes&s1_level=municipal&s1_valid_from=2022-05-01&s1_valid_until=2030-04-30&s1_status=active&s1_move_in=2025-01-01&s1_move_out=2025-12-31&s1_rent=1800.50&s2_kind=maker_space&s2_founding=gov_invested&s2_move_in=2026-01-01&s2_rent=99999.99&extension_months=6&project=1";

#[tokio::test]
async fn the_calculator_fits_a_375_px_phone_and_submits_without_script() {
    let Ok(chromedriver) = std::env::var("FUHUA_TEST_CHROMEDRIVER") else {
        eprintln!(
            "browser test not run: set FUHUA_TEST_CHROMEDRIVER=/usr/bin/chromedriver (CI does)"
        );
        return;
    };
    let app = TestApp::spawn().await;
    let driver = start_driver(&chromedriver);
    let profile = std::env::temp_dir().join(format!("fuhua-chromium-{}", std::process::id()));
    let web = browser(&driver, &profile).await;
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser");
    std::fs::create_dir_all(&shots).unwrap();

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
    let _ = std::fs::remove_dir_all(&profile);
    app.stop().await;
}
