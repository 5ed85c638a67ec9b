//! Reset and verification links: a token mailed once (through the outbox,
//! in the transaction that made it), its SHA-256 stored, valid for a while
//! and, for a reset, once.

use serde_json::json;
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};

use crate::auth::db as auth_db;
use crate::auth::model::{Email, NewPassword};
use crate::auth::password::hash_password;
use crate::error::{AppError, Rule};
use crate::i18n::Locale;
use crate::ids::UserId;
use crate::mail::limits::{self, MailRequest};
use crate::mail::{model::MailKind, outbox, tokens};
use crate::state::AppState;

/// A reset link works this long.
const RESET_VALID_MINUTES: i32 = 60;
/// A verification link works this long.
const VERIFY_VALID_HOURS: i32 = 72;
/// The reset link of the note to an old address works this long.
const CHANGE_NOTICE_VALID_HOURS: i32 = 24;

fn link_expired() -> AppError {
    AppError::validation("token", Rule::LinkExpired)
}

/// Mails a reset link to the account with this address, if there is one.
/// The answer and the work are the same either way (the request is
/// counted, a token made and hashed); only a known address gets a mail.
/// Too many requests for one address, or from one client, in an hour are
/// refused, known address or not; past the per-account limit the account
/// simply gets no further mail.
pub async fn request_reset(
    state: &AppState,
    email: &str,
    client_ip: &str,
    language: Locale,
) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    let limit = state.mail.max_links_per_hour;
    let mut tx = state.pool.begin().await?;
    let request = MailRequest::PasswordReset;
    if !limits::admit(
        &mut tx,
        request,
        client_ip,
        email.as_str(),
        &state.auth.mail_limits,
    )
    .await?
    {
        return Err(AppError::TooManyMails);
    }
    let token = tokens::new_token();
    let digest = tokens::digest(&token);
    let account = sqlx::query!(
        r#"SELECT u.id AS "id: UserId", (SELECT count(*) FROM password_resets r
                          WHERE r.user_id = u.id AND r.created_at > now() - interval '1 hour') AS "recent!"
             FROM users u WHERE u.email = $1 AND u.deleted_at IS NULL"#,
        email.as_str(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    match account.map(|account| (account.id, account.recent)) {
        Some((user_id, recent)) if recent < limit => {
            sqlx::query!(
                "INSERT INTO password_resets (token_hash, user_id, expires_at)
                 VALUES ($1, $2, now() + make_interval(mins => $3::int))",
                &digest,
                user_id as UserId,
                RESET_VALID_MINUTES,
            )
            .execute(&mut *tx)
            .await?;
            outbox::enqueue(
                &mut *tx,
                MailKind::PasswordReset,
                email.as_str(),
                language,
                json!({ "token": token }),
            )
            .await?;
            tracing::info!(user_id = user_id.0, "password reset mailed");
        }
        Some((user_id, _)) => {
            tracing::info!(
                user_id = user_id.0,
                "password reset not mailed: the account's hourly limit"
            )
        }
        None => {}
    }
    tx.commit().await?;
    Ok(())
}

/// The account a live reset token is for, checked before the password is
/// hashed; the token is only spent in [`reset_password`].
async fn reset_account(pool: &PgPool, digest: &[u8]) -> Result<(UserId, String, String), AppError> {
    sqlx::query!(
        r#"SELECT u.id AS "id: UserId", u.username, u.email FROM password_resets r JOIN users u ON u.id = r.user_id
          WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.deleted_at IS NULL"#,
        digest,
    )
    .fetch_optional(pool)
    .await?
    .map(|account| (account.id, account.username, account.email))
    .ok_or_else(link_expired)
}

/// Sets a new password with a reset token, once: every session of the
/// account ends, and every other reset link of it stops working.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<UserId, AppError> {
    if !tokens::looks_like_token(token) {
        return Err(link_expired());
    }
    let digest = tokens::digest(token);
    let (user_id, username, email) = reset_account(&state.pool, &digest).await?;
    let password = NewPassword::parse("password", password, confirmation, &username, &email)?;
    // Hashing is slow: done before the transaction, which only swaps values.
    let hash = hash_password(password.expose().to_owned()).await?;
    let mut tx = state.pool.begin().await?;
    let spent: Option<UserId> = sqlx::query_scalar!(
        r#"UPDATE password_resets SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id AS "user_id: UserId""#,
        &digest,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if spent != Some(user_id) {
        return Err(link_expired());
    }
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?;
    auth_db::replace_password(&mut *tx, user_id, &hash).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = user_id.0,
        "password reset; every session of the account ended"
    );
    Ok(user_id)
}

