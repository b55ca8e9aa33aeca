//! Signing in on SQLite, and on PostgreSQL when `FUHUA_TEST_PG` is set.

mod links;
mod world;

use chrono::{DateTime, Duration, TimeZone, Utc};
use fuhua_core::Lang;
use fuhua_store::repo::{sessions, signin};
use fuhua_store::testing::TestDb;

use super::*;
use crate::error::ServiceError;
use crate::system::System;
use world::{PASSWORD, add_user, mails};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn policy() -> SessionPolicy {
    SessionPolicy::default()
}

fn is_wrong_credentials(result: &ServiceResult<NewSession>) -> bool {
    matches!(result, Err(ServiceError::Invalid(p)) if p.len() == 1 && p[0].code == "wrong_credentials" && p[0].field == "password")
}

use crate::error::ServiceResult;

#[tokio::test]
async fn a_right_password_opens_a_session_and_wrong_or_unknown_get_one_answer() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        let user = add_user(&db.store, "chen.xy", Some("chen@example.org"), None).await;
        let opened = login(&system, &policy(), " Chen.XY ", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        assert_eq!(opened.user_id, user);
        assert_eq!(opened.token.len(), 43);
        assert!(
            !format!("{opened:?}").contains(&opened.token),
            "Debug hides the token"
        );
        let stored = sessions::find_session(&db.store, &opened.token)
            .await
            .unwrap();
        assert!(stored.is_none(), "the token itself is not the stored id");
        let (actor, info) = session_actor(&system, &policy(), &opened.token, t0())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(actor.user_id, user);
        assert_eq!(actor.username, "chen.xy");
        assert_eq!(info.csrf_token, opened.csrf_token);
        assert_eq!(info.expires_at, t0() + Duration::hours(12));

        let wrong = login(
            &system,
            &policy(),
            "chen.xy",
            "not the password",
            "10.1.1.1",
            t0(),
        )
        .await;
        let unknown = login(
            &system,
            &policy(),
            "nobody.here",
            PASSWORD,
            "10.1.1.1",
            t0(),
        )
        .await;
        assert!(is_wrong_credentials(&wrong), "{wrong:?}");
        assert!(is_wrong_credentials(&unknown), "{unknown:?}");
        assert_eq!(format!("{wrong:?}"), format!("{unknown:?}"));
        let empty = login(&system, &policy(), " ", "", "10.1.1.1", t0()).await;
        assert!(
            matches!(&empty, Err(ServiceError::Invalid(p)) if p.len() == 2),
            "{empty:?}"
        );

        // Every attempt is recorded under the username's keyed hash, never in clear.
        let hash = db
            .store
            .crypto()
            .keyed_hash(signin::LOGIN_USERNAME, "chen.xy");
        let attempts = signin::attempts_for_username(&db.store, &hash)
            .await
            .unwrap();
        assert_eq!(
            attempts,
            vec![
                ("10.1.1.1".to_owned(), signin::Outcome::Success),
                ("10.1.1.1".to_owned(), signin::Outcome::Failure),
            ]
        );
        let audit = db.store.audit_rows(0, 1000).await.unwrap();
        let logins: Vec<_> = audit
            .iter()
            .filter(|r| r.action.starts_with("login:"))
            .collect();
        assert_eq!(logins.len(), 3);
        for row in &audit {
            let text = format!("{row:?}");
            assert!(!text.contains(PASSWORD) && !text.contains("not the password"));
            assert!(
                !text.contains("nobody.here"),
                "unknown usernames only hashed"
            );
        }
        assert!(
            logins
                .iter()
                .all(|r| r.after.as_deref().unwrap_or("").contains("10.1.1.1"))
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn five_failures_lock_an_account_and_an_address_for_fifteen_minutes() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        add_user(&db.store, "chen.xy", None, None).await;
        // Per account: five failures from five addresses.
        for i in 0..5 {
            let r = login(
                &system,
                &policy(),
                "chen.xy",
                "wrong password",
                &format!("10.0.0.{i}"),
                t0(),
            )
            .await;
            assert!(is_wrong_credentials(&r), "{r:?}");
        }
        let locked = login(&system, &policy(), "chen.xy", PASSWORD, "10.9.9.9", t0()).await;
        assert!(matches!(locked, Err(ServiceError::Throttled)), "{locked:?}");
        // The same for an account that does not exist.
        for i in 0..5 {
            let r = login(
                &system,
                &policy(),
                "ghost",
                "wrong password",
                &format!("10.0.1.{i}"),
                t0(),
            )
            .await;
            assert!(is_wrong_credentials(&r), "{r:?}");
        }
        let ghost = login(&system, &policy(), "ghost", PASSWORD, "10.9.9.8", t0()).await;
        assert_eq!(format!("{ghost:?}"), format!("{locked:?}"));
        // The lock lifts 15 minutes after the fifth failure.
        let later = t0() + Duration::minutes(15);
        login(&system, &policy(), "chen.xy", PASSWORD, "10.9.9.9", later)
            .await
            .unwrap();

        // Per address: five failures for five accounts lock the address for all.
        add_user(&db.store, "wang.jg", None, None).await;
        for i in 0..5 {
            let r = login(
                &system,
                &policy(),
                &format!("user{i}"),
                "wrong password",
                "192.0.2.7",
                later,
            )
            .await;
            assert!(is_wrong_credentials(&r), "{r:?}");
        }
        let from_there = login(&system, &policy(), "wang.jg", PASSWORD, "192.0.2.7", later).await;
        assert!(
            matches!(from_there, Err(ServiceError::Throttled)),
            "{from_there:?}"
        );
        login(&system, &policy(), "wang.jg", PASSWORD, "192.0.2.8", later)
            .await
            .unwrap();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes_or_twelve_hours() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        add_user(&db.store, "chen.xy", None, None).await;
        let idle = login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        let seen = |minutes| t0() + Duration::minutes(minutes);
        assert!(
            session_actor(&system, &policy(), &idle.token, seen(29))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            session_actor(&system, &policy(), &idle.token, seen(58))
                .await
                .unwrap()
                .is_some(),
            "use keeps it alive"
        );
        assert!(
            session_actor(&system, &policy(), &idle.token, seen(89))
                .await
                .unwrap()
                .is_none(),
            "31 idle minutes"
        );
        assert!(
            session_actor(&system, &policy(), &idle.token, seen(60))
                .await
                .unwrap()
                .is_none(),
            "an ended session stays ended"
        );

        let busy = login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        let mut minute = 0;
        while minute < 12 * 60 - 20 {
            minute += 20;
            assert!(
                session_actor(&system, &policy(), &busy.token, seen(minute))
                    .await
                    .unwrap()
                    .is_some(),
                "{minute}"
            );
        }
        assert!(
            session_actor(&system, &policy(), &busy.token, seen(12 * 60))
                .await
                .unwrap()
                .is_none(),
            "12 hours"
        );

        // A shorter policy applies to sessions already open.
        let short = SessionPolicy {
            idle: Duration::minutes(5),
            absolute: Duration::hours(1),
        };
        let open = login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        assert!(
            session_actor(&system, &short, &open.token, seen(6))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            session_actor(&system, &policy(), "", t0())
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            session_actor(&system, &policy(), &"x".repeat(500), t0())
                .await
                .unwrap()
                .is_none()
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn each_login_gets_a_new_session_and_logout_ends_it_on_the_server() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        let user = add_user(&db.store, "chen.xy", None, None).await;
        let first = login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        let second = login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        assert_ne!(first.token, second.token);
        assert_ne!(first.csrf_token, second.csrf_token);
        logout(&system, &first.token).await.unwrap();
        assert!(
            session_actor(&system, &policy(), &first.token, t0())
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            session_actor(&system, &policy(), &second.token, t0())
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(sessions::count_sessions(&db.store, user).await.unwrap(), 1);
        logout(&system, &first.token).await.unwrap();
        let audit = db.store.audit_rows(0, 1000).await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|r| r.entity == "sessions" && r.action == "delete")
                .count(),
            1
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_password_change_checks_the_old_one_ends_other_sessions_and_sends_a_mail() {
    for db in TestDb::every().await.unwrap() {
        let system = System::from_store(db.store.clone());
        add_user(&db.store, "chen.xy", Some("chen@example.org"), None).await;
        let here = login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0())
            .await
            .unwrap();
        let there = login(&system, &policy(), "chen.xy", PASSWORD, "10.2.2.2", t0())
            .await
            .unwrap();
        let (actor, _) = session_actor(&system, &policy(), &here.token, t0())
            .await
            .unwrap()
            .unwrap();

        let wrong = change_password(
            &system,
            &actor,
            Some(&here.token),
            "nope",
            "tidal-lantern-47",
            Lang::Zh,
        )
        .await;
        assert!(
            matches!(&wrong, Err(ServiceError::Invalid(p)) if p[0].field == "old_password"),
            "{wrong:?}"
        );
        let weak = change_password(
            &system,
            &actor,
            Some(&here.token),
            PASSWORD,
            "chen.xy-2026-x",
            Lang::Zh,
        )
        .await;
        assert!(
            matches!(&weak, Err(ServiceError::Invalid(p)) if p[0].code == "contains_username"),
            "{weak:?}"
        );
        let common = change_password(
            &system,
            &actor,
            Some(&here.token),
            PASSWORD,
            "1234567890",
            Lang::Zh,
        )
        .await;
        assert!(
            matches!(&common, Err(ServiceError::Invalid(p)) if p[0].code == "common"),
            "{common:?}"
        );

        let ended = change_password(
            &system,
            &actor,
            Some(&here.token),
            PASSWORD,
            "tidal-lantern-47",
            Lang::En,
        )
        .await
        .unwrap();
        assert_eq!(ended, 1);
        assert!(
            session_actor(&system, &policy(), &here.token, t0())
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            session_actor(&system, &policy(), &there.token, t0())
                .await
                .unwrap()
                .is_none()
        );
        assert!(is_wrong_credentials(
            &login(&system, &policy(), "chen.xy", PASSWORD, "10.1.1.1", t0()).await
        ));
        login(
            &system,
            &policy(),
            "chen.xy",
            "tidal-lantern-47",
            "10.1.1.1",
            t0(),
        )
        .await
        .unwrap();

        let sent = mails(&db.store).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to_address, "chen@example.org");
        assert_eq!(sent[0].template, "password_changed");
        assert_eq!(sent[0].lang, "en");
        assert_eq!(sent[0].context["url"], "/account");
        assert_eq!(sent[0].context["recipient_name"], "chen.xy 的名字");
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn the_command_line_finds_active_accounts_by_username() {
    let db = TestDb::sqlite().await.unwrap();
    let system = System::from_store(db.store.clone());
    let id = add_user(&db.store, "official.a", None, None).await;
    let actor = actor_for_username(&system, "official.a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(actor.user_id, id);
    assert!(actor.has(crate::actor::Role::Entrepreneur));
    assert!(
        actor_for_username(&system, "nobody")
            .await
            .unwrap()
            .is_none()
    );
    db.drop_db().await.unwrap();
}

#[test]
fn tokens_compare_in_constant_time_and_only_when_equal() {
    assert!(constant_time_eq("abc", "abc"));
    assert!(!constant_time_eq("abc", "abd"));
    assert!(!constant_time_eq("abc", "abcd"));
    assert_ne!(random_token(), random_token());
}
