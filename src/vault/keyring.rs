//! `keyring.json`: one entry per account and one for the recovery code.
//!
//! An entry holds an X25519 key pair whose private half is wrapped (XChaCha20-Poly1305) under a
//! key derived from the password, and the data keys sealed (HPKE, RFC 9180) to its public half.
//! Associated data binds the format version, the account name, its role and the key name, so an
//! edited role or name makes the unwrap fail. A MAC under a key derived from the archive key
//! covers name, display name, role and public key: only a counselor can check it, and a counselor
//! never seals a key to an entry whose MAC fails.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use chacha20poly1305::aead::{Aead as _, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use hmac::Mac;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{KdfParams, Key32, Password, RecoveryCode, VaultError, derive};

type Kem = hpke::kem::X25519HkdfSha256;
type HpkeKdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::ChaCha20Poly1305;
type PrivateKey = <Kem as hpke::Kem>::PrivateKey;
type PublicKey = <Kem as hpke::Kem>::PublicKey;
type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

pub const FORMAT: u32 = 1;
const HPKE_INFO: &[u8] = b"caseroom keyring v1";
const RECOVERY_NAME: &str = "recovery";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Counselor,
    Duty,
    Recovery,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counselor => "counselor",
            Role::Duty => "duty",
            Role::Recovery => "recovery",
        }
    }

    /// The data keys an entry of this role holds.
    pub fn keys(self) -> &'static [KeyName] {
        match self {
            Role::Counselor | Role::Recovery => &[KeyName::Archive, KeyName::Dutybook],
            Role::Duty => &[KeyName::Dutybook],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyName {
    Archive,
    Dutybook,
}

impl KeyName {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyName::Archive => "archive",
            KeyName::Dutybook => "dutybook",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sealed {
    pub nonce: String,
    pub ciphertext: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Encapsulated {
    pub enc: String,
    pub ciphertext: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FailedLogins {
    pub count: u32,
    pub last_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub kdf: KdfParams,
    pub salt: String,
    pub public_key: String,
    pub private_key: Sealed,
    pub wrapped: BTreeMap<String, Encapsulated>,
    pub mac: String,
    #[serde(default)]
    pub failed: FailedLogins,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyRing {
    pub format: u32,
    /// The interface language chosen at setup; not secret, needed before anyone logs in.
    pub lang: String,
    pub accounts: Vec<Entry>,
    pub recovery: Entry,
}

/// What a successful login yields. The archive key is there for counselors and recovery only.
/// `next_*` are keys of a rotation that was prepared but not finished (see [`KeyRing::seal_next`]).
#[derive(Debug)]
pub struct Unlocked {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub dutybook: Key32,
    pub archive: Option<Key32>,
    pub next_dutybook: Option<Key32>,
    pub next_archive: Option<Key32>,
}

impl Unlocked {
    /// The authority to change the key ring: only a login holding the archive key has it.
    pub fn grant(&self) -> Result<Grant<'_>, VaultError> {
        match &self.archive {
            Some(archive) => Ok(Grant {
                archive,
                dutybook: &self.dutybook,
            }),
            None => Err(VaultError::NotAllowedForRole),
        }
    }
}

/// Both data keys, borrowed from a counselor's (or the recovery code's) login.
#[derive(Clone, Copy)]
pub struct Grant<'a> {
    pub archive: &'a Key32,
    pub dutybook: &'a Key32,
}

impl Grant<'_> {
    fn mac_key(&self) -> Key32 {
        mac_key(self.archive)
    }
    fn keys(&self) -> KeySet<'_> {
        KeySet {
            archive: Some(self.archive),
            dutybook: Some(self.dutybook),
        }
    }
}

fn next_slot(key_name: KeyName) -> String {
    format!("{}.next", key_name.as_str())
}

/// The wait after `count` failed logins in a row: 1 s, 2 s, 4 s … capped at 60 s.
pub fn failed_login_delay(count: u32) -> Duration {
    if count == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs((1u64 << (count - 1).min(6)).min(60))
}

/// Associated data: format, role, the name (length-prefixed, so no name can pose as another)
/// and what is sealed.
fn aad(role: Role, name: &str, what: &str) -> Vec<u8> {
    format!("caseroom/v{FORMAT}/{}/{}:{name}/{what}", role.as_str(), name.len()).into_bytes()
}

fn mac_key(archive: &Key32) -> Key32 {
    let hk = hkdf::Hkdf::<sha2::Sha256>::new(None, archive.expose());
    let mut okm = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = hk.expand(b"caseroom keyring entry mac v1", okm.as_mut_slice());
    Key32::from_slice(okm.as_slice()).unwrap_or_else(Key32::random)
}

fn entry_hmac(key: &Key32, entry: &Entry) -> Result<hmac::Hmac<sha2::Sha256>, VaultError> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.expose()).map_err(|_| VaultError::KeyRingDamaged)?;
    for part in [
        FORMAT.to_string().as_str(),
        entry.name.as_str(),
        entry.display_name.as_str(),
        entry.role.as_str(),
        entry.public_key.as_str(),
    ] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    Ok(mac)
}

