//! What a request says about its visitor, read once for every layer.
//!
//! The session cookie decides whether a page is personal and the language
//! cookie which language it is in. A cookie can be spelt many ways (`a =1`,
//! `%61=1`, in two `Cookie` headers, twice in one), and two layers that
//! read it differently disagree: a page cache that saw no session while the
//! session layer found one stored a customer's page for everyone. So the
//! outermost layer ([`read_visitor`]) parses the `Cookie` headers once, with
//! the parser the session layer uses (the `cookie` crate's, percent-decoding,
//! trimming), keeps the first cookie of each name, and rewrites them as one
//! canonical `Cookie` header: every layer after it, ours and the libraries',
//! reads the same cookies. What the shop decides from them is put in the
//! request's extensions ([`Visitor`], and the page's [`Locale`]).
//!
//! Inside the session layer, [`mark_rendering`] records on the response what
//! it was rendered with (a session or none), so that a cache stores only
//! what was rendered for nobody in particular.

use app::drops::admission::AdmissionCookie;
use app::i18n::Locale;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::cookie::Cookie;
use tower_sessions::{Expiry, Session};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "wm_session";

/// What the shop reads of a request's visitor, once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visitor {
    /// The request carries a session cookie: a guest with a basket or a
    /// customer, whose pages are theirs alone.
    pub has_session: bool,
    /// The language the page is rendered in.
    pub locale: Locale,
}

impl Visitor {
    /// The visitor of a request [`read_visitor`] has seen; none otherwise.
    pub fn of(request: &Request) -> Option<Self> {
        request.extensions().get::<Self>().copied()
    }
}

/// What a response was rendered with, recorded inside the session layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// A session was loaded or started for it: it may be about one visitor.
    pub with_session: bool,
}

/// The outermost layer: one parse of the cookies and the language.
pub async fn read_visitor(mut request: Request, next: Next) -> Response {
    let (visitor, admission) = read_cookies(request.headers_mut());
    if let Some(admission) = admission {
        request.extensions_mut().insert(admission);
    }
    request.extensions_mut().insert(visitor);
    request.extensions_mut().insert(visitor.locale);
    next.run(request).await
}

/// Rewrites the request's `Cookie` headers as one, the first cookie of each
/// name kept, and reads the visitor from it.
#[cfg(test)]
pub(crate) fn canonicalize(headers: &mut HeaderMap) -> Visitor {
    read_cookies(headers).0
}

/// [`canonicalize`], and the drop admission the cookies carry.
fn read_cookies(headers: &mut HeaderMap) -> (Visitor, Option<AdmissionCookie>) {
    let mut cookies: Vec<Cookie<'static>> = Vec::new();
    for value in headers.get_all(header::COOKIE) {
        // The session layer skips a header that is not UTF-8: so do we.
        let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
            continue;
        };
        for piece in text.split(';') {
            let Ok(cookie) = Cookie::parse_encoded(piece.to_owned()) else {
                continue;
            };
            if !cookies.iter().any(|kept| kept.name() == cookie.name()) {
                cookies.push(cookie);
            }
        }
    }
    headers.remove(header::COOKIE);
    let canonical = cookies
        .iter()
        .map(|cookie| cookie.encoded().stripped().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    if let Ok(value) = HeaderValue::from_str(&canonical) {
        if !canonical.is_empty() {
            headers.insert(header::COOKIE, value);
        }
    }
    let cookie = |name: &str| {
        cookies
            .iter()
            .find(|cookie| cookie.name() == name)
            .map(Cookie::value)
    };
    // Several Accept-Language headers are one list, as HTTP says.
    let accept_language = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let locale = cookie(app::i18n::LOCALE_COOKIE)
        .and_then(Locale::parse)
        .or_else(|| Locale::from_accept_language(&accept_language))
        .unwrap_or_default();
    let admission = cookie(app::drops::admission::COOKIE).map(|token| AdmissionCookie(token.to_owned()));
    (
        Visitor {
            has_session: cookie(SESSION_COOKIE).is_some(),
            locale,
        },
        admission,
    )
}

