//! `Idempotency-Key` on the API's mutations that create something: the
//! first request with a key runs and its answer is kept a day; a retry
//! with the same key and the same request gets that answer again
//! (`Idempotent-Replayed: true`); the same key with another request is
//! refused (422), and while the first is still running, a retry is told
//! so (409). Only a lasting answer is kept (a success, or a refusal of the
//! request itself: 400, 404, 422); one that may change with time (a
//! conflict with the shop's state, a limit, a failure of the shop) forgets
//! the key, so a retry runs again. A claim whose request never finished
//! (its connection dropped mid-way) is taken over after a minute.

use std::future::Future;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use app::error::{AppError, Conflict, Rule};
use app::ids::UserId;

use super::problem::ApiError;

pub const HEADER: &str = "idempotency-key";

/// The key of a request: 1 to 255 visible ASCII characters, one header.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(HEADER).iter();
    let (value, None) = (values.next(), values.next()) else {
        return Err(AppError::validation("Idempotency-Key", Rule::Unreadable).into());
    };
    let Some(value) = value else { return Ok(None) };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| AppError::validation("Idempotency-Key", Rule::Length { min: 1, max: 255 }))?;
    Ok(Some(key.to_owned()))
}

/// Runs `work` once per key: the answer of the first request with this
/// key and this request, or `work`'s now. Without a key, `work` runs.
pub async fn once<T, Fut>(
    pool: &PgPool,
    user_id: UserId,
    key: Option<String>,
    operation: &str,
    body: &[u8],
    work: Fut,
) -> Response
where
    T: Serialize,
    Fut: Future<Output = Result<(StatusCode, T), ApiError>>,
{
    let Some(key) = key else {
        return answer(work.await);
    };
    let fingerprint: Vec<u8> = Sha256::new()
        .chain_update(operation.as_bytes())
        .chain_update([0])
        .chain_update(body)
        .finalize()
        .to_vec();
    match claim(pool, user_id, &key, operation, &fingerprint).await {
        Err(error) => ApiError::from(error).into_response(),
        Ok(Claim::Replay { status, response }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut reply = (status, axum::Json(response)).into_response();
            reply
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            if status.is_client_error() {
                reply.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/problem+json"),
                );
            }
            reply
        }
        Ok(Claim::Refused(conflict)) => ApiError::from(AppError::Conflict(conflict)).into_response(),
        Ok(Claim::Mine) => {
            let outcome = work.await;
            // A refusal is kept as its problem, so a retry reads the same.
            let (status, value) = match &outcome {
                Ok((status, value)) => (*status, serde_json::to_value(value)),
                Err(error) => {
                    let (status, problem) = error.problem();
                    (status, serde_json::to_value(problem))
                }
            };
            let lasting = status.is_success()
                || matches!(
                    status,
                    StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
                );
            let kept = if !lasting {
                forget(pool, user_id, &key).await
            } else {
                keep(pool, user_id, &key, status, &value.unwrap_or_default()).await
            };
            if let Err(error) = kept {
                tracing::error!(%error, "API: an idempotency key's answer was not kept");
            }
            answer(outcome)
        }
    }
}

fn answer<T: Serialize>(outcome: Result<(StatusCode, T), ApiError>) -> Response {
    match outcome {
        Ok((status, value)) => super::http::private(status, &value),
        Err(error) => error.into_response(),
    }
}

enum Claim {
    /// This request runs.
    Mine,
    Replay {
        status: u16,
        response: serde_json::Value,
    },
    Refused(Conflict),
}

async fn claim(
    pool: &PgPool,
    user_id: UserId,
    key: &str,
    operation: &str,
    fingerprint: &[u8],
) -> Result<Claim, sqlx::Error> {
    // New, or a claim of the same request left unanswered for a minute
    // (its request was dropped mid-way): this request runs.
    let inserted = sqlx::query_scalar!(
        "INSERT INTO api_idempotency_keys (user_id, key, operation, request_hash)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, key) DO UPDATE SET created_at = now()
            WHERE api_idempotency_keys.status IS NULL
              AND api_idempotency_keys.created_at < now() - interval '1 minute'
              AND api_idempotency_keys.operation = EXCLUDED.operation
              AND api_idempotency_keys.request_hash = EXCLUDED.request_hash
         RETURNING true",
        user_id as UserId,
        key,
        operation,
        fingerprint,
    )
    .fetch_optional(pool)
    .await?;
    if inserted.is_some() {
        return Ok(Claim::Mine);
    }
    let first = sqlx::query!(
        r#"SELECT operation, request_hash, status, response AS "response: serde_json::Value"
           FROM api_idempotency_keys WHERE user_id = $1 AND key = $2"#,
        user_id as UserId,
        key,
    )
    .fetch_optional(pool)
    .await?;
    Ok(match first {
        // Forgotten in between (a 5xx): the caller may simply retry.
        None => Claim::Refused(Conflict::RequestInProgress),
        Some(first) if first.operation != operation || first.request_hash != fingerprint => {
            Claim::Refused(Conflict::IdempotencyKeyReused)
        }
        Some(first) => match (first.status, first.response) {
            (Some(status), Some(response)) => Claim::Replay {
                status: u16::try_from(status).unwrap_or(200),
                response,
            },
            _ => Claim::Refused(Conflict::RequestInProgress),
        },
    })
}

async fn keep(
    pool: &PgPool,
    user_id: UserId,
    key: &str,
    status: StatusCode,
    response: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE api_idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND key = $2",
        user_id as UserId,
        key,
        i16::try_from(status.as_u16()).unwrap_or(500),
        response,
    )
    .execute(pool)
    .await
    .map(drop)
}

async fn forget(pool: &PgPool, user_id: UserId, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM api_idempotency_keys WHERE user_id = $1 AND key = $2",
        user_id as UserId,
        key,
    )
    .execute(pool)
    .await
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_of_visible_ascii_is_read() {
        let mut headers = HeaderMap::new();
        assert_eq!(key_of(&headers).ok(), Some(None));
        headers.insert(HEADER, HeaderValue::from_static("order-42"));
        assert_eq!(key_of(&headers).ok(), Some(Some("order-42".to_owned())));
        headers.append(HEADER, HeaderValue::from_static("order-43"));
        assert!(key_of(&headers).is_err(), "two keys");
        let mut long = HeaderMap::new();
        long.insert(HEADER, HeaderValue::from_str(&"k".repeat(256)).expect("header"));
        assert!(key_of(&long).is_err());
        let mut spaced = HeaderMap::new();
        spaced.insert(HEADER, HeaderValue::from_static("a b"));
        assert!(key_of(&spaced).is_err());
    }
}