fn entry_mac(key: &Key32, entry: &Entry) -> Result<Vec<u8>, VaultError> {
    Ok(entry_hmac(key, entry)?.finalize().into_bytes().to_vec())
}

fn unhex(text: &str) -> Result<Vec<u8>, VaultError> {
    hex::decode(text).map_err(|_| VaultError::KeyRingDamaged)
}

fn wrap_private(kek: &Key32, role: Role, name: &str, private: &PrivateKey) -> Result<Sealed, VaultError> {
    let cipher = XChaCha20Poly1305::new_from_slice(kek.expose()).map_err(|_| VaultError::KeyRingDamaged)?;
    let mut nonce = [0u8; 24];
    super::fill_random(&mut nonce);
    let mut plain = private.to_bytes();
    let aad = aad(role, name, "private");
    let ciphertext = cipher.encrypt(
        &XNonce::from(nonce),
        Payload {
            msg: plain.as_slice(),
            aad: &aad,
        },
    );
    plain.as_mut_slice().zeroize();
    let ciphertext = ciphertext.map_err(|_| VaultError::KeyRingDamaged)?;
    Ok(Sealed {
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

fn unwrap_private(kek: &Key32, entry: &Entry) -> Result<PrivateKey, VaultError> {
    let cipher = XChaCha20Poly1305::new_from_slice(kek.expose()).map_err(|_| VaultError::KeyRingDamaged)?;
    let nonce: [u8; 24] = unhex(&entry.private_key.nonce)?
        .try_into()
        .map_err(|_| VaultError::KeyRingDamaged)?;
    let ciphertext = unhex(&entry.private_key.ciphertext)?;
    let aad = aad(entry.role, &entry.name, "private");
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::WrongPassword)?,
    );
    PrivateKey::from_bytes(&plain).map_err(|_| VaultError::KeyRingDamaged)
}

fn seal_key(
    public: &PublicKey,
    role: Role,
    name: &str,
    key_name: KeyName,
    key: &Key32,
) -> Result<Encapsulated, VaultError> {
    let aad = aad(role, name, key_name.as_str());
    let (enc, ciphertext) =
        hpke::single_shot_seal::<HpkeAead, HpkeKdf, Kem>(&OpModeS::Base, public, HPKE_INFO, key.expose(), &aad)
            .map_err(|_| VaultError::KeyRingDamaged)?;
    Ok(Encapsulated {
        enc: hex::encode(enc.to_bytes()),
        ciphertext: hex::encode(ciphertext),
    })
}

fn open_key(private: &PrivateKey, entry: &Entry, key_name: KeyName, next: bool) -> Result<Option<Key32>, VaultError> {
    let slot = if next {
        next_slot(key_name)
    } else {
        key_name.as_str().to_owned()
    };
    let Some(sealed) = entry.wrapped.get(&slot) else {
        return Ok(None);
    };
    let enc = EncappedKey::from_bytes(&unhex(&sealed.enc)?).map_err(|_| VaultError::KeyRingDamaged)?;
    let aad = aad(entry.role, &entry.name, key_name.as_str());
    let plain = Zeroizing::new(
        hpke::single_shot_open::<HpkeAead, HpkeKdf, Kem>(
            &OpModeR::Base,
            private,
            &enc,
            HPKE_INFO,
            &unhex(&sealed.ciphertext)?,
            &aad,
        )
        .map_err(|_| VaultError::EntryTampered(entry.name.clone()))?,
    );
    Key32::from_slice(&plain).map(Some).ok_or(VaultError::KeyRingDamaged)
}

/// Names are what people type at login: letters, digits, `.`, `_`, `-`, or any CJK character.
pub fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=32).contains(&count)
        && name != RECOVERY_NAME
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Entry {
    /// A fresh entry: new key pair, private key wrapped under `secret`, the keys of `role`
    /// sealed to it, and (when a MAC key is at hand) its MAC.
    fn new(
        name: &str,
        display_name: &str,
        role: Role,
        secret: &Password,
        kdf: KdfParams,
        keys: &KeySet<'_>,
        mac_key: &Key32,
    ) -> Result<Entry, VaultError> {
        let (private, public) = Kem::gen_keypair();
        let mut salt = [0u8; 16];
        super::fill_random(&mut salt);
        let kek = derive(secret.expose().as_bytes(), &salt, kdf)?;
        let mut entry = Entry {
            name: name.to_owned(),
            display_name: display_name.to_owned(),
            role,
            kdf,
            salt: hex::encode(salt),
            public_key: hex::encode(public.to_bytes()),
            private_key: wrap_private(&kek, role, name, &private)?,
            wrapped: BTreeMap::new(),
            mac: String::new(),
            failed: FailedLogins::default(),
        };
        for &key_name in role.keys() {
            let key = keys.get(key_name).ok_or(VaultError::NotAllowedForRole)?;
            entry.wrapped.insert(
                key_name.as_str().to_owned(),
                seal_key(&public, role, name, key_name, key)?,
            );
        }
        entry.mac = hex::encode(entry_mac(mac_key, &entry)?);
        Ok(entry)
    }

    fn public(&self) -> Result<PublicKey, VaultError> {
        PublicKey::from_bytes(&unhex(&self.public_key)?).map_err(|_| VaultError::KeyRingDamaged)
    }

    fn check_mac(&self, mac_key: &Key32) -> Result<(), VaultError> {
        let stored = unhex(&self.mac).unwrap_or_default();
        entry_hmac(mac_key, self)?
            .verify_slice(&stored)
            .map_err(|_| VaultError::EntryTampered(self.name.clone()))
    }

    fn unlock_with(&self, secret: &Password) -> Result<Unlocked, VaultError> {
        self.kdf.check()?;
        let kek = derive(secret.expose().as_bytes(), &unhex(&self.salt)?, self.kdf)?;
        let private = unwrap_private(&kek, self)?;
        // The private key must match the public key the MAC covers, or someone swapped one.
        if hex::encode(<Kem as hpke::Kem>::sk_to_pk(&private).to_bytes()) != self.public_key {
            return Err(VaultError::EntryTampered(self.name.clone()));
        }
        let dutybook = open_key(&private, self, KeyName::Dutybook, false)?.ok_or(VaultError::KeyRingDamaged)?;
        let (archive, next_archive) = match self.role {
            Role::Counselor | Role::Recovery => (
                Some(open_key(&private, self, KeyName::Archive, false)?.ok_or(VaultError::KeyRingDamaged)?),
                open_key(&private, self, KeyName::Archive, true)?,
            ),
            Role::Duty => (None, None),
        };
        let next_dutybook = open_key(&private, self, KeyName::Dutybook, true)?;
        let unlocked = Unlocked {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            dutybook,
            archive,
            next_dutybook,
            next_archive,
        };
        if let Ok(grant) = unlocked.grant() {
            self.check_mac(&grant.mac_key())?;
        }
        Ok(unlocked)
    }
}

