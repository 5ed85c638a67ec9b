//! Prometheus metrics at `/metrics`, for an operator's scraper only: the
//! endpoint answers 404 unless `WONDERMARKET_METRICS_TOKEN` is set and the
//! request carries it (`Authorization: Bearer …`).
//!
//! - `wm_http_requests_total{route,status}` and
//!   `wm_http_request_duration_seconds{route}` (histogram), routes named by
//!   their pattern (`/p/{slug}`), never by what a visitor typed;
//! - `wm_db_pool_connections{state="in_use"|"idle"}` and `wm_db_pool_max`
//!   (sqlx does not expose how many requests wait for a connection);
//! - `wm_orders_paid_total`, `wm_revenue_cents_total`,
//!   `wm_checkout_outcomes_total{outcome}`, `wm_sold_out_total` (written by
//!   the payment service);
//! - `wm_orders_awaiting_payment` and `wm_refunds_owed`, read from the
//!   database at each scrape.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::state::ServerState;

const LATENCY_BUCKETS: &[f64] = &[
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed on first use (every server built in
/// one process, as the tests do, shares it).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("wm_http_request_duration_seconds".into()),
                    LATENCY_BUCKETS,
                )
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::error!(%error, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Installs the recorder, so that counters count from the start.
pub fn install() {
    let _ = handle();
}

pub fn routes() -> Router<ServerState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<ServerState>, request: Request) -> Response {
    // One reading of Authorization, the API's: one header, scheme in any case.
    let presented = crate::api::call::bearer(request.headers()).ok().flatten();
    let allowed = match (&state.metrics_token, presented) {
        (Some(token), Some(presented)) => constant_time_eq(token.as_bytes(), presented.as_bytes()),
        _ => false,
    };
    let Some(handle) = handle().filter(|_| allowed) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let pool = &state.app.pool;
    let idle = pool.num_idle() as f64;
    metrics::gauge!("wm_db_pool_connections", "state" => "in_use").set(f64::from(pool.size()) - idle);
    metrics::gauge!("wm_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("wm_db_pool_max").set(f64::from(pool.options().get_max_connections()));
    match app::payment::db::backlog(pool).await {
        Ok((awaiting, refunds)) => {
            metrics::gauge!("wm_orders_awaiting_payment").set(awaiting as f64);
            metrics::gauge!("wm_refunds_owed").set(refunds as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: backlog not read"),
    }
    handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts every request by route and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = route_of(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("wm_http_requests_total", "route" => route, "status" => status).increment(1);
    metrics::histogram!("wm_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The route's pattern: a bounded set of labels whatever the path.
fn route_of(path: &str) -> &'static str {
    const EXACT: &[&str] = &[
        "/",
        "/search",
        "/basket",
        "/checkout",
        "/account",
        "/login",
        "/register",
        "/admin",
        "/admin/products",
        "/admin/products/new",
        "/admin/categories",
        "/admin/users",
        "/admin/orders",
        "/health",
        "/metrics",
        "/sitemap.xml",
        "/robots.txt",
        "/favicon.ico",
    ];
    const PREFIXES: &[(&str, &str)] = &[
        ("/p/", "/p/{slug}"),
        ("/c/", "/c/{slug}"),
        ("/orders/", "/orders/{id}"),
        ("/admin/products/", "/admin/products/{id}"),
        ("/admin/users/", "/admin/users/{id}"),
        ("/admin/orders/", "/admin/orders/{id}"),
        ("/api/", "/api/{function}"),
        ("/pkg/", "/pkg/{file}"),
        ("/images/", "/images/{file}"),
        ("/media/", "/media/{id}"),
        ("/sitemap/", "/sitemap/{file}"),
    ];
    if let Some(exact) = EXACT.iter().find(|exact| **exact == path) {
        return exact;
    }
    PREFIXES
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or("other", |(_, pattern)| pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_named_by_pattern_never_by_what_was_typed() {
        assert_eq!(route_of("/"), "/");
        assert_eq!(route_of("/p/playstation-5-slim"), "/p/{slug}");
        assert_eq!(route_of("/admin/products/12"), "/admin/products/{id}");
        assert_eq!(route_of("/admin/products/new"), "/admin/products/new");
        assert_eq!(route_of("/api/payment/checkout"), "/api/{function}");
        assert_eq!(route_of("/wp-login.php"), "other");
        assert_eq!(route_of("/searchxyz"), "other");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secre"));
    }
}
