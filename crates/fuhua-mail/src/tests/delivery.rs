use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use fuhua_core::lang::Lang;
use fuhua_store::outbox::{self, MAX_ATTEMPTS, Mail};
use fuhua_store::testing::TestDb;
use serde_json::json;

use super::{enqueue, href, sample, settings};
use crate::emails::{ReliefDecided, ReliefSubmitted};
use crate::sender::{Mailer, send_due, spawn_sender};
use crate::testing::TestSmtp;

const WAIT: Duration = Duration::from_secs(20);

fn temp_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fuhua-mail-{}", uuid::Uuid::new_v4().simple()))
}

#[tokio::test]
async fn mail_goes_out_over_smtp_with_recipient_subject_and_body() {
    let smtp = TestSmtp::start().await.expect("smtp");
    for db in TestDb::every().await.expect("databases") {
        let before = smtp.messages().len();
        let mailer = Mailer::new(settings(Some(&smtp.url()), &temp_dir())).expect("mailer");
        let submitted = sample::<ReliefSubmitted>("wang.jing@example.cn", Lang::Zh);
        let decided = sample::<ReliefDecided>("li.ming@example.cn", Lang::En);
        let ids = enqueue(&db.store, &[submitted.clone(), decided.clone()]).await;

        let report = send_due(&db.store, &mailer, Utc::now())
            .await
            .expect("pass");
        assert_eq!(
            (report.claimed, report.sent, report.left),
            (2, 2, 0),
            "{report:?}"
        );
        let received = smtp.wait_for(before + 2, WAIT).await.expect("two messages");
        let received = &received[before..];

        let zh = mailer
            .templates()
            .render("relief_submitted", Lang::Zh, &submitted.context)
            .expect("renders");
        let first = &received[0];
        assert_eq!(first.recipients, vec!["wang.jing@example.cn".to_owned()]);
        assert_eq!(first.mail_from, "noreply@fuhua.local");
        assert_eq!(first.to_address().as_deref(), Some("wang.jing@example.cn"));
        assert_eq!(first.to_name().as_deref(), Some("王静"));
        assert_eq!(first.subject().as_deref(), Some(zh.subject.as_str()));
        assert_eq!(
            first.subject().as_deref(),
            Some("【孵化】待确认：青岛蓝海智能科技有限公司的房租减免申请（编号 12）")
        );
        assert!(
            first
                .raw_header("Subject")
                .expect("subject")
                .starts_with("=?utf-8?b?")
        );
        let text = first.text().expect("text body");
        assert!(text.contains("提交人：李明"), "{text}");
        assert!(
            text.contains("办理地址：https://fuhua.example.cn/relief/12"),
            "{text}"
        );
        assert!(
            first
                .html()
                .expect("html body")
                .contains(&href("https://fuhua.example.cn/relief/12"))
        );

        let second = &received[1];
        assert_eq!(second.recipients, vec!["li.ming@example.cn".to_owned()]);
        assert_eq!(
            second.subject().as_deref(),
            Some("[Fuhua] Rent relief application No. 12 approved")
        );
        assert!(
            second
                .text()
                .expect("text")
                .contains("Months of relief remaining: 33")
        );

        for id in ids {
            let entry = outbox::entry(&db.store, id)
                .await
                .expect("read")
                .expect("row");
            assert_eq!(entry.state, "sent");
            assert_eq!(entry.attempts, 1);
            assert!(entry.sent_at.is_some());
        }
        // Nothing is sent twice.
        let again = send_due(&db.store, &mailer, Utc::now())
            .await
            .expect("pass");
        assert_eq!(again.claimed, 0);
        assert_eq!(smtp.messages().len(), before + 2);
        db.drop_db().await.expect("drop");
    }
}