/// The data keys at hand when an entry is made or re-sealed.
pub struct KeySet<'a> {
    pub archive: Option<&'a Key32>,
    pub dutybook: Option<&'a Key32>,
}

impl KeySet<'_> {
    fn get(&self, name: KeyName) -> Option<&Key32> {
        match name {
            KeyName::Archive => self.archive,
            KeyName::Dutybook => self.dutybook,
        }
    }
}

impl KeyRing {
    /// A new room: fresh data keys, the first counselor, and the recovery entry.
    pub fn create(
        counselor: &str,
        display_name: &str,
        password: &Password,
        lang: &str,
    ) -> Result<(KeyRing, Unlocked, RecoveryCode), VaultError> {
        if !valid_name(counselor) {
            return Err(VaultError::BadName);
        }
        let archive = Key32::random();
        let dutybook = Key32::random();
        let mac = mac_key(&archive);
        let keys = KeySet {
            archive: Some(&archive),
            dutybook: Some(&dutybook),
        };
        let kdf = KdfParams::for_new_account();
        let code = RecoveryCode::generate();
        let entry = Entry::new(counselor, display_name, Role::Counselor, password, kdf, &keys, &mac)?;
        let recovery = Entry::new(
            RECOVERY_NAME,
            RECOVERY_NAME,
            Role::Recovery,
            &Password::from(code.expose()),
            kdf,
            &keys,
            &mac,
        )?;
        let ring = KeyRing {
            format: FORMAT,
            lang: lang.to_owned(),
            accounts: vec![entry],
            recovery,
        };
        let unlocked = Unlocked {
            name: counselor.to_owned(),
            display_name: display_name.to_owned(),
            role: Role::Counselor,
            dutybook,
            archive: Some(archive),
            next_dutybook: None,
            next_archive: None,
        };
        Ok((ring, unlocked, code))
    }

