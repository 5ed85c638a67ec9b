use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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
            <SearchBox initial=use_query_map().with_untracked(|q| q.get("q").unwrap_or_default()) />
            <LanguageSwitch />
            <AccountMenu />
            <BasketLink />
        </header>
        <CategoryMenu />
    }
}

/// Offers the other language: a form post, after which the server renders
/// the page again in that language (swapped in place with JavaScript).
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let set_locale = ServerAction::<SetLocale>::new();
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
