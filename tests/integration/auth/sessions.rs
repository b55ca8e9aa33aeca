//! Sessions over HTTP: a new id at every login, logout and password changes end
//! sessions on the server, timeouts, and the CSRF and Origin checks of forms.

use super::app::AuthApp;

const PASSWORD: &str = "correct-horse-2026";

#[tokio::test]
async fn a_login_never_keeps_the_session_id_the_browser_came_with() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    app.add_user("wang.jg", PASSWORD, None).await;
    let first = app.login("chen.xy", PASSWORD).await;
    // A planted (or old) cookie is replaced, and the old session ends.
    let page = app
        .post(
            "/login",
            &[("username", "wang.jg"), ("password", PASSWORD)],
            Some(&first),
        )
        .await;
    assert_eq!(page.status, 303);
    let second = page.session_cookie("fuhua_session").unwrap();
    assert_ne!(first, second);
    assert_eq!(app.get("/account/password", Some(&first)).await.status, 303);
    let now = app.get("/account/password", Some(&second)).await;
    assert!(now.body.contains("wang.jg 的名字"));
    // A made-up cookie opens nothing and is never adopted.
    let made_up = "A".repeat(43);
    let page = app
        .post(
            "/login",
            &[("username", "chen.xy"), ("password", PASSWORD)],
            Some(&made_up),
        )
        .await;
    assert_ne!(page.session_cookie("fuhua_session").unwrap(), made_up);
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let token = app.login("chen.xy", PASSWORD).await;
    let page = app.get("/account/password", Some(&token)).await;
    let csrf = page.csrf();
    let out = app.post("/logout", &[("csrf", &csrf)], Some(&token)).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/");
    assert!(
        out.set_cookie("fuhua_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    // The old cookie, replayed, no longer opens anything.
    let replay = app.get("/account/password", Some(&token)).await;
    assert_eq!(replay.status, 303);
    assert_eq!(replay.location(), "/login?next=%2Faccount%2Fpassword");
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_but_not_this_one() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, Some("chen@example.org"))
        .await;
    let here = app.login("chen.xy", PASSWORD).await;
    let there = app.login("chen.xy", PASSWORD).await;
    let csrf = app.get("/account/password", Some(&here)).await.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("old_password", PASSWORD),
        ("new_password", "tidal-lantern-47"),
        ("new_password_confirm", "tidal-lantern-47"),
    ];
    let page = app.post("/account/password", &form, Some(&here)).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/account/password?changed=1");
    let done = app.get("/account/password?changed=1", Some(&here)).await;
    assert!(done.body.contains("密码已修改"));
    assert_eq!(app.get("/account/password", Some(&there)).await.status, 303);
    app.login("chen.xy", "tidal-lantern-47").await;

    // A wrong current password is named at its field; nothing typed comes back.
    let csrf = done.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("old_password", "not-it-at-all"),
        ("new_password", "another-lantern-48"),
        ("new_password_confirm", "another-lantern-48"),
    ];
    let page = app.post("/account/password", &form, Some(&here)).await;
    assert_eq!(page.status, 400);
    assert!(
        page.body
            .contains("id=\"old_password-error\">当前密码不正确")
    );
    assert!(!page.body.contains("another-lantern-48") && !page.body.contains("not-it-at-all"));
    app.stop().await;
}

