//! Importing a tenant roll from the portal (SPEC §5 import): the upload form of a
//! carrier, the validation report of a stored upload (per row and column, IDs
//! masked) and its XLSX, the confirmation — which carries the SHA-256 of the file
//! whose report was shown and validates again, so a stale or second confirmation
//! writes nothing —, and the blank template.

use fuhua_core::Lang;
use fuhua_service::ServiceError;
use fuhua_service::tenants::import::{ImportReport, MAX_BYTES};
use fuhua_service::tenants::upload::{self, Upload};
use fuhua_service::tenants::{self, Acting};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::render::{field, redirect};
use super::{Pairs, Work};
use crate::csrf::{Sent, SentFile};
use crate::export;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn no_progress(_: usize, _: usize) {}

/// The limit as the pages name it, in MiB.
fn limit_mib() -> usize {
    MAX_BYTES / (1024 * 1024)
}

/// The carrier's name, or the page for a carrier outside the actor's scope.
async fn carrier_name(work: &Work, carrier_id: i64) -> Result<String, Response> {
    tenants::carrier_for(&work.system, Acting::User(&work.session.actor), carrier_id)
        .await
        .map(|c| c.name)
        .map_err(|e| work.refused(e))
}

/// The upload form of carrier `carrier_id`, with `errors` at the file field.
fn form_page(
    work: &Work,
    carrier_id: i64,
    name: &str,
    status: StatusCode,
    errors: &[String],
) -> Response {
    let columns: Vec<Value> = fuhua_import::Column::ALL
        .iter()
        .map(|c| json!({"header": c.header(), "alias": c.alias(), "required": c.required()}))
        .collect();
    work.page(
        "pages/work/import_form.html",
        status,
        json!({
            "carrier_id": carrier_id,
            "carrier_name": name,
            "columns": columns,
            "limit_mib": limit_mib(),
            "file_errors": errors,
        }),
    )
}

/// `GET /carriers/{id}/import`: the upload form.
pub async fn form(work: Work, carrier_id: i64) -> Response {
    match carrier_name(&work, carrier_id).await {
        Ok(name) => form_page(&work, carrier_id, &name, StatusCode::OK, &[]),
        Err(page) => page,
    }
}

/// The 413 page naming the limit.
fn too_large(work: &Work) -> Response {
    let lang = work.lang();
    let mib = limit_mib();
    work.message(
        StatusCode::PAYLOAD_TOO_LARGE,
        lang.pick("文件太大", "The file is too large"),
        &match lang {
            Lang::Zh => format!("上传的文件不能超过 {mib} MB，请拆分后分批导入。"),
            Lang::En => {
                format!("An upload may be at most {mib} MB; split the roll and import it in parts.")
            }
        },
    )
}

/// `POST /carriers/{id}/import`: stores the file and shows its report (303), or the
/// form again (400) with the message at the file field.
pub async fn create(work: Work, carrier_id: i64, sent: Sent) -> Response {
    let lang = work.lang();
    let name = match carrier_name(&work, carrier_id).await {
        Ok(name) => name,
        Err(page) => return page,
    };
    let file: Option<SentFile> = match sent {
        Sent::TooLarge => return too_large(&work),
        Sent::Form { files, .. } => files
            .into_iter()
            .find(|f| f.field == "file" && !(f.filename.is_empty() && f.bytes.is_empty())),
    };
    let Some(file) = file else {
        let text = lang.pick(
            "请选择要上传的 XLSX 或 CSV 文件。",
            "Choose an XLSX or CSV file to upload.",
        );
        return form_page(
            &work,
            carrier_id,
            &name,
            StatusCode::BAD_REQUEST,
            &[text.to_owned()],
        );
    };
    let acting = Acting::User(&work.session.actor);
    match upload::upload(
        &work.system,
        acting,
        carrier_id,
        &file.filename,
        &file.bytes,
        work.today(),
    )
    .await
    {
        Ok(stored) => redirect(&format!("/carriers/{carrier_id}/import/{}", stored.id)),
        Err(ServiceError::Invalid(problems)) => {
            let errors: Vec<String> = problems
                .iter()
                .map(|p| p.message(lang).to_owned())
                .collect();
            form_page(&work, carrier_id, &name, StatusCode::BAD_REQUEST, &errors)
        }
        Err(error) => work.refused(error),
    }
}

/// The report's errors for a page: row-level ones and file-level ones.
fn error_rows(report: &ImportReport, lang: Lang) -> (Vec<Value>, Vec<String>) {
    let mut rows = Vec::new();
    let mut file = Vec::new();
    for e in &report.errors {
        match e.row {
            Some(row) => rows.push(json!({
                "row": row,
                "column": e.column,
                "message": e.message(lang),
                "value": e.value,
            })),
            None => file.push(e.message(lang).to_owned()),
        }
    }
    (rows, file)
}

