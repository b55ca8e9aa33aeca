//! `fuhua settle` as an operator of the platform runs it: the built binary, each
//! test in its own temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_fuhua");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuhua-settle-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `fuhua` in `dir` with no FUHUA_* from the caller's environment.
fn fuhua(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.current_dir(dir).args(args).env("FUHUA_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("FUHUA_") && key != "FUHUA_LOG" {
            command.env_remove(key);
        }
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn settle_refuses_a_bad_or_unfinished_quarter_with_a_clear_message() {
    let dir = temp_dir("refuse");
    let bad = fuhua(&dir, &["settle", "--quarter", "2025Q5"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(err.contains("--quarter") && err.contains("2025Q4"), "{err}");

    let future = fuhua(&dir, &["settle", "--quarter", "2099Q1"]);
    assert_eq!(future.status.code(), Some(1));
    let err = text(&future.stderr);
    assert!(
        err.contains("2099-03-31"),
        "the quarter's last day is named: {err}"
    );

    let missing = fuhua(&dir, &["settle"]);
    assert_eq!(
        missing.status.code(),
        Some(2),
        "clap names the missing --quarter"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn settle_generates_the_demo_claims_once() {
    let dir = temp_dir("demo");
    let demo = fuhua(&dir, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let first = fuhua(&dir, &["settle", "--quarter", "2025Q4"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.contains("2025Q4: "), "{out}");
    assert!(out.contains("claims generated"), "{out}");
    let again = fuhua(&dir, &["settle", "--quarter", "2025Q4"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("nothing new to claim"),
        "{}",
        text(&again.stdout)
    );
    std::fs::remove_dir_all(dir).unwrap();
}
