//! Uploaded documents (evidence files), kept in the database so that every server
//! process sees them (SPEC §6), at most [`MAX_DOCUMENT_BYTES`] each. Audit rows
//! record the owner, name, size and SHA-256 of a file, never its content.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::insert;
use super::now;
use super::reference::required;
use crate::crypto::hex;
use crate::entities::document;
use crate::error::StoreError;
use crate::{Store, Write};

/// The largest document kept (10 MiB; the database checks it too).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The content type assumed when none is given.
pub const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// A document to store, attached to a row of another table (`owner_table`, `owner_id`).
#[derive(Clone)]
pub struct NewDocument {
    pub owner_table: String,
    pub owner_id: i64,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub uploaded_by: Option<i64>,
}

impl std::fmt::Debug for NewDocument {
    /// Shows the size of the content, not the content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDocument")
            .field("owner_table", &self.owner_table)
            .field("owner_id", &self.owner_id)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("size_bytes", &self.content.len())
            .field("uploaded_by", &self.uploaded_by)
            .finish()
    }
}

/// What is known about a stored document, without its content.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DocumentInfo {
    pub id: i64,
    pub owner_table: String,
    pub owner_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
}

fn info_of(m: &document::Model) -> DocumentInfo {
    DocumentInfo {
        id: m.id,
        owner_table: m.owner_table.clone(),
        owner_id: m.owner_id,
        filename: m.filename.clone(),
        content_type: m.content_type.clone(),
        size_bytes: m.size_bytes,
        sha256: m.sha256.clone(),
    }
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(content: &[u8]) -> String {
    hex(&Sha256::digest(content))
}

/// Refuses what may not be stored, before the database is touched: empty files and
/// files over [`MAX_DOCUMENT_BYTES`] (SPEC §6: "stored in the database (size-limited)").
fn check_document(new: &NewDocument) -> Result<(), StoreError> {
    required("a document's owner table", &new.owner_table)?;
    required("a document's file name", &new.filename)?;
    if new.content.is_empty() {
        return Err(StoreError::Invalid(format!(
            "document “{}” is empty",
            new.filename
        )));
    }
    if new.content.len() > MAX_DOCUMENT_BYTES {
        return Err(StoreError::Invalid(format!(
            "document “{}” has {} bytes; documents are limited to {} bytes (10 MiB)",
            new.filename,
            new.content.len(),
            MAX_DOCUMENT_BYTES
        )));
    }
    Ok(())
}

/// Stores a document with its size and SHA-256, audited without its content.
pub async fn add_document(w: &Write, new: &NewDocument) -> Result<DocumentInfo, StoreError> {
    check_document(new)?;
    let size_bytes = i64::try_from(new.content.len())
        .map_err(|_| StoreError::Invalid(format!("document “{}” is too large", new.filename)))?;
    let sha256 = sha256_hex(&new.content);
    let content_type = if new.content_type.trim().is_empty() {
        DEFAULT_CONTENT_TYPE.to_owned()
    } else {
        new.content_type.trim().to_owned()
    };
    let row = document::ActiveModel {
        owner_table: Set(new.owner_table.clone()),
        owner_id: Set(new.owner_id),
        filename: Set(new.filename.clone()),
        content_type: Set(content_type.clone()),
        size_bytes: Set(size_bytes),
        sha256: Set(sha256.clone()),
        content: Set(new.content.clone()),
        uploaded_by: Set(new.uploaded_by),
        created_at: Set(now()),
        ..Default::default()
    };
    // The audit row never holds the content.
    let audit = json!({
        "owner_table": new.owner_table,
        "owner_id": new.owner_id,
        "filename": new.filename,
        "content_type": content_type,
        "size_bytes": size_bytes,
        "sha256": sha256,
        "uploaded_by": new.uploaded_by,
    });
    let model = insert(w, "documents", row, |m| m.id, audit).await?;
    Ok(info_of(&model))
}

/// The documents attached to one row, oldest first, without their content.
pub async fn list_documents(
    store: &Store,
    owner_table: &str,
    owner_id: i64,
) -> Result<Vec<DocumentInfo>, StoreError> {
    Ok(document::Entity::find()
        .select_only()
        .columns([
            document::Column::Id,
            document::Column::OwnerTable,
            document::Column::OwnerId,
            document::Column::Filename,
            document::Column::ContentType,
            document::Column::SizeBytes,
            document::Column::Sha256,
        ])
        .filter(document::Column::OwnerTable.eq(owner_table))
        .filter(document::Column::OwnerId.eq(owner_id))
        .order_by_asc(document::Column::Id)
        .into_model::<DocumentInfo>()
        .all(store.db())
        .await?)
}

/// A document with its content, if it exists. The caller checks who is asking.
pub async fn read_document(
    store: &Store,
    id: i64,
) -> Result<Option<(DocumentInfo, Vec<u8>)>, StoreError> {
    Ok(document::Entity::find_by_id(id)
        .one(store.db())
        .await?
        .map(|m| {
            let info = info_of(&m);
            (info, m.content)
        }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Actor;
    use crate::testing::TestDb;

    async fn audit_rows(store: &Store) -> u64 {
        let verification = store.verify_audit().await.unwrap();
        assert!(verification.is_intact(), "{verification:?}");
        verification.rows
    }

    fn new_document(content: Vec<u8>) -> NewDocument {
        NewDocument {
            owner_table: "accreditation_records".into(),
            owner_id: 7,
            filename: "证书.pdf".into(),
            content_type: "application/pdf".into(),
            content,
            uploaded_by: None,
        }
    }

    #[tokio::test]
    async fn documents_round_trip_byte_exact_with_their_sha256() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let before = audit_rows(store).await;
        // Every byte value, including NUL and invalid UTF-8.
        let content: Vec<u8> = (0..=255u8).cycle().take(70_001).collect();
        let w = store.write(&Actor::cli()).await.unwrap();
        let info = add_document(&w, &new_document(content.clone()))
            .await
            .unwrap();
        let mut second = new_document(b"%PDF-1.7 second".to_vec());
        second.content_type = " ".into();
        let second = add_document(&w, &second).await.unwrap();
        let mut elsewhere = new_document(b"x".to_vec());
        elsewhere.owner_id = 8;
        add_document(&w, &elsewhere).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 3);

        assert_eq!(info.size_bytes, 70_001);
        assert_eq!(info.sha256, sha256_hex(&content));
        assert_eq!(info.sha256.len(), 64);
        assert_eq!(second.content_type, DEFAULT_CONTENT_TYPE);
        // The well-known digest of "abc".
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );

        let (read, bytes) = read_document(store, info.id).await.unwrap().unwrap();
        assert_eq!(read, info);
        assert_eq!(bytes, content);
        assert_eq!(sha256_hex(&bytes), read.sha256);
        assert!(read_document(store, info.id + 100).await.unwrap().is_none());
        assert_eq!(
            list_documents(store, "accreditation_records", 7)
                .await
                .unwrap(),
            vec![info.clone(), second]
        );
        assert!(
            list_documents(store, "carriers", 7)
                .await
                .unwrap()
                .is_empty()
        );

        // The audit row names the file, never its content.
        let rows = store.audit_rows(0, 1000).await.unwrap();
        let row = rows
            .iter()
            .find(|r| r.entity == "documents" && r.entity_id == info.id.to_string())
            .unwrap();
        let after: serde_json::Value = serde_json::from_str(row.after.as_deref().unwrap()).unwrap();
        assert_eq!(after["sha256"], info.sha256.as_str());
        assert_eq!(after["size_bytes"], 70_001);
        assert_eq!(after["filename"], "证书.pdf");
        assert!(after.get("content").is_none());
        db.drop_db().await.unwrap();
    }

    #[tokio::test]
    async fn empty_and_oversized_documents_are_refused() {
        let db = TestDb::sqlite().await.unwrap();
        let store = &db.store;
        let before = audit_rows(store).await;
        let w = store.write(&Actor::cli()).await.unwrap();
        match add_document(&w, &new_document(Vec::new())).await {
            Err(StoreError::Invalid(message)) => assert!(message.contains("empty"), "{message}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        match add_document(&w, &new_document(vec![0; MAX_DOCUMENT_BYTES + 1])).await {
            Err(StoreError::Invalid(message)) => assert!(message.contains("10 MiB"), "{message}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Exactly the limit is accepted.
        let info = add_document(&w, &new_document(vec![1; MAX_DOCUMENT_BYTES]))
            .await
            .unwrap();
        assert_eq!(info.size_bytes, 10 * 1024 * 1024);
        w.commit().await.unwrap();
        assert_eq!(audit_rows(store).await, before + 1);
        let (_, bytes) = read_document(store, info.id).await.unwrap().unwrap();
        assert_eq!(bytes.len(), MAX_DOCUMENT_BYTES);
        db.drop_db().await.unwrap();
    }
}
