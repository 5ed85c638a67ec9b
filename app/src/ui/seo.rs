//! Title, description, canonical URL and Open Graph tags of a page.

use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_meta::{Link, Meta, Title};

use crate::i18n::use_i18n;

/// The shop's public address (scheme and host), for absolute URLs.
#[derive(Clone, Debug)]
pub struct SiteUrl(pub String);

pub fn provide_site_url() {
    #[cfg(feature = "ssr")]
    let url = use_context::<crate::state::AppState>()
        .map(|state| state.public_url.clone())
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let url = document()
        .query_selector("meta[name=wm-site-url]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| window().location().origin().unwrap_or_default());
    provide_context(SiteUrl(url.trim_end_matches('/').to_owned()));
}

pub fn absolute_url(path: &str) -> String {
    let base = use_context::<SiteUrl>().map(|s| s.0).unwrap_or_default();
    format!("{base}{path}")
}

/// The page's `<title>`: the one way to write one.
///
/// leptos_meta 0.8.7 writes the title's text into `<head>` as it is, with
/// no escaping (`ServerMetaContext::inject_meta_context`), while it escapes
/// `<Meta>` attributes: a search term such as
/// `</title><meta http-equiv="refresh" …>` would become live markup. On the
/// server the text is escaped here, once; in the browser it is set through
/// `document.title`, which takes text, so it stays as it is.
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = TextProp::from(title_markup(&text.get()));
    view! { <Title text=text /> }
}

/// A title's text as it may stand between `<title>` and `</title>`.
#[cfg(feature = "ssr")]
fn title_markup(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// On the server, leptos_meta reads title and description after the body
/// has rendered, when the signals they were computed from may be disposed:
/// there they are taken once, as text. In the browser they stay reactive
/// (the language switch updates them).
#[component]
pub fn Seo(
    #[prop(into)] title: TextProp,
    #[prop(into)] description: TextProp,
    /// The page's canonical path, e.g. `/p/ps5`.
    #[prop(into)]
    path: String,
    #[prop(optional, into)] image: Option<String>,
    #[prop(default = "website")] og_type: &'static str,
    #[prop(optional)] noindex: bool,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (title, description) = (
        TextProp::from(title.get().to_string()),
        TextProp::from(description.get().to_string()),
    );
    let i18n = use_i18n();
    let og_locale = match i18n.locale() {
        crate::i18n::Locale::Fr => "fr_FR",
        crate::i18n::Locale::En => "en_GB",
    };
    let url = absolute_url(&path);
    let image = image.map(|path| absolute_url(&path));
    view! {
        <PageTitle text=title.clone() />
        <Meta name="description" content={
            let description = description.clone();
            move || description.get().to_string()
        } />
        <Link rel="canonical" href=url.clone() />
        <Meta property="og:site_name" content="WonderMarket" />
        <Meta property="og:type" content=og_type />
        <Meta property="og:title" content=move || title.get().to_string() />
        <Meta property="og:description" content=move || description.get().to_string() />
        <Meta property="og:url" content=url />
        <Meta property="og:locale" content=og_locale />
        {image.map(|image| view! { <Meta property="og:image" content=image /> })}
        {noindex.then(|| view! { <Meta name="robots" content="noindex, follow" /> })}
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::title_markup;

    #[test]
    fn a_title_cannot_close_its_element() {
        let attack = r#"</title><meta http-equiv="refresh" content="0;url=https://evil.example/">"#;
        let markup = title_markup(attack);
        assert!(!markup.contains('<'), "{markup}");
        assert!(markup.starts_with("&lt;/title&gt;&lt;meta http-equiv="));
        assert_eq!(
            title_markup("Fish & Chips — WonderMarket"),
            "Fish &amp; Chips — WonderMarket"
        );
    }
}
