//! The translation layer: every string the shopper reads goes through here.
//!
//! French is the shop's language, English the second one. The locale comes
//! from the `wm_lang` cookie, else the browser's Accept-Language; the server
//! writes it into `<html lang>` and the browser reads it back at hydration,
//! so both render the same words.

pub mod api;
mod en;
mod format;
mod fr;
mod messages;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use format::format_price;
pub use messages::Messages;

/// Name of the cookie that remembers the shopper's language.
pub const LOCALE_COOKIE: &str = "wm_lang";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// The language's own name, as shown in the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Fr => "Français",
            Locale::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::Fr => &fr::FR,
            Locale::En => &en::EN,
        }
    }

    /// The best supported language of an Accept-Language header, by q-value.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(Self, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::parse) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((locale, quality));
            }
        }
        best.map(|(locale, _)| locale)
    }

    /// The locale chosen by a cookie header's `wm_lang` value.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LOCALE_COOKIE)
            .and_then(|(_, value)| Locale::parse(value))
    }

    /// The locale of the request being rendered (server) or of the page
    /// being hydrated (browser).
    pub fn from_request() -> Self {
        #[cfg(feature = "ssr")]
        {
            let Some(parts) = use_context::<http::request::Parts>() else {
                return Locale::default();
            };
            let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
            header(http::header::COOKIE)
                .and_then(Locale::from_cookie_header)
                .or_else(|| header(http::header::ACCEPT_LANGUAGE).and_then(Locale::from_accept_language))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            document()
                .document_element()
                .and_then(|html| html.get_attribute("lang"))
                .and_then(|lang| Locale::parse(&lang))
                .unwrap_or_default()
        }
    }
}

/// The page's locale, shared through context. It is fixed for a page: a
/// change of language is a form post after which the server renders the
/// page again.
#[derive(Clone, Copy)]
pub struct I18n(Locale);

impl I18n {
    pub fn locale(self) -> Locale {
        self.0
    }

    /// The messages of the page's locale.
    pub fn t(self) -> &'static Messages {
        self.0.messages()
    }

    pub fn price(self, cents: i64) -> String {
        format_price(cents, self.locale())
    }
}

pub fn provide_i18n() -> I18n {
    provide_locale(Locale::from_request())
}

/// Renders what follows in `locale`: a page, or a piece of one rendered
/// alone (see `frame::header::personal_corner_html`).
pub fn provide_locale(locale: Locale) -> I18n {
    let i18n = I18n(locale);
    provide_context(i18n);
    i18n
}

/// The page's locale. An island running in the browser has no context from
/// the server: it reads the page's `<html lang>`.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(Locale::from_request()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("de-DE,fr;q=0.5,en;q=0.7"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("fr-CA;q=0.9,en;q=0.2"),
            Some(Locale::Fr)
        );
        assert_eq!(Locale::from_accept_language("de,es"), None);
        assert_eq!(Locale::from_accept_language("en;q=0"), None);
    }

    #[test]
    fn cookie_overrides_are_read_by_name() {
        assert_eq!(
            Locale::from_cookie_header("a=1; wm_lang=en; b=2"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_cookie_header("other_wm_lang=en"), None);
        assert_eq!(Locale::from_cookie_header("wm_lang=xx"), None);
    }
}
