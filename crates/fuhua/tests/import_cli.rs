//! `fuhua import tenants` as an operator's office runs it: a dry run, a rejected
//! file (exit 1 with the report, values masked), an import (exit 0), the same file
//! again (its stays now overlap), `--as` scoping, and the audit actor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use fuhua_store::repo::{carriers, people};
use fuhua_store::{Store, StoreConfig};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_fuhua");

const HEADER: &str = "企业名称,统一社会信用代码,负责人姓名,负责人身份证号,人员类别,毕业日期,入驻日期,退出日期,月租金,面积,带动就业人数";
const ROWS: [&str; 2] = [
    "青岛海之韵旅游文化有限公司,91370211MA3UEJ7Q5N,韩梅,370211197906198080,其他,,2025-08-18,,1500.00,45.5,3",
    "青岛北岸数据服务有限公司,91370211MA3C331P9P,曹宇,370211197510067535,高校毕业生,2024-07-01,2025-08-18,,1500.00,45.5,3",
];

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuhua-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `fuhua` in `dir` with no FUHUA_* settings from the caller.
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

async fn store(dir: &Path) -> Store {
    Store::open(&StoreConfig::new(None, &dir.join("data"), None).unwrap())
        .await
        .unwrap()
}

/// A carrier the demo operator keeps and one it does not.
async fn carriers_of_demo_operator(dir: &Path) -> (i64, i64) {
    let store = store(dir).await;
    let operator = people::find_user(&store, "operator")
        .await
        .unwrap()
        .unwrap();
    let org = operator.roles[0].organisation_id;
    let all = carriers::list_carriers(&store).await.unwrap();
    let own = all.iter().find(|c| c.operator_org_id == org).unwrap().id;
    let other = all.iter().find(|c| c.operator_org_id != org).unwrap().id;
    store.close().await.unwrap();
    (own, other)
}

async fn last_actors(dir: &Path, n: usize) -> Vec<String> {
    let store = store(dir).await;
    let rows = store.audit_rows(0, 1_000_000).await.unwrap();
    store.close().await.unwrap();
    rows[rows.len() - n..]
        .iter()
        .map(|r| r.actor.clone())
        .collect()
}

#[tokio::test]
async fn a_tenant_roll_is_checked_then_imported_from_the_command_line() {
    let dir = temp_dir("tenants");
    let demo = fuhua(&dir, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let (own, other) = carriers_of_demo_operator(&dir).await;
    let own_arg = own.to_string();
    let good = dir.join("roll.csv");
    std::fs::write(
        &good,
        format!("\u{feff}{HEADER}\r\n{}\r\n{}\r\n", ROWS[0], ROWS[1]),
    )
    .unwrap();
    let good_arg = good.to_str().unwrap();

    // A dry run: every row good, nothing written.
    let out = fuhua(
        &dir,
        &[
            "import",
            "tenants",
            "--carrier",
            &own_arg,
            good_arg,
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"rows": 2, "imported": 0, "errors": []})
    );

    // A file with a bad row: exit 1, the report names the row and column, masked.
    let bad = dir.join("bad.csv");
    let broken = ROWS[1].replace("370211197510067535", "3.70211E+17");
    std::fs::write(&bad, format!("{HEADER}\n{}\n{broken}\n", ROWS[0])).unwrap();
    let out = fuhua(
        &dir,
        &[
            "import",
            "tenants",
            "--carrier",
            &own_arg,
            bad.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["rows"].as_u64(), report["imported"].as_u64()),
        (Some(2), Some(0))
    );
    let error = &report["errors"][0];
    assert_eq!(error["row"], 3);
    assert_eq!(error["column"], "负责人身份证号");
    assert_eq!(error["code"], "number_cell");
    assert_eq!(error["value"], "3.70***E+17");
    assert!(error["message"].as_str().unwrap().contains("文本格式"));

    // Another operator's carrier is not found for --as operator.
    let out = fuhua(
        &dir,
        &[
            "--as",
            "operator",
            "import",
            "tenants",
            "--carrier",
            &other.to_string(),
            good_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no such carrier"),
        "{}",
        text(&out.stderr)
    );

    // The import: exit 0, recorded under the operator named by --as.
    let out = fuhua(
        &dir,
        &[
            "--as",
            "operator",
            "import",
            "tenants",
            "--carrier",
            &own_arg,
            good_arg,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("已全部导入"),
        "{}",
        text(&out.stdout)
    );
    assert!(last_actors(&dir, 6).await.iter().all(|a| a == "operator"));

    // The same file again: both stays now overlap those just recorded; nothing is
    // written and the IDs stay masked.
    let out = fuhua(
        &dir,
        &[
            "import",
            "tenants",
            "--carrier",
            &own_arg,
            good_arg,
            "--format",
            "json",
            "--lang",
            "en",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("370211197906198080"), "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<_> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (2, "overlapping_stay".into()),
            (3, "overlapping_stay".into())
        ]
    );
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("to now")
    );

    // Text output, as the system actor: a file that is not a spreadsheet.
    let pdf = dir.join("scan.pdf");
    std::fs::write(&pdf, b"%PDF-1.7 scanned roll").unwrap();
    let out = fuhua(
        &dir,
        &[
            "import",
            "tenants",
            "--carrier",
            &own_arg,
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(".xlsx"), "{}", text(&out.stdout));
    let verify = fuhua(&dir, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_file_or_user_is_a_clear_error() {
    let dir = temp_dir("missing");
    let out = fuhua(
        &dir,
        &["import", "tenants", "--carrier", "1", "nowhere.xlsx"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("nowhere.xlsx"),
        "{}",
        text(&out.stderr)
    );
    let out = fuhua(
        &dir,
        &[
            "--as",
            "ghost",
            "import",
            "tenants",
            "--carrier",
            "1",
            "x.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("ghost"), "{}", text(&out.stderr));
    let help = text(&fuhua(&dir, &["import", "tenants", "--help"]).stdout);
    assert!(
        help.contains("--dry-run") && help.contains("--format"),
        "{help}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
