//! Catalogue pages from memory, for every visitor.
//!
//! The home, category, product and search pages of a visitor without a
//! session carry nothing personal (the header says "Log in" and an empty
//! basket), so each page is rendered once per path, query and language,
//! kept with its headers and compressed once (brotli and gzip), then served
//! from memory ([`serve`]).
//!
//! A visitor with a session (a guest with a basket, a customer) gets the
//! same page with the header's personal corner (account links, basket
//! badge) rendered for them alone and swapped in, and the page's script
//! nonce renewed ([`serve_personal`]): a session lookup and a basket read
//! instead of a whole render. The page goes out as gzip spliced from parts
//! compressed once and the visitor's corner and nonce compressed alone
//! ([`crate::spliced_gzip`]): no compression of the whole page per
//! request. A page with anything else about the visitor (a one-time notice
//! waiting in the session, a form marked `data-personal`) is rendered for
//! them as usual.
//!
//! A page missing from memory is rendered once however many visitors ask
//! for it at that moment (single flight): the others wait for it.
//!
//! Freshness: an entry lives at most a second ([`DEFAULT_TTL`]; stock also changes when a
//! basket hold expires, which writes nothing), and every instance drops all
//! of its entries as soon as PostgreSQL announces a change to products,
//! stock, categories or holds (`NOTIFY wm_catalogue`, see the migration
//! `catalogue_changes`). A page rendered while a change landed is not kept.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use app::i18n::Locale;
use app::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::security::CspNonce;
use crate::spliced_gzip::GzipTemplate;
use crate::tidy::{valid_comments, Tidied};
use crate::visitor::{Rendered, Visitor};

/// The longest a cached page is served by default.
pub const DEFAULT_TTL: Duration = Duration::from_secs(1);
/// The PostgreSQL channel that announces catalogue changes.
pub const CHANNEL: &str = "wm_catalogue";
/// Beyond this many pages (a crawler walking every search), start afresh.
const MAX_ENTRIES: usize = 5_000;
/// Pages are far smaller; anything larger is served, not kept.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Paths whose pages are the same for every visitor without a session.
const CATALOGUE: &[&str] = &["/c/", "/p/", "/search"];
/// What a page carries where a part of it is about the visitor beyond the
/// header's corner (see `products::alerts`).
const PERSONAL_MARK: &str = "data-personal=\"\"";
/// What a page writes before the id of a product whose stock it shows live.
const LIVE_MARK: &str = "data-live-stock=\"";

pub struct PageCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    /// The pages being rendered now: who asks meanwhile waits for them.
    rendering: std::sync::Mutex<HashMap<String, tokio::sync::watch::Receiver<()>>>,
    /// Bumped by every change: a page rendered across one is not kept.
    generation: AtomicU64,
}

struct Entry {
    made: Instant,
    headers: HeaderMap,
    identity: Bytes,
    brotli: Bytes,
    gzip: Bytes,
    /// Where the header's corner is in `identity`, when it is the page's
    /// only part that differs between visitors.
    corner: Option<std::ops::Range<usize>>,
    /// The script nonce the page was rendered with.
    nonce: Option<String>,
    /// The page as gzip with the corner and the nonces left open, when it
    /// has a corner to swap, and those open ranges (found once).
    spliced: Option<(GzipTemplate, Vec<std::ops::Range<usize>>)>,
    /// The products whose stock the page shows live: a visitor whose
    /// basket holds one of them reads "in your basket" there instead, so
    /// their page is rendered for them.
    live_products: Vec<i64>,
}

/// A cacheable request: its key, and what its personal corner needs.
struct PageKey {
    text: String,
    locale: Locale,
    /// The path and query, where "Log in" sends the visitor back.
    here: String,
}

