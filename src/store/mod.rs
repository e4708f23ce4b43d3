//! The two SQLCipher stores and the data directory that holds them.
//!
//! `dutybook.db` opens with the duty key `D`; a counselor's connection ATTACHes `archive.db` with
//! the archive key `A`. A [`DutySession`] never holds `A`, so it cannot name a case query.
//! Must never: open a store without a key, write anything from a store in clear, or print SQL,
//! keys or paths inside the archive to the user.

pub mod audit;
mod backup;
pub mod cases;
mod datadir;
pub mod duty;
pub mod groups;
mod room;
mod roster;
pub mod scales;
mod schema;
pub mod screening;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use backup::{BackupError, restore_backup};
pub use cases::{Case, CaseError, Client, ClientRow, Goal, SearchHit, SessionNote};
pub use datadir::DataDir;
pub use duty::{Appointment, BookError, DutyRecord, FrontDesk, Leave, Request, RotaEntry};
pub use groups::{Group, GroupSession};
pub use room::{DEFAULT_LOCK_MINUTES, NewRoom, RoomSettings, setup_room};
pub use roster::ImportReport;

use crate::vault::{Grant, Key32, KeyName, KeyRing, Role, Unlocked};

pub const DUTYBOOK_FILE: &str = "dutybook.db";
pub const ARCHIVE_FILE: &str = "archive.db";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreName {
    Dutybook,
    Archive,
}

impl StoreName {
    pub fn file(self) -> &'static str {
        match self {
            StoreName::Dutybook => DUTYBOOK_FILE,
            StoreName::Archive => ARCHIVE_FILE,
        }
    }
    fn schema(self) -> &'static str {
        match self {
            StoreName::Dutybook => "main",
            StoreName::Archive => "archive",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file cannot be read with a key that the key ring vouched for: it is damaged.
    #[error("{file} is damaged: {detail}", file = .0.file(), detail = .1)]
    Damaged(StoreName, String),
    #[error("{file} is missing", file = .0.file())]
    Missing(StoreName),
    #[error("another caseroom is using this data directory")]
    InUse,
    #[error("not allowed for this role")]
    NotAllowedForRole,
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

fn damaged(which: StoreName) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::Damaged(which, e.to_string())
}

fn now_text() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Opens (or creates) the duty book with `key`, with every safety pragma set before anything is read.
fn open_keyed(path: &Path, key: &Key32, create: bool) -> Result<Connection, StoreError> {
    if !create && !path.exists() {
        return Err(StoreError::Missing(StoreName::Dutybook));
    }
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    // Before the key: SQLCipher would otherwise print "hmac check failed" over the interface.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let literal = key.sqlcipher_literal();
    let statement = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", literal.as_str()));
    conn.execute_batch(&statement)?;
    conn.execute_batch("PRAGMA cipher_memory_security = ON;")?;
    // A wrong key or a damaged first page shows only at the first read.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(damaged(StoreName::Dutybook))?;
    check_is_sqlcipher(&conn, path, StoreName::Dutybook)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = ON;
         PRAGMA busy_timeout = 5000;
         PRAGMA cache_size = -65536;",
    )?;
    restrict_file(path);
    Ok(conn)
}

/// SQLCipher without a key behaves as plain SQLite: make sure that is not what happened.
fn check_is_sqlcipher(conn: &Connection, path: &Path, which: StoreName) -> Result<(), StoreError> {
    let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).optional()?;
    if version.is_none_or(|v| v.is_empty()) {
        return Err(StoreError::Damaged(which, "not built with SQLCipher".into()));
    }
    let mut header = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open(path) {
        use std::io::Read;
        if f.read_exact(&mut header).is_ok() && &header == b"SQLite format 3\0" {
            return Err(StoreError::Damaged(which, "stored without encryption".into()));
        }
    }
    Ok(())
}