#[tokio::test]
async fn sessions_idle_for_thirty_minutes_or_older_than_twelve_hours_end() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    let idle = app.login("chen.xy", PASSWORD).await;
    let old = app.login("chen.xy", PASSWORD).await;
    let fresh = app.login("chen.xy", PASSWORD).await;
    let db = app.db.as_ref().unwrap();
    let id = |token: &str| fuhua_store::repo::sessions::session_id_of(token);
    let minutes_ago = |m: i64| (chrono::Utc::now() - chrono::Duration::minutes(m)).to_rfc3339();
    db.raw(&format!(
        "UPDATE sessions SET last_seen_at = '{}' WHERE id = '{}'",
        minutes_ago(31),
        id(&idle)
    ))
    .await
    .unwrap();
    db.raw(&format!(
        "UPDATE sessions SET created_at = '{}', last_seen_at = '{}' WHERE id = '{}'",
        minutes_ago(12 * 60),
        minutes_ago(1),
        id(&old)
    ))
    .await
    .unwrap();
    assert_eq!(app.get("/account/password", Some(&idle)).await.status, 303);
    assert_eq!(app.get("/account/password", Some(&old)).await.status, 303);
    assert_eq!(app.get("/account/password", Some(&fresh)).await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_or_from_another_origin_is_refused() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    app.add_user("wang.jg", PASSWORD, None).await;
    let token = app.login("chen.xy", PASSWORD).await;
    let other = app.login("wang.jg", PASSWORD).await;
    let csrf = app.get("/account/password", Some(&token)).await.csrf();
    let others_csrf = app.get("/account/password", Some(&other)).await.csrf();
    let change = |csrf: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("old_password".to_owned(), PASSWORD.to_owned()),
            ("new_password".to_owned(), "tidal-lantern-47".to_owned()),
            (
                "new_password_confirm".to_owned(),
                "tidal-lantern-47".to_owned(),
            ),
        ]
    };
    let as_refs = |v: &Vec<(String, String)>| -> Vec<(String, String)> { v.clone() };
    for bad in ["", "wrong", others_csrf.as_str()] {
        let form = as_refs(&change(bad));
        let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let page = app.post("/account/password", &form, Some(&token)).await;
        assert_eq!(page.status, 403, "csrf {bad:?}");
        assert!(
            page.body.contains("页面已过期"),
            "a page in the user's language"
        );
    }
    let missing = [
        ("old_password", PASSWORD),
        ("new_password", "tidal-lantern-47"),
        ("new_password_confirm", "tidal-lantern-47"),
    ];
    assert_eq!(
        app.post("/account/password", &missing, Some(&token))
            .await
            .status,
        403
    );
    let good: Vec<(String, String)> = change(&csrf);
    let good: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("referer", "https://evil.example/page")],
        vec![],
    ] {
        let page = app
            .post_with("/account/password", &good, Some(&token), &headers)
            .await;
        assert_eq!(page.status, 403, "{headers:?}");
    }
    let english = app
        .post_with(
            "/account/password",
            &good,
            Some(&token),
            &[
                ("origin", "https://evil.example"),
                ("accept-language", "en"),
            ],
        )
        .await;
    assert_eq!(english.status, 403);
    assert!(english.body.contains("The page has expired"));
    // Login and registration have no session yet: the Origin check alone guards them.
    let login = app
        .post_with(
            "/login",
            &[("username", "chen.xy"), ("password", PASSWORD)],
            None,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(login.status, 403);
    assert!(login.set_cookie("fuhua_session").is_none());
    // Nothing above changed the password.
    app.login("chen.xy", PASSWORD).await;
    // The same form with the token and from this site goes through.
    let page = app.post("/account/password", &good, Some(&token)).await;
    assert_eq!(page.status, 303);
    app.stop().await;
}

#[tokio::test]
async fn signed_in_pages_send_visitors_to_the_login_page_and_back() {
    let app = AuthApp::spawn().await;
    app.add_user("chen.xy", PASSWORD, None).await;
    for path in ["/account/password", "/account/link", "/operator/links"] {
        let page = app.get(path, None).await;
        assert_eq!(page.status, 303, "{path}");
        assert!(page.location().starts_with("/login?next=%2F"), "{path}");
        assert_eq!(page.headers["cache-control"], "no-store");
    }
    let page = app.post("/logout", &[("csrf", "x")], None).await;
    assert_eq!(page.status, 303);
    assert!(page.location().starts_with("/login"));
    // An entrepreneur is no operator.
    let token = app.login("chen.xy", PASSWORD).await;
    assert_eq!(app.get("/operator/links", Some(&token)).await.status, 403);
    assert_eq!(
        app.get("/register", None).await.headers["cache-control"],
        "no-store"
    );
    app.stop().await;
}