/// What [`serve_personal`] needs: the cache, and the app to read the
/// visitor's login and basket with.
#[derive(Clone)]
pub struct Personal {
    pub cache: Arc<PageCache>,
    pub app: AppState,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl PageCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::default(),
            rendering: std::sync::Mutex::default(),
            generation: AtomicU64::new(0),
        }
    }

    fn fresh(&self, key: &str) -> Option<Arc<Entry>> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key)
            .filter(|entry| entry.made.elapsed() < self.ttl)
            .cloned()
    }

    fn store(&self, key: String, generation: u64, entry: Arc<Entry>) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Checked under the lock that `clear` takes: no change in between.
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.made.elapsed() < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, entry);
    }

    /// Drops every page: something they show has changed.
    pub fn clear(&self) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The fresh entry under `key`, else the render of `request` kept
    /// under it. Visitors asking while it renders wait for it and are
    /// served from memory; a page that may not be kept is rendered for each.
    async fn fresh_or_fill(
        &self,
        key: PageKey,
        request: Request,
        next: Next,
    ) -> Result<Arc<Entry>, Response> {
        if let Some(entry) = self.fresh(&key.text) {
            return Ok(entry);
        }
        // Either the render under way, or this one, registered.
        let waiting = {
            let mut rendering = self.rendering.lock().unwrap_or_else(|poison| poison.into_inner());
            match rendering.get(&key.text) {
                Some(receiver) => Ok(receiver.clone()),
                None => {
                    let (done, receiver) = tokio::sync::watch::channel(());
                    rendering.insert(key.text.clone(), receiver);
                    Err(done)
                }
            }
        };
        let mut receiver = match waiting {
            Ok(receiver) => receiver,
            Err(done) => {
                // Unregistered however the render ends (even dropped with
                // its request), before the waiters wake.
                let _registered = Registered {
                    cache: self,
                    key: key.text.clone(),
                    _done: done,
                };
                metrics::counter!("wm_page_cache_total", "result" => "miss").increment(1);
                return fill(self, key, request, next).await;
            }
        };
        metrics::counter!("wm_page_cache_total", "result" => "wait").increment(1);
        // Ends when the render's sender is dropped, whatever its outcome.
        let _ = receiver.changed().await;
        if let Some(entry) = self.fresh(&key.text) {
            return Ok(entry);
        }
        fill(self, key, request, next).await
    }
}

/// A render under way, registered in [`PageCache::rendering`] until dropped.
struct Registered<'a> {
    cache: &'a PageCache,
    key: String,
    /// Dropped after the key is removed: the waiters then wake.
    _done: tokio::sync::watch::Sender<()>,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.cache
            .rendering
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .remove(&self.key);
    }
}

/// The middleware: a cached page when there is one, else the page as the
/// app renders it, kept for the next visitors when it may be. A visitor
/// with a session goes on to [`serve_personal`], the page rendered first
/// as a visitor without one sees it when it is not in memory.
pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    let Some((key, visitor)) = cache_key(&request) else {
        return next.run(request).await;
    };
    if visitor.has_session {
        if cache.fresh(&key.text).is_none() {
            // Kept if it may be; the visitor's own page comes next.
            let anonymous = anonymous_copy(&request, visitor);
            let _ = cache.fresh_or_fill(key, anonymous, next.clone()).await;
        }
        return next.run(request).await;
    }
    let encoding = accepted_encoding(request.headers());
    if let Some(entry) = cache.fresh(&key.text) {
        metrics::counter!("wm_page_cache_total", "result" => "hit").increment(1);
        return entry.response(encoding);
    }
    match cache.fresh_or_fill(key, request, next).await {
        Ok(entry) => entry.response(encoding),
        Err(response) => response,
    }
}