fn attach_archive(conn: &Connection, path: &Path, key: &Key32, create: bool) -> Result<(), StoreError> {
    if !create && !path.exists() {
        return Err(StoreError::Missing(StoreName::Archive));
    }
    let literal = key.sqlcipher_literal();
    conn.execute(
        "ATTACH DATABASE ?1 AS archive KEY ?2",
        rusqlite::params![path.to_string_lossy(), literal.as_str()],
    )
    .map_err(damaged(StoreName::Archive))?;
    conn.query_row("SELECT count(*) FROM archive.sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(damaged(StoreName::Archive))?;
    check_is_sqlcipher(conn, path, StoreName::Archive)?;
    conn.execute_batch(
        "PRAGMA archive.journal_mode = WAL;
         PRAGMA archive.synchronous = FULL;
         PRAGMA archive.secure_delete = ON;
         PRAGMA archive.cache_size = -131072;",
    )?;
    restrict_file(path);
    Ok(())
}

fn restrict_file(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Runs the migrations a store lacks; returns the version it had.
fn migrate(conn: &mut Connection, which: StoreName) -> Result<usize, StoreError> {
    let (schema, steps) = match which {
        StoreName::Dutybook => ("main", schema::DUTYBOOK),
        StoreName::Archive => ("archive", schema::ARCHIVE),
    };
    let version: i64 = conn.query_row(&format!("PRAGMA {schema}.user_version"), [], |r| r.get(0))?;
    if version as usize > steps.len() {
        return Err(StoreError::Damaged(which, "written by a newer caseroom".into()));
    }
    let tx = conn.transaction()?;
    tx.execute_batch(&audit::SCHEMA.replace("{s}", schema))?;
    for (i, step) in steps.iter().enumerate().skip(version as usize) {
        tx.execute_batch(step)?;
        tx.execute_batch(&format!("PRAGMA {schema}.user_version = {}", i + 1))?;
    }
    if which == StoreName::Archive && (version as usize) < schema::ARCHIVE_BIGRAMS_REBUILT_AT && version > 0 {
        cases::rebuild_bigrams(&tx)?;
    }
    tx.commit()?;
    Ok(version as usize)
}

/// `quick_check` on open, so a damaged page is reported before anything is half-read.
fn quick_check(conn: &Connection, which: StoreName) -> Result<(), StoreError> {
    let result: String = conn
        .query_row(&format!("PRAGMA {}.quick_check(1)", which.schema()), [], |r| r.get(0))
        .map_err(damaged(which))?;
    if result == "ok" {
        Ok(())
    } else {
        Err(StoreError::Damaged(which, result))
    }
}

/// What every login has: the duty book, the account, and the data directory it holds locked.
#[doc(hidden)]
pub struct Stores {
    pub(crate) conn: Connection,
    pub(crate) account: String,
    display_name: String,
    dir: DataDir,
}

/// Which keys opened the stores: `true` where only the next key of an unfinished rotation did.
#[derive(Default)]
struct OpenedWith {
    next_dutybook: bool,
    next_archive: bool,
}

impl Stores {
    fn open(dir: DataDir, keys: &Unlocked, create: bool) -> Result<(Stores, OpenedWith), StoreError> {
        let mut opened = OpenedWith::default();
        let path = dir.path().join(DUTYBOOK_FILE);
        let mut conn = match (open_keyed(&path, &keys.dutybook, create), &keys.next_dutybook) {
            (Err(StoreError::Damaged(..)), Some(next)) => {
                opened.next_dutybook = true;
                open_keyed(&path, next, create)?
            }
            (result, _) => result?,
        };
        quick_check(&conn, StoreName::Dutybook)?;
        migrate(&mut conn, StoreName::Dutybook)?;
        if let Some(archive) = &keys.archive {
            let path = dir.path().join(ARCHIVE_FILE);
            match (attach_archive(&conn, &path, archive, create), &keys.next_archive) {
                (Err(StoreError::Damaged(..)), Some(next)) => {
                    opened.next_archive = true;
                    attach_archive(&conn, &path, next, create)?
                }
                (result, _) => result?,
            }
            quick_check(&conn, StoreName::Archive)?;
            migrate(&mut conn, StoreName::Archive)?;
        }
        Ok((
            Stores {
                conn,
                account: keys.name.clone(),
                display_name: keys.display_name.clone(),
                dir,
            },
            opened,
        ))
    }

    fn count(&self, table: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        audit::append(&tx, "main", &self.account, "update", "setting", key)?;
        tx.commit()?;
        Ok(())
    }

    fn verify(&self, which: StoreName) -> Result<StoreCheck, StoreError> {
        let schema = which.schema();
        let mut problems = Vec::new();
        // cipher_integrity_check reads the main file, not the WAL: bring the file up to date.
        self.conn
            .execute_batch(&format!("PRAGMA {schema}.wal_checkpoint(TRUNCATE);"))
            .map_err(damaged(which))?;
        let cipher: Vec<String> = {
            let mut stmt = self.conn.prepare(&format!("PRAGMA {schema}.cipher_integrity_check"))?;
            stmt.query_map([], |r| r.get::<_, String>(0))
                .map_err(damaged(which))?
                .collect::<Result<_, _>>()
                .map_err(damaged(which))?
        };
        problems.extend(cipher);
        let integrity: String = self
            .conn
            .query_row(&format!("PRAGMA {schema}.integrity_check(1)"), [], |r| r.get(0))
            .map_err(damaged(which))?;
        if integrity != "ok" {
            problems.push(integrity);
        }
        let chain = audit::verify_chain(&self.conn, schema)?;
        Ok(StoreCheck {
            store: which,
            problems,
            audit: chain,
        })
    }
}

/// The result of checking one store: cipher and SQLite integrity, and its audit chain.
#[derive(Debug)]
pub struct StoreCheck {
    pub store: StoreName,
    pub problems: Vec<String>,
    /// `Ok(rows)` when the chain holds, `Err(seq)` where it first breaks.
    pub audit: Result<u64, i64>,
}

impl StoreCheck {
    pub fn holds(&self) -> bool {
        self.problems.is_empty() && self.audit.is_ok()
    }
}

/// Counts for `caseroom status`. Archive counts are `None` for a duty teacher.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub students: i64,
    pub appointments: i64,
    pub duty_records: i64,
    pub dutybook_audit: i64,
    pub clients: Option<i64>,
    pub cases: Option<i64>,
    pub sessions: Option<i64>,
    pub archive_audit: Option<i64>,
    pub last_backup: Option<String>,
}

/// The duty-book operations both roles share.
pub trait DutyBookAccess {
    #[doc(hidden)]
    fn stores(&self) -> &Stores;

    fn account(&self) -> &str {
        &self.stores().account
    }
    fn display_name(&self) -> &str {
        &self.stores().display_name
    }
    fn data_dir(&self) -> &Path {
        self.stores().dir.path()
    }
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.stores().setting(key)
    }
    fn room_settings(&self) -> Result<RoomSettings, StoreError> {
        room::read(self)
    }
    fn status(&self) -> Result<Status, StoreError>;
    fn verify(&self) -> Result<Vec<StoreCheck>, StoreError>;
}

