//! The catalogue's CSV over HTTP, in the back office: GET
//! /admin/catalogue.csv downloads it, POST /admin/catalogue/import uploads a
//! file (a multipart form, like an image) for its dry run and shows the
//! report's page. Both check the caller like a server function; the work is
//! in `app::products::back_office::catalogue_csv`.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use app::products::back_office::catalogue_csv;

use crate::back_office::{administrator, csv_download};
use crate::state::ServerState;

/// Largest file an import takes (a 10 000-row catalogue is about 3 MB).
const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
const IMPORT_PATH: &str = "/admin/catalogue/import";

/// The body limit of a request to `path`; none: not an import.
pub fn body_limit(path: &str) -> Option<u64> {
    (path == IMPORT_PATH).then_some(MAX_FILE_BYTES as u64 + 64 * 1024)
}

pub fn routes() -> Router<ServerState> {
    Router::new().route("/admin/catalogue.csv", get(export)).route(
        IMPORT_PATH,
        post(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
    )
}

async fn export(State(state): State<ServerState>, session: Session) -> Response {
    if let Err(refusal) = administrator(&state, &session, "/admin/catalogue").await {
        return refusal;
    }
    match catalogue_csv::export(&state.app).await {
        Ok(bytes) => csv_download("catalogue.csv", bytes),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn import(State(state): State<ServerState>, session: Session, mut multipart: Multipart) -> Response {
    let admin = match administrator(&state, &session, "/admin/catalogue").await {
        Ok(admin) => admin,
        Err(refusal) => return refusal,
    };
    let (file_name, bytes) = loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("catalogue.csv").to_owned();
                match field.bytes().await {
                    Ok(bytes) if !bytes.is_empty() => break (name, bytes),
                    Ok(_) => return (StatusCode::BAD_REQUEST, "empty file").into_response(),
                    Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return (StatusCode::PAYLOAD_TOO_LARGE, "file too large").into_response()
                    }
                    Err(_) => return (StatusCode::BAD_REQUEST, "unreadable upload").into_response(),
                }
            }
            Ok(Some(_)) => continue,
            Ok(None) => return (StatusCode::BAD_REQUEST, "no file").into_response(),
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return (StatusCode::PAYLOAD_TOO_LARGE, "file too large").into_response()
            }
            Err(_) => return (StatusCode::BAD_REQUEST, "unreadable upload").into_response(),
        }
    };
    match catalogue_csv::dry_run(&state.app, admin.id, &file_name, &bytes).await {
        Ok(id) => Redirect::to(&format!("/admin/catalogue/imports/{id}")).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
