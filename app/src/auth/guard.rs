//! Who is calling: every server function that needs a login starts here.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use tower_sessions::Session;

use super::model::User;
use super::service;
use crate::error::AppError;
use crate::state::AppState;

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session on the request");
        AppError::Internal
    })
}

/// The logged-in user, if any.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let state = AppState::from_context()?;
    service::session_user(&state, &session().await?).await
}

/// The logged-in user, or 401.
pub async fn require_user() -> Result<User, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// A logged-in administrator, or 401 / 403.
pub async fn require_admin() -> Result<User, AppError> {
    let user = require_user().await?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address: the peer, or the proxy's last X-Forwarded-For
/// entry when the shop is configured to trust its proxy.
pub async fn client_ip(state: &AppState) -> String {
    if state.auth.trust_forwarded_for {
        if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(|ip| ip.trim().to_owned());
            if let Some(ip) = forwarded.filter(|ip| !ip.is_empty()) {
                return ip;
            }
        }
    }
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|_| "unknown".to_owned())
}
