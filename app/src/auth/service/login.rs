//! Checking a password, at login or before a sensitive change, under the
//! attempt limits: refused before any hashing, counted per account and per
//! client address.

use chrono::Utc;

use crate::auth::db;
use crate::auth::password::{hash_password, verify_password, DUMMY_HASH};
use crate::error::{AppError, Rule};
use crate::ids::UserId;
use crate::state::{AppState, AuthSettings};

/// The throttling key of an account: its id when it exists (so its
/// username and e-mail share one budget), else the login as typed.
fn attempt_key(login: &str, user_id: Option<UserId>) -> String {
    user_id.map_or_else(|| format!("login:{login}"), |id| format!("user:{id}"))
}

/// The attempt limits that `settings` set.
fn attempt_limits(settings: &AuthSettings) -> db::AttemptLimits {
    db::AttemptLimits {
        failures_per_address: settings.max_failures,
        successes_per_account: settings.max_successes,
        successes_per_address: settings.max_successes * 10,
        alert_after: settings.alert_after_failures,
    }
}

/// Checks a password against a stored hash (or the dummy one) under the
/// attempt limits (see `AuthSettings`), which refuse an attempt before any
/// hashing.
/// How long a throttled caller waits at most: the attempts window.
fn window_seconds(settings: &AuthSettings) -> u32 {
    u32::try_from(settings.failure_window.num_seconds()).unwrap_or(u32::MAX)
}

async fn throttled_check(
    state: &AppState,
    key: &str,
    client_ip: &str,
    password: &str,
    hash: Option<String>,
) -> Result<(bool, bool), AppError> {
    let settings: &AuthSettings = &state.auth;
    let window_start = Utc::now() - settings.failure_window;
    let (attempt, counts) = db::begin_password_attempt(
        &state.pool,
        key,
        client_ip,
        window_start,
        &attempt_limits(settings),
    )
    .await?;
    if counts.account_failures + 1 == settings.alert_after_failures && key.starts_with("user:") {
        tracing::warn!(
            account = key,
            failures = counts.account_failures + 1,
            "many wrong passwords for one account: shown on the back-office dashboard"
        );
    }
    let db::Attempt::Allowed(attempt) = attempt else {
        return Err(AppError::too_many(window_seconds(settings)));
    };
    let verified = verify_password(password.to_owned(), hash.unwrap_or_else(|| DUMMY_HASH.to_owned())).await;
    let (valid, needs_rehash) = match verified {
        Ok(verified) => verified,
        Err(error) => {
            // The password was never checked (the server was too busy):
            // that attempt is not a failure of the account or the address.
            db::forget_password_attempt(&state.pool, attempt).await?;
            return Err(error);
        }
    };
    if valid {
        db::record_success(&state.pool, attempt, key, client_ip, window_start).await?;
    }
    Ok((valid, needs_rehash))
}

/// Checks a login and password; unknown login and wrong password get the
/// same answer after the same work.
#[tracing::instrument(skip(state, password))]
pub async fn authenticate(
    state: &AppState,
    login: &str,
    password: &str,
    client_ip: &str,
) -> Result<UserId, AppError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() || login.len() > 254 || login.chars().any(char::is_control) || password.len() > 1024 {
        return Err(AppError::InvalidCredentials);
    }
    let credentials = db::find_credentials(&state.pool, &login).await?;
    let key = attempt_key(&login, credentials.as_ref().map(|c| c.id));
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let (valid, needs_rehash) = throttled_check(state, &key, client_ip, password, hash).await?;
    let Some(credentials) = credentials.filter(|_| valid) else {
        return Err(AppError::InvalidCredentials);
    };
    if needs_rehash {
        let rehashed = hash_password(password.to_owned()).await?;
        db::update_password_hash(&state.pool, credentials.id, &rehashed).await?;
        tracing::info!(
            user_id = credentials.id.0,
            "password rehashed with current parameters"
        );
    }
    Ok(credentials.id)
}

/// Checks a logged-in user's current password (password change, account
/// deletion), under the same attempt limits as login.
pub async fn confirm_password(
    state: &AppState,
    user_id: UserId,
    password: &str,
    client_ip: &str,
) -> Result<(), AppError> {
    let credentials = db::find_credentials_by_id(&state.pool, user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let key = attempt_key("", Some(user_id));
    let (valid, _) =
        throttled_check(state, &key, client_ip, password, Some(credentials.password_hash)).await?;
    if valid {
        Ok(())
    } else {
        Err(AppError::validation("current_password", Rule::WrongPassword))
    }
}
