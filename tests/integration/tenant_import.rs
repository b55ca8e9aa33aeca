//! Importing a tenant roll through the use case, on SQLite and PostgreSQL: every
//! case under tests/cases/import (accepted cases write exactly their rows, rejected
//! ones nothing), a row overlapping a stay already recorded, validation that writes
//! nothing, and scope.

use std::path::PathBuf;

use fuhua_service::ServiceError;
use fuhua_service::tenants::Acting;
use fuhua_service::tenants::import::{self, ImportReport};
use fuhua_store::repo;
use fuhua_store::testing::TestDb;
use serde_json::Value;

use crate::helpers::today;
use crate::world::{self, World};

fn quiet(_: usize, _: usize) {}

pub fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases/import")
}

/// Every case: (name, file bytes, expected outcome).
pub fn cases() -> Vec<(String, Vec<u8>, Value)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(cases_dir()).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(name) = file.strip_suffix(".expected.json") else {
            continue;
        };
        let data = std::fs::read_dir(cases_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let f = p.file_name().unwrap().to_string_lossy().into_owned();
                f.starts_with(name) && !f.ends_with(".json")
            })
            .unwrap();
        let expected = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        cases.push((name.to_owned(), std::fs::read(data).unwrap(), expected));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(cases.len(), 7);
    cases
}

/// The (row, column) pairs an expected outcome lists as errors.
pub fn expected_errors(expected: &Value) -> Vec<(u32, String)> {
    let mut errors: Vec<(u32, String)> = expected["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["row"].as_u64().unwrap() as u32,
                        e["column"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    errors.sort();
    errors
}

fn error_cells(report: &ImportReport) -> Vec<(u32, String)> {
    let mut cells: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.row.unwrap_or(0), e.column.clone()))
        .collect();
    cells.sort();
    cells
}

async fn written(world: &World) -> (i64, i64, i64, usize) {
    let store = &world.store;
    (
        repo::count(store, "people").await.unwrap(),
        repo::count(store, "entities").await.unwrap(),
        repo::count(store, "stays").await.unwrap(),
        store.audit_rows(0, 100_000).await.unwrap().len(),
    )
}

#[tokio::test]
async fn every_case_imports_exactly_its_rows_or_writes_nothing_with_the_expected_errors() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        for (name, bytes, expected) in cases() {
            let before = written(&world).await;
            let checked = import::validate(
                &world.system,
                Acting::User(&operator),
                world.carrier_a,
                &bytes,
                today(),
                &quiet,
            )
            .await
            .unwrap();
            assert_eq!(written(&world).await, before, "{name}: validation wrote");
            let report = import::import(
                &world.system,
                Acting::User(&operator),
                world.carrier_a,
                &bytes,
                today(),
                &quiet,
            )
            .await
            .unwrap();
            assert_eq!(checked.errors, report.errors, "{name}");
            let after = written(&world).await;
            match expected["outcome"].as_str().unwrap() {
                "accepted" => {
                    let n = expected["rows_imported"].as_u64().unwrap();
                    assert!(report.is_clean(), "{name}: {:?}", report.errors);
                    assert_eq!(report.imported as u64, n, "{name}");
                    assert_eq!((after.2 - before.2) as u64, n, "{name}: stays written");
                    assert!(after.3 > before.3, "{name}: audit rows");
                }
                _ => {
                    assert_eq!(report.imported, 0, "{name}");
                    assert_eq!(error_cells(&report), expected_errors(&expected), "{name}");
                    assert_eq!(after, before, "{name}: a rejected file wrote");
                    for e in expected["errors"].as_array().unwrap() {
                        if let Some(shown) = e["value_shown"].as_str() {
                            assert!(
                                report.errors.iter().any(|x| x.value == shown),
                                "{name}: {shown}"
                            );
                        }
                    }
                }
            }
        }
        db.drop_db().await.unwrap();
    }
}

const HEADER: &str = "企业名称,统一社会信用代码,负责人姓名,负责人身份证号,人员类别,毕业日期,入驻日期,退出日期,月租金,面积,带动就业人数";

