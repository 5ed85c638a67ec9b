use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_query_map};

use super::language::SetLocale;
use crate::auth::components::{use_auth, AccountMenu};
use crate::auth::model::User;
use crate::basket::components::{use_basket, BasketLink};
use crate::i18n::{use_i18n, Locale};
use crate::products::{components::CategoryMenu, search_box::SearchBox};

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    let basket = use_basket();
    let location = use_location();
    // The router's `search` has no leading "?".
    let here = {
        let (path, search) = (location.pathname.get_untracked(), location.search.get_untracked());
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    view! {
        <header class="topbar">
            <A href="/" attr:class="topbar__logo" attr:aria-label="WonderMarket">
                "Wonder"
                <span>"Market"</span>
            </A>
            <SearchBox initial=use_query_map().with_untracked(|q| q.get("q").unwrap_or_default()) />
            <LanguageSwitch />
            <Transition fallback=|| ()>
                {move || {
                    let here = here.clone();
                    Suspend::new(async move {
                        let user = auth.user.await.ok().flatten();
                        let basket_count = basket.basket.await.map(|b| b.item_count()).unwrap_or(0);
                        view! { <PersonalCorner user basket_count here /> }
                    })
                }}
            </Transition>
        </header>
        <CategoryMenu />
    }
}

/// The header's personal corner, the one part of a catalogue page that
/// differs between visitors: the account links and the basket badge. The
/// page cache keeps catalogue pages rendered for a visitor without a
/// session and swaps in the corner of a visitor with one, rendered alone by
/// [`personal_corner_html`] (see `server/src/page_cache.rs`).
#[component]
fn PersonalCorner(user: Option<User>, basket_count: i32, here: String) -> impl IntoView {
    view! {
        <div class="topbar__personal">
            <AccountMenu user here=here.clone() />
            <BasketLink count=basket_count here />
        </div>
    }
}

/// The personal corner of the visitor of `session`, for the page cache to
/// put in a page it keeps; `None` when the page must be rendered for them
/// (a notice waits to be shown, their basket holds one of the products the
/// page follows live (`live_products`: the page says "in your basket"), or
/// their account or basket could not be read: logged where it failed, and
/// the page rendered as usual says so).
/// The one way the server reaches into accounts and baskets for a cached page.
#[cfg(feature = "ssr")]
pub async fn personal_corner_of(
    state: &crate::state::AppState,
    session: tower_sessions::Session,
    locale: Locale,
    here: String,
    live_products: &[i64],
) -> Option<String> {
    if crate::ui::notice::pending(&session).await {
        return None;
    }
    let user = crate::auth::service::session_user(state, &session).await.ok()?;
    let owner = crate::basket::service::BasketOwner::of(user.as_ref(), session);
    let (units, holds_one) = crate::basket::service::corner(state, &owner, live_products)
        .await
        .ok()?;
    // A product the page shows is held in this basket: the page says so.
    if holds_one {
        return None;
    }
    Some(personal_corner_html(locale, user, units, here))
}

/// The personal corner as the page writes it, for a visitor reading the
/// page at `here` (its path and query) in `locale`.
#[cfg(feature = "ssr")]
pub fn personal_corner_html(locale: Locale, user: Option<User>, basket_count: i32, here: String) -> String {
    let owner = Owner::new();
    owner.with(|| {
        crate::i18n::provide_locale(locale);
        view! { <PersonalCorner user basket_count here /> }.to_html()
    })
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
