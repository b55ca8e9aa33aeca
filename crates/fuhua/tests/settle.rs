//! `fuhua settle` as an operator of the platform runs it: the built binary, each
//! test in its own temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use fuhua_core::Money;
use fuhua_core::vocab::{Founding, FundingSource, Regime};
use fuhua_store::repo::carriers;
use fuhua_store::repo::tenants::{self, NewLedgerRow};
use fuhua_store::{Actor, Store, StoreConfig};

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

/// The latest quarter ended by today ("2026Q3") and its last month ("2026-09").
fn latest_ended_quarter() -> (String, String) {
    use chrono::Datelike;
    let today = fuhua_core::dates::shanghai_today();
    let (year, quarter) = match (today.month() - 1) / 3 {
        0 => (today.year() - 1, 4),
        q => (today.year(), q),
    };
    (
        format!("{year}Q{quarter}"),
        format!("{year}-{:02}", quarter * 3),
    )
}

/// A late-approved relief's month in a street-founded carrier, funded by the
/// street's budget: a carrier × quarter × fund source the demo has not claimed.
async fn add_unclaimed_row(dir: &Path, month: &str) {
    let store = Store::open(&StoreConfig::new(None, &dir.join("data"), None).unwrap())
        .await
        .unwrap();
    let street_carriers: Vec<i64> = carriers::list_carriers(&store)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.founding == Founding::StreetTown)
        .map(|c| c.id)
        .collect();
    let mut stay_id = None;
    for carrier in street_carriers {
        if let Some(stay) = tenants::stays_in_carrier(&store, carrier)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.move_out.is_none())
        {
            stay_id = Some(stay.id);
            break;
        }
    }
    let w = store.write(&Actor::cli()).await.unwrap();
    tenants::add_ledger_rows(
        &w,
        &[NewLedgerRow {
            stay_id: stay_id.unwrap(),
            month: month.to_owned(),
            adjustment: false,
            regime: Regime::FullWaiver,
            funding_source: Some(FundingSource::StreetTownBudget),
            occupied_days: 30,
            days_in_month: 30,
            rent_due: Money::yuan(1200),
            waived: Money::yuan(1200),
            payable: Money::ZERO,
            relief_application_id: None,
        }],
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    store.close().await.unwrap();
}

#[tokio::test]
async fn settle_finds_the_demo_quarters_settled_and_generates_a_new_claim_once() {
    let dir = temp_dir("demo");
    let demo = fuhua(&dir, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let (quarter, last_month) = latest_ended_quarter();

    // The demo settled its quarters through the same use case.
    let settled = fuhua(&dir, &["settle", "--quarter", &quarter]);
    assert!(settled.status.success(), "{}", text(&settled.stderr));
    let out = text(&settled.stdout);
    assert!(out.contains("nothing new to claim"), "{out}");

    // A month not claimed yet: one new claim, then nothing more.
    add_unclaimed_row(&dir, &last_month).await;
    // --as acts as that user: an operator may not generate claims, and an unknown
    // account is named; neither generates anything.
    let operator = fuhua(&dir, &["--as", "operator", "settle", "--quarter", &quarter]);
    assert_eq!(
        operator.status.code(),
        Some(1),
        "{}",
        text(&operator.stdout)
    );
    let nobody = fuhua(&dir, &["--as", "nobody", "settle", "--quarter", &quarter]);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(
        text(&nobody.stderr).contains("--as nobody"),
        "{}",
        text(&nobody.stderr)
    );
    let first = fuhua(&dir, &["settle", "--quarter", &quarter]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.contains(&format!("{quarter}: ")), "{out}");
    assert!(out.contains("1 claims generated"), "{out}");
    let again = fuhua(&dir, &["settle", "--quarter", &quarter]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("nothing new to claim"),
        "{}",
        text(&again.stdout)
    );
    std::fs::remove_dir_all(dir).unwrap();
}
