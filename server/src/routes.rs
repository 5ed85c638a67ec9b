//! Routes outside the Leptos app, and the cross-site request guard.

use std::time::Duration;

use axum::extract::{Path, Request, State};
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
/// names the page's origin on a POST, and it must be this site's, scheme,
/// host and port alike (`null`, from sandboxed frames, is refused). The
/// site's scheme is https when it runs behind HTTPS (`secure`), else http.
/// Without an Origin, a browser's `Sec-Fetch-Site: cross-site` is refused
/// too; requests with neither (curl, server-to-server) carry no victim's
/// cookies and pass.
pub async fn refuse_cross_site_mutations(
    State(secure): State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_same_origin(&request, if secure { "https" } else { "http" }) {
        return next.run(request).await;
    }
    tracing::info!(
        origin = ?request.headers().get(header::ORIGIN),
        path = %request.uri().path(),
        "refused a cross-site request"
    );
    (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response()
}

fn is_same_origin(request: &Request, scheme: &str) -> bool {
    let headers = request.headers();
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let (Some(origin), None) = (origins.next(), origins.next()) else {
        // No Origin at all; two of them are refused.
        if headers.contains_key(header::ORIGIN) {
            return false;
        }
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        return fetch_site != Some("cross-site");
    };
    // HTTP/2 carries the host in the URI, HTTP/1.1 in the Host header.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let site = host.and_then(|host| Origin::parse(&format!("{scheme}://{host}")));
    let origin = origin.to_str().ok().and_then(Origin::parse);
    matches!((origin, site), (Some(origin), Some(site)) if origin == site)
}

/// An origin as RFC 6454 compares them: scheme, host and port, the port
/// made explicit.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn parse(text: &str) -> Option<Self> {
        let uri: axum::http::Uri = text.parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        // An origin has no user, path or query.
        if authority.as_str().contains('@') || uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
            return None;
        }
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        Some(Self {
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port),
            scheme,
        })
    }
}

/// The largest request body, but for image uploads (see `media`).
pub const MAX_BODY_BYTES: u64 = 2 * 1024 * 1024;

/// A refused body up to this size is read (and thrown away) before the 413
/// goes out: a client still sending would otherwise see its connection
/// reset instead of the page. Past it, the connection is simply closed.
const MAX_DRAINED_BYTES: u64 = 16 * 1024 * 1024;

