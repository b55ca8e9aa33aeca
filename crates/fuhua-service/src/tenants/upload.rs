//! An uploaded tenant roll kept in the database until it is confirmed (SPEC §6:
//! uploads are stored in the database, so every server sees them): upload (refused
//! at once when too big or not a spreadsheet), the validation report of the stored
//! file, and the confirmation, which validates again before writing, so a report
//! that went stale (a stay recorded since, the file already imported) never writes.

use chrono::NaiveDate;
use fuhua_core::Problem;
use fuhua_store::repo::documents::{self, DocumentInfo, NewDocument};

use super::import::{self, ImportReport, MAX_BYTES, Progress};
use super::{Acting, carrier_for};
use crate::System;
use crate::error::{ServiceError, ServiceResult};

/// The owner table of stored rolls; the owner id is the carrier's.
pub const OWNER_TABLE: &str = "tenant_imports";

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: i64,
    pub carrier_id: i64,
    pub filename: String,
    pub size_bytes: i64,
    /// Lowercase hex SHA-256: the confirm form carries it, so a confirmation is for
    /// the file whose report was shown.
    pub sha256: String,
}

fn upload_of(info: DocumentInfo) -> Upload {
    Upload {
        id: info.id,
        carrier_id: info.owner_id,
        filename: info.filename,
        size_bytes: info.size_bytes,
        sha256: info.sha256,
    }
}

fn quiet(_: usize, _: usize) {}

/// The file name as kept: without its folders, at most 200 characters.
fn clean_name(filename: &str) -> String {
    let base = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.is_empty() {
        "upload".into()
    } else {
        name
    }
}

/// Stores an uploaded roll for carrier `carrier_id`. Errors: `NotFound` (carrier
/// outside scope), `Invalid` on field `file` — empty, over [`MAX_BYTES`], or not
/// an XLSX/CSV tenant roll (the reader's file-level message) —, `Store`.
pub async fn upload(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    filename: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> ServiceResult<Upload> {
    carrier_for(system, acting, carrier_id).await?;
    if bytes.len() > MAX_BYTES {
        let error = fuhua_import::FileError::TooBig { limit: MAX_BYTES };
        let text = error.text();
        return Err(ServiceError::invalid(Problem::new(
            "file", "too_big", text.zh, text.en,
        )));
    }
    if let Err(error) = fuhua_import::read(bytes, &fuhua_import::Options::new(today)) {
        let text = error.text();
        return Err(ServiceError::invalid(Problem::new(
            "file",
            error.code(),
            text.zh,
            text.en,
        )));
    }
    let w = system.store().write(&acting.audit_actor()).await?;
    let info = documents::add_document(
        &w,
        &NewDocument {
            owner_table: OWNER_TABLE.into(),
            owner_id: carrier_id,
            filename: clean_name(filename),
            content_type: String::new(),
            content: bytes.to_vec(),
            uploaded_by: match acting {
                Acting::User(actor) => Some(actor.user_id),
                Acting::Cli => None,
            },
        },
    )
    .await?;
    w.commit().await?;
    Ok(upload_of(info))
}

/// A stored roll of carrier `carrier_id` the actor may see, with its content.
async fn stored(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    upload_id: i64,
) -> ServiceResult<(Upload, Vec<u8>)> {
    carrier_for(system, acting, carrier_id).await?;
    match documents::read_document(system.store(), upload_id).await? {
        Some((info, content)) if info.owner_table == OWNER_TABLE && info.owner_id == carrier_id => {
            Ok((upload_of(info), content))
        }
        _ => Err(ServiceError::NotFound),
    }
}

/// The validation report of stored roll `upload_id` (nothing written).
pub async fn report(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    upload_id: i64,
    today: NaiveDate,
) -> ServiceResult<(Upload, ImportReport)> {
    let (upload, content) = stored(system, acting, carrier_id, upload_id).await?;
    let report = import::validate(system, acting, carrier_id, &content, today, &quiet).await?;
    Ok((upload, report))
}

/// Imports stored roll `upload_id` after validating it again: every row in one
/// transaction when all are good, else nothing and the fresh report. `sha256` is the
/// file the confirmed report was about (another is a `Conflict`).
pub async fn confirm(
    system: &System,
    acting: Acting<'_>,
    carrier_id: i64,
    upload_id: i64,
    sha256: &str,
    today: NaiveDate,
    progress: Progress<'_>,
) -> ServiceResult<ImportReport> {
    let (upload, content) = stored(system, acting, carrier_id, upload_id).await?;
    if upload.sha256 != sha256 {
        return Err(ServiceError::conflict(
            "确认的不是这份文件的校验结果，请重新查看校验结果后再确认。",
            "The confirmation is not for this file's report; review the report again.",
        ));
    }
    import::import(system, acting, carrier_id, &content, today, progress).await
}
