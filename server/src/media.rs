//! Product images uploaded from the back office: stored in PostgreSQL (so
//! every instance serves them), served at /media/{id}. The upload is a
//! plain multipart form, the one back-office form that is not a server
//! function; it checks the caller like one.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use app::ids::UserId;
use app::operator::audit;
use app::products::back_office::db as admin_db;

use crate::state::ServerState;

/// Largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// An upload larger than the image limit is still read (and thrown away)
/// up to this size, so that the browser gets the "too large" answer
/// instead of a connection closed under its feet.
const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// The body limit of an image upload to `path`; none: not an upload.
pub fn body_limit(path: &str) -> Option<u64> {
    let id = path.strip_prefix("/admin/products/")?.strip_suffix("/image")?;
    id.bytes()
        .all(|b| b.is_ascii_digit())
        .then_some(MAX_UPLOAD_BYTES as u64)
}

pub fn routes() -> Router<ServerState> {
    Router::new().route("/media/{id}", get(serve_image)).route(
        "/admin/products/{id}/image",
        post(upload_image).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

async fn serve_image(State(state): State<ServerState>, Path(id): Path<i64>) -> Response {
    match admin_db::find_image(&state.app.pool, id).await {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_owned(),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "image: database error");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The image format named by the file's first bytes, whatever its name says.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UploadError {
    Missing,
    Type,
    Size,
}

impl UploadError {
    fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Type => "type",
            Self::Size => "size",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::Size => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Missing | Self::Type => StatusCode::BAD_REQUEST,
        }
    }
}

async fn read_image(multipart: &mut Multipart) -> Result<(&'static str, Vec<u8>), UploadError> {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Err(UploadError::Missing),
            // The body limit cuts an over-large upload short.
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::Size),
            Err(_) => return Err(UploadError::Missing),
        };
        if field.name() != Some("image") {
            continue;
        }
        let mut field = field;
        let mut bytes = Vec::new();
        let mut too_big = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if too_big || bytes.len() + chunk.len() > MAX_IMAGE_BYTES => {
                    too_big = true;
                    bytes = Vec::new();
                }
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(UploadError::Size)
                }
                Err(_) => return Err(UploadError::Missing),
            }
        }
        if too_big {
            // Read the rest of the form, so the answer reaches the browser.
            while let Ok(Some(mut rest)) = multipart.next_field().await {
                while let Ok(Some(_)) = rest.chunk().await {}
            }
            return Err(UploadError::Size);
        }
        if bytes.is_empty() {
            return Err(UploadError::Missing);
        }
        let content_type = sniff_image(&bytes).ok_or(UploadError::Type)?;
        return Ok((content_type, bytes));
    }
}

async fn upload_image(
    State(state): State<ServerState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let admin = match app::auth::service::session_user(&state.app, &session).await {
        Ok(Some(user)) if user.is_admin() => user,
        Ok(Some(_)) => return StatusCode::FORBIDDEN.into_response(),
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let from_browser = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let page = format!("/admin/products/{id}");
    let image = match read_image(&mut multipart).await {
        Ok(image) => image,
        Err(error) if from_browser => {
            return Redirect::to(&format!("{page}?image_error={}", error.code())).into_response();
        }
        Err(error) => return (error.status(), error.code()).into_response(),
    };
    match store(&state, admin.id, id, image).await {
        Ok(true) if from_browser => Redirect::to(&format!("{page}?image=ok")).into_response(),
        Ok(true) => StatusCode::OK.into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "image upload: database error");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Saves the image and points the product at it; `false` for an unknown product.
async fn store(
    state: &ServerState,
    admin_id: UserId,
    product_id: i64,
    (content_type, bytes): (&'static str, Vec<u8>),
) -> Result<bool, sqlx::Error> {
    let mut tx = state.app.pool.begin().await?;
    let image_id = admin_db::insert_image(&mut *tx, content_type, &bytes, admin_id).await?;
    if !admin_db::set_image(&mut tx, product_id, &format!("/media/{image_id}")).await? {
        return Ok(false);
    }
    audit::record(
        &mut *tx,
        admin_id,
        "product.image",
        &format!("product {product_id}"),
        &format!("{content_type}, {} bytes", bytes.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_their_bytes_not_their_name() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(b"\xff\xd8\xff\xe0...."), Some("image/jpeg"));
        assert_eq!(sniff_image(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff_image(b"GIF89a"), None);
        assert_eq!(sniff_image(b""), None);
    }
}
