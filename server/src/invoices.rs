//! The documents as downloads: an order's invoice and credit note as PDF
//! (GET /orders/{id}/invoice.pdf, /orders/{id}/credit-note.pdf), for its
//! owner or an administrator, and the accountant's sales report as CSV
//! (GET /admin/reports/sales.csv?from=2026-01&to=2026-12).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use app::error::AppError;
use app::ids::OrderId;
use app::invoices::model::DocumentKind;
use app::invoices::{report, service};

use crate::back_office::{administrator, csv_download};
use crate::state::ServerState;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/orders/{id}/invoice.pdf", get(invoice))
        .route("/orders/{id}/credit-note.pdf", get(credit_note))
        .route("/admin/reports/sales.csv", get(sales_csv))
}

async fn invoice(state: State<ServerState>, session: Session, Path(id): Path<String>) -> Response {
    document(state, session, id, DocumentKind::Invoice).await
}

async fn credit_note(state: State<ServerState>, session: Session, Path(id): Path<String>) -> Response {
    document(state, session, id, DocumentKind::CreditNote).await
}

/// The PDF for the order's owner or an administrator; a guest logs in
/// first, anyone else learns nothing (404).
async fn document(
    State(state): State<ServerState>,
    session: Session,
    id: String,
    kind: DocumentKind,
) -> Response {
    // A path that names no order is no page, for anyone.
    let Ok(order_id) = id.trim().parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let user = match app::auth::service::session_user(&state.app, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            let back = kind.path(order_id);
            let login = app::ui::url::with_query("/login", &[("return_to", back)]);
            return Redirect::to(&login).into_response();
        }
        Err(error) => {
            tracing::error!(?error, "document download: session");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match service::pdf_of(&state.app, &user, OrderId(order_id), kind).await {
        Ok((file_name, bytes)) => pdf_download(&file_name, bytes),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(?error, order_id, "document download");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `bytes` as a PDF file named `file_name` (letters, digits, `-`, `.`),
/// private to its reader.
fn pdf_download(file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
}

async fn sales_csv(
    State(state): State<ServerState>,
    session: Session,
    Query(range): Query<Range>,
) -> Response {
    if let Err(refusal) = administrator(&state, &session, "/admin/reports/sales").await {
        return refusal;
    }
    let sales = match service::sales(&state.app, range.from.as_deref(), range.to.as_deref()).await {
        Ok(sales) => sales,
        Err(AppError::Validation { .. }) => {
            return (
                StatusCode::BAD_REQUEST,
                "from and to are months such as 2026-12, the first not after the last, 36 at most\n",
            )
                .into_response();
        }
        Err(error) => {
            tracing::error!(?error, "sales report");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match report::csv(&sales) {
        Ok(bytes) => csv_download(&format!("sales-{}-{}.csv", sales.from, sales.to), bytes),
        Err(error) => {
            tracing::error!(%error, "sales report: CSV");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
