//! Account rules: password hashing, registration, login with throttling,
//! and the session that remembers who is logged in.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_sessions::Session;

use super::db::{self, NewUser};
use super::model::{Email, NewPassword, PersonName, Role, User, Username};
use crate::error::{internal, AppError, Rule};
use crate::i18n::Locale;
use crate::mail::limits::{self, MailRequest};
use crate::mail::{model::MailKind, outbox};
use crate::state::{AppState, AuthSettings};

/// A hash of a random password with the current parameters: verifying
/// against it makes an unknown login cost as much as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$3T6oH6mCMrH0BfNqjMC3Dw$n6gPyfd3m0cUDWyeIE5F9dRQnoAwY/LGoWm6W3XQ66I";

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

/// argon2id with the OWASP minimum (m = 19 MiB, t = 2, p = 1).
fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// How many argon2 computations may run at once: two per core. Each takes
/// 19 MiB and a core for tens of milliseconds.
fn hashing_capacity() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from) * 2
}

/// How long a login or registration waits for its turn before being told
/// to try again.
const HASHING_WAIT: Duration = Duration::from_secs(10);

fn hashing_permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(PERMITS.get_or_init(|| Arc::new(Semaphore::new(hashing_capacity()))))
}

/// Sign-ups hold at most half of the hashing slots: a flood of
/// registrations (anonymous; limited per address, not in all) still leaves
/// room for logins.
fn sign_up_capacity() -> usize {
    (hashing_capacity() / 2).max(1)
}

fn sign_up_permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(PERMITS.get_or_init(|| Arc::new(Semaphore::new(sign_up_capacity()))))
}

/// A permit of `permits`, waiting at most `HASHING_WAIT` for it.
async fn wait_for(permits: Arc<Semaphore>) -> Result<OwnedSemaphorePermit, AppError> {
    tokio::time::timeout(HASHING_WAIT, permits.acquire_owned())
        .await
        .map_err(|_| {
            tracing::warn!("password hashing saturated: a request waited too long");
            AppError::TooManyRequests
        })?
        .map_err(|error| internal("hashing permits closed", error))
}

/// Runs one argon2 computation on a blocking thread once a permit is free.
/// A flood of logins or sign-ups queues here instead of taking every
/// blocking thread and gigabytes of memory; whoever waits longer than
/// `HASHING_WAIT` gets 429. The permit lives as long as the computation,
/// even when the caller has gone away.
async fn with_hashing_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = wait_for(hashing_permits()).await?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
    .map_err(|error| internal("hashing task failed", error))
}

/// [`with_hashing_permit`], also holding one of the sign-up slots.
async fn with_sign_up_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = wait_for(sign_up_permits()).await?;
    let result = with_hashing_permit(work).await;
    drop(permit);
    result
}

fn hash_with_new_salt(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| internal("hashing failed", error))
}

/// Hashes on a blocking thread: argon2 is deliberately slow.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    with_hashing_permit(move || hash_with_new_salt(&password)).await?
}

/// Whether the password matches, and whether the hash should be redone
/// because it was made with other parameters.
async fn verify_password(password: String, hash: String) -> Result<(bool, bool), AppError> {
    with_hashing_permit(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return (false, false);
        };
        let valid = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
        let wanted = Params::default();
        let current = Params::try_from(&parsed).is_ok_and(|params| {
            (params.m_cost(), params.t_cost(), params.p_cost())
                == (wanted.m_cost(), wanted.t_cost(), wanted.p_cost())
        }) && parsed.algorithm == Algorithm::Argon2id.ident();
        (valid, valid && !current)
    })
    .await
}

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
        let password_hash = with_sign_up_permit(move || hash_with_new_salt(&password)).await??;
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
    let (attempt, counts) =
        db::begin_password_attempt(&state.pool, key, client_ip, window_start, &settings.limits()).await?;
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

fn session_error(error: tower_sessions::session::Error) -> AppError {
    internal("session store", error)
}

/// Logs the user in on this session, under a new session id (no fixation).
pub async fn start_session(session: &Session, pool: &PgPool, user_id: i64) -> Result<(), AppError> {
    let epoch = db::session_epoch(pool, user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    session.cycle_id().await.map_err(session_error)?;
    let login = SessionLogin {
        user_id,
        epoch,
        logged_in_at: Utc::now().timestamp(),
    };
    session.insert(SESSION_KEY, login).await.map_err(session_error)
}

/// Keeps this session valid after the account's epoch moved on (password
/// change), while every other session of the account ends.
pub async fn renew_session_epoch(session: &Session, epoch: i32) -> Result<(), AppError> {
    let Some(mut login) = session
        .get::<SessionLogin>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Err(AppError::Unauthorized);
    };
    login.epoch = epoch;
    session.cycle_id().await.map_err(session_error)?;
    session.insert(SESSION_KEY, login).await.map_err(session_error)
}

/// Ends the session: its record is deleted from the store.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Runs `tasks` jobs of 30 ms through `run` at once; returns how many
    /// ran at the same time at most.
    async fn most_at_once<F, Fut>(tasks: usize, run: F) -> usize
    where
        F: Fn(Box<dyn FnOnce() + Send>) -> Fut,
        Fut: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
    {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..tasks {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            jobs.spawn(run(Box::new(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
            })));
        }
        let mut finished = 0;
        while let Some(outcome) = jobs.join_next().await {
            outcome.expect("task").expect("every request gets its turn");
            finished += 1;
        }
        assert_eq!(finished, tasks);
        most.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_flood_of_hashing_runs_a_bounded_number_at_once() {
        let capacity = hashing_capacity();
        let most = most_at_once(capacity * 4, with_hashing_permit).await;
        assert!(most <= capacity, "{most} ran at once, the limit is {capacity}");
        assert!(most >= 2, "they still run in parallel ({most})");
    }

    #[tokio::test]
    async fn sign_ups_leave_hashing_slots_to_logins() {
        let capacity = sign_up_capacity();
        assert!(capacity < hashing_capacity());
        let most = most_at_once(capacity * 4, with_sign_up_permit).await;
        assert!(
            most <= capacity,
            "{most} sign-ups hashed at once, the limit is {capacity}"
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_with_owasp_parameters() {
        let hash = hash_password("correct horse battery".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        let (valid, rehash) = verify_password("correct horse battery".into(), hash.clone())
            .await
            .expect("verify");
        assert!(valid && !rehash);
        let (valid, _) = verify_password("wrong".into(), hash).await.expect("verify");
        assert!(!valid);
    }

    #[tokio::test]
    async fn hashes_with_weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).expect("params"),
        );
        let salt = SaltString::generate(&mut OsRng);
        let hash = weak
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        let (valid, rehash) = verify_password("correct horse battery".into(), hash)
            .await
            .expect("verify");
        assert!(valid && rehash);
    }

    #[tokio::test]
    async fn the_dummy_hash_is_current_and_matches_nothing_guessable() {
        let (valid, rehash) = verify_password("password".into(), DUMMY_HASH.into())
            .await
            .expect("verify");
        assert!(!valid && !rehash);
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