/// The world's own founder and entity (a stay in carrier A since 2024-03-15, open).
fn known_row(move_in: &str) -> String {
    let code = crate::world::credit("91370211MA3D00000");
    let id = crate::world::resident("37021119980301002");
    format!(
        "青岛陈晓雨科技有限公司,{},陈晓雨,{},高校毕业生,2022-07-01,{move_in},,1800,,2",
        code.as_str(),
        id.as_str()
    )
}

const NEW_ROW: &str = "青岛海之韵旅游文化有限公司,91370211MA3UEJ7Q5N,韩梅,370211197906198080,其他,,2025-08-18,,1500.00,45.5,3";

#[tokio::test]
async fn a_row_overlapping_a_recorded_stay_is_refused_naming_it_and_nothing_of_the_file_is_written()
{
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        let before = written(&world).await;
        let file = [HEADER, NEW_ROW, &known_row("2025-01-01")].join("\r\n");
        let report = import::import(
            &world.system,
            Acting::User(&official),
            world.carrier_b,
            file.as_bytes(),
            today(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((report.rows, report.imported), (2, 0));
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        let error = &report.errors[0];
        assert_eq!(
            (error.row, error.column.as_str(), error.code.as_str()),
            (Some(3), "入驻日期", "overlapping_stay")
        );
        assert_eq!(error.value, "2025-01-01");
        assert!(
            error
                .message(fuhua_core::Lang::Zh)
                .contains("西海岸新区大学生创业孵化基地（2024-03-15 至 今）"),
            "{error:?}"
        );
        assert_eq!(written(&world).await, before);

        // After its move-out is recorded, the same entity imports into carrier B,
        // linked to the records it already has.
        let stay = fuhua_store::repo::tenants::find_stay(&world.store, world.stay_id)
            .await
            .unwrap()
            .unwrap();
        fuhua_service::tenants::move_out(
            &world.system,
            Acting::User(&official),
            world.stay_id,
            stay.version,
            Some(chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()),
        )
        .await
        .unwrap();
        let before = written(&world).await;
        let report = import::import(
            &world.system,
            Acting::Cli,
            world.carrier_b,
            file.as_bytes(),
            today(),
            &quiet,
        )
        .await
        .unwrap();
        assert!(report.is_clean(), "{:?}", report.errors);
        assert_eq!(report.imported, 2);
        let after = written(&world).await;
        assert_eq!(
            (after.0 - before.0, after.1 - before.1, after.2 - before.2),
            (1, 1, 2),
            "one new founder and entity, two stays"
        );
        let rows = world.store.audit_rows(0, 100_000).await.unwrap();
        assert!(rows[before.3..].iter().all(|r| r.actor == "system:cli"));
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn an_import_outside_the_actors_scope_is_not_found_and_a_bad_file_is_one_file_error() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let other = world.actor("operator.b").await;
        let file = [HEADER, NEW_ROW].join("\r\n");
        let error = import::validate(
            &world.system,
            Acting::User(&other),
            world.carrier_a,
            file.as_bytes(),
            today(),
            &quiet,
        )
        .await
        .unwrap_err();
        assert!(matches!(error, ServiceError::NotFound));
        let operator = world.actor("operator.a").await;
        for (bytes, code) in [
            (&b"%PDF-1.4 not a roll"[..], "not_a_spreadsheet"),
            (HEADER.as_bytes(), "no_rows"),
            (&b"name,value\r\n1,2"[..], "no_header_row"),
        ] {
            let report = import::import(
                &world.system,
                Acting::User(&operator),
                world.carrier_a,
                bytes,
                today(),
                &quiet,
            )
            .await
            .unwrap();
            assert_eq!(report.errors.len(), 1);
            assert_eq!(
                (report.errors[0].row, report.errors[0].code.as_str()),
                (None, code)
            );
            assert_eq!(report.imported, 0);
        }
        db.drop_db().await.unwrap();
    }
}

const ROW_B: &str = "青岛北岸数据服务有限公司,91370211MA3C331P9P,曹宇,370211197510067535,高校毕业生,2024-07-01,2025-08-18,,1500.00,45.5,3";

#[tokio::test]
async fn an_upload_is_kept_reported_and_confirmed_and_a_stale_report_never_writes() {
    use fuhua_service::tenants::upload;
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let by = Acting::User(&operator);
        let file = [HEADER, NEW_ROW, ROW_B].join("\r\n");
        let stored = upload::upload(
            &world.system,
            by,
            world.carrier_a,
            "C:\\花名册\\入驻企业.csv",
            file.as_bytes(),
            today(),
        )
        .await
        .unwrap();
        assert_eq!(stored.filename, "入驻企业.csv");
        let (_, report) = upload::report(&world.system, by, world.carrier_a, stored.id, today())
            .await
            .unwrap();
        assert!(report.is_clean() && report.rows == 2 && report.imported == 0);

        // Someone else's view of it, or the wrong carrier: not found.
        let other = world.actor("operator.b").await;
        for (actor, carrier) in [(&other, world.carrier_a), (&other, world.carrier_b)] {
            let error = upload::report(
                &world.system,
                Acting::User(actor),
                carrier,
                stored.id,
                today(),
            )
            .await
            .unwrap_err();
            assert!(matches!(error, ServiceError::NotFound));
        }
        let wrong = upload::confirm(
            &world.system,
            by,
            world.carrier_a,
            stored.id,
            "abc",
            today(),
            &quiet,
        )
        .await
        .unwrap_err();
        assert!(matches!(wrong, ServiceError::Conflict { .. }));

        // Between the report and the confirmation, the second row's entity is
        // recorded elsewhere with an overlapping stay: the confirmation finds it.
        let official = world.actor("official.district").await;
        let elsewhere = [HEADER, ROW_B].join("\r\n");
        let first = import::import(
            &world.system,
            Acting::User(&official),
            world.carrier_b,
            elsewhere.as_bytes(),
            today(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(first.imported, 1);
        let before = written(&world).await;
        let stale = upload::confirm(
            &world.system,
            by,
            world.carrier_a,
            stored.id,
            &stored.sha256,
            today(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(stale.imported, 0);
        assert_eq!(
            stale
                .errors
                .iter()
                .map(|e| (e.row, e.code.as_str()))
                .collect::<Vec<_>>(),
            [(Some(3), "overlapping_stay")]
        );
        assert!(
            stale.errors[0]
                .message(fuhua_core::Lang::Zh)
                .contains("辛安街道创业孵化基地")
        );
        assert_eq!(written(&world).await, before, "a stale report wrote");

        // A good upload confirmed once imports; confirming it again writes nothing.
        let good = [HEADER, NEW_ROW].join("\r\n");
        let stored = upload::upload(
            &world.system,
            by,
            world.carrier_a,
            "roll.csv",
            good.as_bytes(),
            today(),
        )
        .await
        .unwrap();
        let done = upload::confirm(
            &world.system,
            by,
            world.carrier_a,
            stored.id,
            &stored.sha256,
            today(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((done.imported, done.errors.len()), (1, 0));
        let before = written(&world).await;
        let again = upload::confirm(
            &world.system,
            by,
            world.carrier_a,
            stored.id,
            &stored.sha256,
            today(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(again.imported, 0);
        assert!(!again.errors.is_empty());
        assert_eq!(written(&world).await, before);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_50_mb_upload_and_a_file_that_is_not_a_spreadsheet_are_refused_and_not_kept() {
    use fuhua_service::tenants::upload;
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let by = Acting::User(&operator);
        let documents = || async { repo::count(&world.store, "documents").await.unwrap() };
        let before = documents().await;
        let huge = vec![b'a'; 50 * 1024 * 1024];
        for (bytes, code) in [
            (&huge[..], "too_big"),
            (&b"%PDF-1.7 scan"[..], "not_a_spreadsheet"),
            (&b""[..], "empty"),
        ] {
            let error = upload::upload(&world.system, by, world.carrier_a, "x", bytes, today())
                .await
                .unwrap_err();
            let ServiceError::Invalid(problems) = error else {
                panic!("expected Invalid for {code}");
            };
            assert_eq!(
                (problems[0].field.as_str(), problems[0].code),
                ("file", code)
            );
        }
        assert!(
            upload::upload(&world.system, by, world.carrier_a, "x", &huge, today())
                .await
                .unwrap_err()
                .to_string()
                .contains("file")
        );
        assert_eq!(documents().await, before);
        db.drop_db().await.unwrap();
    }
}