/// Answers 413 with a page anyone understands, a request whose declared body
/// is larger than the shop takes (the body is read within the body time-out
/// and thrown away, never kept).
pub async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok())
        .and_then(|length| length.parse::<u64>().ok());
    let limit = crate::media::body_limit(request.uri().path()).unwrap_or(MAX_BODY_BYTES);
    if declared.is_none_or(|length| length <= limit) {
        return next.run(request).await;
    }
    let locale = request
        .extensions()
        .get::<app::i18n::Locale>()
        .copied()
        .unwrap_or_default();
    tracing::info!(length = ?declared, limit, "refused a request body over the limit");
    let drained =
        declared.is_some_and(|length| length <= MAX_DRAINED_BYTES) && drain(request.into_body()).await;
    let megabytes = limit / (1024 * 1024);
    let (lang, title, text, back) = match locale {
        app::i18n::Locale::Fr => (
            "fr",
            "Envoi trop volumineux",
            format!("Ce que vous avez envoyé dépasse {megabytes} Mo, la taille que la boutique accepte. Rien n’a été enregistré."),
            "Retour à l’accueil",
        ),
        app::i18n::Locale::En => (
            "en",
            "Too large",
            format!("What you sent is over {megabytes} MB, the size the shop accepts. Nothing was saved."),
            "Back to the home page",
        ),
    };
    let page = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title} — WonderMarket</title>\
         <link rel=\"stylesheet\" href=\"/pkg/wondermarket.css\"></head><body><main class=\"not-found\">\
         <p class=\"not-found__code\">413</p><h1>{title}</h1><p>{text}</p><a class=\"button\" href=\"/\">{back}</a></main></body></html>"
    );
    let mut response = (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response();
    if !drained {
        // The body was not read: the connection cannot carry another request.
        response
            .headers_mut()
            .insert(header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    }
    response
}

/// Reads a body to its end, keeping nothing; `false` when it broke off.
async fn drain(mut body: axum::body::Body) -> bool {
    use http_body_util::BodyExt;
    loop {
        match body.frame().await {
            None => return true,
            Some(Ok(_)) => {}
            Some(Err(_)) => return false,
        }
    }
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

/// This request's CSP nonce, for the page's hydration scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// A page's Content-Security-Policy: scripts only from the shop and the
/// inline hydration scripts that carry this response's nonce (none is
/// written by hand), WebAssembly compiled from the shop's own file, no
/// frames, no plugins, forms posted to the shop only.
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
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
    "/sitemap/",
    "/health",
];

/// Security headers on every answer: no framing, no sniffing, no referrer
/// beyond the origin to other sites, no powerful browser features, HSTS
/// behind HTTPS (when cookies are Secure), a strict CSP where the page did
/// not set its own (pages set one with their script nonce), and
/// `Cache-Control: private, no-store` on anything personal: private paths,
/// and every page served to a visitor with a session.
pub async fn security_headers(State(secure): State<bool>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    // The page's script nonce, made here so that the header and the page
    // (which reads it from the request, see `startup`) always agree.
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    // As the session layer saw it (`visitor::mark_rendering`); unknown is personal.
    let personal = response
        .extensions()
        .get::<crate::visitor::Rendered>()
        .is_none_or(|rendered| rendered.with_session);
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
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let policy = if html {
        page_policy(&nonce)
    } else {
        "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'".to_owned()
    };
    if let Ok(policy) = axum::http::HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if secure {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    let public_file = PUBLIC_FILES.iter().any(|prefix| path.starts_with(prefix));
    let private_path = PRIVATE_PATHS.iter().any(|prefix| path.starts_with(prefix));
    if private_path || (personal && !public_file) {
        headers.insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("private, no-store"),
        );
    }
    if html && response.extensions().get::<Tidied>().is_none() {
        return valid_html(response, &nonce).await;
    }
    response
}

/// Marks a page already made valid (a cached one): not tidied again.
#[derive(Debug, Clone, Copy)]
pub struct Tidied;

/// Pages are at most this large; a larger one is an error.
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// The rendered page, made valid HTML where leptos writes it otherwise.
async fn valid_html(response: Response, nonce: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // The buffer itself when nothing else holds it: no copy.
    let page = match String::from_utf8(Vec::from(body)) {
        Ok(page) => tidy_page(&page, nonce),
        // Not text: leave it as it is.
        Err(error) => return Response::from_parts(parts, axum::body::Body::from(error.into_bytes())),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(page))
}

/// The hydration markers `<!>` (a "bogus comment" to the HTML parser)
/// written as the same empty comment, validly: `<!---->`.
pub fn valid_comments(html: &str) -> String {
    html.replace("<!>", "<!---->")
}

/// Three fixes, none of which changes what the browser builds:
/// - the hydration markers `<!>` (a "bogus comment" to the HTML parser)
///   become the same empty comment written validly, `<!---->`;
/// - the preload links' `crossorigin`, which leptos sets to the CSP nonce,
///   becomes the empty value it is taken for (anonymous);
/// - what leptos appends after `</html>` (its resource scripts) moves
///   inside the body, where the parser would have put it anyway.
fn tidy_page(page: &str, nonce: &str) -> String {
    let page = valid_comments(page).replace(&format!("crossorigin=\"{nonce}\""), "crossorigin=\"\"");
    match page.rfind("</html>") {
        Some(end) if !page[end + "</html>".len()..].trim().is_empty() => {
            let trailing = &page[end + "</html>".len()..];
            let head = &page[..end];
            match head.rfind("</body>") {
                Some(body_end) => format!("{}{trailing}</body></html>", &head[..body_end]),
                None => format!("{head}{trailing}</html>"),
            }
        }
        _ => page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(host: &str, origins: &[&str]) -> Request {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri("/api/x")
            .header(header::HOST, host);
        for origin in origins {
            builder = builder.header(header::ORIGIN, *origin);
        }
        builder.body(axum::body::Body::empty()).unwrap_or_default()
    }

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        let same = |host, origins: &[&str], scheme| is_same_origin(&post(host, origins), scheme);
        assert!(same("shop.example", &["http://shop.example"], "http"));
        assert!(same("Shop.Example:80", &["http://shop.example"], "http"));
        assert!(same("shop.example", &["https://shop.example:443"], "https"));
        assert!(same("127.0.0.1:3000", &["http://127.0.0.1:3000"], "http"));
        assert!(
            !same("shop.example", &["https://shop.example"], "http"),
            "another scheme"
        );
        assert!(
            !same("shop.example", &["http://shop.example"], "https"),
            "another scheme"
        );
        assert!(
            !same("shop.example", &["http://shop.example:8080"], "http"),
            "another port"
        );
        assert!(!same("shop.example", &["http://shop.example.evil"], "http"));
        assert!(!same("shop.example", &["http://evil@shop.example"], "http"));
        assert!(!same("shop.example", &["null"], "http"));
        assert!(
            !same(
                "shop.example",
                &["http://shop.example", "http://evil.example"],
                "http"
            ),
            "two origins"
        );
        assert!(
            same("shop.example", &[], "http"),
            "no Origin: not a browser's cross-site post"
        );
    }

    #[test]
    fn pages_are_tidied_into_valid_html() {
        let page = r#"<html><head><link rel="modulepreload" crossorigin="n0nce"><!></head><body><p>x</p><!></body></html><script nonce="n0nce">late()</script>"#;
        assert_eq!(
            tidy_page(page, "n0nce"),
            r#"<html><head><link rel="modulepreload" crossorigin=""><!----></head><body><p>x</p><!----><script nonce="n0nce">late()</script></body></html>"#
        );
        let clean = "<html><body><p>ok</p></body></html>";
        assert_eq!(tidy_page(clean, "n0nce"), clean);
    }

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
