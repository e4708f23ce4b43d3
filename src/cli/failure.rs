//! What the user is told when a verb fails, and with which exit code: 0 done, 2 usage, 3 login
//! failed, 4 not allowed for this role, 5 data damaged or unreadable, 1 anything else.
//! Never SQL, a key, or a Rust panic: a sentence in the user's language that says what to do.

use std::path::Path;

use rust_i18n::t;

use crate::store::{BackupError, StoreError, StoreName};
use crate::vault::VaultError;

pub const EXIT_OTHER: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_LOGIN: u8 = 3;
pub const EXIT_ROLE: u8 = 4;
pub const EXIT_DAMAGED: u8 = 5;

#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(EXIT_USAGE, message)
    }
}

/// The context a message may name: the account and the data directory.
pub struct Context<'a> {
    pub user: &'a str,
    pub dir: &'a Path,
}

pub fn from_vault(e: VaultError, cx: &Context<'_>) -> Failure {
    let dir = cx.dir.display().to_string();
    match e {
        VaultError::NoKeyRing => Failure::new(EXIT_OTHER, t!("cli.no_keyring", dir = dir)),
        VaultError::KeyRingExists => Failure::new(EXIT_OTHER, t!("cli.keyring_exists", dir = dir)),
        VaultError::UnknownAccount => Failure::new(EXIT_LOGIN, t!("cli.unknown_account", user = cx.user)),
        VaultError::AccountExists => Failure::new(EXIT_OTHER, t!("cli.account_exists", user = cx.user)),
        VaultError::WrongPassword => Failure::new(EXIT_LOGIN, t!("cli.wrong_password", user = cx.user, secs = 1)),
        VaultError::WrongRecoveryCode => Failure::new(EXIT_LOGIN, t!("cli.wrong_recovery_code")),
        VaultError::TooSoon(secs) => Failure::new(EXIT_LOGIN, t!("cli.too_soon", user = cx.user, secs = secs)),
        VaultError::KeyRingDamaged => Failure::new(EXIT_DAMAGED, t!("cli.keyring_damaged")),
        VaultError::EntryTampered(name) => Failure::new(EXIT_DAMAGED, t!("cli.entry_tampered", user = name)),
        VaultError::WeakKdf => Failure::new(EXIT_DAMAGED, t!("cli.weak_kdf")),
        VaultError::NotAllowedForRole => Failure::new(EXIT_ROLE, t!("cli.not_allowed")),
        VaultError::LastCounselor => Failure::new(EXIT_OTHER, t!("cli.last_counselor")),
        VaultError::BadName => Failure::usage(t!("cli.bad_name")),
        VaultError::Io(e) => Failure::new(EXIT_OTHER, t!("cli.io_error", detail = e.to_string())),
    }
}

pub fn from_store(e: StoreError, cx: &Context<'_>) -> Failure {
    match e {
        StoreError::Damaged(which, _) => Failure::new(EXIT_DAMAGED, t!("cli.damaged", file = which.file())),
        StoreError::Missing(which) => Failure::new(EXIT_DAMAGED, t!("cli.missing", file = which.file())),
        StoreError::InUse => Failure::new(EXIT_OTHER, t!("cli.in_use", dir = cx.dir.display().to_string())),
        StoreError::NotAllowedForRole => Failure::new(EXIT_ROLE, t!("cli.not_allowed")),
        StoreError::Vault(v) => from_vault(v, cx),
        StoreError::Io(e) => Failure::new(EXIT_OTHER, t!("cli.io_error", detail = e.to_string())),
        // A failing statement on a store that opened and checked out is most likely damage
        // found late (a page that fails its HMAC); say so rather than show SQL.
        StoreError::Sql(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                Failure::new(EXIT_DAMAGED, t!("cli.damaged", file = StoreName::Archive.file()))
            }
            _ => Failure::new(
                EXIT_OTHER,
                t!(
                    "cli.internal",
                    detail = e.sqlite_error_code().map(|c| format!("{c:?}")).unwrap_or_default()
                ),
            ),
        },
    }
}

pub fn from_backup(e: BackupError, cx: &Context<'_>) -> Failure {
    match e {
        BackupError::Damaged => Failure::new(EXIT_DAMAGED, t!("cli.backup_damaged")),
        BackupError::TargetNotEmpty => Failure::new(
            EXIT_OTHER,
            t!("cli.target_not_empty", dir = cx.dir.display().to_string()),
        ),
        BackupError::Store(e) => from_store(e, cx),
        BackupError::Io(e) => Failure::new(EXIT_OTHER, t!("cli.io_error", detail = e.to_string())),
    }
}