/// Writes a verification link for `email` to the outbox, in the caller's
/// transaction (the sign-up's, the change of address's).
pub async fn send_verification(
    tx: &mut Transaction<'_, Postgres>,
    user_id: UserId,
    email: &str,
    language: Locale,
) -> Result<(), sqlx::Error> {
    let token = tokens::new_token();
    sqlx::query!(
        "INSERT INTO email_verifications (token_hash, user_id, email, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(hours => $4::int))",
        tokens::digest(&token),
        user_id as UserId,
        email,
        VERIFY_VALID_HOURS,
    )
    .execute(&mut **tx)
    .await?;
    outbox::enqueue(
        &mut **tx,
        MailKind::EmailVerification,
        email,
        language,
        json!({ "token": token }),
    )
    .await?;
    Ok(())
}

/// Tells the old address of an account that it changed, with a reset link
/// (valid a day) that ends every session: if a thief with the password
/// moved the address, the owner can still take the account back.
pub async fn send_change_notice(
    tx: &mut Transaction<'_, Postgres>,
    user_id: UserId,
    old_email: &str,
    language: Locale,
) -> Result<(), sqlx::Error> {
    let token = tokens::new_token();
    sqlx::query!(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(hours => $3::int))",
        tokens::digest(&token),
        user_id as UserId,
        CHANGE_NOTICE_VALID_HOURS,
    )
    .execute(&mut **tx)
    .await?;
    outbox::enqueue(
        &mut **tx,
        MailKind::EmailChanged,
        old_email,
        language,
        json!({ "token": token }),
    )
    .await?;
    Ok(())
}

/// Mails a new verification link to the account's address, unless it is
/// verified already; refused past the hourly limits (the account's, the
/// client's, the address's).
pub async fn resend_verification(
    state: &AppState,
    user_id: UserId,
    client_ip: &str,
    language: Locale,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let account = sqlx::query!(
        r#"SELECT u.email, u.email_verified_at IS NOT NULL AS "verified!",
                  (SELECT count(*) FROM email_verifications v
                    WHERE v.user_id = u.id AND v.created_at > now() - interval '1 hour') AS "recent!"
             FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL FOR UPDATE"#,
        user_id as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((email, verified, recent)) =
        account.map(|account| (account.email, account.verified, account.recent))
    else {
        return Err(AppError::Unauthorized);
    };
    if verified {
        return Ok(());
    }
    if recent >= state.mail.max_links_per_hour {
        return Err(AppError::too_many(3600));
    }
    let request = MailRequest::Verification;
    if !limits::admit(&mut tx, request, client_ip, &email, &state.auth.mail_limits).await? {
        return Err(AppError::TooManyMails);
    }
    send_verification(&mut tx, user_id, &email, language).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks the address verified with the link's token, if the account still
/// has the address the link was sent to.
pub async fn verify_email(pool: &PgPool, token: &str) -> Result<UserId, AppError> {
    if !tokens::looks_like_token(token) {
        return Err(link_expired());
    }
    let verified: Option<UserId> = sqlx::query_scalar!(
        r#"WITH link AS (
             DELETE FROM email_verifications WHERE token_hash = $1 AND expires_at > now()
             RETURNING user_id, email)
         UPDATE users u SET email_verified_at = coalesce(u.email_verified_at, now())
           FROM link WHERE u.id = link.user_id AND u.email = link.email AND u.deleted_at IS NULL
         RETURNING u.id AS "id: UserId""#,
        tokens::digest(token),
    )
    .fetch_optional(pool)
    .await?;
    verified.ok_or_else(link_expired)
}

/// Forgets request counts and links older than a day, and alerts nobody
/// confirmed within a week (run hourly).
pub async fn delete_old_links(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "WITH requests AS (DELETE FROM mail_requests WHERE requested_at < now() - interval '1 day'),
              changes AS (DELETE FROM email_changes WHERE changed_at < now() - interval '1 day'),
              resets AS (DELETE FROM password_resets WHERE expires_at < now() - interval '1 day'),
              alerts AS (DELETE FROM stock_alerts WHERE notified_at < now() - interval '30 days'
                            OR (confirmed_at IS NULL AND created_at < now() - interval '7 days'))
         DELETE FROM email_verifications WHERE expires_at < now() - interval '1 day'",
    )
    .execute(db)
    .await
    .map(drop)
}
