//! The audit chain (SPEC §6): every change writes, in its own transaction, an
//! append-only row (actor, time, action, entity, before, after) whose hash covers the
//! previous row's hash. The newest sequence number and hash are also kept in
//! `audit_head`, so deleting the newest rows shows too. Appends are serialised: the
//! head row is locked (`FOR UPDATE` on PostgreSQL; on SQLite every write
//! transaction begins IMMEDIATE and so holds the database's write lock).
//!
//! Row hashes are HMAC-SHA-256 under the chain key derived from `FUHUA_DATA_KEY`
//! ([`SCHEME`]), so someone who can write to the database but does not hold the
//! data key cannot rebuild a chain that verifies. Someone who can write could still
//! cut rows off the end and move the head back to an older row; a head recorded
//! outside the database ([`Checkpoint`], printed by `fuhua audit verify`) catches that.

use std::fmt;
use std::str::FromStr;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Query};
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::crypto::{ChainKey, hex};
use crate::error::StoreError;

/// The scheme this version writes and `verify` checks, as `fuhua audit verify`
/// states it.
pub const SCHEME: &str =
    "HMAC-SHA-256 chain v1, keyed by HMAC-SHA-256(FUHUA_DATA_KEY, \"fuhua/audit-chain/v1\")";

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
    /// What the hash covers: every field and the previous hash, as an unambiguous
    /// JSON array.
    fn payload(&self) -> String {
        serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
            self.prev_hash
        ])
        .to_string()
    }

    /// The row's hash under [`SCHEME`]: lowercase hex of HMAC-SHA-256(chain key,
    /// payload).
    pub fn compute_hash(&self, key: &ChainKey) -> String {
        key.mac(self.payload().as_bytes())
    }

    /// A plain SHA-256 of the same payload, which anyone can compute without the
    /// key. Never written; `verify` uses it only to say what a bad row carries.
    fn unkeyed_hash(&self) -> String {
        hex(&Sha256::digest(self.payload().as_bytes()))
    }
}

/// Appends one row inside the caller's transaction and moves the head.
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    key: &ChainKey,
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
    entry.hash = entry.compute_hash(key);
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
        "row seq {seq} carries a plain SHA-256 hash instead of an HMAC under the data key: the chain was rebuilt by someone without the key (or written before keyed chains)"
    )]
    Unkeyed { seq: i64 },
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
    #[error(
        "row seq {seq} no longer has the hash recorded for it outside the database: the chain was rewritten from there on"
    )]
    CheckpointMismatch { seq: i64 },
    #[error(
        "the chain ends at seq {last_seq}, before the head recorded outside the database (seq {seq}): rows were removed from the end and the head moved back"
    )]
    CheckpointMissing { seq: i64, last_seq: i64 },
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked (up to and including the first broken one).
    pub rows: u64,
    /// The newest seq as `audit_head` records it (0 for an empty chain).
    pub head_seq: i64,
    /// The hash `audit_head` records: when intact, the newest row's hash (or
    /// [`GENESIS_HASH`]). Record it outside the database with `head_seq`.
    pub head_hash: String,
    /// The scheme the rows were checked against ([`SCHEME`]).
    pub scheme: &'static str,
    pub broken: Option<Broken>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }

    /// The head to record outside the database.
    pub fn head(&self) -> Checkpoint {
        Checkpoint {
            seq: self.head_seq,
            hash: self.head_hash.clone(),
        }
    }
}

