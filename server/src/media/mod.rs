//! Product photos uploaded from the back office: checked by their bytes,
//! resized on the server (`renditions`), stored in PostgreSQL (so every
//! instance serves them) and served at /media/photos/{hash}-{width}.jpg,
//! cached for a year. The upload is a plain multipart form, the one
//! back-office form that is not a server function; it checks the caller
//! like one. Images uploaded before galleries stay at /media/{id}.

mod renditions;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use app::ids::UserId;
use app::operator::audit;
use app::products::back_office::db as admin_db;
use app::products::gallery::db as gallery;
use app::products::gallery::model::{parse_alt, parse_photo_file, MAX_PHOTOS};

use crate::state::ServerState;
pub use renditions::{prepare, PhotoError, Prepared};

/// Largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// An upload larger than the image limit is still read (and thrown away)
/// up to this size, so that the browser gets the "too large" answer
/// instead of a connection closed under its feet.
const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// Longest text field of the upload form, in bytes.
const MAX_FIELD_BYTES: usize = 2048;

/// The body limit of a photo upload to `path`; none: not an upload.
pub fn body_limit(path: &str) -> Option<u64> {
    let id = path.strip_prefix("/admin/products/")?.strip_suffix("/photos")?;
    id.bytes()
        .all(|b| b.is_ascii_digit())
        .then_some(MAX_UPLOAD_BYTES as u64)
}

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/media/{id}", get(serve_image))
        .route("/media/photos/{file}", get(serve_photo))
        .route(
            "/admin/products/{id}/photos",
            post(upload_photo).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
}

/// Served bytes that never change under their URL.
fn immutable(content_type: String, bytes: Vec<u8>) -> Response {
    (
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
        .into_response()
}

async fn serve_image(State(state): State<ServerState>, Path(id): Path<i64>) -> Response {
    match admin_db::find_image(&state.app.pool, id).await {
        Ok(Some((content_type, bytes))) => immutable(content_type, bytes),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "image: database error");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn serve_photo(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    let Some((hash, width)) = parse_photo_file(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match gallery::find_rendition(&state.app.pool, hash, width).await {
        Ok(Some(bytes)) => immutable("image/jpeg".to_owned(), bytes),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "photo: database error");
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
    Photo(PhotoError),
    /// An alt text too long or not on one line.
    Alt,
    /// A value that is not one of the product's options'.
    Values,
    /// The gallery is full.
    Count,
}

impl UploadError {
    fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Type => "type",
            Self::Size => "size",
            Self::Photo(error) => error.code(),
            Self::Alt => "alt",
            Self::Values => "values",
            Self::Count => "count",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::Size => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Count => StatusCode::CONFLICT,
            Self::Type | Self::Photo(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Missing | Self::Alt | Self::Values => StatusCode::BAD_REQUEST,
        }
    }
}

/// What the upload form sent.
#[derive(Default)]
struct PhotoForm {
    image: Option<Vec<u8>>,
    alt: String,
    alt_en: String,
    values: Vec<String>,
}

/// Reads a field whole, up to `limit` bytes; `Size` beyond, after reading
/// the rest of the body so that the answer reaches the browser.
async fn read_field(
    field: &mut axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<Vec<u8>, UploadError> {
    let mut bytes = Vec::new();
    let mut too_big = false;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if too_big || bytes.len() + chunk.len() > limit => {
                too_big = true;
                bytes = Vec::new();
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::Size),
            Err(_) => return Err(UploadError::Missing),
        }
    }
    if too_big {
        return Err(UploadError::Size);
    }
    Ok(bytes)
}

async fn read_form(multipart: &mut Multipart) -> Result<PhotoForm, UploadError> {
    let mut form = PhotoForm::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(form),
            // The body limit cuts an over-large upload short.
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::Size),
            Err(_) => return Err(UploadError::Missing),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "image" {
            match read_field(&mut field, MAX_IMAGE_BYTES).await {
                Ok(bytes) => form.image = Some(bytes),
                Err(UploadError::Size) => {
                    drop(field);
                    // Read the rest of the form, so the answer reaches the browser.
                    while let Ok(Some(mut rest)) = multipart.next_field().await {
                        while let Ok(Some(_)) = rest.chunk().await {}
                    }
                    return Err(UploadError::Size);
                }
                Err(error) => return Err(error),
            }
            continue;
        }
        let known = matches!(name.as_str(), "alt" | "alt_en") || name.starts_with("values[");
        if !known {
            continue;
        }
        let bytes = read_field(&mut field, MAX_FIELD_BYTES)
            .await
            .map_err(|_| UploadError::Alt)?;
        let text = String::from_utf8(bytes).map_err(|_| UploadError::Alt)?;
        match name.as_str() {
            "alt" => form.alt = text,
            "alt_en" => form.alt_en = text,
            _ => form.values.push(text),
        }
    }
}

