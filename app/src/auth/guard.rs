//! Who is calling: every server function that needs a login starts here.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use tower_sessions::Session;

use super::model::{Audience, User};
use super::service;
use crate::error::AppError;
use crate::state::AppState;

/// Put in the context by the public API's handlers, with the account its
/// bearer token names: the server functions they call find their caller
/// here, under the same audiences as the pages', and there is no session
/// (a token never works as a session cookie, nor the reverse).
#[derive(Clone, Debug)]
pub struct ApiCall(pub Option<User>);

/// The API call's context, when this is one rather than a page's request.
pub fn api_call() -> Option<ApiCall> {
    leptos::prelude::use_context::<ApiCall>()
}

/// Whether this is a call of the public API rather than a page's.
pub fn is_api_call() -> bool {
    api_call().is_some()
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session on the request");
        AppError::Internal
    })
}

/// The logged-in user, if any (an API call's: its token's).
pub async fn current_user() -> Result<Option<User>, AppError> {
    if let Some(ApiCall(caller)) = api_call() {
        return Ok(caller);
    }
    let state = AppState::from_context()?;
    service::session_user(&state, &session().await?).await
}

/// The logged-in user, or 401.
pub async fn require_user() -> Result<User, AppError> {
    Audience::Customer.admit(current_user().await?)
}

/// A logged-in administrator, or 401 / 403.
pub async fn require_admin() -> Result<User, AppError> {
    let user = current_user().await?;
    Audience::Admin.admit(user)
}

/// The client's address for login and sign-up throttling: the peer, or the
/// last X-Forwarded-For entry (the one the proxy itself added, on its last
/// line) when the shop is configured to trust its proxy. See
/// [`throttling_address`].
pub async fn client_ip(state: &AppState) -> String {
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr);
    match leptos::prelude::use_context::<http::request::Parts>() {
        Some(parts) => client_address(state.auth.trust_forwarded_for, &parts.headers, peer),
        None => client_address(false, &http::HeaderMap::new(), peer),
    }
}

/// [`client_ip`] from a request's headers and peer, for the handlers that
/// run outside a server function: one reading of X-Forwarded-For.
pub fn client_address(
    trust_forwarded_for: bool,
    headers: &http::HeaderMap,
    peer: Option<SocketAddr>,
) -> String {
    if trust_forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim);
        if let Some(ip) = forwarded.filter(|ip| !ip.is_empty()) {
            return throttling_address(ip);
        }
    }
    peer.map(|addr| throttling_address(&addr.ip().to_string()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The unit failed logins are counted by. An IPv6 client usually holds a
/// whole /64 and can change address within it at will, so its attempts
/// count by /64; IPv4 (also written as IPv4-mapped IPv6) by address.
/// An address with a port counts without it; anything that is not an
/// address is kept, cut to 64 characters.
pub fn throttling_address(ip: &str) -> String {
    let parsed = ip
        .parse::<IpAddr>()
        .or_else(|_| ip.parse::<SocketAddr>().map(|with_port| with_port.ip()))
        .or_else(|_| ip.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>());
    match parsed {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{}/64", Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
        Err(_) => ip.chars().take(64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::throttling_address;

    #[test]
    fn ipv6_clients_are_throttled_by_their_64_block() {
        assert_eq!(throttling_address("203.0.113.7"), "203.0.113.7");
        assert_eq!(throttling_address("::ffff:203.0.113.7"), "203.0.113.7");
        let one = throttling_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        assert_eq!(one, "2001:db8:1:2::/64");
        assert_eq!(throttling_address("2001:db8:1:2::9"), one, "same /64, same count");
        assert_ne!(
            throttling_address("2001:db8:1:3::9"),
            one,
            "another /64 counts apart"
        );
        assert_eq!(
            throttling_address("203.0.113.7:5678"),
            "203.0.113.7",
            "ports do not count"
        );
        assert_eq!(throttling_address("[2001:db8:1:2::9]:443"), one);
        assert_eq!(throttling_address("[2001:db8:1:2::9]"), one);
        assert_eq!(throttling_address(&"x".repeat(500)).len(), 64);
    }
}
