//! `fuhua remind`: runs the reminders once; running it again sends nothing new.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fuhua");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuhua-remind-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fuhua(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.current_dir(dir).args(args).env("FUHUA_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("FUHUA_") && key != "FUHUA_LOG" {
            command.env_remove(key);
        }
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn remind_sends_each_reminder_once_however_often_it_runs() {
    let dir = temp_dir("twice");
    assert!(fuhua(&dir, &["demo"]).status.success());
    let first = fuhua(&dir, &["remind", "--today", "2026-11-05"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let first = text(&first.stdout);
    assert!(first.starts_with("2026-11-05: "), "{first}");
    const NOTHING: &str = "0 window, 0 report due, 0 report overdue, 0 claim reminders";
    assert!(
        !first.contains(NOTHING),
        "the demo district has reminders due: {first}"
    );
    let again = fuhua(&dir, &["remind", "--today", "2026-11-05"]);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains(&format!("{NOTHING} (0 emails)")),
        "{}",
        text(&again.stdout)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_day_that_is_not_a_date_is_refused_with_a_message() {
    let dir = temp_dir("bad-day");
    let out = fuhua(&dir, &["remind", "--today", "2026-13-01"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("YYYY-MM-DD"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}