#[tokio::test]
async fn with_the_server_down_mail_stays_queued_and_goes_out_once_it_is_back() {
    let mut smtp = TestSmtp::start().await.expect("smtp");
    for db in TestDb::every().await.expect("databases") {
        // A first mail while the server is up leaves a pooled connection behind.
        let mailer = Mailer::new(settings(Some(&smtp.url()), &temp_dir())).expect("mailer");
        enqueue(
            &db.store,
            &[sample::<ReliefSubmitted>("first@example.cn", Lang::Zh)],
        )
        .await;
        let up = send_due(&db.store, &mailer, Utc::now())
            .await
            .expect("pass");
        assert_eq!(up.sent, 1);
        smtp.stop().await;
        let before = smtp.messages().len();
        let ids = enqueue(
            &db.store,
            &[sample::<ReliefSubmitted>("wang@example.cn", Lang::Zh)],
        )
        .await;
        let t0 = Utc::now();

        let report = send_due(&db.store, &mailer, t0).await.expect("pass");
        assert_eq!(
            (report.sent, report.retrying, report.left),
            (0, 1, 1),
            "{report:?}"
        );
        let entry = outbox::entry(&db.store, ids[0])
            .await
            .expect("read")
            .expect("row");
        assert_eq!(entry.state, "pending");
        assert_eq!(entry.attempts, 1);
        assert!(
            entry.next_attempt_at > t0 + chrono::Duration::seconds(30),
            "{entry:?}"
        );
        assert!(entry.last_error.as_deref().is_some_and(|e| !e.is_empty()));

        smtp.restart().await.expect("same port again");
        // Not due yet: the backoff holds it back.
        let early = send_due(&db.store, &mailer, t0).await.expect("pass");
        assert_eq!((early.claimed, early.left), (0, 1));
        // Once due, it goes out, once.
        let due = send_due(&db.store, &mailer, entry.next_attempt_at)
            .await
            .expect("pass");
        assert_eq!((due.sent, due.left), (1, 0), "{due:?}");
        let received = smtp.wait_for(before + 1, WAIT).await.expect("delivered");
        assert_eq!(
            received[before].recipients,
            vec!["wang@example.cn".to_owned()]
        );
        let entry = outbox::entry(&db.store, ids[0])
            .await
            .expect("read")
            .expect("row");
        assert_eq!((entry.state.as_str(), entry.attempts), ("sent", 2));
        let later = send_due(
            &db.store,
            &mailer,
            entry.next_attempt_at + chrono::Duration::days(1),
        )
        .await
        .expect("pass");
        assert_eq!(later.claimed, 0);
        assert_eq!(smtp.messages().len(), before + 1);
        db.drop_db().await.expect("drop");
    }
}

#[tokio::test]
async fn a_mail_that_never_gets_through_is_marked_failed_after_the_last_attempt() {
    let mut smtp = TestSmtp::start().await.expect("smtp");
    smtp.stop().await;
    let db = TestDb::sqlite().await.expect("db");
    let mailer = Mailer::new(settings(Some(&smtp.url()), &temp_dir())).expect("mailer");
    let ids = enqueue(
        &db.store,
        &[sample::<ReliefSubmitted>("wang@example.cn", Lang::Zh)],
    )
    .await;
    let mut at = Utc::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let report = send_due(&db.store, &mailer, at).await.expect("pass");
        let entry = outbox::entry(&db.store, ids[0])
            .await
            .expect("read")
            .expect("row");
        assert_eq!(entry.attempts, attempt);
        if attempt < MAX_ATTEMPTS {
            assert_eq!((report.retrying, entry.state.as_str()), (1, "pending"));
        } else {
            assert_eq!((report.failed, entry.state.as_str()), (1, "failed"));
        }
        at = entry.next_attempt_at;
    }
    let after = send_due(&db.store, &mailer, at + chrono::Duration::days(30))
        .await
        .expect("pass");
    assert_eq!(after.claimed, 0);
    db.drop_db().await.expect("drop");
}