/// How long sessions live without a change: a login's, a guest's.
#[derive(Clone, Copy, Debug)]
pub struct SessionLives {
    pub login: tower_sessions::cookie::time::Duration,
    pub guest: tower_sessions::cookie::time::Duration,
}

/// Inside the session layer: records on the response whether a session was
/// there for it (the security headers then mark it `private, no-store`, the
/// page cache never keeps it), and gives a session being saved its life (a
/// guest's is shorter).
pub async fn mark_rendering(State(lives): State<SessionLives>, request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let cookie_sent = Visitor::of(&request).is_none_or(|visitor| visitor.has_session);
    let mut response = next.run(request).await;
    let mut with_session = cookie_sent;
    if let Some(session) = session {
        if session.is_modified() && !session.is_empty().await {
            let life = if app::auth::service::holds_login(&session).await {
                lives.login
            } else {
                lives.guest
            };
            session.set_expiry(Some(Expiry::OnInactivity(life)));
        }
        with_session |= session.id().is_some() || session.is_modified();
    }
    response.extensions_mut().insert(Rendered { with_session });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(cookies: &[&str], languages: &[&str]) -> (Visitor, Option<String>) {
        let mut headers = HeaderMap::new();
        for cookie in cookies {
            headers.append(
                header::COOKIE,
                HeaderValue::from_str(cookie).unwrap_or(HeaderValue::from_static("")),
            );
        }
        for language in languages {
            headers.append(
                header::ACCEPT_LANGUAGE,
                HeaderValue::from_str(language).unwrap_or(HeaderValue::from_static("")),
            );
        }
        let visitor = canonicalize(&mut headers);
        assert!(headers.get_all(header::COOKIE).iter().count() <= 1);
        let cookie = headers
            .get(header::COOKIE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        (visitor, cookie)
    }

    #[test]
    fn every_spelling_of_the_session_cookie_is_a_session() {
        for spelling in [
            "wm_session=abc",
            "wm_session =abc",
            " wm_session = abc ",
            "a=1;wm_session=abc",
            "wm%5Fsession=abc",
            "x; wm_session=abc",
        ] {
            let (visitor, cookie) = visitor(&[spelling], &[]);
            assert!(visitor.has_session, "{spelling}");
            assert!(cookie.is_some_and(|c| c.contains("wm_session=abc")), "{spelling}");
        }
        for not_a_session in ["not_wm_session=abc", "WM_SESSION=abc", "wm_sessionx=1", ""] {
            assert!(!visitor(&[not_a_session], &[]).0.has_session, "{not_a_session}");
        }
        // In a second header, too.
        assert!(visitor(&["a=1", "wm_session=abc"], &[]).0.has_session);
    }

    #[test]
    fn the_first_cookie_of_a_name_wins_for_every_layer() {
        let (first, cookie) = visitor(&["wm_lang=en; wm_lang=fr"], &[]);
        assert_eq!(first.locale, Locale::En);
        assert_eq!(cookie.as_deref(), Some("wm_lang=en"));
        let (headers_first, cookie) = visitor(&["a=1", "wm_lang=fr", "wm_lang=en"], &[]);
        assert_eq!(headers_first.locale, Locale::Fr);
        assert_eq!(cookie.as_deref(), Some("a=1; wm_lang=fr"));
    }

    #[test]
    fn the_language_is_the_cookie_then_every_accept_language() {
        assert_eq!(visitor(&[], &[]).0.locale, Locale::Fr);
        assert_eq!(visitor(&["wm_lang = en"], &["fr"]).0.locale, Locale::En);
        assert_eq!(visitor(&["wm_lang=xx"], &["en-GB"]).0.locale, Locale::En);
        assert_eq!(visitor(&[], &["de", "en;q=0.5"]).0.locale, Locale::En);
    }
}
