//! The API's one error shape: RFC 9457 problem details
//! (`application/problem+json`), carrying the shop's typed reason (the
//! same `AppError` values, with their `Rule` and `Conflict`, that the
//! pages put into words).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use app::error::{AppError, Conflict};

/// A refusal or a failure, as every API operation answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` for plain HTTP ones).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short English summary of the kind.
    pub title: String,
    pub status: u16,
    /// This occurrence, in English.
    pub detail: String,
    /// The shop's reason, as typed values: `"NotFound"`,
    /// `{"Validation": {"field": "quantity", "rule": {...}}}`,
    /// `{"Conflict": {"NotEnoughStock": {...}}}`, `{"TooManyRequests": {"retry_after": 30}}`…
    #[schema(value_type = Value)]
    pub reason: serde_json::Value,
    /// The token's missing scope, for a 403 of that kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_scope: Option<String>,
}

/// The refusals of every operation that needs a token, documented once.
#[derive(utoipa::IntoResponses)]
pub enum TokenRefusals {
    /// No token, or one unknown, revoked or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// A customer's token where an administrator's is needed, or a token
    /// without the scope (`required_scope`).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Too many requests: wait `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(Problem),
}

/// The refusals of every public operation: a token sent must be live.
#[derive(utoipa::IntoResponses)]
pub enum PublicRefusals {
    /// A token was sent and is unknown, revoked or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Too many requests: wait `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(Problem),
}

/// An error of an API operation.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    /// The token lacks this scope.
    Scope(&'static str),
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::App(error.into())
    }
}

/// The kinds of problem the API answers with, and what each means: the
/// anchors `Problem.type` points at on the reference page.
pub const KINDS: [(&str, &str); 8] = [
    ("not-found", "404: nothing of that name, or nothing of the caller's."),
    ("unauthorized", "401: no token, or one unknown, revoked or expired."),
    ("invalid-credentials", "401: wrong login or password (POST /api/v1/auth/token)."),
    ("forbidden", "403: a customer's token where an administrator's is needed, or a token without the scope (`required_scope`)."),
    ("validation", "400: a field broke a rule: `reason.Validation.field` and `.rule`."),
    ("conflict", "409 (422 for a reused Idempotency-Key): the shop's state refuses it: `reason.Conflict`."),
    ("too-many-requests", "429: wait `Retry-After` seconds."),
    ("internal", "500: the shop could not answer; retry with the same Idempotency-Key."),
];

/// The kind of an error, one of [`KINDS`].
fn kind_of(error: &AppError) -> &'static str {
    match error {
        AppError::NotFound => "not-found",
        AppError::Unauthorized => "unauthorized",
        AppError::InvalidCredentials => "invalid-credentials",
        AppError::Forbidden => "forbidden",
        AppError::Validation { .. } => "validation",
        AppError::Conflict(_) => "conflict",
        AppError::TooManyRequests { .. } | AppError::TooManyMails => "too-many-requests",
        AppError::Internal | AppError::Transport(_) => "internal",
    }
}

/// The status of an error as the API answers it: the pages' status, but
/// an idempotency key reused for another request is 422 (the IETF's
/// Idempotency-Key draft), not 409.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Conflict(Conflict::IdempotencyKeyReused) => StatusCode::UNPROCESSABLE_ENTITY,
        other => other.status_code(),
    }
}

impl ApiError {
    /// The refusal as the API states it: its status and its problem (what
    /// the response carries, and what an idempotency key keeps).
    pub fn problem(&self) -> (StatusCode, Problem) {
        let (error, required_scope) = match self {
            ApiError::App(error) => (error, None),
            ApiError::Scope(scope) => (&AppError::Forbidden, Some(*scope)),
        };
        let status = status_of(error);
        let detail = match (error, required_scope) {
            (_, Some(scope)) => format!("this token lacks the \"{scope}\" scope"),
            // Internal failures are logged where they happen, never shown.
            (AppError::Internal | AppError::Transport(_), _) => {
                "the shop could not answer; try again".to_owned()
            }
            (error, None) => error.to_string(),
        };
        let reason = match error {
            AppError::Transport(_) => serde_json::json!("Internal"),
            error => serde_json::to_value(error).unwrap_or(serde_json::Value::Null),
        };
        let problem = Problem {
            kind: format!("/api/docs#problem-{}", kind_of(error)),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            reason,
            required_scope: required_scope.map(str::to_owned),
        };
        (status, problem)
    }

    fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::App(error) => error.retry_after(),
            ApiError::Scope(_) => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.problem();
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"wondermarket\""),
            );
        }
        response
    }
}
