use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::components::AccountMenu;
use crate::basket::components::BasketLink;
use crate::i18n::{api::SetLocale, use_i18n, Locale};
use crate::products::{components::CategoryMenu, search_box::SearchBox};

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="topbar">
            <A href="/" attr:class="topbar__logo" attr:aria-label="WonderMarket">
                "Wonder"
                <span>"Market"</span>
            </A>
            <SearchBox />
            <LanguageSwitch />
            <AccountMenu />
            <BasketLink />
        </header>
        <CategoryMenu />
    }
}

/// Offers the other language; a POST so that it also works without
/// JavaScript, and switches in place (no reload) when JavaScript runs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let set_locale = ServerAction::<SetLocale>::new();
    Effect::new(move |_| {
        if let Some(Ok(locale)) = set_locale.value().get() {
            i18n.set(locale);
        }
    });
    let other = move || match i18n.locale() {
        Locale::Fr => Locale::En,
        Locale::En => Locale::Fr,
    };
    view! {
        <ActionForm action=set_locale attr:class="language-switch">
            <input type="hidden" name="locale" value=move || other().code() />
            <button
                type="submit"
                class="topbar__button"
                lang=move || other().code()
                // The accessible name starts with the visible text ("EN").
                aria-label=move || {
                    format!(
                        "{} — {} : {}",
                        other().code().to_uppercase(),
                        i18n.t().language_label,
                        other().native_name()
                    )
                }
            >
                {move || other().code().to_uppercase()}
            </button>
        </ActionForm>
    }
}
