//! The login page: one answer for unknown accounts and wrong passwords, locks,
//! return addresses, cookies and headers.

use std::net::IpAddr;

use fuhua_portal::PortalSettings;

use super::app::AuthApp;

const PASSWORD: &str = "correct-horse-2026";

#[tokio::test]
async fn a_good_login_sets_an_http_only_lax_cookie_and_goes_to_the_dashboard() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let form = app.get("/login", None).await;
    assert_eq!(form.status, 200);
    assert_eq!(form.headers["cache-control"], "no-store");
    assert!(form.body.contains("<label for=\"username\">用户名</label>"));
    assert!(form.body.contains("autocomplete=\"current-password\""));
    assert!(!form.body.contains("<script"));

    let page = app
        .post(
            "/login",
            &[("username", "chen.xy"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/dashboard");
    assert_eq!(page.headers["cache-control"], "no-store");
    let cookie = page.set_cookie("fuhua_session").unwrap();
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure") && !cookie.contains("Max-Age"),
        "{cookie}"
    );
    assert!(page.headers.get("strict-transport-security").is_none());
    let token = page.session_cookie("fuhua_session").unwrap();
    let signed_in = app.get("/account/password", Some(&token)).await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.headers["cache-control"], "no-store");
    assert!(
        signed_in.body.contains("chen.xy 的名字"),
        "the header names the user"
    );
    assert!(signed_in.body.contains("action=\"/logout\""));
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_username_and_a_wrong_password_get_the_same_page() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let wrong = app
        .post(
            "/login",
            &[("username", "chen.xy"), ("password", "wrong-password-1")],
            None,
        )
        .await;
    let again = app
        .post(
            "/login",
            &[("username", "chen.xy"), ("password", "wrong-password-1")],
            None,
        )
        .await;
    let nobody = app
        .post(
            "/login",
            &[
                ("username", "no.such.user"),
                ("password", "wrong-password-1"),
            ],
            None,
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("用户名或密码不正确"));
    assert!(
        wrong.body.contains("value=\"chen.xy\""),
        "the username is kept"
    );
    assert!(
        !wrong.body.contains("wrong-password-1"),
        "the password is not"
    );
    assert_eq!(wrong.body, again.body);
    assert_eq!(
        wrong.body.replace("chen.xy", "X"),
        nobody.body.replace("no.such.user", "X"),
        "an unknown account reads exactly like a wrong password"
    );
    assert_eq!(nobody.status, 400);
    assert!(wrong.set_cookie("fuhua_session").is_none());
    app.stop().await;
}

