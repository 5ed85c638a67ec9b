//! The security middleware: the cross-site request guard, the request
//! body limit (a 413 page), and the security headers with the page's CSP
//! nonce.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::tidy::{valid_html, Tidied};

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
    let path = request.uri().path();
    let limit = crate::media::body_limit(path)
        .or_else(|| crate::catalogue_csv::body_limit(path))
        .unwrap_or(MAX_BODY_BYTES);
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
    // The public API says for itself what may be kept (its catalogue, its
    // document) and what may not (everything else: `private, no-store`).
    let api_said =
        (path.starts_with("/api/v1/") || path == "/api/docs") && headers.contains_key(header::CACHE_CONTROL);
    if !api_said && (private_path || (personal && !public_file)) {
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
}
