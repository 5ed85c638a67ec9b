//! GET /admin/drops/{id}/report.csv: a drop's timeline (the room and the
//! units sold, step by step) as a CSV file, for administrators; the page
//! itself is `app::admin::pages::AdminDropReportPage`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_sessions::Session;

use app::drops::{report, service};
use app::error::AppError;
use app::ids::DropId;

use crate::back_office::{administrator, csv_download};
use crate::state::ServerState;

pub fn routes() -> Router<ServerState> {
    Router::new().route("/admin/drops/{id}/report.csv", get(download))
}

async fn download(State(state): State<ServerState>, session: Session, Path(id): Path<String>) -> Response {
    let page = format!("/admin/drops/{}", id.trim());
    if let Err(refusal) = administrator(&state, &session, &page).await {
        return refusal;
    }
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let drop = match service::report(&state.app, DropId(id)).await {
        Ok(drop) => drop,
        Err(AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match report::csv(&drop) {
        Ok(bytes) => csv_download(&format!("drop-{id}.csv"), bytes),
        Err(error) => {
            tracing::error!(%error, "drop report: CSV");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