/// A chain head recorded outside the database, written `SEQ:HASH` (e.g.
/// `42:3f…` with 64 hex digits). A later `verify` against it proves that row
/// `seq` still has that hash, so the chain was neither rewritten nor cut back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    /// Lowercase hex, 64 digits.
    pub hash: String,
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl FromStr for Checkpoint {
    type Err = String;

    /// Parses `SEQ:HASH`; the message names what is wrong.
    fn from_str(text: &str) -> Result<Checkpoint, String> {
        let (seq, hash) = text
            .trim()
            .split_once(':')
            .ok_or("a recorded head is written SEQ:HASH, as `fuhua audit verify` prints it")?;
        let seq: i64 = seq
            .parse()
            .ok()
            .filter(|s| *s >= 0)
            .ok_or("the seq of a recorded head is a whole number, 0 or more")?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("the hash of a recorded head is 64 hexadecimal digits".into());
        }
        Ok(Checkpoint { seq, hash })
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

/// Walks the whole chain in order, a page at a time, checking every row's HMAC
/// under `key`, and names the first broken link. With `expected`, also checks that
/// the chain still holds that recorded head.
pub async fn verify<C: ConnectionTrait>(
    conn: &C,
    key: &ChainKey,
    expected: Option<&Checkpoint>,
) -> Result<Verification, StoreError> {
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
        head_hash: head_hash.clone(),
        scheme: SCHEME,
        broken: Some(broken),
    };
    loop {
        let batch = page(conn, previous_seq, PAGE).await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            rows += 1;
            if row.compute_hash(key) != row.hash {
                let broken = if row.unkeyed_hash() == row.hash {
                    Broken::Unkeyed { seq: row.seq }
                } else {
                    Broken::Edited { seq: row.seq }
                };
                return Ok(found(rows, broken));
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
            if expected.is_some_and(|e| e.seq == row.seq && e.hash != row.hash) {
                return Ok(found(rows, Broken::CheckpointMismatch { seq: row.seq }));
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
    if let Some(expected) = expected {
        if expected.seq > previous_seq {
            return Ok(found(
                rows,
                Broken::CheckpointMissing {
                    seq: expected.seq,
                    last_seq: previous_seq,
                },
            ));
        }
        if expected.seq == 0 && expected.hash != GENESIS_HASH {
            return Ok(found(rows, Broken::CheckpointMismatch { seq: 0 }));
        }
    }
    Ok(Verification {
        rows,
        head_seq,
        head_hash,
        scheme: SCHEME,
        broken: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::CHAIN_KEY_LABEL;

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

    fn key() -> ChainKey {
        ChainKey::new(&crate::crypto::DataKey::generate())
    }

    #[test]
    fn the_hash_covers_every_field() {
        let key = key();
        let base = row().compute_hash(&key);
        assert_eq!(base.len(), 64);
        let mut changed = row();
        changed.after = Some(r#"{"monthly_rent_fen":300001}"#.into());
        assert_ne!(changed.compute_hash(&key), base);
        let mut changed = row();
        changed.actor = "admin".into();
        assert_ne!(changed.compute_hash(&key), base);
        let mut changed = row();
        changed.prev_hash = "1".repeat(64);
        assert_ne!(changed.compute_hash(&key), base);
        // null and an empty string are different.
        let mut changed = row();
        changed.before = Some(String::new());
        assert_ne!(changed.compute_hash(&key), base);
    }

    #[test]
    fn the_scheme_names_the_key_label() {
        assert!(SCHEME.contains(CHAIN_KEY_LABEL), "{SCHEME}");
    }

    #[test]
    fn the_hash_is_keyed_not_a_plain_digest() {
        let data_key = crate::crypto::DataKey::generate();
        let key = ChainKey::new(&data_key);
        let keyed = row().compute_hash(&key);
        assert_ne!(keyed, row().unkeyed_hash());
        assert_eq!(
            row().unkeyed_hash(),
            hex(&Sha256::digest(row().payload().as_bytes()))
        );
        assert_ne!(
            keyed,
            row().compute_hash(&ChainKey::new(&crate::crypto::DataKey::generate()))
        );
        assert_eq!(
            keyed,
            row().compute_hash(&ChainKey::new(
                &crate::crypto::DataKey::from_base64(&data_key.to_base64()).unwrap()
            ))
        );
    }

    #[test]
    fn recorded_heads_read_back_as_printed() {
        let head = Checkpoint {
            seq: 42,
            hash: "ab".repeat(32),
        };
        assert_eq!(head.to_string().parse::<Checkpoint>(), Ok(head.clone()));
        assert_eq!(
            format!("42:{}", "AB".repeat(32)).parse::<Checkpoint>(),
            Ok(head)
        );
        for bad in [
            "",
            "42",
            "x:ab",
            "-1:00",
            "42:abc",
            &format!("1:{}", "zz".repeat(32)),
        ] {
            assert!(bad.parse::<Checkpoint>().is_err(), "{bad}");
        }
    }
}
