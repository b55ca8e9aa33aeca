//! The audit chain (SPEC §6): every change writes, in its own transaction, an
//! append-only row (actor, time, action, entity, before, after) whose hash covers the
//! previous row's hash. The newest sequence number and hash are also kept in
//! `audit_head`, so deleting the newest rows shows too. Appends are serialised: the
//! head row is locked (`FOR UPDATE` on PostgreSQL; on SQLite every write
//! transaction begins IMMEDIATE and so holds the database's write lock).

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Query};
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::crypto::hex;
use crate::error::StoreError;

/// The hash the chain starts from (seq 0).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The columns of an audit row, in hashing order.
const COLUMNS: [&str; 10] = [
    "seq",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
];

/// Rows read per page when verifying.
const PAGE: u64 = 1000;

/// One change, as the audit log records it. Personal identifiers in `before` and
/// `after` must already be replaced by their keyed hash.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// What happened: `create`, `update`, `transition:submitted`, `pay` …
    pub action: &'a str,
    /// The table or case kind: `stays`, `award_cases` …
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// A stored audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// SHA-256 over every field and the previous hash, as an unambiguous JSON array.
    pub fn compute_hash(&self) -> String {
        let payload = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
            self.prev_hash
        ]);
        hex(&Sha256::digest(payload.to_string().as_bytes()))
    }
}

/// Appends one row inside the caller's transaction and moves the head.
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    actor: &str,
    change: &Change<'_>,
) -> Result<i64, StoreError> {
    let backend = conn.get_database_backend();
    let mut head = Query::select();
    head.columns(["seq", "hash"])
        .from("audit_head")
        .and_where(Expr::col("id").eq(1));
    if backend == DbBackend::Postgres {
        head.lock(LockType::Update);
    }
    let row = conn
        .query_one(&head)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "audit_head",
            id: "1".into(),
        })?;
    let last_seq: i64 = row.try_get("", "seq")?;
    let last_hash: String = row.try_get("", "hash")?;
    let mut entry = AuditRow {
        seq: last_seq + 1,
        at: Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        actor: actor.to_owned(),
        action: change.action.to_owned(),
        entity: change.entity.to_owned(),
        entity_id: change.entity_id.clone(),
        before: change.before.map(Value::to_string),
        after: change.after.map(Value::to_string),
        prev_hash: last_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    let insert = Query::insert()
        .into_table("audit_log")
        .columns(COLUMNS)
        .values_panic([
            entry.seq.into(),
            entry.at.clone().into(),
            entry.actor.clone().into(),
            entry.action.clone().into(),
            entry.entity.clone().into(),
            entry.entity_id.clone().into(),
            entry.before.clone().into(),
            entry.after.clone().into(),
            entry.prev_hash.clone().into(),
            entry.hash.clone().into(),
        ])
        .to_owned();
    conn.execute(&insert).await?;
    let update = Query::update()
        .table("audit_head")
        .value("seq", entry.seq)
        .value("hash", entry.hash.clone())
        .value("updated_at", entry.at.clone())
        .and_where(Expr::col("id").eq(1))
        .and_where(Expr::col("seq").eq(last_seq))
        .to_owned();
    let moved = conn.execute(&update).await?;
    if moved.rows_affected() != 1 {
        // Someone appended between our read and write: never fork the chain.
        return Err(StoreError::Conflict {
            entity: "audit_head",
            id: 1,
        });
    }
    Ok(entry.seq)
}

