//! Events, endpoints and deliveries as the back office shows them, and the
//! checks of a new endpoint's URL.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Rule};

/// The events an endpoint may listen to (the triggers write these names).
pub const EVENTS: [&str; 9] = [
    "order.paid",
    "order.shipped",
    "order.cancelled",
    "order.refunded",
    "stock.low",
    "stock.sold_out",
    "stock.back_in_stock",
    "drop.opened",
    "drop.sold_out",
];

/// The events ticked on the form: at least one, each known, each once.
pub fn parse_events<'a>(ticked: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, AppError> {
    let mut events = Vec::new();
    for event in ticked {
        let known = EVENTS
            .into_iter()
            .find(|known| *known == event.trim())
            .ok_or_else(|| AppError::validation("events", Rule::UnknownChoice))?;
        if !events.iter().any(|e| e == known) {
            events.push(known.to_owned());
        }
    }
    if events.is_empty() {
        return Err(AppError::validation("events", Rule::Required));
    }
    Ok(events)
}

/// A webhook URL: http or https, a host, no credentials, 2 000
/// characters at most. Its host, as written (a name or an address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    pub url: String,
    pub host: String,
    pub port: u16,
}

impl WebhookUrl {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let invalid = || AppError::validation("url", Rule::Format(crate::error::Format::Url));
        let raw = raw.trim();
        if raw.len() > 2000 || raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid());
        }
        let uri: http::Uri = raw.parse().map_err(|_| invalid())?;
        let default_port = match uri.scheme_str() {
            Some("https") => 443,
            Some("http") => 80,
            _ => return Err(invalid()),
        };
        let authority = uri.authority().ok_or_else(invalid)?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(invalid());
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        Ok(Self {
            url: raw.to_owned(),
            host,
            port: authority.port_u16().unwrap_or(default_port),
        })
    }

    /// The address the host names when it is written as one.
    pub fn literal_address(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

/// Whether an address is on the public internet: not loopback, private,
/// link-local, shared (CGNAT), unspecified, multicast, broadcast or
/// reserved, in IPv4 or IPv6 (an IPv4-mapped IPv6 address counts as its
/// IPv4 one). Webhooks go to public addresses only, unless the operator
/// allows private ones (`WONDERMARKET_WEBHOOKS_ALLOW_PRIVATE`).
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
        || first == 0x0064 && ip.segments()[1] == 0xff9b)
}

/// An endpoint in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    /// The signing key, for the receiver's configuration.
    pub secret: String,
    pub active: bool,
    pub created_at: String,
}

/// A delivery in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_url: String,
    pub event: String,
    /// pending, delivered or failed.
    pub status: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<String>,
    pub created_at: String,
}

/// The back office's page: endpoints and the latest deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookBoard {
    pub endpoints: Vec<Endpoint>,
    pub deliveries: Vec<Delivery>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_with_a_host_and_no_credentials() {
        let url = WebhookUrl::parse(" https://hooks.example.com:8443/in?x=1 ").expect("valid");
        assert_eq!((url.host.as_str(), url.port), ("hooks.example.com", 8443));
        assert_eq!(
            WebhookUrl::parse("http://[::1]/x").expect("v6").literal_address(),
            Some("::1".parse().expect("ip"))
        );
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "https://user:pw@example.com/",
            "https:///nohost",
            "example.com/hook",
            "https://exa mple.com/",
            "javascript:alert(1)",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(WebhookUrl::parse(&format!("https://example.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn private_loopback_and_reserved_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "64:ff9b::7f00:1",
            "198.18.0.1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[test]
    fn events_are_known_and_named_once() {
        assert_eq!(
            parse_events(["order.paid", "stock.low", "order.paid"]),
            Ok(vec!["order.paid".to_owned(), "stock.low".to_owned()])
        );
        assert!(parse_events(["order.exploded"]).is_err());
        assert!(parse_events(std::iter::empty()).is_err());
    }
}
