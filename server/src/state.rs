//! The state of the axum router: what the Leptos handlers and the shop's
//! own routes need. The routes and middleware import it; only `startup`
//! builds it.

use app::state::AppState;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

/// State of the axum router: what the Leptos handlers and our own routes need.
#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    /// What a scraper must present for /metrics; none: no metrics served.
    pub metrics_token: Option<String>,
    /// The public API's request limits.
    pub api_limits: ApiLimits,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

/// The API's request limits, per minute, in this instance's memory.
#[derive(Clone, Copy, Debug)]
pub struct ApiLimits {
    pub per_token: u32,
    pub per_address: u32,
}