/// The first broken link `fuhua audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error(
        "row seq {seq} was changed after it was written (its hash does not match its contents)"
    )]
    Edited { seq: i64 },
    #[error(
        "row seq {seq} does not follow row seq {previous}: a row between them was removed or the order changed"
    )]
    Gap { seq: i64, previous: i64 },
    #[error(
        "row seq {seq} does not point to the hash of row seq {previous}: the chain was rewritten"
    )]
    Relinked { seq: i64, previous: i64 },
    #[error(
        "the chain head says the newest row is seq {head_seq}, but the newest row is seq {last_seq}: rows were removed from the end"
    )]
    MissingNewest { head_seq: i64, last_seq: i64 },
    #[error("the chain head's hash does not match row seq {seq}")]
    HeadMismatch { seq: i64 },
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: u64,
    pub head_seq: i64,
    pub broken: Option<Broken>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Rows after `after_seq`, oldest first, at most `limit`.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    after_seq: i64,
    limit: u64,
) -> Result<Vec<AuditRow>, StoreError> {
    let query = Query::select()
        .columns(COLUMNS)
        .from("audit_log")
        .and_where(Expr::col("seq").gt(after_seq))
        .order_by("seq", sea_orm::sea_query::Order::Asc)
        .limit(limit)
        .to_owned();
    conn.query_all(&query)
        .await?
        .iter()
        .map(|r| -> Result<AuditRow, StoreError> {
            Ok(AuditRow {
                seq: r.try_get("", "seq")?,
                at: r.try_get("", "at")?,
                actor: r.try_get("", "actor")?,
                action: r.try_get("", "action")?,
                entity: r.try_get("", "entity")?,
                entity_id: r.try_get("", "entity_id")?,
                before: r.try_get("", "before")?,
                after: r.try_get("", "after")?,
                prev_hash: r.try_get("", "prev_hash")?,
                hash: r.try_get("", "hash")?,
            })
        })
        .collect()
}

/// Walks the whole chain in order, a page at a time, and names the first broken link.
pub async fn verify<C: ConnectionTrait>(conn: &C) -> Result<Verification, StoreError> {
    let head = Query::select()
        .columns(["seq", "hash"])
        .from("audit_head")
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    let head = conn
        .query_one(&head)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "audit_head",
            id: "1".into(),
        })?;
    let head_seq: i64 = head.try_get("", "seq")?;
    let head_hash: String = head.try_get("", "hash")?;

    let mut previous_seq = 0i64;
    let mut previous_hash = GENESIS_HASH.to_owned();
    let mut rows = 0u64;
    let found = |rows: u64, broken| Verification {
        rows,
        head_seq,
        broken: Some(broken),
    };
    loop {
        let batch = page(conn, previous_seq, PAGE).await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            rows += 1;
            if row.compute_hash() != row.hash {
                return Ok(found(rows, Broken::Edited { seq: row.seq }));
            }
            if row.seq != previous_seq + 1 {
                return Ok(found(
                    rows,
                    Broken::Gap {
                        seq: row.seq,
                        previous: previous_seq,
                    },
                ));
            }
            if row.prev_hash != previous_hash {
                return Ok(found(
                    rows,
                    Broken::Relinked {
                        seq: row.seq,
                        previous: previous_seq,
                    },
                ));
            }
            previous_seq = row.seq;
            previous_hash = row.hash;
        }
    }
    if head_seq != previous_seq {
        return Ok(found(
            rows,
            Broken::MissingNewest {
                head_seq,
                last_seq: previous_seq,
            },
        ));
    }
    if head_hash != previous_hash {
        return Ok(found(rows, Broken::HeadMismatch { seq: previous_seq }));
    }
    Ok(Verification {
        rows,
        head_seq,
        broken: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AuditRow {
        AuditRow {
            seq: 1,
            at: "2026-11-27T20:00:00.000000Z".into(),
            actor: "system:cli".into(),
            action: "create".into(),
            entity: "stays".into(),
            entity_id: "7".into(),
            before: None,
            after: Some(r#"{"monthly_rent_fen":300000}"#.into()),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_hash_covers_every_field() {
        let base = row().compute_hash();
        assert_eq!(base.len(), 64);
        let mut changed = row();
        changed.after = Some(r#"{"monthly_rent_fen":300001}"#.into());
        assert_ne!(changed.compute_hash(), base);
        let mut changed = row();
        changed.actor = "admin".into();
        assert_ne!(changed.compute_hash(), base);
        let mut changed = row();
        changed.prev_hash = "1".repeat(64);
        assert_ne!(changed.compute_hash(), base);
        // null and an empty string are different.
        let mut changed = row();
        changed.before = Some(String::new());
        assert_ne!(changed.compute_hash(), base);
    }
}
