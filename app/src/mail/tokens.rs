//! Secrets mailed in links: 32 random bytes, written as hex; the shop keeps
//! only their SHA-256 where the token grants something (a reset, a check).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new token for a link.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a token.
pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether a string could be a token at all (checked before any query).
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_new_each_time_and_shaped_alike() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(looks_like_token(&a) && looks_like_token(&b));
        assert!(!looks_like_token("abc") && !looks_like_token(&"z".repeat(64)));
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest(&a).len(), 32);
    }
}
