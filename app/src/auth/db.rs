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
    pub email_verified_at: Option<DateTime<Utc>>,
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
            email_verified: row.email_verified_at.is_some(),
        }
    }
}

pub const USER_COLUMNS: &str =
    "id, username, email, first_name, last_name, role, created_at, email_verified_at";

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
    insert_user_with(db, user, "")
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Inserts an account unless its address has one already (`None` then);
/// a duplicate username is still a unique violation.
pub async fn insert_user_unless_email_taken(
    db: impl PgExecutor<'_>,
    user: &NewUser<'_>,
) -> Result<Option<User>, sqlx::Error> {
    insert_user_with(db, user, "ON CONFLICT (lower(email)) DO NOTHING").await
}

/// The insert of both, with what it does on a conflict.
async fn insert_user_with(
    db: impl PgExecutor<'_>,
    user: &NewUser<'_>,
    on_conflict: &'static str,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as::<_, UserRow>(&format!(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, role)
         VALUES ($1, $2, $3, $4, $5, $6) {on_conflict} RETURNING {USER_COLUMNS}"
    ))
    .bind(user.username)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.role.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// Whether an account has this username, whatever the case.
pub async fn username_taken(db: impl PgExecutor<'_>, username: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1))")
        .bind(username)
        .fetch_one(db)
        .await
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

/// Recent password attempts of an account and of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct AttemptCounts {
    pub address_failures: i64,
    pub account_failures: i64,
    pub account_successes: i64,
    pub address_successes: i64,
}

pub async fn count_password_attempts(
    db: impl PgExecutor<'_>,
    account: &str,
    client_ip: &str,
    since: DateTime<Utc>,
) -> Result<AttemptCounts, sqlx::Error> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE client_ip = $2 AND NOT succeeded) AS address_failures,
                count(*) FILTER (WHERE account = $1 AND NOT succeeded) AS account_failures,
                count(*) FILTER (WHERE account = $1 AND succeeded) AS account_successes,
                count(*) FILTER (WHERE client_ip = $2 AND succeeded) AS address_successes
         FROM password_attempts WHERE tried_at >= $3 AND (account = $1 OR client_ip = $2)",
    )
    .bind(account)
    .bind(client_ip)
    .bind(since)
    .fetch_one(db)
    .await
}

/// The limits of password attempts in the window (see `AuthSettings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    pub failures_per_address: i64,
    pub successes_per_account: i64,
    pub successes_per_address: i64,
    /// An account's failures from everywhere that raise the alert.
    pub alert_after: i64,
}

/// What a password attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Allowed: the attempt, counted as a failure until it succeeds.
    Allowed(i64),
    Refused,
}

/// Counts an attempt of `account` from `client_ip`, unless the address has
/// failed too often, or the account or the address succeeded too often,
/// in the window since `since`. Advisory locks on the account and the
/// address make parallel attempts count one after the other. Returns
/// whether the attempt may go on, and the account's failures (for the
/// alert).
pub async fn begin_password_attempt(
    pool: &PgPool,
    account: &str,
    client_ip: &str,
    since: DateTime<Utc>,
    limits: &AttemptLimits,
) -> Result<(Attempt, AttemptCounts), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0)), pg_advisory_xact_lock(hashtextextended('ip:' || $2, 0))")
        .bind(account)
        .bind(client_ip)
        .execute(&mut *tx)
        .await?;
    let counts = count_password_attempts(&mut *tx, account, client_ip, since).await?;
    if counts.address_failures >= limits.failures_per_address
        || counts.account_successes >= limits.successes_per_account
        || counts.address_successes >= limits.successes_per_address
    {
        tracing::info!(?counts, "password attempt throttled");
        return Ok((Attempt::Refused, counts));
    }
    let id =
        sqlx::query_scalar("INSERT INTO password_attempts (account, client_ip) VALUES ($1, $2) RETURNING id")
            .bind(account)
            .bind(client_ip)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok((Attempt::Allowed(id), counts))
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

/// Forgets an attempt whose password was never checked.
pub async fn forget_password_attempt(db: impl PgExecutor<'_>, attempt: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_attempts WHERE id = $1")
        .bind(attempt)
        .execute(db)
        .await
        .map(drop)
}

/// A correct password: the attempt counts as a success, the failures of
/// this account from this address are forgiven (not those from elsewhere,
/// nor the address's on other accounts: one good login of the attacker's
/// own must not reset their guessing), and attempts too old to count
/// anywhere are dropped.
pub async fn record_success(
    db: &PgPool,
    attempt: i64,
    account: &str,
    client_ip: &str,
    older_than: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "WITH marked AS (UPDATE password_attempts SET succeeded = true WHERE id = $1)
         DELETE FROM password_attempts
         WHERE id <> $1 AND ((account = $2 AND client_ip = $3 AND NOT succeeded) OR tried_at < $4)",
    )
    .bind(attempt)
    .bind(account)
    .bind(client_ip)
    .bind(older_than)
    .execute(db)
    .await
    .map(drop)
}