    pub fn load(dir: &Path) -> Result<KeyRing, VaultError> {
        let path = dir.join(super::KEYRING_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NoKeyRing);
            }
            Err(e) => return Err(e.into()),
        };
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<KeyRing, VaultError> {
        let ring: KeyRing = serde_json::from_slice(bytes).map_err(|_| VaultError::KeyRingDamaged)?;
        if ring.format != FORMAT || ring.recovery.role != Role::Recovery {
            return Err(VaultError::KeyRingDamaged);
        }
        Ok(ring)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain structs of strings and numbers cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Replaces `keyring.json` atomically: a temporary file, fsync, rename, fsync of the folder.
    pub fn save(&self, dir: &Path) -> Result<(), VaultError> {
        let path = dir.join(super::KEYRING_FILE);
        let tmp = dir.join(format!("{}.tmp", super::KEYRING_FILE));
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(&self.to_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &path)?;
        if let Ok(folder) = std::fs::File::open(dir) {
            let _ = folder.sync_all();
        }
        Ok(())
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.accounts.iter().find(|e| e.name == name)
    }

    fn entry_mut(&mut self, name: &str) -> Option<&mut Entry> {
        self.accounts.iter_mut().find(|e| e.name == name)
    }

    /// How long `name` must still wait before the next try, after earlier failures.
    pub fn wait_before_login(&self, name: &str, now: DateTime<Utc>) -> Duration {
        let failed = match self.entry(name) {
            Some(e) => &e.failed,
            None if name == RECOVERY_NAME => &self.recovery.failed,
            None => return Duration::ZERO,
        };
        let Some(last) = failed.last_at else {
            return Duration::ZERO;
        };
        let until = last + chrono::Duration::from_std(failed_login_delay(failed.count)).unwrap_or_default();
        (until - now).to_std().unwrap_or(Duration::ZERO)
    }

    fn failed_mut(&mut self, name: &str) -> Option<&mut FailedLogins> {
        if name == RECOVERY_NAME {
            return Some(&mut self.recovery.failed);
        }
        self.entry_mut(name).map(|e| &mut e.failed)
    }

    /// Logs in. The caller saves the ring afterwards: the failure counter changed either way.
    pub fn unlock(&mut self, name: &str, password: &Password, now: DateTime<Utc>) -> Result<Unlocked, VaultError> {
        let wait = self.wait_before_login(name, now);
        if !wait.is_zero() {
            return Err(VaultError::TooSoon(wait.as_secs().max(1)));
        }
        let entry = self.entry(name).ok_or(VaultError::UnknownAccount)?;
        let result = entry.unlock_with(password);
        self.note_attempt(
            name,
            result.is_ok() || !matches!(result, Err(VaultError::WrongPassword)),
            now,
        );
        result
    }

    pub fn unlock_recovery(&mut self, code: &RecoveryCode, now: DateTime<Utc>) -> Result<Unlocked, VaultError> {
        let wait = self.wait_before_login(RECOVERY_NAME, now);
        if !wait.is_zero() {
            return Err(VaultError::TooSoon(wait.as_secs().max(1)));
        }
        let result = self.recovery.unlock_with(&Password::from(code.expose()));
        self.note_attempt(RECOVERY_NAME, !matches!(result, Err(VaultError::WrongPassword)), now);
        result.map_err(|e| match e {
            VaultError::WrongPassword => VaultError::WrongRecoveryCode,
            other => other,
        })
    }

    fn note_attempt(&mut self, name: &str, ok: bool, now: DateTime<Utc>) {
        if let Some(failed) = self.failed_mut(name) {
            if ok {
                *failed = FailedLogins::default();
            } else {
                failed.count = failed.count.saturating_add(1);
                failed.last_at = Some(now);
            }
        }
    }

    /// Entries whose MAC fails under the archive key held by `by`.
    pub fn tampered(&self, by: Grant<'_>) -> Result<Vec<String>, VaultError> {
        let key = by.mac_key();
        Ok(self
            .accounts
            .iter()
            .chain(std::iter::once(&self.recovery))
            .filter(|e| e.check_mac(&key).is_err())
            .map(|e| e.name.clone())
            .collect())
    }

    /// Adds an account; only a session holding the archive key may.
    pub fn add_account(
        &mut self,
        by: Grant<'_>,
        name: &str,
        display_name: &str,
        role: Role,
        password: &Password,
    ) -> Result<(), VaultError> {
        let mac = by.mac_key();
        if !valid_name(name) || role == Role::Recovery {
            return Err(VaultError::BadName);
        }
        if self.entry(name).is_some() {
            return Err(VaultError::AccountExists);
        }
        let entry = Entry::new(
            name,
            display_name,
            role,
            password,
            KdfParams::for_new_account(),
            &by.keys(),
            &mac,
        )?;
        self.accounts.push(entry);
        Ok(())
    }

    /// Changes one's own password: the same key pair, re-wrapped under the new password.
    pub fn change_password(
        &mut self,
        name: &str,
        old: &Password,
        new: &Password,
        now: DateTime<Utc>,
    ) -> Result<(), VaultError> {
        self.unlock(name, old, now)?;
        let entry = self.entry_mut(name).ok_or(VaultError::UnknownAccount)?;
        let kek = derive(old.expose().as_bytes(), &unhex(&entry.salt)?, entry.kdf)?;
        let private = unwrap_private(&kek, entry)?;
        let kdf = KdfParams::for_new_account();
        let mut salt = [0u8; 16];
        super::fill_random(&mut salt);
        let new_kek = derive(new.expose().as_bytes(), &salt, kdf)?;
        entry.private_key = wrap_private(&new_kek, entry.role, &entry.name, &private)?;
        entry.salt = hex::encode(salt);
        entry.kdf = kdf;
        Ok(())
    }

    /// Gives `name` a new key pair and password, without the old one: a counselor resetting a
    /// colleague, or the recovery code resetting a counselor. Requires the archive key.
    pub fn reset_password(&mut self, by: Grant<'_>, name: &str, new: &Password) -> Result<(), VaultError> {
        let mac = by.mac_key();
        let old = self.entry(name).ok_or(VaultError::UnknownAccount)?;
        old.check_mac(&mac)?;
        let fresh = Entry::new(
            name,
            &old.display_name,
            old.role,
            new,
            KdfParams::for_new_account(),
            &by.keys(),
            &mac,
        )?;
        if let Some(slot) = self.entry_mut(name) {
            *slot = fresh;
        }
        Ok(())
    }

    /// Removes an account. The caller must then rotate every key it held: [`KeyRing::seal_next`],
    /// save, re-key the store, [`KeyRing::promote_next`], save.
    pub fn remove_account(&mut self, by: Grant<'_>, name: &str) -> Result<Role, VaultError> {
        let mac = by.mac_key();
        let role = self.entry(name).ok_or(VaultError::UnknownAccount)?.role;
        if role == Role::Counselor && self.accounts.iter().filter(|e| e.role == Role::Counselor).count() <= 1 {
            return Err(VaultError::LastCounselor);
        }
        self.accounts.retain(|e| e.name != name);
        for entry in self.all_entries() {
            entry.check_mac(&mac)?;
        }
        Ok(role)
    }

    fn all_entries(&self) -> impl Iterator<Item = &Entry> {
        self.accounts.iter().chain(std::iter::once(&self.recovery))
    }

    fn all_entries_mut(&mut self) -> impl Iterator<Item = &mut Entry> {
        self.accounts.iter_mut().chain(std::iter::once(&mut self.recovery))
    }

    /// Step one of a key rotation: seals `next` to every entry that holds `key_name` (the
    /// recovery entry included), beside the current key, after checking each entry's MAC.
    /// Saved before the store is re-keyed, so that a crash in between leaves a ring that opens
    /// the store whichever key it has.
    pub fn seal_next(&mut self, by: Grant<'_>, key_name: KeyName, next: &Key32) -> Result<(), VaultError> {
        let mac = by.mac_key();
        for entry in self.all_entries_mut() {
            entry.check_mac(&mac)?;
            if entry.role.keys().contains(&key_name) {
                let sealed = seal_key(&entry.public()?, entry.role, &entry.name, key_name, next)?;
                entry.wrapped.insert(next_slot(key_name), sealed);
            }
        }
        Ok(())
    }

    /// True when a rotation was prepared and not finished.
    pub fn has_pending_rotation(&self) -> bool {
        self.all_entries()
            .any(|e| e.wrapped.keys().any(|k| k.ends_with(".next")))
    }

    /// The last step of a rotation: the next keys become the keys. When the archive key itself
    /// was replaced, every MAC is checked under the old one and recomputed under the new.
    pub fn promote_next(&mut self, old: Grant<'_>, new_archive: Option<&Key32>) -> Result<(), VaultError> {
        let old_mac = old.mac_key();
        let new_mac = new_archive.map(mac_key);
        for entry in self.all_entries_mut() {
            entry.check_mac(&old_mac)?;
            for key_name in [KeyName::Archive, KeyName::Dutybook] {
                if let Some(sealed) = entry.wrapped.remove(&next_slot(key_name)) {
                    entry.wrapped.insert(key_name.as_str().to_owned(), sealed);
                }
            }
            if let Some(new_mac) = &new_mac {
                entry.mac = hex::encode(entry_mac(new_mac, entry)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_test_kdf() {
        crate::vault::allow_weak_kdf_for_tests();
    }

    #[test]
    fn delay_grows_and_caps() {
        let secs: Vec<u64> = (0..9).map(|n| failed_login_delay(n).as_secs()).collect();
        assert_eq!(secs, vec![0, 1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn duty_entry_never_holds_the_archive_key_and_role_edits_fail() {
        with_test_kdf();
        let now = Utc::now();
        let (mut ring, counselor, _code) = KeyRing::create("wang", "王老师", &"pw-c".into(), "zh-CN").unwrap();
        ring.add_account(counselor.grant().unwrap(), "li", "李老师", Role::Duty, &"pw-d".into())
            .unwrap();
        let duty = ring.unlock("li", &"pw-d".into(), now).unwrap();
        assert!(duty.archive.is_none());
        assert!(!ring.entry("li").unwrap().wrapped.contains_key("archive"));
        assert_eq!(duty.dutybook.expose(), counselor.dutybook.expose());

        let mut edited = ring.clone();
        edited.entry_mut("li").unwrap().role = Role::Counselor;
        assert!(edited.unlock("li", &"pw-d".into(), now).is_err());
        // A counselor sees the edit as a failed MAC.
        assert_eq!(
            edited.tampered(counselor.grant().unwrap()).unwrap(),
            vec!["li".to_owned()]
        );
    }

    #[test]
    fn wrong_password_counts_and_waits() {
        with_test_kdf();
        let now = Utc::now();
        let (mut ring, _c, _code) = KeyRing::create("wang", "王", &"right".into(), "en").unwrap();
        assert!(matches!(
            ring.unlock("wang", &"wrong".into(), now),
            Err(VaultError::WrongPassword)
        ));
        assert!(matches!(
            ring.unlock("wang", &"right".into(), now),
            Err(VaultError::TooSoon(1))
        ));
        let later = now + chrono::Duration::seconds(2);
        assert!(ring.unlock("wang", &"right".into(), later).is_ok());
        assert_eq!(ring.entry("wang").unwrap().failed.count, 0);
    }
}