/// A duty teacher's login: the duty book and nothing else.
pub struct DutySession(Stores);

/// A counselor's login: the duty book with the archive attached.
pub struct CounselorSession {
    stores: Stores,
    archive_key: Key32,
    dutybook_key: Key32,
}

/// What a login opens, by role.
pub enum Session {
    Counselor(CounselorSession),
    Duty(DutySession),
}

impl Session {
    /// Opens the stores with the keys a login produced. A counselor's login also finishes a key
    /// rotation that a crash interrupted (re-key, then promote the next keys in `ring`).
    pub fn open(dir: DataDir, keys: Unlocked, ring: &mut KeyRing) -> Result<Session, StoreError> {
        let (stores, opened) = Stores::open(dir, &keys, false)?;
        let Unlocked {
            role,
            archive,
            dutybook,
            next_archive,
            next_dutybook,
            ..
        } = keys;
        let pick = |used_next: bool, key: Key32, next: Option<Key32>| match (used_next, next) {
            (true, Some(next)) => next,
            _ => key,
        };
        let dutybook_key = pick(
            opened.next_dutybook,
            dutybook.duplicate(),
            next_dutybook.as_ref().map(Key32::duplicate),
        );
        match (role, archive) {
            (Role::Counselor | Role::Recovery, Some(archive)) => {
                let archive_key = pick(
                    opened.next_archive,
                    archive.duplicate(),
                    next_archive.as_ref().map(Key32::duplicate),
                );
                let mut session = CounselorSession {
                    stores,
                    archive_key,
                    dutybook_key,
                };
                if ring.has_pending_rotation() {
                    let old = Grant {
                        archive: &archive,
                        dutybook: &dutybook,
                    };
                    for (which, next, used) in [
                        (StoreName::Dutybook, &next_dutybook, opened.next_dutybook),
                        (StoreName::Archive, &next_archive, opened.next_archive),
                    ] {
                        if let (Some(next), false) = (next, used) {
                            session.rekey_to(which, next)?;
                        }
                    }
                    ring.promote_next(old, next_archive.as_ref())?;
                    ring.save(session.data_dir())?;
                }
                Ok(Session::Counselor(session))
            }
            _ => Ok(Session::Duty(DutySession(stores))),
        }
    }

