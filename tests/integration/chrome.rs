//! Headless Chromium through chromedriver for the browser tests. The tests run when
//! `FUHUA_TEST_CHROMEDRIVER` names a chromedriver (CI sets it and installs Debian's
//! chromium, chromium-driver and a CJK font); otherwise each prints "browser test
//! not run" and passes, unless `FUHUA_REQUIRE_BROWSER` asks for them.
//!
//! Waits are thirtyfour's bounded element queries and waiters; nothing sleeps.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

/// How long a page may take to appear after a click or a navigation.
pub const PAGE_WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

/// The chromedriver to use, or `None` after printing why the test does not run.
/// With `FUHUA_REQUIRE_BROWSER` set (CI sets it) a missing chromedriver fails the
/// test instead: a skipped test still reports "ok".
pub fn chromedriver() -> Option<String> {
    match std::env::var("FUHUA_TEST_CHROMEDRIVER") {
        Ok(path) if !path.trim().is_empty() => Some(path),
        _ => {
            assert!(
                std::env::var_os("FUHUA_REQUIRE_BROWSER").is_none(),
                "FUHUA_REQUIRE_BROWSER is set but FUHUA_TEST_CHROMEDRIVER is not"
            );
            eprintln!(
                "browser test not run: set FUHUA_TEST_CHROMEDRIVER=/usr/bin/chromedriver (CI does)"
            );
            None
        }
    }
}

