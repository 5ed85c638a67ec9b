//! The session that remembers who is logged in: started under a new id,
//! ended by logout, a password change (the account's epoch) or its
//! absolute lifetime.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::Session;

use crate::auth::db;
use crate::auth::model::User;
use crate::error::AppError;
use crate::ids::UserId;
use crate::state::AppState;

/// What the session remembers of a login.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SessionLogin {
    user_id: UserId,
    /// The account's session epoch at login; a newer one ends this session.
    epoch: i32,
    /// Unix seconds, for the absolute session lifetime.
    logged_in_at: i64,
}

const SESSION_KEY: &str = "login";

/// Logs the user in on this session, under a new session id (no fixation).
pub async fn start_session(session: &Session, pool: &PgPool, user_id: UserId) -> Result<(), AppError> {
    let epoch = db::session_epoch(pool, user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    session.cycle_id().await?;
    let login = SessionLogin {
        user_id,
        epoch,
        logged_in_at: Utc::now().timestamp(),
    };
    Ok(session.insert(SESSION_KEY, login).await?)
}

/// Keeps this session valid after the account's epoch moved on (password
/// change), while every other session of the account ends.
pub async fn renew_session_epoch(session: &Session, epoch: i32) -> Result<(), AppError> {
    let Some(mut login) = session.get::<SessionLogin>(SESSION_KEY).await? else {
        return Err(AppError::Unauthorized);
    };
    login.epoch = epoch;
    session.cycle_id().await?;
    Ok(session.insert(SESSION_KEY, login).await?)
}

/// Ends the session: its record is deleted from the store.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    Ok(session.flush().await?)
}

/// Whether this session holds a login, valid or not (for how long the
/// session lives; [`session_user`] says who is logged in).
pub async fn holds_login(session: &Session) -> bool {
    matches!(session.get::<SessionLogin>(SESSION_KEY).await, Ok(Some(_)))
}

/// The logged-in user of this session, if the login is still valid: the
/// account exists, its epoch has not moved on, and the absolute lifetime
/// has not passed. An invalid login is removed from the session.
pub async fn session_user(state: &AppState, session: &Session) -> Result<Option<User>, AppError> {
    let login = match session.get::<SessionLogin>(SESSION_KEY).await {
        Ok(Some(login)) => login,
        Ok(None) => return Ok(None),
        // An unreadable login (an older format, a store hiccup) is a guest,
        // not an error on every page.
        Err(error) => {
            tracing::warn!(%error, "unreadable session login, treated as logged out");
            return Ok(None);
        }
    };
    let expired = Utc::now().timestamp() - login.logged_in_at > state.auth.session_max_age.num_seconds();
    let user = match expired {
        true => None,
        false => db::find_session_user(&state.pool, login.user_id, login.epoch).await?,
    };
    if user.is_none() {
        end_session(session).await?;
    }
    Ok(user)
}
