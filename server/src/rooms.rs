//! The waiting room's position, polled by `public/live.js`: a signed
//! ticket names the visitor's place, so a poll reads no session and
//! renders no page; it costs one query by primary key.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

use app::auth::guard::client_address;
use app::drops::model::{Phase, RoomState};
use app::drops::pages::{state_name, state_sentence};
use app::error::AppError;
use app::i18n::Locale;

use crate::state::ServerState;

pub fn routes() -> Router<ServerState> {
    Router::new().route("/drops/position", get(position))
}

#[derive(Deserialize)]
struct Ticket {
    ticket: String,
}

/// What the page shows and whether it should load itself again (the
/// admission's links, the sold-out page come from the server); polled
/// here, pushed by `crate::live`.
#[derive(Serialize, PartialEq, Eq)]
pub struct Position {
    state: &'static str,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ahead: Option<i64>,
    reload: bool,
}

impl Position {
    pub fn of(locale: Locale, room: &RoomState) -> Self {
        let ahead = match room {
            RoomState::Waiting { ahead, .. } => Some(*ahead),
            _ => None,
        };
        Self {
            state: state_name(room),
            text: state_sentence(locale, room, true, Phase::Open),
            ahead,
            reload: matches!(
                room,
                RoomState::Admitted { .. } | RoomState::SoldOut | RoomState::Expired
            ),
        }
    }
}

async fn position(
    State(state): State<ServerState>,
    locale: Option<Extension<Locale>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Query(Ticket { ticket }): Query<Ticket>,
) -> Response {
    let locale = locale.map(|Extension(locale)| locale).unwrap_or_default();
    let client = client_address(
        state.app.auth.trust_forwarded_for,
        &headers,
        peer.map(|Extension(ConnectInfo(addr))| addr),
    );
    match app::drops::service::position(&state.app, &ticket, &client).await {
        Ok(room) => (
            [(header::CACHE_CONTROL, "no-store")],
            Json(Position::of(locale, &room)),
        )
            .into_response(),
        Err(error @ AppError::TooManyRequests { retry_after }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [
                (header::CACHE_CONTROL, "no-store".to_owned()),
                (header::RETRY_AFTER, retry_after.to_string()),
            ],
            Json(error),
        )
            .into_response(),
        Err(AppError::NotFound) => {
            (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response()
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CACHE_CONTROL, "no-store")],
        )
            .into_response(),
    }
}
