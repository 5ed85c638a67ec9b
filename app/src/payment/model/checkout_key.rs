//! The key of one checkout form: the form carries it, a double click or a
//! retry sends it again, and the same key finds the same order instead of
//! placing a second one.

use std::fmt;

use crate::error::{AppError, Rule};

/// 8 to 64 URL-safe characters (letters, digits, `-`, `_`), as the shop
/// makes them (`new`: 32 hex digits) and as a form sends them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutKey(String);

impl CheckoutKey {
    /// A key from a form; any other shape is a form that expired or was
    /// not the shop's.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let valid = (8..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(AppError::validation("idempotency_key", Rule::FormExpired))
        }
    }

    /// A fresh key for a new checkout form: 16 random bytes in hex.
    #[cfg(feature = "ssr")]
    pub fn fresh() -> Self {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0_u8; 16];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckoutKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_8_to_64_url_safe_characters() {
        for good in [
            "abcdefgh",
            "0123456789abcdef0123456789abcdef",
            "a-b_c-d_",
            &"x".repeat(64),
        ] {
            assert_eq!(
                CheckoutKey::parse(good).map(|key| key.to_string()),
                Ok(good.to_owned())
            );
        }
        for bad in [
            "",
            "short",
            &"x".repeat(65),
            "abcdefg h",
            "abcdefgh/",
            "abcdéfgh",
            "abcdefgh\n",
        ] {
            assert!(CheckoutKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_new_key_is_one_the_form_sends_back_and_never_the_same_twice() {
        let (first, second) = (CheckoutKey::fresh(), CheckoutKey::fresh());
        assert_eq!(CheckoutKey::parse(first.as_str()), Ok(first.clone()));
        assert_ne!(first, second);
    }
}
