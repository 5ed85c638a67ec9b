//! Server state shared by every server function, reached through context.

use leptos::prelude::use_context;
use sqlx::PgPool;

use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    /// Scheme and host the shop is reached at, for canonical URLs and the sitemap.
    pub public_url: String,
}

impl AppState {
    pub fn new(pool: PgPool, public_url: impl Into<String>) -> Self {
        Self {
            pool,
            public_url: public_url.into(),
        }
    }

    /// The state the server provided to this request's reactive owner.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::Internal
        })
    }
}