    /// Creates both stores for a new room (called by setup, right after the key ring is made).
    pub fn create(dir: DataDir, keys: Unlocked) -> Result<Session, StoreError> {
        let (stores, _) = Stores::open(dir, &keys, true)?;
        match keys.archive {
            Some(archive) => Ok(Session::Counselor(CounselorSession {
                stores,
                archive_key: archive,
                dutybook_key: keys.dutybook,
            })),
            None => Err(StoreError::NotAllowedForRole),
        }
    }

    /// Closes the stores (keys are wiped as they drop) and hands back the locked data directory.
    pub fn close(self) -> DataDir {
        match self {
            Session::Counselor(s) => s.stores.dir,
            Session::Duty(s) => s.0.dir,
        }
    }

    pub fn access(&self) -> &dyn DutyBookAccess {
        match self {
            Session::Counselor(s) => s,
            Session::Duty(s) => s,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Session::Counselor(_) => Role::Counselor,
            Session::Duty(_) => Role::Duty,
        }
    }
}

impl DutyBookAccess for DutySession {
    fn stores(&self) -> &Stores {
        &self.0
    }
    fn status(&self) -> Result<Status, StoreError> {
        dutybook_status(&self.0)
    }
    fn verify(&self) -> Result<Vec<StoreCheck>, StoreError> {
        Ok(vec![self.0.verify(StoreName::Dutybook)?])
    }
}

fn dutybook_status(s: &Stores) -> Result<Status, StoreError> {
    Ok(Status {
        students: s.count("students")?,
        appointments: s.count("appointments")?,
        duty_records: s.count("duty_records")?,
        dutybook_audit: s.count("main.audit")?,
        last_backup: s.setting("last_backup")?,
        ..Status::default()
    })
}

impl DutyBookAccess for CounselorSession {
    fn stores(&self) -> &Stores {
        &self.stores
    }
    fn status(&self) -> Result<Status, StoreError> {
        let s = &self.stores;
        Ok(Status {
            clients: Some(s.count("archive.clients")?),
            cases: Some(s.count("archive.cases")?),
            sessions: Some(s.count("archive.sessions")?),
            archive_audit: Some(s.count("archive.audit")?),
            ..dutybook_status(s)?
        })
    }
    fn verify(&self) -> Result<Vec<StoreCheck>, StoreError> {
        Ok(vec![
            self.stores.verify(StoreName::Dutybook)?,
            self.stores.verify(StoreName::Archive)?,
        ])
    }
}

impl CounselorSession {
    pub fn archive_key(&self) -> &Key32 {
        &self.archive_key
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.stores.set_setting(key, value)
    }

