//! The `fuhua` binary as an operator uses it. These tests run the built binary
//! (`CARGO_BIN_EXE_fuhua`), each in its own temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fuhua");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuhua-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `fuhua` in `dir` with a clean environment (no FUHUA_* from the caller).
fn fuhua(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    fuhua_with(dir, args, &[], stdin)
}

/// Like [`fuhua`], with these environment variables set.
fn fuhua_with(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command.current_dir(dir).args(args).env("FUHUA_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("FUHUA_") && key != "FUHUA_LOG" {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().copied());
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_names_every_command() {
    let dir = temp_dir("help");
    let out = fuhua(&dir, &["--help"], None);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in ["serve", "migrate", "demo", "user", "audit"] {
        assert!(help.contains(command), "{help}");
    }
    let serve = text(&fuhua(&dir, &["serve", "--help"], None).stdout);
    assert!(
        serve.contains("127.0.0.1:8080")
            && serve.contains("FUHUA_BIND")
            && serve.contains("--demo"),
        "{serve}"
    );
    let unknown = fuhua(&dir, &["frobnicate"], None);
    assert_eq!(unknown.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The README's demo accounts: (username, password) from its table.
fn readme_accounts() -> Vec<(String, String)> {
    let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"));
    let section = readme.split("### Demo accounts").nth(1).unwrap();
    section
        .lines()
        .skip_while(|line| !line.starts_with("| `"))
        .take_while(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line
                .split('|')
                .map(|c| c.trim().trim_matches('`'))
                .collect();
            (cells[1].to_owned(), cells[2].to_owned())
        })
        .collect()
}

#[test]
fn demo_loads_with_its_cases_prints_the_readme_accounts_and_a_second_run_changes_nothing() {
    let dir = temp_dir("demo");
    let out = fuhua(&dir, &["demo"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("loaded the demo district"), "{printed}");
    let count = |table: &str| -> i64 {
        let line = printed
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{table} ")))
            .unwrap_or_else(|| panic!("{table} in {printed}"));
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    let plan = fuhua_demo::plan(fuhua_core::dates::shanghai_today());
    assert_eq!(
        count("relief_applications") as usize,
        plan.cases.relief.len()
    );
    assert_eq!(count("extension_requests"), 1);
    assert!(count("settlement_claims") > 0, "{printed}");
    assert!(count("monthly_reports") > 0, "{printed}");
    let accounts = readme_accounts();
    assert_eq!(accounts.len(), 8);
    for (username, password) in &accounts {
        let line = printed
            .lines()
            .find(|l| l.split_whitespace().next() == Some(username.as_str()))
            .unwrap_or_else(|| panic!("{username} in {printed}"));
        assert!(line.contains(password.as_str()), "{line}");
    }
    // The founders' accounts the cases need are no README accounts: not printed.
    assert!(!printed.contains("founder."), "{printed}");

    let again = fuhua(&dir, &["demo"], None);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("already loaded; nothing changed"),
        "{}",
        text(&again.stdout)
    );
    let verify = fuhua(&dir, &["audit", "verify"], None);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn migrate_creates_the_embedded_database_and_its_private_key() {
    let dir = temp_dir("migrate");
    let out = fuhua(&dir, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("m20261127_000001_create_schema"));
    assert!(dir.join("data/fuhua.db").exists());
    let key = dir.join("data/data.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let status = fuhua(&dir, &["migrate", "--status"], None);
    // Every migration file of the repository is applied, by name.
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/src"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .filter(|name| name.starts_with('m'))
        .collect::<Vec<_>>();
    let listed = text(&status.stdout);
    for name in &files {
        assert!(
            listed.contains(name.as_str()),
            "{name} not applied: {listed}"
        );
    }
    assert!(listed.contains(&format!("{} migrations applied on sqlite", files.len())));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn postgres_without_a_data_key_is_a_clear_startup_error() {
    let dir = temp_dir("pgkey");
    let out = fuhua(
        &dir,
        &[
            "--database-url",
            "postgres://postgres@127.0.0.1:1/none",
            "migrate",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("FUHUA_DATA_KEY is required when running on PostgreSQL"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_first_admin_is_added_with_a_password_from_stdin_and_recorded_in_the_audit_chain() {
    let dir = temp_dir("useradd");
    let out = fuhua(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--name",
            "系统管理员",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created user admin"));
    // The same name twice, a short password and an unknown role are refused.
    let again = fuhua(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--name",
            "x",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("admin"),
        "{}",
        text(&again.stderr)
    );
    let short = fuhua(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "second",
            "--name",
            "x",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(
        text(&short.stderr).contains("at least 10 characters"),
        "{}",
        text(&short.stderr)
    );
    let role = fuhua(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "third",
            "--name",
            "x",
            "--role",
            "king",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(
        text(&role.stderr).contains("unknown role"),
        "{}",
        text(&role.stderr)
    );
    // Work done --as a user that does not exist is refused.
    let ghost = fuhua(&dir, &["--as", "ghost", "demo"], None);
    assert!(
        text(&ghost.stderr).contains("--as ghost: there is no such active user"),
        "{}",
        text(&ghost.stderr)
    );
    // The account's creation is in the audit chain, which verifies.
    let verify = fuhua(&dir, &["audit", "verify"], None);
    assert!(verify.status.success());
    assert!(
        text(&verify.stdout).contains("audit chain intact: 2 rows"),
        "{}",
        text(&verify.stdout)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_data_key_is_not_a_command_line_option() {
    let dir = temp_dir("nokeyflag");
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let joined = format!("--data-key={key}");
    for args in [
        vec!["--data-key", key, "migrate"],
        vec!["migrate", "--data-key", key],
        vec![joined.as_str(), "migrate"],
    ] {
        let out = fuhua(&dir, &args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("unexpected argument '--data-key"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(!dir.join("data").exists(), "nothing was opened");
    for args in [
        &["--help"][..],
        &["migrate", "--help"],
        &["serve", "--help"],
    ] {
        let help = text(&fuhua(&dir, args, None).stdout);
        assert!(!help.contains("--data-key"), "{help}");
    }
    let help = text(&fuhua(&dir, &["--help"], None).stdout);
    assert!(
        help.contains("FUHUA_DATA_KEY") && help.contains("data.key"),
        "{help}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_data_key_comes_from_the_environment_and_keys_the_audit_chain() {
    let dir = temp_dir("envkey");
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let other = "HxwdHhscGxoZGBcWFRQTEhEQDw4NDAsKCQgHBgUEAwI=";
    let add = |username: &str| {
        fuhua_with(
            &dir,
            &[
                "user",
                "add",
                "--username",
                username,
                "--name",
                "x",
                "--password-stdin",
            ],
            &[("FUHUA_DATA_KEY", key)],
            Some("a long enough password\n"),
        )
    };
    let out = add("admin");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !dir.join("data/data.key").exists(),
        "no key file when the environment gives the key"
    );
    let verify = fuhua_with(&dir, &["audit", "verify"], &[("FUHUA_DATA_KEY", key)], None);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stderr));
    let stdout = text(&verify.stdout);
    assert!(
        stdout.contains("scheme: HMAC-SHA-256 chain v1, keyed by HMAC-SHA-256(FUHUA_DATA_KEY"),
        "{stdout}"
    );
    assert!(stdout.contains("audit chain intact: 2 rows"), "{stdout}");
    let head = stdout
        .lines()
        .find_map(|l| l.strip_prefix("head: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let (seq, hash) = head.split_once(':').unwrap();
    assert_eq!(seq, "2");
    assert!(
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{head}"
    );
    // The recorded head stays in the chain as it grows.
    assert!(add("second").status.success());
    let later = fuhua_with(
        &dir,
        &["audit", "verify", "--expect", &head],
        &[("FUHUA_DATA_KEY", key)],
        None,
    );
    assert_eq!(later.status.code(), Some(0), "{}", text(&later.stderr));
    assert!(text(&later.stdout).contains(&format!("recorded head {head} is in the chain")));
    // Each account is two rows: the user and its role.
    assert!(text(&later.stdout).contains("audit chain intact: 4 rows"));
    // A head the chain never reached, or one with another hash, fails.
    let ahead = fuhua_with(
        &dir,
        &["audit", "verify", "--expect", &format!("9:{hash}")],
        &[("FUHUA_DATA_KEY", key)],
        None,
    );
    assert_eq!(ahead.status.code(), Some(1));
    assert!(
        text(&ahead.stderr).contains("before the head recorded outside the database (seq 9)"),
        "{}",
        text(&ahead.stderr)
    );
    let bad = fuhua_with(
        &dir,
        &["audit", "verify", "--expect", "2:nothex"],
        &[("FUHUA_DATA_KEY", key)],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("64 hexadecimal digits"));
    // Under another key the chain does not verify: its hashes are keyed.
    let wrong = fuhua_with(
        &dir,
        &["audit", "verify"],
        &[("FUHUA_DATA_KEY", other)],
        None,
    );
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = text(&wrong.stderr);
    assert!(
        stderr.contains("audit chain BROKEN after checking 1 rows: row seq 1 was changed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not the data key the chain was written with"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_a_terminal_the_password_must_come_from_stdin() {
    let dir = temp_dir("notty");
    let out = fuhua(
        &dir,
        &["user", "add", "--username", "admin", "--name", "x"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--password-stdin"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A running `fuhua serve`, killed on drop.
struct Server {
    child: std::process::Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `fuhua serve` on a free port and waits for its "serving" log line
/// (bounded: 120 s, the demo load included).
fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .arg("serve")
        .args(extra)
        .env("FUHUA_BIND", "127.0.0.1:0")
        .env("FUHUA_LOG", "info")
        .env_remove("FUHUA_DATABASE_URL")
        .env_remove("FUHUA_DATA_DIR")
        .env_remove("FUHUA_DATA_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("serving on http://") {
                let rest = &line[at + "serving on http://".len()..];
                let address: String = rest.chars().take_while(|c| *c != '/').collect();
                let _ = tx.send(address);
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let address = rx
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .expect("fuhua serve did not start");
    Server { child, address }
}

#[tokio::test]
async fn serve_with_no_configuration_creates_the_database_and_answers() {
    let dir = temp_dir("serve");
    let server = serve(&dir, &[]);
    assert!(dir.join("data/fuhua.db").exists());
    let health: serde_json::Value = reqwest::get(format!("http://{}/healthz", server.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");
    let page = reqwest::get(format!("http://{}/", server.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("租金减免测算"));
    drop(server);
    std::fs::remove_dir_all(dir).unwrap();
}
