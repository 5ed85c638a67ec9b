//! What every API operation reads and answers alike: JSON bodies, query
//! strings and path segments refused as problems (never axum's plain-text
//! rejections), cursors, and catalogue answers with an `ETag`.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use app::error::{AppError, Rule};

use super::problem::ApiError;

/// A request body read as JSON: an unreadable one is a 400 on `body`.
pub fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|_| AppError::validation("body", Rule::Unreadable).into())
}

/// The query string, refused as a problem on `query` when it does not read.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|_: QueryRejection| AppError::validation("query", Rule::Unreadable).into())
    }
}

/// The path's parameters; one that does not read names nothing: 404.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_: PathRejection| AppError::NotFound.into())
    }
}

/// A page of a list and the cursor of the next one.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Most pages a cursor may name.
const MAX_PAGE: u32 = 10_000;

/// The page an opaque cursor names (the first without one).
pub fn page_of(cursor: Option<&str>) -> Result<u32, ApiError> {
    match cursor.filter(|cursor| !cursor.is_empty()) {
        None => Ok(1),
        Some(cursor) => cursor
            .strip_prefix('p')
            .and_then(|page| page.parse::<u32>().ok())
            .filter(|page| (2..=MAX_PAGE).contains(page))
            .ok_or_else(|| AppError::validation("cursor", Rule::Unreadable).into()),
    }
}

/// The cursor of the page after `page`, when there is one.
pub fn cursor_after(page: u32, has_next: bool) -> Option<String> {
    (has_next && page < MAX_PAGE).then(|| format!("p{}", page + 1))
}

/// A catalogue answer with its `ETag`, or 304 when the caller holds it
/// already (`If-None-Match`). Public data: caches may keep it briefly.
pub fn tagged<T: Serialize>(request: &HeaderMap, value: &T) -> Response {
    let Ok(body) = serde_json::to_vec(value) else {
        tracing::error!("API: an answer did not serialise");
        return ApiError::App(AppError::Internal).into_response();
    };
    let digest = Sha256::digest(&body);
    let tag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let matches = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == tag || candidate == "*" || candidate.strip_prefix("W/") == Some(&tag));
    let tag_header = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
    let caching = HeaderValue::from_static("public, max-age=0, must-revalidate");
    if matches {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag_header), (header::CACHE_CONTROL, caching)],
        )
            .into_response();
    }
    (
        [
            (header::ETAG, tag_header),
            (header::CACHE_CONTROL, caching),
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        ],
        body,
    )
        .into_response()
}

/// A private answer: never kept by a cache.
pub fn private<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (
        status,
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        )],
        axum::Json(value),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_pages_and_junk_is_refused() {
        assert_eq!(page_of(None).ok(), Some(1));
        assert_eq!(page_of(Some("")).ok(), Some(1));
        assert_eq!(page_of(Some("p2")).ok(), Some(2));
        for junk in ["p1", "p0", "2", "p-3", "p99999999999", "p10001", "px"] {
            assert!(page_of(Some(junk)).is_err(), "{junk}");
        }
        assert_eq!(cursor_after(1, true).as_deref(), Some("p2"));
        assert_eq!(cursor_after(1, false), None);
    }

    #[test]
    fn a_matching_if_none_match_gets_304() {
        let value = serde_json::json!({"a": 1});
        let first = tagged(&HeaderMap::new(), &value);
        assert_eq!(first.status(), StatusCode::OK);
        let tag = first.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, tag.clone());
        assert_eq!(tagged(&again, &value).status(), StatusCode::NOT_MODIFIED);
        let mut listed = HeaderMap::new();
        listed.insert(
            header::IF_NONE_MATCH,
            format!("\"other\", W/{}", tag.to_str().expect("ascii"))
                .parse()
                .expect("header"),
        );
        assert_eq!(tagged(&listed, &value).status(), StatusCode::NOT_MODIFIED);
        let mut stale = HeaderMap::new();
        stale.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"stale\""));
        assert_eq!(tagged(&stale, &value).status(), StatusCode::OK);
    }
}
