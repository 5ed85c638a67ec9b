//! SQL of accounts: creating them, finding them and their credentials,
//! their password hash and session epoch.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::auth::model::{Role, User};
use crate::ids::UserId;

/// An account as the `users` table holds it, converted into a [`User`].
/// Its timestamps are read as chrono's `DateTime<Utc>` by name
/// (`created_at AS "created_at: DateTime<Utc>"`): the server build also
/// turns on sqlx's `time` feature (for tower-sessions-sqlx-store), with
/// which the query macros would otherwise give `time::OffsetDateTime`.
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub email_verified_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: UserId(row.id),
            username: row.username,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            role: if row.role == "admin" {
                Role::Admin
            } else {
                Role::Customer
            },
            member_since: row.created_at.to_rfc3339(),
            email_verified: row.email_verified_at.is_some(),
        }
    }
}

/// What login needs of an account, hash included: stays on the server.
pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub session_epoch: i32,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: Role,
}

/// Inserts an account; a duplicate username or e-mail is a unique
/// violation on `users_username_key` / `users_email_key`.
pub async fn insert_user(db: impl PgExecutor<'_>, user: &NewUser<'_>) -> Result<User, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"INSERT INTO users (username, email, password_hash, first_name, last_name, role)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING id, username, email, first_name, last_name, role,
                     created_at AS "created_at: DateTime<Utc>",
                     email_verified_at AS "email_verified_at: DateTime<Utc>""#,
        user.username,
        user.email,
        user.password_hash,
        user.first_name,
        user.last_name,
        user.role.as_str(),
    )
    .fetch_one(db)
    .await?;
    Ok(User::from(row))
}

/// Inserts an account unless its address has one already (`None` then);
/// a duplicate username is still a unique violation.
pub async fn insert_user_unless_email_taken(
    db: impl PgExecutor<'_>,
    user: &NewUser<'_>,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"INSERT INTO users (username, email, password_hash, first_name, last_name, role)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lower(email)) DO NOTHING
           RETURNING id, username, email, first_name, last_name, role,
                     created_at AS "created_at: DateTime<Utc>",
                     email_verified_at AS "email_verified_at: DateTime<Utc>""#,
        user.username,
        user.email,
        user.password_hash,
        user.first_name,
        user.last_name,
        user.role.as_str(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// Whether an account has this username, whatever the case.
pub async fn username_taken(db: impl PgExecutor<'_>, username: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1)) AS "taken!""#,
        username,
    )
    .fetch_one(db)
    .await
}

pub async fn find_user(db: impl PgExecutor<'_>, id: UserId) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT id, username, email, first_name, last_name, role,
                  created_at AS "created_at: DateTime<Utc>",
                  email_verified_at AS "email_verified_at: DateTime<Utc>"
           FROM users WHERE id = $1 AND deleted_at IS NULL"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// The live account `id` if its sessions' epoch is still `epoch` (no
/// password change since the login), in one read.
pub async fn find_session_user(
    db: impl PgExecutor<'_>,
    id: UserId,
    epoch: i32,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT id, username, email, first_name, last_name, role,
                  created_at AS "created_at: DateTime<Utc>",
                  email_verified_at AS "email_verified_at: DateTime<Utc>"
           FROM users WHERE id = $1 AND session_epoch = $2 AND deleted_at IS NULL"#,
        id as UserId,
        epoch,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// A live account by username or e-mail, whatever the case.
pub async fn find_credentials(
    db: impl PgExecutor<'_>,
    login: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as!(
        Credentials,
        r#"SELECT id AS "id: UserId", password_hash, session_epoch FROM users
         WHERE (lower(username) = lower($1) OR lower(email) = lower($1)) AND deleted_at IS NULL
         LIMIT 1"#,
        login,
    )
    .fetch_optional(db)
    .await
}

pub async fn find_credentials_by_id(
    db: impl PgExecutor<'_>,
    id: UserId,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as!(
        Credentials,
        r#"SELECT id AS "id: UserId", password_hash, session_epoch FROM users WHERE id = $1 AND deleted_at IS NULL"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await
}

/// The current session epoch of a live account; `None` once deleted.
pub async fn session_epoch(db: impl PgExecutor<'_>, id: UserId) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT session_epoch FROM users WHERE id = $1 AND deleted_at IS NULL",
        id as UserId,
    )
    .fetch_optional(db)
    .await
}

pub async fn update_password_hash(
    db: impl PgExecutor<'_>,
    id: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2 WHERE id = $1",
        id as UserId,
        hash
    )
    .execute(db)
    .await
    .map(drop)
}

/// Changes the password and ends every other session; returns the new epoch.
pub async fn replace_password(db: impl PgExecutor<'_>, id: UserId, hash: &str) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "WITH tokens AS (UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL)
         UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1
         RETURNING session_epoch",
        id as UserId,
        hash,
    )
    .fetch_one(db)
    .await
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;

    fn user<'a>(username: &'a str, email: &'a str) -> NewUser<'a> {
        NewUser {
            username,
            email,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            first_name: "Ada",
            last_name: "Lovelace",
            role: Role::Customer,
        }
    }

    fn violated_constraint(error: sqlx::Error) -> Option<String> {
        error
            .as_database_error()
            .and_then(|e| e.constraint())
            .map(str::to_owned)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn usernames_and_emails_are_unique_whatever_the_case(pool: PgPool) {
        insert_user(&pool, &user("Alice", "alice@example.com"))
            .await
            .expect("first");
        let same_name = insert_user(&pool, &user("alice", "other@example.com")).await;
        assert_eq!(
            same_name.err().and_then(violated_constraint).as_deref(),
            Some("users_username_key")
        );
        let same_email = insert_user(&pool, &user("bob", "ALICE@example.com")).await;
        assert_eq!(
            same_email.err().and_then(violated_constraint).as_deref(),
            Some("users_email_key")
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn login_finds_an_account_by_username_or_email_in_any_case(pool: PgPool) {
        let alice = insert_user(&pool, &user("Alice", "alice@example.com"))
            .await
            .expect("insert");
        for login in ["alice", "ALICE", "Alice@Example.com"] {
            let found = find_credentials(&pool, login)
                .await
                .expect("query")
                .expect("found");
            assert_eq!(found.id, alice.id, "{login}");
        }
        assert!(find_credentials(&pool, "nobody").await.expect("query").is_none());
    }
}
