//! Routes outside the Leptos app, and the cross-site request guard.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::startup::ServerState;

pub fn operational() -> Router<ServerState> {
    Router::new()
        .route("/health", get(health))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
}

async fn robots(State(state): State<ServerState>) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /search\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        state.app.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

/// Home, every category and every product, for crawlers.
async fn sitemap(State(state): State<ServerState>) -> Response {
    use app::products::db;
    let pool = &state.app.pool;
    let (categories, products) =
        match tokio::try_join!(db::list_categories(pool), db::all_product_slugs(pool)) {
            Ok(found) => found,
            Err(error) => {
                tracing::error!(%error, "sitemap: database error");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        };
    let base = &state.app.public_url;
    let mut xml = String::with_capacity(128 * (products.len() + categories.len() + 1));
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push_str(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#);
    let mut url = |path: &str| {
        xml.push_str("<url><loc>");
        xml.push_str(base);
        xml.push_str(path);
        xml.push_str("</loc></url>");
    };
    url("/");
    // Slugs are [a-z0-9-] by a CHECK constraint: nothing to escape.
    for category in &categories {
        url(&format!("/c/{}", category.slug));
    }
    for slug in &products {
        url(&format!("/p/{slug}"));
    }
    xml.push_str("</urlset>");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response()
}

/// 200 when the database answers, 503 otherwise (for load balancers and
/// the container HEALTHCHECK).
async fn health(State(state): State<ServerState>) -> impl IntoResponse {
    let ping = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.app.pool);
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ok"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::warn!("health check: database timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Refuses state-changing requests sent by another site (CSRF): a browser
/// names the page's origin on a POST, and it must be this host (`null`, from
/// sandboxed frames, is refused). Without an Origin, a browser's
/// `Sec-Fetch-Site: cross-site` is refused too; requests with neither
/// (curl, server-to-server) carry no victim's cookies and pass.
pub async fn refuse_cross_site_mutations(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_same_origin(&request) {
        return next.run(request).await;
    }
    tracing::info!(
        origin = ?request.headers().get(header::ORIGIN),
        path = %request.uri().path(),
        "refused a cross-site request"
    );
    (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response()
}

fn is_same_origin(request: &Request) -> bool {
    let headers = request.headers();
    let Some(origin) = headers.get(header::ORIGIN) else {
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        return fetch_site != Some("cross-site");
    };
    // HTTP/2 carries the host in the URI, HTTP/1.1 in the Host header.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let origin_authority = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority.trim_end_matches('/'));
    matches!((origin_authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

/// Gives server function errors their HTTP status. Errors raised inside a
/// function already set it; this covers the ones raised before the function
/// runs (arguments that do not parse), which server_fn answers with a 500.
pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status_code();
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Paths whose answers are about the visitor (their account, basket,
/// orders) or the back office: never stored by a browser or a proxy.
const PRIVATE_PATHS: &[&str] = &["/account", "/orders", "/basket", "/checkout", "/admin", "/api/"];

/// Paths of files that are the same for everyone, cached as usual.
const PUBLIC_FILES: &[&str] = &[
    "/pkg/",
    "/images/",
    "/media/",
    "/favicon",
    "/robots.txt",
    "/sitemap.xml",
    "/health",
];

/// Security headers on every answer: no framing, no sniffing, no referrer
/// beyond the origin to other sites, no powerful browser features, HSTS
/// behind HTTPS (when cookies are Secure), a strict CSP where the page did
/// not set its own (pages set one with their script nonce), and
/// `Cache-Control: private, no-store` on anything personal: private paths,
/// and every page served to a visitor with a session.
pub async fn security_headers(State(secure): State<bool>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let has_session = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|cookies| {
            cookies
                .split(';')
                .any(|c| c.trim_start().starts_with("wm_session="))
        });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(axum::http::HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'",
    );
    if secure {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    let public_file = PUBLIC_FILES.iter().any(|prefix| path.starts_with(prefix));
    let private_path = PRIVATE_PATHS.iter().any(|prefix| path.starts_with(prefix));
    if private_path || (has_session && !public_file) {
        headers.insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("private, no-store"),
        );
    }
    response
}
