//! Password → key-encryption key, with Argon2id (RFC 9106).
//!
//! The parameters are stored per account. Anything weaker than RFC 9106's second recommendation
//! (64 MiB, t=3) is refused when read back, unless the process was started for tests with
//! `CASEROOM_INSECURE_TEST_KDF=1`, so that a doctored key ring cannot talk caseroom into cheap
//! guesses.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

use super::{Key32, VaultError};

/// RFC 9106 §4, second recommended option.
pub const MIN_MEMORY_KIB: u32 = 64 * 1024;
pub const MIN_PASSES: u32 = 3;

/// Environment switch that lets tests use cheap parameters. Never set it on a real machine.
pub const TEST_KDF_ENV: &str = "CASEROOM_INSECURE_TEST_KDF";

static ALLOW_WEAK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For in-process tests: new accounts get [`KdfParams::TEST`] and weak stored parameters open.
pub fn allow_weak_kdf_for_tests() {
    ALLOW_WEAK.store(true, std::sync::atomic::Ordering::Relaxed);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl KdfParams {
    pub const FLOOR: KdfParams = KdfParams {
        memory_kib: MIN_MEMORY_KIB,
        passes: MIN_PASSES,
        lanes: 1,
    };
    /// What tests use: fast, and refused unless tests are running.
    pub const TEST: KdfParams = KdfParams {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };

    pub fn is_strong(&self) -> bool {
        self.memory_kib >= MIN_MEMORY_KIB && self.passes >= MIN_PASSES && self.lanes >= 1
    }

    pub fn weak_allowed() -> bool {
        ALLOW_WEAK.load(std::sync::atomic::Ordering::Relaxed) || std::env::var(TEST_KDF_ENV).is_ok_and(|v| v == "1")
    }

    /// The parameters new accounts get: the test ones when tests asked, else calibrated.
    pub fn for_new_account() -> KdfParams {
        if Self::weak_allowed() {
            Self::TEST
        } else {
            calibrate(Duration::from_millis(500), Duration::from_millis(1000))
        }
    }

    pub fn check(&self) -> Result<(), VaultError> {
        self.check_allowing(Self::weak_allowed())
    }

    fn check_allowing(&self, weak_ok: bool) -> Result<(), VaultError> {
        if self.is_strong() || weak_ok {
            Ok(())
        } else {
            Err(VaultError::WeakKdf)
        }
    }
}

pub fn derive(password: &[u8], salt: &[u8], params: KdfParams) -> Result<Key32, VaultError> {
    params.check()?;
    derive_unchecked(password, salt, params)
}

fn derive_unchecked(password: &[u8], salt: &[u8], params: KdfParams) -> Result<Key32, VaultError> {
    let argon_params = Params::new(params.memory_kib, params.passes, params.lanes, Some(32))
        .map_err(|_| VaultError::KeyRingDamaged)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, salt, out.as_mut_slice())
        .map_err(|_| VaultError::KeyRingDamaged)?;
    Key32::from_slice(out.as_slice()).ok_or(VaultError::KeyRingDamaged)
}

/// Finds parameters that take between `low` and `high` on this machine, starting at the floor
/// and never going below it: memory grows first (it costs an attacker most), then passes.
pub fn calibrate(low: Duration, high: Duration) -> KdfParams {
    let mut params = KdfParams::FLOOR;
    let salt = [7u8; 16];
    for _ in 0..8 {
        let start = Instant::now();
        if derive_unchecked(b"calibration", &salt, params).is_err() {
            return KdfParams::FLOOR;
        }
        let took = start.elapsed();
        if took >= low {
            break;
        }
        let factor = (low.as_secs_f64() * 1.3 / took.as_secs_f64().max(0.001)).clamp(1.1, 4.0);
        if params.memory_kib < 512 * 1024 {
            params.memory_kib = ((params.memory_kib as f64 * factor) as u32).min(512 * 1024);
        } else {
            params.passes = ((params.passes as f64 * factor).ceil() as u32).max(params.passes + 1);
        }
        if took > high && params != KdfParams::FLOOR {
            break;
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9106 §5.3 Argon2id test vector (with secret and associated data), through the argon2
    /// crate we build on: if this fails, no stored key ring can be trusted to open.
    #[test]
    fn argon2id_rfc9106_vector() {
        let argon = Argon2::new_with_secret(&[3u8; 8], Algorithm::Argon2id, Version::V0x13, {
            let mut b = argon2::ParamsBuilder::new();
            b.m_cost(32)
                .t_cost(3)
                .p_cost(4)
                .output_len(32)
                .data(argon2::AssociatedData::new(&[4u8; 12]).unwrap());
            b.build().unwrap()
        })
        .unwrap();
        let mut out = [0u8; 32];
        argon.hash_password_into(&[1u8; 32], &[2u8; 16], &mut out).unwrap();
        assert_eq!(
            hex::encode(out),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn weak_parameters_are_refused_without_the_test_switch() {
        assert!(matches!(
            KdfParams::TEST.check_allowing(false),
            Err(VaultError::WeakKdf)
        ));
        assert!(KdfParams::TEST.check_allowing(true).is_ok());
        assert!(KdfParams::FLOOR.is_strong());
    }
}
