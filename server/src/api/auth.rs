//! Tokens for the API: a login and password exchanged for a short-lived
//! token (under exactly the login page's attempt limits), and a token
//! revoking itself. Personal tokens are made on the account page.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::api_tokens::{db as token_db, service as tokens};
use app::auth::db as auth_db;
use app::auth::service as auth;
use app::error::AppError;

use super::call::Call;
use super::http::{json_body, private};
use super::problem::{ApiError, Problem};
use crate::state::ServerState;

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    /// Username or e-mail address.
    pub login: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Always "Bearer".
    pub token_type: String,
    /// RFC 3339.
    pub expires_at: String,
    pub scopes: Vec<String>,
}

/// Exchanges a login and password for a token valid an hour (read and
/// write; admin too for an administrator).
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    request_body = Credentials,
    security(()),
    responses(
        (status = 201, description = "A token", body = IssuedToken),
        (status = 400, description = "The body is unreadable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong login or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn issue_token(
    State(state): State<ServerState>,
    call: Call,
    body: Bytes,
) -> Result<Response, ApiError> {
    let credentials: Credentials = json_body(&body)?;
    let user_id = auth::authenticate(
        &state.app,
        &credentials.login,
        &credentials.password,
        &call.client,
    )
    .await?;
    let user = auth_db::find_user(&state.app.pool, user_id)
        .await?
        .ok_or(AppError::InvalidCredentials)?;
    let made = tokens::for_login(&state.app, &user).await?;
    tracing::info!(user_id = user.id.0, "API token issued for a login");
    Ok(private(
        StatusCode::CREATED,
        &IssuedToken {
            token: made.secret,
            token_type: "Bearer".to_owned(),
            expires_at: made.expires_at.to_rfc3339(),
            scopes: made.scopes.names(),
        },
    ))
}

/// Revokes the token this request carries.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/token",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_token(State(state): State<ServerState>, call: Call) -> Result<StatusCode, ApiError> {
    let caller = call.caller.as_ref().ok_or(AppError::Unauthorized)?;
    token_db::revoke(&state.app.pool, caller.token_id, Some(caller.user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