/// Renders the page of `request` (from a visitor without a session) and
/// keeps it when it may be: the entry, or the response as it came.
async fn fill(
    cache: &PageCache,
    key: PageKey,
    mut request: Request,
    next: Next,
) -> Result<Arc<Entry>, Response> {
    let generation = cache.generation.load(Ordering::SeqCst);
    // The page as rendered; this layer compresses it once for everyone.
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let response = next.run(request).await;
    if !keepable(&response, key.locale) {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|error| {
        tracing::error!(%error, "page cache: could not read the rendered page");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })?;
    let PageKey { text, locale, here } = key;
    let made = tokio::task::spawn_blocking(move || {
        let corner = valid_comments(&app::frame::personal_corner_html(locale, None, 0, here));
        Entry::new(parts.headers, body, &corner)
    });
    let entry = match made.await {
        Ok(Ok(entry)) => Arc::new(entry),
        Ok(Err(error)) => {
            tracing::error!(%error, "page cache: compression failed");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        Err(error) => {
            tracing::error!(%error, "page cache: compression task failed");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    cache.store(text, generation, entry.clone());
    Ok(entry)
}

/// The same GET as a visitor without a session sends it: no cookie at all
/// (the language read from them stays, as the request's [`Locale`]),
/// nothing else personal.
fn anonymous_copy(request: &Request, visitor: Visitor) -> Request {
    let mut copy = Request::new(Body::empty());
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    for (name, value) in request.headers() {
        if name != header::COOKIE && name != header::AUTHORIZATION {
            copy.headers_mut().append(name, value.clone());
        }
    }
    let anonymous = Visitor {
        has_session: false,
        ..visitor
    };
    copy.extensions_mut().insert(anonymous);
    copy.extensions_mut().insert(anonymous.locale);
    if let Some(peer) = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        copy.extensions_mut().insert(*peer);
    }
    copy
}

/// The middleware for visitors with a session, inside the session layer: a
/// cached page with their own corner when the page allows it, else the
/// page as the app renders it for them.
pub async fn serve_personal(State(personal): State<Personal>, request: Request, next: Next) -> Response {
    let key = match cache_key(&request) {
        Some((key, visitor)) if visitor.has_session => key,
        _ => return next.run(request).await,
    };
    let entry = personal
        .cache
        .fresh(&key.text)
        .filter(|entry| entry.corner.is_some());
    let session = request.extensions().get::<Session>().cloned();
    let (Some(entry), Some(session)) = (entry, session) else {
        metrics::counter!("wm_page_cache_total", "result" => "personal_miss").increment(1);
        return next.run(request).await;
    };
    let nonce = request
        .extensions()
        .get::<CspNonce>()
        .map(|nonce| nonce.0.clone());
    let Some(corner) =
        app::frame::personal_corner_of(&personal.app, session, key.locale, key.here, &entry.live_products)
            .await
    else {
        return next.run(request).await;
    };
    let corner = valid_comments(&corner);
    metrics::counter!("wm_page_cache_total", "result" => "personal_hit").increment(1);
    if accepts(request.headers(), "gzip") {
        if let Some(response) = entry.spliced_response(&corner, nonce.as_deref()) {
            return response;
        }
    }
    entry.personal_response(&corner, nonce.as_deref())
}

/// The byte ranges of a page that differ per visitor, in order: the
/// header's `corner` and each script nonce's value outside it.
fn holes(page: &[u8], corner: &std::ops::Range<usize>, nonce: Option<&str>) -> Vec<std::ops::Range<usize>> {
    let mut holes = vec![corner.clone()];
    if let (Some(nonce), Ok(page)) = (nonce, std::str::from_utf8(page)) {
        let marked = format!("nonce=\"{nonce}\"");
        let offset = "nonce=\"".len();
        holes.extend(
            page.match_indices(&marked)
                .map(|(start, _)| start + offset..start + offset + nonce.len())
                .filter(|hole| hole.end <= corner.start || hole.start >= corner.end),
        );
    }
    holes.sort_by_key(|hole| hole.start);
    holes
}

/// The products a page follows live (`data-live-stock="17"`), once each.
fn live_products_of(page: &str) -> Vec<i64> {
    let mut products: Vec<i64> = page
        .split(LIVE_MARK)
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    products.sort_unstable();
    products.dedup();
    products
}

/// The key of a request whose page may come from the cache: a GET of a
/// catalogue page, per language, by a visitor (not a script with an
/// `Authorization` header). The visitor is the one the first layer read
/// ([`crate::visitor`]): without it, nothing is cached.
fn cache_key(request: &Request) -> Option<(PageKey, Visitor)> {
    if request.method() != Method::GET {
        return None;
    }
    let visitor = Visitor::of(request)?;
    let path = request.uri().path();
    if path != "/" && !CATALOGUE.iter().any(|prefix| path.starts_with(prefix)) {
        return None;
    }
    let query = request.uri().query().unwrap_or("");
    // A form's error comes back in the query: that page is about one visitor.
    if query.contains("__err") || query.contains("__path") {
        return None;
    }
    if request.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let locale = visitor.locale;
    let key = PageKey {
        text: format!("{} {path}?{query}", locale.code()),
        locale,
        here: if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        },
    };
    Some((key, visitor))
}

/// Only a plain 200 page that started no session and is not personal:
/// rendered with no session at all (as the session layer saw it, not as
/// this layer guessed), in the language it is kept under.
fn keepable(response: &Response, locale: Locale) -> bool {
    let headers = response.headers();
    let for_nobody = response
        .extensions()
        .get::<Rendered>()
        .is_some_and(|rendered| !rendered.with_session);
    let in_language = headers
        .get(header::CONTENT_LANGUAGE)
        .is_some_and(|language| language.as_bytes() == locale.code().as_bytes());
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let no_store = headers
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("no-store"));
    response.status() == StatusCode::OK
        && for_nobody
        && in_language
        && html
        && !no_store
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
}

