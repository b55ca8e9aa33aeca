//! Mail from the command line and from `fuhua serve`: the outbox goes out as `.eml`
//! files without SMTP, and over SMTP to a loopback server while serving.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use fuhua_core::lang::Lang;
use fuhua_mail::emails::{Email, PasswordChanged};
use fuhua_mail::testing::TestSmtp;
use fuhua_store::{Actor, Store, StoreConfig, outbox};

const BIN: &str = env!("CARGO_BIN_EXE_fuhua");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuhua-mail-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `fuhua` in `dir` with no FUHUA_* setting from the caller except `env`.
fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir).args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("FUHUA_") {
            command.env_remove(key);
        }
    }
    command.env("FUHUA_LOG", "warn").envs(env.iter().copied());
    command
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(dir, args, env)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Migrates the embedded database in `dir/data` and enqueues one mail to `to`.
async fn enqueue_one(dir: &Path, to: &str) {
    let out = run(dir, &["migrate"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = StoreConfig::new(None, &dir.join("data"), None).unwrap();
    let store = Store::open(&config).await.unwrap();
    let w = store.write(&Actor::cli()).await.unwrap();
    let mail = fuhua_mail::outbox_mail(to, Lang::Zh, &PasswordChanged::sample()).unwrap();
    outbox::enqueue(&w, &mail).await.unwrap();
    w.commit().await.unwrap();
    store.close().await.unwrap();
}

#[tokio::test]
async fn mail_send_writes_due_mail_as_eml_files_without_smtp() {
    let dir = temp_dir("send");
    enqueue_one(&dir, "li.ming@example.cn").await;
    let out = run(&dir, &["mail", "send"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("sent 1,") && report.contains("left pending 0"),
        "{report}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.join("data/mail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let raw = text(&std::fs::read(&files[0]).unwrap());
    assert!(raw.contains("To: =?utf-8?b?"), "{raw}");
    assert!(raw.contains("<li.ming@example.cn>"), "{raw}");
    // Nothing is left to send the second time.
    let again = text(&run(&dir, &["mail", "send"], &[]).stdout);
    assert!(again.contains("sent 0,"), "{again}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bad_mail_setting_is_a_clear_error() {
    let dir = temp_dir("bad");
    for (key, value) in [
        ("FUHUA_SMTP_URL", "http://mail.example.cn"),
        ("FUHUA_MAIL_FROM", "not an address"),
        ("FUHUA_PUBLIC_URL", "ftp://fuhua.example.cn"),
    ] {
        let out = run(&dir, &["mail", "send"], &[(key, value)]);
        assert_eq!(out.status.code(), Some(1));
        let error = text(&out.stderr);
        assert!(error.contains(key), "{error}");
    }
    let secret = run(
        &dir,
        &["mail", "send"],
        &[(
            "FUHUA_SMTP_URL",
            "smtp://user:hunter2@127.0.0.1:1/?tls=bogus",
        )],
    );
    assert_eq!(secret.status.code(), Some(1));
    let error = text(&secret.stderr);
    assert!(
        error.contains("FUHUA_SMTP_URL") && !error.contains("hunter2"),
        "{error}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_sends_the_outbox_over_smtp() {
    let dir = temp_dir("serve");
    enqueue_one(&dir, "wang.jing@example.cn").await;
    let smtp = TestSmtp::start().await.unwrap();
    let url = smtp.url();
    let mut child = command(
        &dir,
        &["serve"],
        &[
            ("FUHUA_BIND", "127.0.0.1:0"),
            ("FUHUA_LOG", "info"),
            ("FUHUA_SMTP_URL", &url),
            ("FUHUA_PUBLIC_URL", "https://fuhua.example.cn"),
        ],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    // Drain the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in BufReader::new(stderr).lines().map_while(Result::ok) {});
    let received = smtp.wait_for(1, Duration::from_secs(60)).await.unwrap();
    assert_eq!(
        received[0].recipients,
        vec!["wang.jing@example.cn".to_owned()]
    );
    assert_eq!(
        received[0].subject().as_deref(),
        Some("【孵化】您的登录密码已修改")
    );
    assert!(
        received[0]
            .text()
            .unwrap()
            .contains("https://fuhua.example.cn/login")
    );
    drop(server);
    std::fs::remove_dir_all(dir).unwrap();
}