/// Accounts (`user:…` keys) that failed at least `at_least` times since
/// `since`, from any address: the back office's alert.
/// `(user id, username, count)`.
pub async fn accounts_under_attack(
    db: impl PgExecutor<'_>,
    since: DateTime<Utc>,
    at_least: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.username, a.failures
         FROM (SELECT substr(account, 6)::BIGINT AS user_id, count(*) AS failures FROM password_attempts
               WHERE NOT succeeded AND tried_at >= $1 AND account LIKE 'user:%'
               GROUP BY account HAVING count(*) >= $2) a
         JOIN users u ON u.id = a.user_id
         ORDER BY a.failures DESC LIMIT 20",
    )
    .bind(since)
    .bind(at_least)
    .fetch_all(db)
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

    const LIMITS: AttemptLimits = AttemptLimits {
        failures_per_address: 5,
        successes_per_account: 3,
        successes_per_address: 4,
        alert_after: 100,
    };

    async fn attempt(pool: &PgPool, account: &str, ip: &str) -> Option<i64> {
        let since = Utc::now() - chrono::Duration::hours(1);
        match begin_password_attempt(pool, account, ip, since, &LIMITS)
            .await
            .expect("attempt")
            .0
        {
            Attempt::Allowed(id) => Some(id),
            Attempt::Refused => None,
        }
    }

    async fn counts(pool: &PgPool, account: &str, ip: &str) -> AttemptCounts {
        count_password_attempts(pool, account, ip, Utc::now() - chrono::Duration::hours(1))
            .await
            .expect("count")
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn failures_refuse_the_address_never_the_account_from_elsewhere(pool: PgPool) {
        // Account 1, whose attempts are counted as "user:1".
        sqlx::query(
            "INSERT INTO users (id, username, email, password_hash, first_name, last_name)
             VALUES (1, 'ada', 'ada@example.com', 'x', 'Ada', 'Lovelace')",
        )
        .execute(&pool)
        .await
        .expect("account");
        for _ in 0..5 {
            attempt(&pool, "user:1", "10.0.0.1").await.expect("allowed");
        }
        assert_eq!(
            attempt(&pool, "user:1", "10.0.0.1").await,
            None,
            "the storm's address waits"
        );
        assert_eq!(
            attempt(&pool, "user:2", "10.0.0.1").await,
            None,
            "whatever the account"
        );
        let owner = attempt(&pool, "user:1", "10.0.0.7")
            .await
            .expect("the owner, elsewhere");
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        record_success(&pool, owner, "user:1", "10.0.0.7", hour_ago)
            .await
            .expect("success");
        let seen = counts(&pool, "user:1", "10.0.0.1").await;
        assert_eq!(
            (seen.account_failures, seen.account_successes),
            (5, 1),
            "the storm is kept"
        );
        assert_eq!(
            accounts_under_attack(&pool, hour_ago, 5).await.expect("alert"),
            vec![(1, "ada".to_owned(), 5)]
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn successes_are_limited_per_account_and_per_address(pool: PgPool) {
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        for ip in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            let id = attempt(&pool, "user:1", ip).await.expect("allowed");
            record_success(&pool, id, "user:1", ip, hour_ago)
                .await
                .expect("success");
        }
        assert_eq!(
            attempt(&pool, "user:1", "10.0.0.4").await,
            None,
            "a correct password in a loop"
        );
        let id = attempt(&pool, "user:2", "10.0.0.1")
            .await
            .expect("another account");
        record_success(&pool, id, "user:2", "10.0.0.1", hour_ago)
            .await
            .expect("success");
        assert_eq!(counts(&pool, "user:9", "10.0.0.1").await.address_successes, 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_success_forgives_this_address_only(pool: PgPool) {
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        for ip in ["10.0.0.1", "10.0.0.1", "10.0.0.2"] {
            attempt(&pool, "user:1", ip).await.expect("allowed");
        }
        attempt(&pool, "user:2", "10.0.0.1").await.expect("allowed");
        let id = attempt(&pool, "user:1", "10.0.0.1").await.expect("allowed");
        record_success(&pool, id, "user:1", "10.0.0.1", hour_ago)
            .await
            .expect("success");
        let seen = counts(&pool, "user:1", "10.0.0.1").await;
        assert_eq!(seen.account_failures, 1, "the failure from 10.0.0.2 stays");
        assert_eq!(
            seen.address_failures, 1,
            "the address keeps the other account's failure"
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn parallel_attempts_cannot_exceed_the_limit(pool: PgPool) {
        let attempts = (0..20).map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { attempt(&pool, "user:1", "10.0.0.1").await })
        });
        let mut allowed = 0;
        for attempt in attempts {
            if attempt.await.expect("task").is_some() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 5);
    }
}
