//! Registering an endpoint (its URL checked, its host resolved: public
//! addresses only, unless the operator allows private ones) and signing a
//! delivery.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use std::net::IpAddr;

use super::db;
use super::model::is_public;
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

/// A webhook URL read as the HTTP client reads it (WHATWG): http or
/// https, a host, no credentials, 2 000 characters at most. Numeric hosts
/// in any spelling (`2130706433`, `0x7f.1`, `127.1`) come out as the
/// address they name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    /// The URL as the client will send it (normalised).
    pub url: String,
    host: url::Host<String>,
    pub port: u16,
}

impl WebhookUrl {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let invalid = || AppError::validation("url", Rule::Format(Format::Url));
        let raw = raw.trim();
        if raw.len() > 2000 || raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid());
        }
        let url = url::Url::parse(raw).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some()
        {
            return Err(invalid());
        }
        let host = url.host().ok_or_else(invalid)?.to_owned();
        let port = url.port_or_known_default().ok_or_else(invalid)?;
        Ok(Self {
            url: url.to_string(),
            host,
            port,
        })
    }

    /// The address the host names when it is written as one.
    pub fn literal_address(&self) -> Option<IpAddr> {
        match &self.host {
            url::Host::Ipv4(address) => Some(IpAddr::V4(*address)),
            url::Host::Ipv6(address) => Some(IpAddr::V6(*address)),
            url::Host::Domain(_) => None,
        }
    }

    fn domain(&self) -> Option<&str> {
        match &self.host {
            url::Host::Domain(name) => Some(name),
            _ => None,
        }
    }
}

/// Whether the URL's host may be sent to: every address it names is
/// public, or private ones are allowed. A name that does not resolve is
/// refused.
pub async fn reachable(url: &WebhookUrl, allow_private: bool) -> bool {
    if let Some(address) = url.literal_address() {
        return allow_private || is_public(address);
    }
    let Some(name) = url.domain() else { return false };
    match tokio::net::lookup_host((name, url.port)).await {
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
    let secret = format!("whsec_{}", crate::mail::tokens::new_token());
    Ok(db::insert_endpoint(&state.pool, &url.url, events, &secret, by).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_with_a_host_and_no_credentials() {
        let url = WebhookUrl::parse(" https://hooks.example.com:8443/in?x=1 ").expect("valid");
        assert_eq!((url.domain(), url.port), (Some("hooks.example.com"), 8443));
        for (spelling, address) in [
            ("http://[::1]/x", "::1"),
            ("http://2130706433/", "127.0.0.1"),
            ("http://0x7f.1/", "127.0.0.1"),
            ("http://127.1/", "127.0.0.1"),
            ("http://0177.0.0.1/", "127.0.0.1"),
        ] {
            let url = WebhookUrl::parse(spelling).expect(spelling);
            assert_eq!(
                url.literal_address(),
                Some(address.parse().expect("ip")),
                "{spelling}"
            );
        }
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "https://user:pw@example.com/",
            "https://",
            "http://:80/",
            "example.com/hook",
            "https://exa mple.com/",
            "javascript:alert(1)",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(WebhookUrl::parse(&format!("https://example.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn a_signature_is_the_hmac_of_timestamp_and_body() {
        // Computed apart: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            sign("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