/// The rows without an error.
fn good_rows(report: &ImportReport) -> usize {
    let mut bad: Vec<u32> = report.errors.iter().filter_map(|e| e.row).collect();
    bad.sort_unstable();
    bad.dedup();
    report.rows.saturating_sub(bad.len())
}

fn report_page(
    work: &Work,
    name: &str,
    stored: &Upload,
    report: &ImportReport,
    status: StatusCode,
    conflict: bool,
) -> Response {
    let (rows, file) = error_rows(report, work.lang());
    work.page(
        "pages/work/import_report.html",
        status,
        json!({
            "carrier_id": stored.carrier_id,
            "carrier_name": name,
            "upload_id": stored.id,
            "filename": stored.filename,
            "sha256": stored.sha256,
            "rows": report.rows,
            "good": good_rows(report),
            "clean": report.is_clean(),
            "row_errors": rows,
            "file_errors": file,
            "conflict": conflict,
        }),
    )
}

/// `GET /carriers/{id}/import/{upload}`: the validation report (nothing written).
pub async fn report(work: Work, carrier_id: i64, upload_id: i64) -> Response {
    let name = match carrier_name(&work, carrier_id).await {
        Ok(name) => name,
        Err(page) => return page,
    };
    let acting = Acting::User(&work.session.actor);
    match upload::report(&work.system, acting, carrier_id, upload_id, work.today()).await {
        Ok((stored, report)) => report_page(&work, &name, &stored, &report, StatusCode::OK, false),
        Err(error) => work.refused(error),
    }
}

/// `GET /carriers/{id}/import/{upload}/report.xlsx`: the report as XLSX.
pub async fn report_xlsx(work: Work, carrier_id: i64, upload_id: i64) -> Response {
    let lang = work.lang();
    let acting = Acting::User(&work.session.actor);
    let (stored, report) =
        match upload::report(&work.system, acting, carrier_id, upload_id, work.today()).await {
            Ok(found) => found,
            Err(error) => return work.refused(error),
        };
    let lines: Vec<fuhua_import::ReportLine> = report
        .errors
        .iter()
        .map(|e| fuhua_import::ReportLine {
            row: e.row,
            column: e.column.clone(),
            code: e.code.clone(),
            message: e.message(lang).to_owned(),
            value: e.value.clone(),
        })
        .collect();
    let title = match lang {
        Lang::Zh => format!(
            "{}：共 {} 行，{} 个错误",
            stored.filename,
            report.rows,
            lines.len()
        ),
        Lang::En => format!(
            "{}: {} rows, {} errors",
            stored.filename,
            report.rows,
            lines.len()
        ),
    };
    match fuhua_import::report_xlsx(&title, &lines, lang) {
        Ok(bytes) => export::download(
            bytes,
            XLSX,
            &format!("import-report-{upload_id}.xlsx"),
            &format!("导入校验结果-{upload_id}.xlsx"),
        ),
        Err(error) => {
            tracing::error!(%error, "the import report could not be written");
            work.server_error()
        }
    }
}

/// `POST /carriers/{id}/import/{upload}/confirm`: imports the stored file when it
/// is still the one reported and every row is still good (303 to the roll of the
/// carrier); otherwise 409 with the fresh report, nothing written.
pub async fn confirm(work: Work, carrier_id: i64, upload_id: i64, form: Pairs) -> Response {
    let name = match carrier_name(&work, carrier_id).await {
        Ok(name) => name,
        Err(page) => return page,
    };
    let sha256 = field(&form, "sha256").trim().to_owned();
    let acting = Acting::User(&work.session.actor);
    let today = work.today();
    let done = upload::confirm(
        &work.system,
        acting,
        carrier_id,
        upload_id,
        &sha256,
        today,
        &no_progress,
    )
    .await;
    match done {
        Ok(report) if report.imported > 0 => redirect(&format!(
            "/tenants?carrier={carrier_id}&imported={}",
            report.imported
        )),
        Ok(report) => {
            match upload::report(&work.system, acting, carrier_id, upload_id, today).await {
                Ok((stored, _)) => {
                    report_page(&work, &name, &stored, &report, StatusCode::CONFLICT, true)
                }
                Err(error) => work.refused(error),
            }
        }
        Err(error) => work.refused(error),
    }
}

/// `GET /import/template.xlsx`: the blank roll template.
pub async fn template(work: Work) -> Response {
    match fuhua_import::template_xlsx() {
        Ok(bytes) => export::download(
            bytes,
            XLSX,
            "tenant-roll-template.xlsx",
            "入驻企业导入模板.xlsx",
        ),
        Err(error) => {
            tracing::error!(%error, "the import template could not be written");
            work.server_error()
        }
    }
}