    /// The authority to change the key ring.
    pub fn grant(&self) -> Grant<'_> {
        Grant {
            archive: &self.archive_key,
            dutybook: &self.dutybook_key,
        }
    }

    /// Re-keys one store to `key`. SQLCipher rewrites it in one transaction: the file holds
    /// either the old key or the new one, never a mix.
    fn rekey_to(&mut self, which: StoreName, key: &Key32) -> Result<(), StoreError> {
        let literal = key.sqlcipher_literal();
        let statement = zeroize::Zeroizing::new(format!("PRAGMA {}.rekey = \"{}\";", which.schema(), literal.as_str()));
        self.stores.conn.execute_batch(&statement)?;
        let tx = self.stores.conn.unchecked_transaction()?;
        audit::append(
            &tx,
            which.schema(),
            &self.stores.account,
            "rekey",
            "store",
            which.file(),
        )?;
        tx.commit()?;
        match which {
            StoreName::Archive => self.archive_key = key.duplicate(),
            StoreName::Dutybook => self.dutybook_key = key.duplicate(),
        }
        Ok(())
    }

    /// Removes an account and replaces every key it held, so that a copy of its old key ring
    /// entry and its password open nothing written from now on. Order matters for crash safety:
    /// the next keys are sealed and saved first, then the stores re-keyed, then promoted.
    pub fn remove_account(&mut self, ring: &mut KeyRing, name: &str) -> Result<Role, StoreError> {
        let role = ring.remove_account(self.grant(), name)?;
        let rotated: Vec<(StoreName, KeyName, Key32)> = role
            .keys()
            .iter()
            .map(|&k| match k {
                KeyName::Archive => (StoreName::Archive, k, Key32::random()),
                KeyName::Dutybook => (StoreName::Dutybook, k, Key32::random()),
            })
            .collect();
        for (_, key_name, key) in &rotated {
            ring.seal_next(self.grant(), *key_name, key)?;
        }
        ring.save(self.data_dir())?;
        let old_archive = self.archive_key.duplicate();
        let old_dutybook = self.dutybook_key.duplicate();
        for (which, _, key) in &rotated {
            self.rekey_to(*which, key)?;
        }
        let new_archive = rotated.iter().find(|(w, ..)| *w == StoreName::Archive).map(|(.., k)| k);
        ring.promote_next(
            Grant {
                archive: &old_archive,
                dutybook: &old_dutybook,
            },
            new_archive,
        )?;
        ring.save(self.data_dir())?;
        self.audit_account("remove", name)?;
        Ok(role)
    }

    /// Adds an account to the key ring, saves it, and audits the change.
    pub fn add_account(
        &self,
        ring: &mut KeyRing,
        name: &str,
        display: &str,
        role: Role,
        password: &crate::vault::Password,
    ) -> Result<(), StoreError> {
        ring.add_account(self.grant(), name, display, role, password)?;
        ring.save(self.data_dir())?;
        self.audit_account("add", name)
    }

    /// Gives another account a new key pair and password (a forgotten password), saved and audited.
    pub fn reset_password(
        &self,
        ring: &mut KeyRing,
        name: &str,
        password: &crate::vault::Password,
    ) -> Result<(), StoreError> {
        ring.reset_password(self.grant(), name, password)?;
        ring.save(self.data_dir())?;
        self.audit_account("reset_password", name)
    }

    /// Writes an audit row for an account change (kept in the duty book, where accounts live).
    pub fn audit_account(&self, action: &str, name: &str) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        audit::append(&tx, "main", &self.stores.account, action, "account", name)?;
        tx.commit()?;
        Ok(())
    }

    /// Imports the school roster: every row or none.
    pub fn import_students(&mut self, rows: &[crate::domain::roster::Student]) -> Result<ImportReport, StoreError> {
        roster::import(&mut self.stores.conn, &self.stores.account, rows)
    }

    /// Writes a backup file of both stores and the key ring (see `backup.rs`).
    pub fn backup_to(&self, target: &Path) -> Result<(), BackupError> {
        backup::write_backup(self, target)
    }

    fn conn(&self) -> &Connection {
        &self.stores.conn
    }
    fn keys(&self) -> (&Key32, &Key32) {
        (&self.dutybook_key, &self.archive_key)
    }
}

/// The platform's data directory, unless the user named another.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("org", "caseroom", "caseroom")
        .map(|p| p.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("caseroom-data"))
}
