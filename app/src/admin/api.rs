//! The dashboard's server function (administrators only).

use leptos::prelude::*;

use super::model::Dashboard;
use crate::error::AppError;

/// Today's orders and revenue, stock to watch, newest users and the latest
/// administrator actions.
#[server(endpoint = "admin/dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::{auth::guard::require_admin, error::with_status, state::AppState};
    with_status(
        async move {
            require_admin().await?;
            let state = AppState::from_context()?;
            super::db::dashboard(&state.pool).await.map_err(AppError::from)
        }
        .await,
    )
}
