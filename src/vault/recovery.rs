//! The recovery code: 160 random bits, written as 8 groups of 4 Crockford base-32 characters,
//! meant to be printed once and kept in the principal's safe.

use super::Password;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BYTES: usize = 20;

pub struct RecoveryCode(Password);

impl RecoveryCode {
    pub fn generate() -> Self {
        let mut bytes = zeroize::Zeroizing::new([0u8; BYTES]);
        super::fill_random(bytes.as_mut_slice());
        let mut text = String::with_capacity(40);
        let mut acc: u32 = 0;
        let mut bits = 0;
        let mut written = 0;
        for &b in bytes.iter() {
            acc = (acc << 8) | b as u32;
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                if written > 0 && written % 4 == 0 {
                    text.push('-');
                }
                text.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
                written += 1;
            }
        }
        RecoveryCode(Password::new(text))
    }

    /// Accepts what a person types back: any case, spaces or dashes anywhere, O for 0, I or L for 1.
    pub fn parse(typed: &str) -> Option<Self> {
        let mut out = String::with_capacity(40);
        let mut count = 0;
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return None;
            }
            if count > 0 && count % 4 == 0 {
                out.push('-');
            }
            out.push(c);
            count += 1;
        }
        (count == BYTES * 8 / 5).then(|| RecoveryCode(Password::new(out)))
    }

    /// The canonical grouped form, `XXXX-XXXX-…`.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The last group, which setup asks the counselor to type back.
    pub fn last_group(&self) -> &str {
        self.expose().rsplit('-').next().unwrap_or("")
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_have_160_bits_in_8_groups_and_parse_back() {
        let code = RecoveryCode::generate();
        let groups: Vec<&str> = code.expose().split('-').collect();
        assert_eq!(groups.len(), 8);
        assert!(groups.iter().all(|g| g.len() == 4));
        let typed = code.expose().to_lowercase().replace('-', " ");
        assert_eq!(RecoveryCode::parse(&typed).unwrap().expose(), code.expose());
        assert_ne!(RecoveryCode::generate().expose(), code.expose());
    }

    #[test]
    fn mistyped_codes_are_refused() {
        assert!(RecoveryCode::parse("ABCD").is_none());
        assert!(RecoveryCode::parse("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-678U").is_none());
    }
}
