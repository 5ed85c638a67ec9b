//! Account rules: registration, login with throttling, and the session
//! that remembers who is logged in (password hashing: `password`).

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::Session;

use super::db::{self, NewUser};
use super::model::{Email, NewPassword, PersonName, Role, User, Username};
use super::password::{hash_password, hash_sign_up_password, verify_password, DUMMY_HASH};
use crate::error::{AppError, Rule};
use crate::i18n::Locale;
use crate::mail::limits::{self, MailRequest};
use crate::mail::{model::MailKind, outbox};
use crate::state::{AppState, AuthSettings};

/// What the session remembers of a login.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SessionLogin {
    user_id: i64,
    /// The account's session epoch at login; a newer one ends this session.
    epoch: i32,
    /// Unix seconds, for the absolute session lifetime.
    logged_in_at: i64,
}

const SESSION_KEY: &str = "login";

pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub password_confirmation: String,
    pub first_name: String,
    pub last_name: String,
}

/// A sign-up form, checked, with its password hashed.
struct NewAccount {
    username: Username,
    email: Email,
    first_name: PersonName,
    last_name: PersonName,
    password_hash: String,
}

impl NewAccount {
    /// Validates `form` and hashes its password (in a sign-up slot).
    async fn from_form(form: Registration) -> Result<Self, AppError> {
        let username = Username::parse(&form.username)?;
        let email = Email::parse(&form.email)?;
        let first_name = PersonName::parse("first_name", &form.first_name)?;
        let last_name = PersonName::parse("last_name", &form.last_name)?;
        let password = NewPassword::parse(
            "password",
            &form.password,
            &form.password_confirmation,
            username.as_str(),
            email.as_str(),
        )?;
        let password = password.expose().to_owned();
        let password_hash = hash_sign_up_password(password).await?;
        Ok(Self {
            username,
            email,
            first_name,
            last_name,
            password_hash,
        })
    }

    fn row(&self, role: Role) -> NewUser<'_> {
        NewUser {
            username: self.username.as_str(),
            email: self.email.as_str(),
            password_hash: &self.password_hash,
            first_name: self.first_name.as_str(),
            last_name: self.last_name.as_str(),
            role,
        }
    }
}

/// Creates an account with a role (the back office, the command line);
/// a taken username or address is a field error.
#[tracing::instrument(skip_all, fields(username = %form.username))]
pub async fn register(pool: &PgPool, form: Registration, role: Role) -> Result<User, AppError> {
    let account = NewAccount::from_form(form).await?;
    // The account and its verification mail commit together.
    let mut tx = pool.begin().await?;
    let user = db::insert_user(&mut *tx, &account.row(role))
        .await
        .map_err(duplicate_as_field_error)?;
    super::recovery::service::send_verification(&mut tx, user.id, &user.email, Locale::from_request())
        .await?;
    tx.commit().await?;
    Ok(user)
}

/// What a visitor's sign-up did; the visitor is told the same either way.
#[derive(Debug)]
pub enum SignUp {
    /// A new account, whose address gets a verification link.
    Created(User),
    /// The address has an account already: nothing was created, and the
    /// address's owner gets a note instead of the visitor learning it.
    AddressTaken,
}

/// A visitor signs up. Whether the address already has an account does
/// not change the answer, the work (hashing, counting, one mail written)
/// or the status; the owner of a taken address is mailed instead. Mail to
/// the address is counted in the mail limits; past them the sign-up still
/// works, without its mail (a link can be asked again from the account).
///
/// What this does not hide: a new address's visitor ends up logged in and
/// their username taken, a taken one's not, which the visitor sees on the
/// next page. Hiding that too needs the account to wait for the mailed
/// link (sign-up in two steps).
#[tracing::instrument(skip_all, fields(username = %form.username))]
pub async fn sign_up(state: &AppState, form: Registration, client_ip: &str) -> Result<SignUp, AppError> {
    let account = NewAccount::from_form(form).await?;
    let language = Locale::from_request();
    // A taken username is said: usernames are public (reviews, the back
    // office) and the visitor needs to pick another. It is checked first,
    // so its answer never depends on whether the address is taken.
    if db::username_taken(&state.pool, account.username.as_str()).await? {
        return Err(AppError::validation("username", Rule::AlreadyUsed));
    }
    let mut tx = state.pool.begin().await?;
    let mailable = limits::admit(
        &mut tx,
        MailRequest::SignUp,
        client_ip,
        account.email.as_str(),
        &state.auth.mail_limits,
    )
    .await?;
    let created = db::insert_user_unless_email_taken(&mut *tx, &account.row(Role::Customer))
        .await
        .map_err(duplicate_as_field_error)?;
    let outcome = match created {
        Some(user) => {
            if mailable {
                super::recovery::service::send_verification(&mut tx, user.id, &user.email, language).await?;
            }
            SignUp::Created(user)
        }
        None => {
            if mailable {
                let note = serde_json::json!({});
                outbox::enqueue(
                    &mut *tx,
                    MailKind::SignUpAttempt,
                    account.email.as_str(),
                    language,
                    note,
                )
                .await?;
            }
            tracing::info!("sign-up with an address that has an account: its owner is told");
            SignUp::AddressTaken
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A unique violation on the username or e-mail becomes a field error that
/// says only that the value is taken.
pub fn duplicate_as_field_error(error: sqlx::Error) -> AppError {
    let constraint = error.as_database_error().and_then(|e| e.constraint());
    match constraint {
        Some("users_username_key") => AppError::validation("username", Rule::AlreadyUsed),
        Some("users_email_key") => AppError::validation("email", Rule::AlreadyUsed),
        _ => error.into(),
    }
}

/// The throttling key of an account: its id when it exists (so its
/// username and e-mail share one budget), else the login as typed.
fn attempt_key(login: &str, user_id: Option<i64>) -> String {
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
        return Err(AppError::TooManyRequests);
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
) -> Result<i64, AppError> {
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
            user_id = credentials.id,
            "password rehashed with current parameters"
        );
    }
    Ok(credentials.id)
}

/// Checks a logged-in user's current password (password change, account
/// deletion), under the same attempt limits as login.
pub async fn confirm_password(
    state: &AppState,
    user_id: i64,
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

/// Logs the user in on this session, under a new session id (no fixation).
pub async fn start_session(session: &Session, pool: &PgPool, user_id: i64) -> Result<(), AppError> {
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
    let epoch = db::session_epoch(&state.pool, login.user_id).await?;
    if expired || epoch != Some(login.epoch) {
        end_session(session).await?;
        return Ok(None);
    }
    Ok(db::find_user(&state.pool, login.user_id).await?)
}