/// chromedriver, stopped when dropped.
pub struct Driver {
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
pub fn start_driver(path: &str) -> Driver {
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

/// A fresh Chromium profile directory, removed when dropped.
pub struct Profile(PathBuf);

impl Profile {
    pub fn new(name: &str) -> Profile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("fuhua-chromium-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Profile(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The screen a session starts with.
#[derive(Debug, Clone, Copy)]
pub enum Screen {
    /// A desk window of this width (CSS px) and 900 px high.
    Desk(u32),
    /// A phone of this width (CSS px) through Chromium's mobile emulation
    /// (headless windows are at least 500 px wide).
    Phone(u32),
}

/// Headless Chromium with a fresh profile, set up for Chinese as the district's
/// users have it.
pub async fn chromium(driver: &Driver, profile: &Profile, screen: Screen) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(
        &std::env::var("FUHUA_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    )
    .unwrap();
    let window = match screen {
        Screen::Desk(width) => format!("--window-size={width},900"),
        Screen::Phone(_) => "--window-size=800,900".to_owned(),
    };
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        "--lang=zh-CN",
        &window,
        &format!("--user-data-dir={}", profile.path().display()),
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_experimental_option(
        "prefs",
        serde_json::json!({"intl.accept_languages": "zh-CN,zh"}),
    )
    .unwrap();
    if let Screen::Phone(width) = screen {
        caps.add_experimental_option(
            "mobileEmulation",
            serde_json::json!({"deviceMetrics": {"width": width, "height": 812, "pixelRatio": 2.0}}),
        )
        .unwrap();
    }
    WebDriver::new(&driver.url, caps).await.unwrap()
}

/// The page's scrolling width against the viewport's, in CSS pixels.
pub async fn widths(web: &WebDriver) -> (i64, i64) {
    let ret = web
        .execute(
            "return [document.scrollingElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let pair: Vec<i64> = ret.convert().unwrap();
    (pair[0], pair[1])
}

/// Asserts that the page does not scroll sideways.
pub async fn assert_fits(web: &WebDriver, name: &str) {
    let (scroll, viewport) = widths(web).await;
    assert!(
        scroll <= viewport,
        "{name}: the page is {scroll} px wide at a {viewport} px viewport"
    );
}

/// Checks the page at a `phone` px wide viewport (no sideways scroll) and saves it
/// at phone and at `desk` width, as `{name}-phone.png` and `{name}-desk.png`.
pub async fn fits_a_phone_and_shoot(
    web: &WebDriver,
    shots: &Path,
    name: &str,
    phone_px: u32,
    desk_px: u32,
) {
    // The pictures show the page, not where the test left the caret.
    web.execute("document.activeElement.blur();", vec![])
        .await
        .unwrap();
    phone(web, phone_px, 844).await;
    let (_, viewport) = widths(web).await;
    assert_eq!(
        viewport,
        i64::from(phone_px),
        "{name}: the viewport is a phone's"
    );
    assert_fits(web, name).await;
    shoot(web, shots, &format!("{name}-phone"), phone_px).await;
    shoot(web, shots, &format!("{name}-desk"), desk_px).await;
}

/// Makes the tab a phone of `width` CSS px (DevTools device emulation, with the
/// page's viewport meta applied) until [`desk`] is called.
pub async fn phone(web: &WebDriver, width: u32, height: u32) {
    web.cdp()
        .send_raw(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 2, "mobile": true}),
        )
        .await
        .unwrap();
}

/// Ends the emulation of [`phone`] or [`full_height`].
pub async fn desk(web: &WebDriver) {
    web.cdp()
        .send_raw(
            "Emulation.clearDeviceMetricsOverride",
            serde_json::json!({}),
        )
        .await
        .unwrap();
}

/// The page's full height at the current width, in CSS px.
async fn page_height(web: &WebDriver) -> u32 {
    let ret = web
        .execute("return document.scrollingElement.scrollHeight;", vec![])
        .await
        .unwrap();
    ret.convert().unwrap()
}

/// Where the screenshots of a run go: `target/screenshots/<set>/` of the workspace.
pub fn screenshot_dir(set: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/screenshots")
        .join(set);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves the whole page (up to 6,000 px high) at `width` CSS px as
/// `<dir>/<name>.png`; a width under 600 px is taken as a phone. The tab is left
/// without emulation.
pub async fn shoot(web: &WebDriver, dir: &Path, name: &str, width: u32) {
    use base64::Engine as _;
    let mobile = width < 600;
    let cdp = web.cdp();
    cdp.send_raw(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}),
    )
    .await
    .unwrap();
    web.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
    let height = page_height(web).await.clamp(600, 6000);
    let shot = cdp
        .send_raw(
            "Page.captureScreenshot",
            serde_json::json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }),
        )
        .await
        .unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    desk(web).await;
}

/// The element of `by`, waiting for it (bounded by [`PAGE_WAIT`]).
pub async fn wait_for(web: &WebDriver, by: By) -> WebElement {
    web.query(by).wait(PAGE_WAIT, POLL).first().await.unwrap()
}

/// Clicks `element` and waits until the page it leads to has replaced this one.
pub async fn click_to_next_page(web: &WebDriver, element: &WebElement) {
    let old = web.find(By::Tag("html")).await.unwrap();
    element.click().await.unwrap();
    old.wait_until()
        .wait(PAGE_WAIT, POLL)
        .stale()
        .await
        .unwrap();
    wait_for(web, By::Css("footer.site-footer")).await;
}

/// Opens `url` and waits for the page to be complete.
pub async fn open(web: &WebDriver, url: &str) {
    web.goto(url).await.unwrap();
    wait_for(web, By::Css("footer.site-footer")).await;
}

/// The current path and query, without the origin.
pub async fn path(web: &WebDriver) -> String {
    let url = web.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// The visible text of the `<main>` element.
pub async fn main_text(web: &WebDriver) -> String {
    web.find(By::Tag("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Replaces the value of the input with `id` by `text`.
pub async fn fill(web: &WebDriver, id: &str, text: &str) {
    let input = web.find(By::Id(id)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Signs in through the login form and waits for the page after it.
pub async fn sign_in(web: &WebDriver, base: &str, username: &str, password: &str) {
    open(web, &format!("{base}/login")).await;
    fill(web, "username", username).await;
    fill(web, "password", password).await;
    let submit = web
        .find(By::Css("form.account-form button[type=submit]"))
        .await
        .unwrap();
    click_to_next_page(web, &submit).await;
}

/// Signs out with the header's button and waits for the page after it.
pub async fn sign_out(web: &WebDriver) {
    let button = web
        .find(By::Css("form.logout button[type=submit]"))
        .await
        .unwrap();
    click_to_next_page(web, &button).await;
    assert!(
        web.find_all(By::Css("form.logout"))
            .await
            .unwrap()
            .is_empty(),
        "signed out"
    );
}
