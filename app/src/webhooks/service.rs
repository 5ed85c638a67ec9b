//! Registering an endpoint (its URL checked, its host resolved: public
//! addresses only, unless the operator allows private ones) and signing a
//! delivery.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::db;
use super::model::{is_public, WebhookUrl};
use crate::error::{AppError, Format, Rule};
use crate::ids::UserId;
use crate::state::AppState;

/// The header a delivery's signature travels in:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub const SIGNATURE_HEADER: &str = "WonderMarket-Signature";

/// The signature of `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// Whether `host` (with `port`) may be sent to: every address it names is
/// public, or private ones are allowed. A name that does not resolve is
/// refused.
pub async fn reachable(url: &WebhookUrl, allow_private: bool) -> bool {
    if let Some(address) = url.literal_address() {
        return allow_private || is_public(address);
    }
    match tokio::net::lookup_host((url.host.as_str(), url.port)).await {
        Ok(addresses) => {
            let addresses: Vec<_> = addresses.collect();
            !addresses.is_empty() && (allow_private || addresses.iter().all(|a| is_public(a.ip())))
        }
        Err(_) => false,
    }
}

/// Registers an endpoint for `events`, with a fresh signing key.
pub async fn register(state: &AppState, url: &str, events: &[String], by: UserId) -> Result<i64, AppError> {
    let url = WebhookUrl::parse(url)?;
    if !reachable(&url, state.webhooks_allow_private).await {
        return Err(AppError::validation("url", Rule::Format(Format::PublicAddress)));
    }
    let mut key = [0_u8; 24];
    OsRng.fill_bytes(&mut key);
    let secret = format!(
        "whsec_{}",
        key.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    Ok(db::insert_endpoint(&state.pool, &url.url, events, &secret, by).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_the_hmac_of_timestamp_and_body() {
        // Computed apart: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            sign("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
