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
    let [first, second, ..] = ip.segments();
    // IPv4-compatible (::a.b.c.d), deprecated but still routed by some stacks.
    let v4_compatible = ip.segments()[..6].iter().all(|segment| *segment == 0);
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || v4_compatible
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // Documentation, Teredo, 6to4 (which embed IPv4 addresses), NAT64.
        || first == 0x2001 && (second == 0x0db8 || second == 0)
        || first == 0x2002
        || first == 0x0064 && second == 0xff9b)
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
