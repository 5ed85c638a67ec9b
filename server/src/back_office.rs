//! What the back office's plain HTTP routes share (the CSV downloads, the
//! catalogue upload): the caller checked like a server function, and a
//! file answered as a download.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::auth::model::User;

use crate::state::ServerState;

/// The session's administrator, or the answer for anyone else: a guest
/// goes to the login page and comes back to `return_to`, a customer
/// learns nothing of the back office (404).
pub async fn administrator(
    state: &ServerState,
    session: &Session,
    return_to: &str,
) -> Result<User, Response> {
    match app::auth::service::session_user(&state.app, session).await {
        Ok(Some(user)) if user.is_admin() => Ok(user),
        Ok(Some(_)) => Err(StatusCode::NOT_FOUND.into_response()),
        Ok(None) => {
            let back = app::ui::url::with_query("/login", &[("return_to", return_to.to_owned())]);
            Err(Redirect::to(&back).into_response())
        }
        Err(error) => {
            tracing::error!(?error, "back office: session");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// `bytes` as a CSV file named `file_name` (letters, digits, `-`, `.`).
pub fn csv_download(file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}
