//! Routes outside the Leptos app for machines: the health check (load
//! balancers, the container), robots.txt and the sitemap (crawlers).

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::state::ServerState;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/health", get(health))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
        .route("/sitemap/{file}", get(sitemap_part))
}

async fn robots(State(state): State<ServerState>) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /search\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        state.app.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

/// Most URLs one sitemap file may list (the sitemaps.org limit).
const URLS_PER_SITEMAP: usize = 50_000;

/// Home, every category and every product, for crawlers: one file, or past
/// 50,000 URLs an index of files `/sitemap/{n}.xml`.
async fn sitemap(State(state): State<ServerState>) -> Response {
    match sitemap_urls(&state).await {
        Ok(urls) => xml(sitemap_root(&urls, &state.app.public_url, URLS_PER_SITEMAP)),
        Err(response) => response,
    }
}

/// One file of a sitemap index; 404 past the last.
async fn sitemap_part(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    let Some(part) = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match sitemap_urls(&state).await {
        Ok(urls) => match urls.chunks(URLS_PER_SITEMAP).nth(part - 1) {
            Some(chunk) if urls.len() > URLS_PER_SITEMAP => xml(url_set(chunk, &state.app.public_url)),
            _ => StatusCode::NOT_FOUND.into_response(),
        },
        Err(response) => response,
    }
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

/// Every path crawlers should know, home first.
async fn sitemap_urls(state: &ServerState) -> Result<Vec<String>, Response> {
    use app::products::db;
    let pool = &state.app.pool;
    let (categories, products) = tokio::try_join!(db::list_categories(pool), db::all_product_slugs(pool))
        .map_err(|error| {
            tracing::error!(%error, "sitemap: database error");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        })?;
    // Slugs are [a-z0-9-] by a CHECK constraint: nothing to escape.
    Ok(std::iter::once("/".to_owned())
        .chain(categories.iter().map(|category| format!("/c/{}", category.slug)))
        .chain(products.iter().map(|slug| format!("/p/{slug}")))
        .collect())
}

/// `/sitemap.xml`: the URL set itself, or an index of its parts when it
/// holds more than `per_file` URLs.
fn sitemap_root(paths: &[String], base: &str, per_file: usize) -> String {
    if paths.len() <= per_file {
        return url_set(paths, base);
    }
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push_str(r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#);
    for part in 1..=paths.len().div_ceil(per_file) {
        xml.push_str(&format!(
            "<sitemap><loc>{base}/sitemap/{part}.xml</loc></sitemap>"
        ));
    }
    xml.push_str("</sitemapindex>");
    xml
}

fn url_set(paths: &[String], base: &str) -> String {
    let mut xml = String::with_capacity(128 * (paths.len() + 1));
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push_str(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#);
    for path in paths {
        xml.push_str("<url><loc>");
        xml.push_str(base);
        xml.push_str(path);
        xml.push_str("</loc></url>");
    }
    xml.push_str("</urlset>");
    xml
}

/// 200 when the database answers, 503 otherwise (for load balancers and
/// the container HEALTHCHECK).
async fn health(State(state): State<ServerState>) -> impl IntoResponse {
    let ping = sqlx::query_scalar!(r#"SELECT 1 AS "one!""#).fetch_one(&state.app.pool);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_sitemap_becomes_an_index_of_parts() {
        let paths: Vec<String> = (0..7).map(|i| format!("/p/{i}")).collect();
        let small = sitemap_root(&paths, "https://shop", 7);
        assert!(small.contains("<urlset") && small.matches("<url>").count() == 7);
        let index = sitemap_root(&paths, "https://shop", 3);
        assert!(index.contains("<sitemapindex"));
        assert_eq!(index.matches("<sitemap>").count(), 3, "7 URLs, 3 per file");
        assert!(index.contains("<loc>https://shop/sitemap/3.xml</loc>"));
        let parts: Vec<usize> = paths
            .chunks(3)
            .map(|chunk| url_set(chunk, "https://shop").matches("<url>").count())
            .collect();
        assert_eq!(parts, [3, 3, 1]);
    }
}
