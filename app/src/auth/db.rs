//! SQL of accounts and login throttling.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use super::model::{Role, User};

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
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
        }
    }
}

pub const USER_COLUMNS: &str = "id, username, email, first_name, last_name, role, created_at";

/// What login needs of an account, hash included: stays on the server.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
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
    let row = sqlx::query_as::<_, UserRow>(&format!(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, role)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
    ))
    .bind(user.username)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.role.as_str())
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

pub async fn find_user(db: impl PgExecutor<'_>, id: i64) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// A live account by username or e-mail, whatever the case.
pub async fn find_credentials(
    db: impl PgExecutor<'_>,
    login: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as::<_, Credentials>(
        "SELECT id, password_hash, session_epoch FROM users
         WHERE (lower(username) = lower($1) OR lower(email) = lower($1)) AND deleted_at IS NULL
         LIMIT 1",
    )
    .bind(login)
    .fetch_optional(db)
    .await
}

pub async fn find_credentials_by_id(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as::<_, Credentials>(
        "SELECT id, password_hash, session_epoch FROM users WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The current session epoch of a live account; `None` once deleted.
pub async fn session_epoch(db: impl PgExecutor<'_>, id: i64) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar("SELECT session_epoch FROM users WHERE id = $1 AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn update_password_hash(db: impl PgExecutor<'_>, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await
        .map(drop)
}

/// Changes the password and ends every other session; returns the new epoch.
pub async fn replace_password(db: impl PgExecutor<'_>, id: i64, hash: &str) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1
         RETURNING session_epoch",
    )
    .bind(id)
    .bind(hash)
    .fetch_one(db)
    .await
}

/// Failed logins for this account or from this address since `since`.
pub async fn count_login_failures(
    db: impl PgExecutor<'_>,
    account: &str,
    client_ip: &str,
    since: DateTime<Utc>,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE account = $1), count(*) FILTER (WHERE client_ip = $2)
         FROM login_failures WHERE failed_at >= $3 AND (account = $1 OR client_ip = $2)",
    )
    .bind(account)
    .bind(client_ip)
    .bind(since)
    .fetch_one(db)
    .await
}

/// Starts a password attempt: counts it as a failure up front (a success
/// forgives it), unless the account or the address already failed `max`
/// times since `since`, in which case `None`. Advisory locks on both keys
/// make parallel attempts count one after the other, so a burst of
/// guesses cannot all slip under the limit.
pub async fn begin_password_attempt(
    pool: &PgPool,
    account: &str,
    client_ip: &str,
    since: DateTime<Utc>,
    max: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0)), pg_advisory_xact_lock(hashtextextended('ip:' || $2, 0))")
        .bind(account)
        .bind(client_ip)
        .execute(&mut *tx)
        .await?;
    let (account_failures, ip_failures) = count_login_failures(&mut *tx, account, client_ip, since).await?;
    if account_failures >= max || ip_failures >= max {
        tracing::warn!(account_failures, ip_failures, "password attempts throttled");
        return Ok(None);
    }
    let id =
        sqlx::query_scalar("INSERT INTO login_failures (account, client_ip) VALUES ($1, $2) RETURNING id")
            .bind(account)
            .bind(client_ip)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Counts a sign-up from `client_ip`, unless `max` were counted in the last
/// hour, in which case `false`. An advisory lock on the address makes
/// parallel sign-ups count one after the other.
pub async fn begin_sign_up(pool: &PgPool, client_ip: &str, max: i64) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('sign-up:' || $1, 0))")
        .bind(client_ip)
        .execute(&mut *tx)
        .await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sign_ups WHERE client_ip = $1 AND signed_up_at > now() - interval '1 hour'",
    )
    .bind(client_ip)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= max {
        tracing::warn!(recent, "sign-ups throttled");
        return Ok(false);
    }
    sqlx::query("INSERT INTO sign_ups (client_ip) VALUES ($1)")
        .bind(client_ip)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Forgets sign-ups older than the hour they count in; returns how many.
pub async fn delete_old_sign_ups(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sign_ups WHERE signed_up_at <= now() - interval '1 hour'")
        .execute(db)
        .await
        .map(|done| done.rows_affected())
}

/// Takes back an attempt whose password was never checked.
pub async fn forget_password_attempt(db: impl PgExecutor<'_>, attempt: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE id = $1")
        .bind(attempt)
        .execute(db)
        .await
        .map(drop)
}

/// A correct password forgives the account's failures (not the address's:
/// one good login of the attacker's own must not reset their guessing
/// elsewhere), and drops failures too old to count anywhere.
pub async fn forgive_login_failures(
    db: impl PgExecutor<'_>,
    account: &str,
    older_than: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE account = $1 OR failed_at < $2")
        .bind(account)
        .bind(older_than)
        .execute(db)
        .await
        .map(drop)
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

    #[sqlx::test(migrations = "../migrations")]
    async fn attempts_count_per_account_and_per_address_and_success_forgives_the_account_only(pool: PgPool) {
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        for _ in 0..3 {
            begin_password_attempt(&pool, "user:1", "10.0.0.1", hour_ago, 5)
                .await
                .expect("attempt")
                .expect("allowed");
        }
        begin_password_attempt(&pool, "user:2", "10.0.0.1", hour_ago, 5)
            .await
            .expect("attempt")
            .expect("allowed");
        assert_eq!(
            count_login_failures(&pool, "user:1", "10.0.0.2", hour_ago)
                .await
                .expect("count"),
            (3, 0)
        );
        assert_eq!(
            count_login_failures(&pool, "user:3", "10.0.0.1", hour_ago)
                .await
                .expect("count"),
            (0, 4)
        );
        forgive_login_failures(&pool, "user:2", hour_ago)
            .await
            .expect("forgive");
        assert_eq!(
            count_login_failures(&pool, "user:1", "10.0.0.1", hour_ago)
                .await
                .expect("count"),
            (3, 3),
            "the address keeps the other account's failures"
        );
        begin_password_attempt(&pool, "user:1", "10.0.0.9", hour_ago, 5)
            .await
            .expect("attempt");
        begin_password_attempt(&pool, "user:1", "10.0.0.9", hour_ago, 5)
            .await
            .expect("attempt");
        let refused = begin_password_attempt(&pool, "user:1", "10.0.0.9", hour_ago, 5)
            .await
            .expect("attempt");
        assert_eq!(refused, None, "the sixth attempt on the account is refused");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn parallel_attempts_cannot_exceed_the_limit(pool: PgPool) {
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        let attempts = (0..20).map(|_| {
            let pool = pool.clone();
            tokio::spawn(
                async move { begin_password_attempt(&pool, "user:1", "10.0.0.1", hour_ago, 5).await },
            )
        });
        let mut allowed = 0;
        for attempt in attempts {
            if attempt.await.expect("task").expect("attempt").is_some() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 5);
    }
}
