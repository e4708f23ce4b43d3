//! The hash-chained audit log, one per store. Each row's hash covers the previous row's hash and
//! the row itself, so removing, reordering or editing a row breaks the chain from there on.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::StoreError;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS {s}.audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);";

fn row_hash(prev: &str, seq: i64, at: &str, account: &str, action: &str, entity: &str, entity_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    for part in [seq.to_string().as_str(), at, account, action, entity, entity_id] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends a row to `schema`'s audit log; call inside the transaction that made the change.
pub fn append(
    conn: &Connection,
    schema: &str,
    account: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> Result<(), StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            &format!("SELECT seq, hash FROM {schema}.audit ORDER BY seq DESC LIMIT 1"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let hash = row_hash(&prev, seq, &at, account, action, entity, entity_id);
    conn.execute(
        &format!("INSERT INTO {schema}.audit (seq, at, account, action, entity, entity_id, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![seq, at, account, action, entity, entity_id, prev, hash],
    )?;
    Ok(())
}

/// Walks the chain. `Ok(rows)` when it holds, `Err(seq)` at the first row that does not.
pub fn verify_chain(conn: &Connection, schema: &str) -> Result<Result<u64, i64>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, at, account, action, entity, entity_id, prev_hash, hash FROM {schema}.audit ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let fields: [String; 5] = [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?];
        let prev_hash: String = r.get(6)?;
        let hash: String = r.get(7)?;
        let recomputed = row_hash(&prev, seq, &fields[0], &fields[1], &fields[2], &fields[3], &fields[4]);
        if seq != expected_seq || prev_hash != prev || hash != recomputed {
            return Ok(Err(seq));
        }
        prev = hash;
        expected_seq += 1;
        count += 1;
    }
    Ok(Ok(count))
}
