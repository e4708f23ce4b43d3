//! The key ring and everything that turns a password into the keys of the two stores.
//!
//! Must never: write a key, a password or a private key in clear anywhere; seal a key to an
//! entry whose MAC fails; hand the archive key to a duty account.

mod kdf;
mod keyring;
mod recovery;
mod secret;

pub use kdf::{KdfParams, TEST_KDF_ENV, allow_weak_kdf_for_tests, calibrate, derive};
pub use keyring::{Entry, FORMAT, Grant, KeyName, KeyRing, Role, Unlocked, failed_login_delay, valid_name};
pub use recovery::RecoveryCode;
pub use secret::{Key32, Password};

/// The file name of the key ring inside the data directory.
pub const KEYRING_FILE: &str = "keyring.json";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("no key ring in the data directory")]
    NoKeyRing,
    #[error("the data directory already holds a key ring")]
    KeyRingExists,
    #[error("no such account")]
    UnknownAccount,
    #[error("an account with that name exists")]
    AccountExists,
    #[error("wrong password")]
    WrongPassword,
    #[error("wrong recovery code")]
    WrongRecoveryCode,
    #[error("the key ring is damaged")]
    KeyRingDamaged,
    #[error("the key ring entry of {0} fails its check")]
    EntryTampered(String),
    #[error("the key ring asks for key derivation weaker than allowed")]
    WeakKdf,
    #[error("too many failed logins; wait {0} s")]
    TooSoon(u64),
    #[error("not allowed for this role")]
    NotAllowedForRole,
    #[error("the last counselor cannot be removed")]
    LastCounselor,
    #[error("invalid account name")]
    BadName,
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// Fills `buf` from the operating system's random source.
pub fn fill_random(buf: &mut [u8]) {
    // The OS random source failing is not something caseroom can work around; refusing to go on
    // is the only safe answer.
    if getrandom::fill(buf).is_err() {
        eprintln!("caseroom: the operating system's random number source failed");
        std::process::exit(1);
    }
}