/// Whether the client takes content coding `name`: named, and not
/// refused explicitly (`br;q=0`), in every Accept-Encoding line.
fn accepts(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>() == Ok(0.0)));
            coding.eq_ignore_ascii_case(name) && !refused
        })
}

/// What the client takes, best first: brotli, gzip, else none.
fn accepted_encoding(headers: &HeaderMap) -> Encoding {
    if accepts(headers, "br") {
        Encoding::Brotli
    } else if accepts(headers, "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

impl Entry {
    /// Brotli at a level that costs little CPU for its gain (5), gzip at 6.
    /// `corner` is the header's corner as a visitor without a session sees
    /// it: found once, and nothing else personal, it may be swapped.
    fn new(mut headers: HeaderMap, identity: Bytes, corner: &str) -> std::io::Result<Self> {
        let mut brotli = Vec::with_capacity(identity.len() / 4);
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 16 * 1024, 5, 22);
            writer.write_all(&identity)?;
        }
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        gzip.write_all(&identity)?;
        let gzip = gzip.finish()?;
        let corner = std::str::from_utf8(&identity)
            .ok()
            .filter(|page| !page.contains(PERSONAL_MARK))
            .and_then(|page| {
                let mut found = page.match_indices(corner).map(|(start, _)| start);
                match (found.next(), found.next()) {
                    (Some(start), None) => Some(start..start + corner.len()),
                    _ => None,
                }
            });
        let nonce = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|policy| policy.to_str().ok())
            .and_then(|policy| policy.split("'nonce-").nth(1))
            .and_then(|rest| rest.split('\'').next())
            .map(str::to_owned);
        let live_products = std::str::from_utf8(&identity)
            .map(live_products_of)
            .unwrap_or_default();
        let spliced = match &corner {
            Some(range) => {
                let holes = holes(&identity, range, nonce.as_deref());
                Some((GzipTemplate::new(&identity, &holes)?, holes))
            }
            None => None,
        };
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::DATE);
        headers.insert(
            header::VARY,
            HeaderValue::from_static("accept-encoding, accept-language, cookie"),
        );
        Ok(Self {
            made: Instant::now(),
            headers,
            identity,
            brotli: Bytes::from(brotli),
            gzip: Bytes::from(gzip),
            corner,
            nonce,
            spliced,
            live_products,
        })
    }

    /// The page with `corner` in place of the visitor's, and its scripts
    /// under `nonce`, uncompressed: the compression layer inside takes it
    /// from here, and the security headers give it its policy.
    fn personal_response(&self, corner: &str, nonce: Option<&str>) -> Response {
        let (Some(range), Ok(page)) = (self.corner.clone(), std::str::from_utf8(&self.identity)) else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let mut body = String::with_capacity(page.len() + corner.len());
        body.push_str(&page[..range.start]);
        body.push_str(corner);
        body.push_str(&page[range.end..]);
        if let (Some(old), Some(new)) = (&self.nonce, nonce) {
            body = body.replace(&format!("nonce=\"{old}\""), &format!("nonce=\"{new}\""));
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response.extensions_mut().insert(Tidied);
        response
    }

    /// The page with `corner` and `nonce` as gzip spliced from the parts
    /// compressed once; none when the page has no such template or the
    /// splice fails (the caller answers uncompressed).
    fn spliced_response(&self, corner: &str, nonce: Option<&str>) -> Option<Response> {
        let (Some((spliced, holes)), Some(range)) = (&self.spliced, &self.corner) else {
            return None;
        };
        let fills: Vec<&[u8]> = holes
            .iter()
            .map(|hole| {
                if hole == range {
                    corner.as_bytes()
                } else {
                    nonce.map_or(self.identity.get(hole.clone()).unwrap_or_default(), str::as_bytes)
                }
            })
            .collect();
        let body = match spliced.fill(&fills) {
            Ok(body) => body,
            Err(error) => {
                tracing::error!(%error, "page cache: splicing the page failed");
                return None;
            }
        };
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response.extensions_mut().insert(Tidied);
        Some(response)
    }

    fn response(&self, encoding: Encoding) -> Response {
        let (body, coding) = match encoding {
            Encoding::Brotli => (self.brotli.clone(), Some("br")),
            Encoding::Gzip => (self.gzip.clone(), Some("gzip")),
            Encoding::Identity => (self.identity.clone(), None),
        };
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        if let Some(coding) = coding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request as the first layer passes it on.
    fn request(path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.body(Body::empty()).unwrap_or_default();
        let visitor = crate::visitor::canonicalize(request.headers_mut());
        request.extensions_mut().insert(visitor);
        request
    }

    fn key_of(request: &Request) -> Option<String> {
        cache_key(request).map(|(key, _)| key.text)
    }

    fn has_session(request: &Request) -> bool {
        cache_key(request).is_some_and(|(_, visitor)| visitor.has_session)
    }

    #[test]
    fn only_catalogue_pages_are_kept_per_language() {
        assert_eq!(key_of(&request("/", &[])).as_deref(), Some("fr /?"));
        assert_eq!(
            key_of(&request("/c/livres?page=2", &[("accept-language", "en-GB")])).as_deref(),
            Some("en /c/livres?page=2")
        );
        assert_eq!(
            key_of(&request("/search?q=ps5", &[("cookie", "wm_lang=en")])).as_deref(),
            Some("en /search?q=ps5")
        );
        let with_session = request("/p/x", &[("cookie", "a=1; wm_session=abc")]);
        assert_eq!(key_of(&with_session).as_deref(), Some("fr /p/x?"));
        assert!(has_session(&with_session));
        assert!(has_session(&request("/p/x", &[("cookie", "wm_session =abc")])));
        assert!(!has_session(&request(
            "/p/x",
            &[("cookie", "not_wm_session=abc")]
        )));
        // A request the first layer did not read is not cached.
        let unread = Request::builder()
            .uri("/")
            .body(Body::empty())
            .unwrap_or_default();
        assert_eq!(key_of(&unread), None);
        assert_eq!(
            cache_key(&request("/search?q=ps5", &[]))
                .map(|(key, _)| key.here)
                .as_deref(),
            Some("/search?q=ps5")
        );
        assert_eq!(key_of(&request("/basket", &[])), None);
        assert_eq!(key_of(&request("/account", &[])), None);
        assert_eq!(key_of(&request("/", &[("authorization", "Bearer x")])), None);
        assert_eq!(key_of(&request("/p/x?__path=/api/basket/add&__err=x", &[])), None);
        let post = Request::builder()
            .method(Method::POST)
            .uri("/")
            .body(Body::empty())
            .unwrap_or_default();
        assert_eq!(key_of(&post), None);
    }

    #[test]
    fn the_corner_is_swapped_and_the_nonce_renewed() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'self' 'nonce-old1' 'wasm-unsafe-eval'"),
        );
        let page = r#"<head><script nonce="old1"></script></head><div class="c">Log in</div><p>old1</p>"#;
        let Ok(entry) = Entry::new(
            headers.clone(),
            Bytes::from(page),
            r#"<div class="c">Log in</div>"#,
        ) else {
            panic!("compression failed")
        };
        assert_eq!(entry.nonce.as_deref(), Some("old1"));
        let response = entry.personal_response(r#"<div class="c">Hello Ada</div>"#, Some("new2"));
        assert!(response.extensions().get::<Tidied>().is_some());
        let body = futures_body(response);
        assert_eq!(
            body,
            r#"<head><script nonce="new2"></script></head><div class="c">Hello Ada</div><p>old1</p>"#
        );
        // The same page as gzip spliced around the corner and the nonce.
        let Some(spliced) = entry.spliced_response(r#"<div class="c">Hello Ada</div>"#, Some("new2")) else {
            panic!("no spliced page")
        };
        assert_eq!(
            spliced
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.as_bytes()),
            Some(&b"gzip"[..])
        );
        let mut unzipped = String::new();
        let gzip = futures_body_bytes(spliced);
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut unzipped)
            .expect("a valid gzip stream");
        assert_eq!(unzipped, body);
        // A page with another personal part, or without the corner, is
        // not swapped.
        let marked = format!("{page}<section {PERSONAL_MARK}></section>");
        let Ok(marked) = Entry::new(
            headers.clone(),
            Bytes::from(marked),
            r#"<div class="c">Log in</div>"#,
        ) else {
            panic!("compression failed")
        };
        assert!(marked.corner.is_none());
        let Ok(other) = Entry::new(headers, Bytes::from(page), "<div>not there</div>") else {
            panic!("compression failed")
        };
        assert!(other.corner.is_none());
    }

    #[test]
    fn a_page_names_the_products_it_follows_live_once_each() {
        let page = r#"<span data-live-stock="17">x</span><span data-live-stock="3"></span>
                      <span data-live-stock="17"></span><span data-live-stock="x"></span>"#;
        assert_eq!(live_products_of(page), vec![3, 17]);
        assert!(live_products_of("<p>nothing live</p>").is_empty());
    }

    fn futures_body_bytes(response: Response) -> Vec<u8> {
        let runtime = tokio::runtime::Builder::new_current_thread().build();
        let Ok(runtime) = runtime else { panic!("runtime") };
        let bytes = runtime.block_on(axum::body::to_bytes(response.into_body(), usize::MAX));
        bytes.map(|b| b.to_vec()).unwrap_or_default()
    }

    fn futures_body(response: Response) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().build();
        let Ok(runtime) = runtime else { panic!("runtime") };
        let bytes = runtime.block_on(axum::body::to_bytes(response.into_body(), usize::MAX));
        String::from_utf8(bytes.map(|b| b.to_vec()).unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn brotli_first_then_gzip_unless_refused() {
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
            );
            headers
        };
        assert_eq!(
            accepted_encoding(&headers("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(accepted_encoding(&headers("gzip, br;q=0")), Encoding::Gzip);
        assert_eq!(accepted_encoding(&headers("identity")), Encoding::Identity);
        assert_eq!(accepted_encoding(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn a_page_rendered_across_a_change_is_not_kept() {
        let cache = PageCache::new(DEFAULT_TTL);
        let Ok(page) = Entry::new(
            HeaderMap::new(),
            Bytes::from_static(b"<p>page</p>"),
            "<div>corner</div>",
        ) else {
            panic!("compression failed")
        };
        let page = Arc::new(page);
        let before = cache.generation.load(Ordering::SeqCst);
        cache.clear();
        cache.store("fr /?".to_owned(), before, page.clone());
        assert!(cache.fresh("fr /?").is_none(), "rendered before the change");
        let now = cache.generation.load(Ordering::SeqCst);
        cache.store("fr /?".to_owned(), now, page);
        assert!(cache.fresh("fr /?").is_some());
    }

    #[test]
    fn every_variant_decodes_to_the_page() {
        let page = Bytes::from("<p>Tous nos produits</p>".repeat(100));
        let Ok(entry) = Entry::new(HeaderMap::new(), page.clone(), "<div>corner</div>") else {
            panic!("compression failed")
        };
        let mut brotli = Vec::new();
        let decoded = brotli::BrotliDecompress(&mut &entry.brotli[..], &mut brotli);
        assert!(decoded.is_ok() && brotli == page);
        let mut gzip = Vec::new();
        let read = std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&entry.gzip[..]), &mut gzip);
        assert!(read.is_ok() && gzip == page);
        assert!(entry.brotli.len() < page.len() / 4);
    }

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        String::from_utf8(bytes.map(|b| b.to_vec()).unwrap_or_default()).unwrap_or_default()
    }

    /// A page as the app answers it for a visitor without a session.
    fn keepable_page(body: &str) -> Response {
        let mut response = Response::new(Body::from(body.to_owned()));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("fr"));
        response.extensions_mut().insert(Rendered { with_session: false });
        response
    }

    #[tokio::test]
    async fn a_miss_asked_by_64_visitors_at_once_renders_once() {
        use std::sync::atomic::AtomicUsize;
        use tower::ServiceExt;
        let renders = Arc::new(AtomicUsize::new(0));
        let counted = renders.clone();
        let cache = Arc::new(PageCache::new(Duration::from_secs(60)));
        let router = axum::Router::new()
            .route(
                "/p/console",
                axum::routing::get(move || {
                    let counted = counted.clone();
                    async move {
                        counted.fetch_add(1, Ordering::SeqCst);
                        // Long enough for every visitor to arrive meanwhile.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        keepable_page("<html><body><p>Console</p></body></html>")
                    }
                }),
            )
            .route(
                "/p/personal",
                axum::routing::get(|| async {
                    let mut page = keepable_page("<p>yours</p>");
                    page.extensions_mut().insert(Rendered { with_session: true });
                    page
                }),
            )
            .layer(axum::middleware::from_fn_with_state(cache.clone(), serve));
        let visitors: Vec<_> = (0..64)
            .map(|_| tokio::spawn(router.clone().oneshot(request("/p/console", &[]))))
            .collect();
        for visitor in visitors {
            let response = visitor.await.expect("task").expect("response");
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                body_of(response).await,
                "<html><body><p>Console</p></body></html>"
            );
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "one render for 64 visitors");
        assert!(
            cache.rendering.lock().expect("lock").is_empty(),
            "nothing left registered"
        );
        // A page that may not be kept is rendered for each (none waits forever).
        let personal: Vec<_> = (0..8)
            .map(|_| tokio::spawn(router.clone().oneshot(request("/p/personal", &[]))))
            .collect();
        for visitor in personal {
            let response = visitor.await.expect("task").expect("response");
            assert_eq!(body_of(response).await, "<p>yours</p>");
        }
    }
}
