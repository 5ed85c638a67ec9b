//! SQL of profiles and user administration.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{UserPage, USERS_PAGE_SIZE};
use crate::auth::db::UserRow;
use crate::auth::model::{Role, User};
use crate::ids::UserId;
use crate::paging::PageNumber;

pub async fn update_profile(
    db: impl PgExecutor<'_>,
    id: UserId,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"UPDATE users SET email = $2, first_name = $3, last_name = $4,
                email_verified_at = CASE WHEN email = $2 THEN email_verified_at END
         WHERE id = $1 AND deleted_at IS NULL
         RETURNING id, username, email, first_name, last_name, role,
                   created_at AS "created_at: DateTime<Utc>",
                   email_verified_at AS "email_verified_at: DateTime<Utc>""#,
        id as UserId,
        email,
        first_name,
        last_name,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// Locks the account's row until the transaction ends (changes of its
/// address count one after the other) and returns how many it had in the
/// last hour.
pub async fn lock_email_changes(tx: &mut Transaction<'_, Postgres>, id: UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM users WHERE id = $1 FOR UPDATE", id as UserId)
        .fetch_optional(&mut **tx)
        .await?;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM email_changes
           WHERE user_id = $1 AND changed_at > now() - interval '1 hour'"#,
        id as UserId,
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn record_email_change(
    db: impl PgExecutor<'_>,
    id: UserId,
    old_email: &str,
    new_email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO email_changes (user_id, old_email, new_email) VALUES ($1, $2, $3)",
        id as UserId,
        old_email,
        new_email,
    )
    .execute(db)
    .await
    .map(drop)
}

/// Removes the personal data of an account and ends its sessions and API
/// tokens; the row
/// stays so that its orders keep pointing at it. Returns false when there
/// was no live account.
pub async fn anonymise_user(db: impl PgExecutor<'_>, id: UserId) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "WITH changes AS (DELETE FROM email_changes WHERE user_id = $1),
              book AS (DELETE FROM addresses WHERE user_id = $1),
              tokens AS (UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL),
              answers AS (DELETE FROM api_idempotency_keys WHERE user_id = $1)
         UPDATE users SET username = 'deleted-' || id, email = 'deleted-' || id || '@deleted.invalid',
                first_name = '', last_name = '', password_hash = '!',
                session_epoch = session_epoch + 1, deleted_at = now()
         WHERE id = $1 AND deleted_at IS NULL",
        id as UserId,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Live users, newest first, optionally matching a name or e-mail.
pub async fn list_users(
    db: impl PgExecutor<'_>,
    query: &str,
    page: PageNumber,
) -> Result<UserPage, sqlx::Error> {
    let pattern = crate::sql::contains_pattern(query);
    let rows = sqlx::query_as!(
        UserRow,
        r#"SELECT id, username, email, first_name, last_name, role,
                  created_at AS "created_at: DateTime<Utc>",
                  email_verified_at AS "email_verified_at: DateTime<Utc>"
           FROM users
           WHERE deleted_at IS NULL
             AND ($1 = '%%' OR username ILIKE $1 OR email ILIKE $1 OR first_name ILIKE $1 OR last_name ILIKE $1)
           ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"#,
        pattern,
        i64::from(USERS_PAGE_SIZE) + 1,
        page.offset(USERS_PAGE_SIZE),
    )
    .fetch_all(db)
    .await?;
    let mut items: Vec<User> = rows.into_iter().map(User::from).collect();
    let has_next = items.len() > USERS_PAGE_SIZE as usize;
    items.truncate(USERS_PAGE_SIZE as usize);
    Ok(UserPage {
        items,
        page: page.get(),
        has_next,
    })
}

/// Locks the live administrators (so that two demotions cannot race past
/// the last-admin rule) and returns their ids.
pub async fn lock_admins(tx: &mut Transaction<'_, Postgres>) -> Result<Vec<UserId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE role = 'admin' AND deleted_at IS NULL ORDER BY id FOR UPDATE"#
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn set_role(db: impl PgExecutor<'_>, id: UserId, role: Role) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"UPDATE users SET role = $2, session_epoch = session_epoch + (role <> $2)::int
         WHERE id = $1 AND deleted_at IS NULL
         RETURNING id, username, email, first_name, last_name, role,
                   created_at AS "created_at: DateTime<Utc>",
                   email_verified_at AS "email_verified_at: DateTime<Utc>""#,
        id as UserId,
        role.as_str(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}