#[tokio::test]
async fn mail_that_cannot_be_built_fails_at_once_and_the_rest_still_goes() {
    let smtp = TestSmtp::start().await.expect("smtp");
    for db in TestDb::every().await.expect("databases") {
        let before = smtp.messages().len();
        let mailer = Mailer::new(settings(Some(&smtp.url()), &temp_dir())).expect("mailer");
        let good = sample::<ReliefSubmitted>("good@example.cn", Lang::Zh);
        let bad_address = sample::<ReliefSubmitted>("not an address\r\nBcc: x@y", Lang::Zh);
        let unknown = Mail {
            template: "no_such_mail".into(),
            ..good.clone()
        };
        let mut missing = good.clone();
        missing
            .context
            .as_object_mut()
            .expect("object")
            .remove("entity_name");
        let bad_url = Mail {
            context: {
                let mut c = good.context.clone();
                c["url"] = json!("https://evil.example/");
                c
            },
            ..good.clone()
        };
        let ids = enqueue(&db.store, &[bad_address, unknown, missing, bad_url, good]).await;
        let report = send_due(&db.store, &mailer, Utc::now())
            .await
            .expect("pass");
        assert_eq!(
            (report.sent, report.failed, report.retrying, report.left),
            (1, 4, 0, 0),
            "{report:?}"
        );
        let received = smtp.wait_for(before + 1, WAIT).await.expect("the good one");
        assert_eq!(
            received[before].recipients,
            vec!["good@example.cn".to_owned()]
        );
        let expected = [
            "not a valid email address",
            "no_such_mail",
            "relief_submitted",
            "url",
        ];
        for (id, words) in ids.iter().zip(expected) {
            let entry = outbox::entry(&db.store, *id)
                .await
                .expect("read")
                .expect("row");
            assert_eq!(
                (entry.state.as_str(), entry.attempts),
                ("failed", 1),
                "{entry:?}"
            );
            let error = entry.last_error.unwrap_or_default();
            assert!(error.contains(words), "{error}");
        }
        assert_eq!(smtp.messages().len(), before + 1);
        db.drop_db().await.expect("drop");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_on_one_database_send_each_mail_exactly_once() {
    let smtp = TestSmtp::start().await.expect("smtp");
    for db in TestDb::every().await.expect("databases") {
        let before = smtp.messages().len();
        let mut one = settings(Some(&smtp.url()), &temp_dir());
        one.batch = 3;
        let two = one.clone();
        let a = Mailer::new(one).expect("mailer a");
        let b = Mailer::new(two).expect("mailer b");
        assert_ne!(a.worker(), b.worker());
        let other_pool = db.second_pool().await.expect("second pool");
        let mails: Vec<Mail> = (0..30)
            .map(|i| sample::<ReliefSubmitted>(&format!("user{i}@example.cn"), Lang::Zh))
            .collect();
        enqueue(&db.store, &mails).await;

        let store_a = db.store.clone();
        let run_a = tokio::spawn(async move { send_due(&store_a, &a, Utc::now()).await });
        let run_b = tokio::spawn(async move { send_due(&other_pool, &b, Utc::now()).await });
        let (ra, rb) = (
            run_a.await.expect("join").expect("a"),
            run_b.await.expect("join").expect("b"),
        );
        assert_eq!(ra.sent + rb.sent, 30, "{ra:?} {rb:?}");
        assert_eq!(ra.lost_lease + rb.lost_lease, 0);

        let received = smtp.wait_for(before + 30, WAIT).await.expect("thirty");
        let received = &received[before..];
        assert_eq!(received.len(), 30);
        let recipients: BTreeSet<&str> =
            received.iter().map(|m| m.recipients[0].as_str()).collect();
        assert_eq!(recipients.len(), 30, "a recipient got two mails");
        assert_eq!(outbox::count(&db.store, "sent").await.expect("count"), 30);
        db.drop_db().await.expect("drop");
    }
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_a_parseable_eml_file() {
    let db = TestDb::sqlite().await.expect("db");
    let data_dir = temp_dir();
    let mailer = Mailer::new(settings(None, &data_dir)).expect("mailer");
    enqueue(
        &db.store,
        &[sample::<ReliefDecided>("li.ming@example.cn", Lang::Zh)],
    )
    .await;
    let report = send_due(&db.store, &mailer, Utc::now())
        .await
        .expect("pass");
    assert_eq!(report.sent, 1);
    let files: Vec<_> = std::fs::read_dir(data_dir.join("mail"))
        .expect("mail dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&files[0]).expect("read");
    let parsed = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("parses");
    assert_eq!(
        parsed.subject(),
        Some("【孵化】房租减免申请已获批准（编号 12）")
    );
    let to = parsed.to().and_then(|a| a.first()).expect("to");
    assert_eq!(to.address(), Some("li.ming@example.cn"));
    assert!(
        parsed
            .body_text(0)
            .expect("text")
            .contains("减免方式：三年全额免租")
    );
    let _ = std::fs::remove_dir_all(&data_dir);
    db.drop_db().await.expect("drop");
}

#[tokio::test]
async fn the_sender_loop_delivers_what_is_enqueued_and_stops_when_asked() {
    let smtp = TestSmtp::start().await.expect("smtp");
    let db = TestDb::sqlite().await.expect("db");
    let mut loop_settings = settings(Some(&smtp.url()), &temp_dir());
    loop_settings.interval = Duration::from_millis(100);
    let handle = spawn_sender(db.store.clone(), loop_settings).expect("spawned");
    enqueue(
        &db.store,
        &[sample::<ReliefSubmitted>("a@example.cn", Lang::Zh)],
    )
    .await;
    smtp.wait_for(1, WAIT).await.expect("first");
    enqueue(
        &db.store,
        &[sample::<ReliefSubmitted>("b@example.cn", Lang::En)],
    )
    .await;
    let received = smtp.wait_for(2, WAIT).await.expect("second");
    assert_eq!(received[1].recipients, vec!["b@example.cn".to_owned()]);
    tokio::time::timeout(WAIT, handle.stop())
        .await
        .expect("the loop stops");
    assert_eq!(outbox::count(&db.store, "sent").await.expect("count"), 2);
    db.drop_db().await.expect("drop");
}
