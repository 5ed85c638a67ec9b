//! The translation layer: every string the shopper reads goes through here.
//!
//! French is the shop's language, English the second one. The locale comes
//! from the `wm_lang` cookie, else the browser's Accept-Language; the server
//! writes it into `<html lang>` and the browser reads it back at hydration,
//! so both render the same words.

mod en;
mod format;
mod fr;
mod messages;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use format::{format_price, shop_date_time, shop_date_time_of, shop_midnight, shop_time, shop_today};
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
    /// A text of the catalogue in this language: the English one where it
    /// was written, else the French.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::En if !en.is_empty() => en,
            _ => fr,
        }
    }

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

    /// The locale of the request being rendered (server) or of the page
    /// being hydrated (browser).
    pub fn from_request() -> Self {
        #[cfg(feature = "ssr")]
        {
            // The server's first layer reads the language once (the cookie,
            // else Accept-Language) for every layer (`server::visitor`): the
            // page is rendered in that reading, and cached under it.
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<Locale>().copied())
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
    let locale = Locale::from_request();
    // Says which language the page was rendered in: the page cache keeps
    // a page only under the language it was really rendered in.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CONTENT_LANGUAGE,
            http::HeaderValue::from_static(locale.code()),
        );
    }
    provide_locale(locale)
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
}