#[tokio::test]
async fn five_failures_lock_an_address_and_the_lock_reads_the_same_for_any_account() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    for i in 0..5 {
        let page = app
            .post(
                "/login",
                &[
                    ("username", &format!("user{i}")),
                    ("password", "wrong-password-1"),
                ],
                None,
            )
            .await;
        assert_eq!(page.status, 400);
    }
    let real = app
        .post(
            "/login",
            &[("username", "chen.xy"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(real.status, 429);
    assert!(real.body.contains("登录尝试次数过多，请15分钟后再试。"));
    assert!(real.set_cookie("fuhua_session").is_none());
    let ghost = app
        .post(
            "/login",
            &[("username", "chen.xy"), ("password", "anything-else-9")],
            None,
        )
        .await;
    assert_eq!(ghost.body, real.body);
    app.stop().await;
}

#[tokio::test]
async fn five_failures_lock_an_account_whatever_the_address_behind_a_trusted_proxy() {
    let settings = PortalSettings {
        trusted_proxies: vec!["127.0.0.1".parse::<IpAddr>().unwrap()],
        ..PortalSettings::default()
    };
    let app = AuthApp::spawn_with(settings).await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let from = |i: u8| format!("203.0.113.{i}");
    for i in 0..5 {
        assert_eq!(
            attempt(&app, "chen.xy", "wrong-password-1", &from(i))
                .await
                .status,
            400
        );
        assert_eq!(
            attempt(&app, "ghost.user", "wrong-password-1", &from(10 + i))
                .await
                .status,
            400
        );
    }
    let locked = attempt(&app, "chen.xy", PASSWORD, &from(99)).await;
    assert_eq!(
        locked.status, 429,
        "the account is locked from a new address too"
    );
    let ghost = attempt(&app, "ghost.user", PASSWORD, &from(98)).await;
    assert_eq!(ghost.status, 429);
    assert_eq!(
        ghost.body.replace("ghost.user", "X"),
        locked.body.replace("chen.xy", "X"),
        "the lock says nothing about whether the account exists"
    );
    app.stop().await;
}

/// A login through the trusted proxy on behalf of `addr`.
async fn attempt(app: &AuthApp, user: &str, password: &str, addr: &str) -> super::app::Page {
    app.post_with(
        "/login",
        &[("username", user), ("password", password)],
        None,
        &[("origin", &app.address), ("x-forwarded-for", addr)],
    )
    .await
}

#[tokio::test]
async fn x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let origin = app.address.clone();
    for i in 0..5 {
        let page = app
            .post_with(
                "/login",
                &[("username", "chen.xy"), ("password", "wrong-password-1")],
                None,
                &[
                    ("origin", &origin),
                    ("x-forwarded-for", &format!("198.51.100.{i}")),
                ],
            )
            .await;
        assert_eq!(page.status, 400);
    }
    // The address is the peer's, so a forged header does not escape the lock.
    add_then_try(&app, &origin).await;
    let hash = app
        .store
        .crypto()
        .keyed_hash(fuhua_store::repo::signin::LOGIN_USERNAME, "chen.xy");
    let attempts = fuhua_store::repo::signin::attempts_for_username(&app.store, &hash)
        .await
        .unwrap();
    assert!(
        attempts.iter().all(|(addr, _)| addr == "127.0.0.1"),
        "{attempts:?}"
    );
    app.stop().await;
}

async fn add_then_try(app: &AuthApp, origin: &str) {
    app.add_user("wang.jg", PASSWORD, None).await;
    let page = app
        .post_with(
            "/login",
            &[("username", "wang.jg"), ("password", PASSWORD)],
            None,
            &[("origin", origin), ("x-forwarded-for", "192.0.2.200")],
        )
        .await;
    assert_eq!(page.status, 429);
}

#[tokio::test]
async fn after_login_only_a_local_path_is_followed() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    for (next, expected) in [
        ("/account/password?x=1", "/account/password?x=1"),
        ("//evil.com", "/dashboard"),
        ("/\\evil.com", "/dashboard"),
        ("https://evil.com/", "/dashboard"),
        ("evil.com", "/dashboard"),
    ] {
        let form = app
            .get(&format!("/login?next={}", urlencode(next)), None)
            .await;
        if expected == next {
            // HTML-escaped: "/" is written as &#x2f;.
            assert!(
                form.body
                    .contains("name=\"next\" value=\"&#x2f;account&#x2f;password?x=1\""),
                "{}",
                form.body
            );
        } else {
            assert!(form.body.contains("name=\"next\" value=\"\""), "{next}");
        }
        let page = app
            .post(
                "/login",
                &[
                    ("username", "chen.xy"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(page.status, 303);
        assert_eq!(page.location(), expected, "next={next}");
    }
    app.stop().await;
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_under_the_host_prefix_and_hsts_is_sent() {
    let settings = PortalSettings {
        public_origin: "https://fuhua.example.gov.cn".to_owned(),
        https: true,
        ..PortalSettings::default()
    };
    let app = AuthApp::spawn_with(settings).await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let page = app
        .post_with(
            "/login",
            &[("username", "chen.xy"), ("password", PASSWORD)],
            None,
            &[("origin", "https://fuhua.example.gov.cn")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = page.set_cookie("__Host-fuhua_session").unwrap();
    for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Domain"));
    assert!(
        page.headers["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    let token = page.session_cookie("__Host-fuhua_session").unwrap();
    assert_eq!(app.get("/account/password", Some(&token)).await.status, 200);
    assert!(
        app.get("/", None)
            .await
            .headers
            .contains_key("strict-transport-security")
    );
    app.stop().await;
}
