//! SQL of throttling: password attempts per account and per client
//! address in a window, and sign-ups per address in an hour.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

// Times are bound as chrono's `DateTime<Utc>` (`since as DateTime<Utc>`):
// the server build also turns on sqlx's `time` feature (for
// tower-sessions-sqlx-store), with which the query macros would otherwise
// expect a `time::OffsetDateTime` for a TIMESTAMPTZ parameter.

/// Recent password attempts of an account and of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
    sqlx::query_as!(
        AttemptCounts,
        r#"SELECT count(*) FILTER (WHERE client_ip = $2 AND NOT succeeded) AS "address_failures!",
                  count(*) FILTER (WHERE account = $1 AND NOT succeeded) AS "account_failures!",
                  count(*) FILTER (WHERE account = $1 AND succeeded) AS "account_successes!",
                  count(*) FILTER (WHERE client_ip = $2 AND succeeded) AS "address_successes!"
           FROM password_attempts WHERE tried_at >= $3 AND (account = $1 OR client_ip = $2)"#,
        account,
        client_ip,
        since as DateTime<Utc>,
    )
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
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0)),
                pg_advisory_xact_lock(hashtextextended('ip:' || $2, 0))",
        account,
        client_ip,
    )
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
    let id = sqlx::query_scalar!(
        "INSERT INTO password_attempts (account, client_ip) VALUES ($1, $2) RETURNING id",
        account,
        client_ip,
    )
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
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('sign-up:' || $1, 0))",
        client_ip,
    )
    .execute(&mut *tx)
    .await?;
    let recent: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM sign_ups
           WHERE client_ip = $1 AND signed_up_at > now() - interval '1 hour'"#,
        client_ip,
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= max {
        tracing::warn!(recent, "sign-ups throttled");
        return Ok(false);
    }
    sqlx::query!("INSERT INTO sign_ups (client_ip) VALUES ($1)", client_ip)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Forgets sign-ups older than the hour they count in; returns how many.
pub async fn delete_old_sign_ups(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    sqlx::query!("DELETE FROM sign_ups WHERE signed_up_at <= now() - interval '1 hour'")
        .execute(db)
        .await
        .map(|done| done.rows_affected())
}

/// Forgets an attempt whose password was never checked.
pub async fn forget_password_attempt(db: impl PgExecutor<'_>, attempt: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM password_attempts WHERE id = $1", attempt)
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
    sqlx::query!(
        "WITH marked AS (UPDATE password_attempts SET succeeded = true WHERE id = $1)
         DELETE FROM password_attempts
         WHERE id <> $1 AND ((account = $2 AND client_ip = $3 AND NOT succeeded) OR tried_at < $4)",
        attempt,
        account,
        client_ip,
        older_than as DateTime<Utc>,
    )
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
    let rows = sqlx::query!(
        r#"SELECT u.id, u.username, a.failures AS "failures!"
           FROM (SELECT substr(account, 6)::BIGINT AS user_id, count(*) AS failures FROM password_attempts
                 WHERE NOT succeeded AND tried_at >= $1 AND account LIKE 'user:%'
                 GROUP BY account HAVING count(*) >= $2) a
           JOIN users u ON u.id = a.user_id
           ORDER BY a.failures DESC LIMIT 20"#,
        since as DateTime<Utc>,
        at_least,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.username, row.failures))
        .collect())
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;

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
        sqlx::query!(
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
