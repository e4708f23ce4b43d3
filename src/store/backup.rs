//! One self-contained backup file: the key ring and both stores, each store copied page by page
//! through SQLite's online backup API into a destination keyed with the same key (so the copy is
//! as encrypted as the original), framed with lengths and SHA-256 sums, and closed by a trailer
//! that hashes everything before it. A backup cut short has no valid trailer and is refused.
//!
//! Must never: write a store's pages in clear, or replace a good backup with a half-written one
//! (the file is written beside the target, fsynced, then renamed over it).

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ARCHIVE_FILE, CounselorSession, DUTYBOOK_FILE, DataDir, StoreError, audit};
use crate::vault::{KEYRING_FILE, Key32, KeyRing};

const MAGIC: &[u8] = b"CASEROOM-BACKUP-1\n";
const TRAILER: &[u8] = b"\nEND ";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the backup file is incomplete or damaged")]
    Damaged,
    #[error("the target data directory is not empty")]
    TargetNotEmpty,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Serialize, Deserialize)]
struct Part {
    name: String,
    len: u64,
    sha256: String,
}

#[derive(Serialize, Deserialize)]
struct Header {
    created: String,
    parts: Vec<Part>,
}

/// Copies one schema of `conn` into a new file keyed with `key`, and returns the file's bytes.
fn copy_store(conn: &Connection, schema: &str, key: &Key32, scratch: &Path) -> Result<Vec<u8>, StoreError> {
    let _ = std::fs::remove_file(scratch);
    {
        let mut dst = Connection::open(scratch)?;
        dst.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        let literal = key.sqlcipher_literal();
        dst.execute_batch(&zeroize::Zeroizing::new(format!(
            "PRAGMA key = \"{}\";",
            literal.as_str()
        )))?;
        let backup = rusqlite::backup::Backup::new_with_names(conn, schema, &mut dst, "main")?;
        backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
        drop(backup);
        dst.execute_batch("PRAGMA journal_mode = DELETE;")?;
    }
    let bytes = std::fs::read(scratch)?;
    let _ = std::fs::remove_file(scratch);
    Ok(bytes)
}

pub(super) fn write_backup(session: &CounselorSession, target: &Path) -> Result<(), BackupError> {
    let dir = session.stores.dir.path();
    let (dutybook_key, archive_key) = session.keys();
    let conn = session.conn();
    // Record the backup first, so that the copy carries its own audit row.
    let created = super::now_text();
    {
        let tx = conn.unchecked_transaction().map_err(StoreError::from)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('last_backup', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [&created],
        )
        .map_err(StoreError::from)?;
        audit::append(&tx, "main", &session.stores.account, "backup", "store", "dutybook.db")?;
        audit::append(&tx, "archive", &session.stores.account, "backup", "store", "archive.db")?;
        tx.commit().map_err(StoreError::from)?;
    }
    let scratch = dir.join("backup-scratch.db");
    let parts_bytes = vec![
        (KEYRING_FILE, std::fs::read(dir.join(KEYRING_FILE))?),
        (DUTYBOOK_FILE, copy_store(conn, "main", dutybook_key, &scratch)?),
        (ARCHIVE_FILE, copy_store(conn, "archive", archive_key, &scratch)?),
    ];
    let header = Header {
        created,
        parts: parts_bytes
            .iter()
            .map(|(name, bytes)| Part {
                name: (*name).to_owned(),
                len: bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(bytes)),
            })
            .collect(),
    };
    let mut body = Vec::new();
    body.extend_from_slice(MAGIC);
    body.extend_from_slice(&serde_json::to_vec(&header).map_err(|_| BackupError::Damaged)?);
    body.push(b'\n');
    for (_, bytes) in &parts_bytes {
        body.extend_from_slice(bytes);
    }
    let sum = hex::encode(Sha256::digest(&body));
    body.extend_from_slice(TRAILER);
    body.extend_from_slice(sum.as_bytes());
    body.push(b'\n');

    let tmp = sibling_tmp(target);
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(&body)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, target)?;
    Ok(())
}

fn sibling_tmp(target: &Path) -> PathBuf {
    let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    target.with_file_name(name)
}

/// Splits a backup file into its parts, checking the trailer and every part's sum.
fn read_parts(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, BackupError> {
    let rest = bytes.strip_prefix(MAGIC).ok_or(BackupError::Damaged)?;
    let trailer_at = bytes
        .len()
        .checked_sub(TRAILER.len() + 64 + 1)
        .ok_or(BackupError::Damaged)?;
    if &bytes[trailer_at..trailer_at + TRAILER.len()] != TRAILER || bytes.last() != Some(&b'\n') {
        return Err(BackupError::Damaged);
    }
    let stated = &bytes[trailer_at + TRAILER.len()..bytes.len() - 1];
    if hex::encode(Sha256::digest(&bytes[..trailer_at])).as_bytes() != stated {
        return Err(BackupError::Damaged);
    }
    let newline = rest.iter().position(|&b| b == b'\n').ok_or(BackupError::Damaged)?;
    let header: Header = serde_json::from_slice(&rest[..newline]).map_err(|_| BackupError::Damaged)?;
    let mut cursor = MAGIC.len() + newline + 1;
    let mut parts = Vec::new();
    for part in header.parts {
        let len = usize::try_from(part.len).map_err(|_| BackupError::Damaged)?;
        let end = cursor
            .checked_add(len)
            .filter(|&e| e <= trailer_at)
            .ok_or(BackupError::Damaged)?;
        let data = &bytes[cursor..end];
        if hex::encode(Sha256::digest(data)) != part.sha256 {
            return Err(BackupError::Damaged);
        }
        if ![KEYRING_FILE, DUTYBOOK_FILE, ARCHIVE_FILE].contains(&part.name.as_str()) {
            return Err(BackupError::Damaged);
        }
        parts.push((part.name, data.to_vec()));
        cursor = end;
    }
    if cursor != trailer_at || parts.len() != 3 {
        return Err(BackupError::Damaged);
    }
    Ok(parts)
}

/// Writes the backup's files into an empty data directory. The caller then logs in and verifies.
pub fn restore_backup(source: &Path, dir: &DataDir) -> Result<(), BackupError> {
    if !dir.is_empty() {
        return Err(BackupError::TargetNotEmpty);
    }
    let bytes = std::fs::read(source)?;
    let parts = read_parts(&bytes)?;
    KeyRing::from_bytes(&parts[0].1).map_err(|_| BackupError::Damaged)?;
    for (name, data) in parts {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(dir.path().join(&name))?;
        file.write_all(&data)?;
        file.sync_all()?;
    }
    if let Ok(folder) = std::fs::File::open(dir.path()) {
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_or_edited_backup_is_refused() {
        let mut body = MAGIC.to_vec();
        body.extend_from_slice(br#"{"created":"x","parts":[]}"#);
        body.push(b'\n');
        let sum = hex::encode(Sha256::digest(&body));
        let mut whole = body.clone();
        whole.extend_from_slice(TRAILER);
        whole.extend_from_slice(sum.as_bytes());
        whole.push(b'\n');
        // Well formed but with no parts: refused (a backup always has three).
        assert!(matches!(read_parts(&whole), Err(BackupError::Damaged)));
        assert!(matches!(
            read_parts(&whole[..whole.len() - 10]),
            Err(BackupError::Damaged)
        ));
        let mut flipped = whole.clone();
        flipped[MAGIC.len() + 3] ^= 1;
        assert!(matches!(read_parts(&flipped), Err(BackupError::Damaged)));
    }
}
