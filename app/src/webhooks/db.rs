//! SQL of webhook endpoints and deliveries. Deliveries are written by the
//! triggers of migration `…_webhooks.sql`; here they are listed, claimed
//! by the worker, marked and resent.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};

use super::model::{Delivery, Endpoint};
use crate::ids::UserId;

pub async fn insert_endpoint(
    db: impl PgExecutor<'_>,
    url: &str,
    events: &[String],
    secret: &str,
    by: UserId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO webhook_endpoints (url, events, secret, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
        url,
        events,
        secret,
        by as UserId,
    )
    .fetch_one(db)
    .await
}

/// Deletes an endpoint and its deliveries; false if there was none.
pub async fn delete_endpoint(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM webhook_endpoints WHERE id = $1", id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn list_endpoints(db: impl PgExecutor<'_>) -> Result<Vec<Endpoint>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, url, events, secret, active, created_at AS "created_at: DateTime<Utc>"
           FROM webhook_endpoints ORDER BY id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Endpoint {
            id: row.id,
            url: row.url,
            events: row.events,
            secret: row.secret,
            active: row.active,
            created_at: row.created_at.to_rfc3339(),
        })
        .collect())
}

/// The latest deliveries, newest first.
pub async fn list_deliveries(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT d.id, e.url, d.event, d.status, d.attempts, d.last_status, d.last_error,
                  d.last_attempt_at AS "last_attempt_at: DateTime<Utc>",
                  d.created_at AS "created_at: DateTime<Utc>"
           FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
           ORDER BY d.id DESC LIMIT $1"#,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Delivery {
            id: row.id,
            endpoint_url: row.url,
            event: row.event,
            status: row.status,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error,
            last_attempt_at: row.last_attempt_at.map(|at| at.to_rfc3339()),
            created_at: row.created_at.to_rfc3339(),
        })
        .collect())
}

/// Sends a delivery again (delivered or failed), its attempts counted
/// afresh; false if there is none, or it is still pending.
pub async fn resend(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE webhook_deliveries
            SET status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = NULL
          WHERE id = $1 AND status <> 'pending'",
        id,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A delivery the worker holds: where, what, signed with which key.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub payload: Value,
    /// This attempt's number, from 1.
    pub attempt: i32,
}

/// Claims up to `batch` due deliveries for `lease_seconds`, oldest first;
/// rows another worker claims are skipped, not waited for.
pub async fn claim(pool: &PgPool, batch: i64, lease_seconds: f64) -> Result<Vec<Claimed>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH due AS (
               SELECT id FROM webhook_deliveries
               WHERE status = 'pending' AND next_attempt_at <= now()
                 AND (claimed_until IS NULL OR claimed_until < now())
                 AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE active)
               ORDER BY next_attempt_at, id
               LIMIT $1
               FOR UPDATE SKIP LOCKED
           ), claimed AS (
               UPDATE webhook_deliveries d
                  SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
                 FROM due WHERE d.id = due.id
               RETURNING d.id, d.endpoint_id, d.event, d.payload, d.attempts
           )
           SELECT c.id AS "id!", e.url, e.secret, c.event AS "event!", c.payload AS "payload!: Value",
                  c.attempts AS "attempts!"
           FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id"#,
        batch,
        lease_seconds,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Claimed {
            id: row.id,
            url: row.url,
            secret: row.secret,
            event: row.event,
            payload: row.payload,
            attempt: row.attempts,
        })
        .collect())
}

/// The receiver answered 2xx.
pub async fn mark_delivered(db: impl PgExecutor<'_>, id: i64, status: i32) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_deliveries
            SET status = 'delivered', claimed_until = NULL, last_attempt_at = now(),
                last_status = $2, last_error = NULL
          WHERE id = $1",
        id,
        status,
    )
    .execute(db)
    .await
    .map(drop)
}

/// The attempt failed (`status`: the receiver's answer, if any): the
/// delivery waits `retry_seconds` × 2^(attempt − 1), an hour at most, or
/// after `max_attempts` is failed for good. Returns its status now (none
/// when its endpoint was deleted meanwhile).
pub async fn mark_attempt_failed(
    db: impl PgExecutor<'_>,
    id: i64,
    status: Option<i32>,
    error: &str,
    max_attempts: i32,
    retry_seconds: f64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE webhook_deliveries
            SET claimed_until = NULL, last_attempt_at = now(), last_status = $2, last_error = left($3, 500),
                status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + make_interval(secs => least($5 * power(2, attempts - 1), 3600))
          WHERE id = $1
        RETURNING status",
        id,
        status,
        error,
        max_attempts,
        retry_seconds,
    )
    .fetch_optional(db)
    .await
}

/// Deletes deliveries delivered or failed more than 30 days ago.
pub async fn forget_old(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - interval '30 days'"
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