async fn upload_photo(
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
    let outcome = match read_form(&mut multipart).await {
        Ok(form) => store(&state, admin.id, id, form).await,
        Err(error) => Ok(Some(Err(error))),
    };
    match outcome {
        Ok(Some(Ok(product))) if from_browser => {
            Redirect::to(&format!("/admin/products/{product}?photos=added#photos")).into_response()
        }
        Ok(Some(Ok(_))) => StatusCode::CREATED.into_response(),
        Ok(Some(Err(error))) if from_browser => {
            Redirect::to(&format!("{page}?image_error={}#photos", error.code())).into_response()
        }
        Ok(Some(Err(error))) => (error.status(), error.code()).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "photo upload: database error");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Checks the form, resizes the photo and adds it to the gallery of
/// product `id` (or of its product, for a variant). `None`: no such product.
async fn store(
    state: &ServerState,
    admin_id: UserId,
    id: i64,
    form: PhotoForm,
) -> Result<Option<Result<i64, UploadError>>, sqlx::Error> {
    let checked = (|| {
        let image = form
            .image
            .filter(|bytes| !bytes.is_empty())
            .ok_or(UploadError::Missing)?;
        sniff_image(&image).ok_or(UploadError::Type)?;
        let alt = parse_alt("alt", &form.alt).map_err(|_| UploadError::Alt)?;
        let alt_en = parse_alt("alt_en", &form.alt_en).map_err(|_| UploadError::Alt)?;
        Ok((image, alt, alt_en))
    })();
    let (image, alt, alt_en) = match checked {
        Ok(checked) => checked,
        Err(error) => return Ok(Some(Err(error))),
    };
    // Resizing takes a while: off the async threads, and outside any
    // transaction.
    let prepared = match tokio::task::spawn_blocking(move || prepare(&image)).await {
        Ok(Ok(prepared)) => prepared,
        Ok(Err(error)) => return Ok(Some(Err(UploadError::Photo(error)))),
        Err(error) => {
            tracing::error!(%error, "photo upload: resizing failed");
            return Ok(Some(Err(UploadError::Photo(PhotoError::Unreadable))));
        }
    };
    let mut tx = state.app.pool.begin().await?;
    let Some(product_id) = gallery::lock_gallery(&mut tx, id).await? else {
        return Ok(None);
    };
    let known = gallery::option_values(&mut *tx, product_id).await?;
    let mut values: Vec<String> = Vec::new();
    for value in form.values {
        if !known.contains(&value) {
            return Ok(Some(Err(UploadError::Values)));
        }
        if !values.contains(&value) {
            values.push(value);
        }
    }
    if gallery::photo_count(&mut tx, product_id).await? >= MAX_PHOTOS as i64 {
        return Ok(Some(Err(UploadError::Count)));
    }
    let photo = gallery::insert_photo(
        &mut tx,
        product_id,
        &prepared.hash,
        (&alt, &alt_en),
        &values,
        &prepared.renditions,
        Some(admin_id),
    )
    .await?;
    let bytes: usize = prepared.renditions.iter().map(|r| r.bytes.len()).sum();
    audit::record(
        &mut *tx,
        admin_id,
        "product.photo",
        &format!("product {product_id}"),
        &format!(
            "photo {photo} added: {} renditions, {bytes} bytes",
            prepared.renditions.len()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Ok(product_id)))
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
