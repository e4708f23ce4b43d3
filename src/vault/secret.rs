//! Secret material: data keys and passwords. No `Clone`, no `Serialize`, a redacted `Debug`,
//! wiped on drop. Nothing here may ever be printed, logged or written in clear.

use zeroize::{Zeroize, Zeroizing};

/// A 256-bit data key (`A` for the archive, `D` for the duty book) or a key-encryption key.
pub struct Key32(Zeroizing<[u8; 32]>);

impl Key32 {
    pub fn random() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        crate::vault::fill_random(bytes.as_mut_slice());
        Key32(bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Key32(Zeroizing::new(array)))
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SQLCipher raw-key literal `x'<64 hex>'`, itself wiped on drop.
    pub fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut hex_text = Zeroizing::new(hex::encode(self.0.as_slice()));
        let literal = Zeroizing::new(format!("x'{}'", hex_text.as_str()));
        hex_text.zeroize();
        literal
    }

    /// An explicit copy, for handing a key to a second owner (a session and a re-key).
    pub fn duplicate(&self) -> Self {
        Key32(Zeroizing::new(*self.0))
    }
}

impl std::fmt::Debug for Key32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// A password or recovery code as typed.
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(text: String) -> Self {
        Password(Zeroizing::new(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Password {
    fn from(text: &str) -> Self {
        Password::new(text.to_owned())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}
