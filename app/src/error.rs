//! One error type for every server function.
//!
//! What crosses to the browser is safe to show: database and internal
//! failures are logged on the server and reach the shopper as a bare
//! `Internal`.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("you need to log in")]
    Unauthorized,
    /// Unknown login and wrong password alike: one answer for both.
    #[error("invalid login or password")]
    InvalidCredentials,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts, try again later")]
    TooManyRequests,
    #[error("something went wrong on our side")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("the server could not be reached")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The field a validation error is about, for showing it next to that field.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Validation { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Transport(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments did not parse: that is the caller's bad input.
            ServerFnErrorErr::Args(message) => Self::validation("arguments", message),
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        Self::Internal
    }
}

/// Gives the HTTP response the status that matches the error, both when a
/// server function is called over HTTP and when a page calls it during SSR.
///
/// A plain HTML form post (no JavaScript) is the exception: it must stay a
/// redirect back to the form, which carries the error in its URL.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use leptos::prelude::use_context;
    if let Err(error) = &result {
        let plain_form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
            let accepts_html = parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"));
            parts.method == http::Method::POST && accepts_html
        });
        if let (false, Some(response)) = (plain_form_post, use_context::<leptos_axum::ResponseOptions>()) {
            response.set_status(error.status_code());
        }
    }
    result
}

/// Logs an internal failure and answers the generic error: what went wrong
/// stays in the log, never in the response.
#[cfg(feature = "ssr")]
pub fn internal(context: &str, error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "{context}");
    AppError::Internal
}
