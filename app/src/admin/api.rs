//! The dashboard's server function (administrators only).

use leptos::prelude::*;

use super::model::Dashboard;
use crate::error::AppError;

/// Today's orders and revenue, stock to watch, newest users and the latest
/// administrator actions.
#[server(endpoint = "admin/dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::auth::audience;
    audience::admin(|state, _| async move {
        super::db::dashboard(&state.pool, &state.auth)
            .await
            .map_err(AppError::from)
    })
    .await
}
