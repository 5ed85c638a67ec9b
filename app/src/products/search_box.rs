//! The header's search box: a plain GET form to /search, and an island: once
//! its code runs, an accessible combobox suggesting products as the shopper
//! types (debounced, arrows / Enter / Escape).

use std::time::Duration;

use leptos::prelude::*;

use super::api::suggest_products;
use super::model::Suggestion;
use crate::i18n::use_i18n;

const DEBOUNCE: Duration = Duration::from_millis(180);
const MIN_CHARS: usize = 2;
const LISTBOX_ID: &str = "search-suggestions";

/// `initial` is the search of the page (`?q=`). Every page the server
/// renders, after a swap in place too, brings a new box with its own.
#[island]
pub fn SearchBox(initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(initial.clone());

    let debounced = RwSignal::new(String::new());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);

    let suggestions = LocalResource::new(move || {
        let prefix = debounced.get();
        async move {
            if prefix.trim().chars().count() < MIN_CHARS {
                return Vec::new();
            }
            suggest_products(prefix).await.unwrap_or_default()
        }
    });
    let items = move || suggestions.get().unwrap_or_default();
    let expanded = move || open.get() && !items().is_empty();

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        open.set(true);
        active.set(None);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || debounced.set(value), DEBOUNCE).ok();
        pending.set_value(handle);
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = items().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            "Enter" => {
                let chosen: Option<Suggestion> = active.get().and_then(|i| items().get(i).cloned());
                if let (true, Some(suggestion)) = (expanded(), chosen) {
                    ev.prevent_default();
                    open.set(false);
                    open_suggestion(&suggestion);
                }
            }
            _ => {}
        }
    };

    view! {
        <form method="get" action="/search" class="search" role="search">
            <label class="visually-hidden" for="search-input">
                {move || i18n.t().search_label}
            </label>
            <div class="search__field">
                <input
                    id="search-input"
                    class="search__input"
                    // A combobox is a text input in ARIA in HTML (not type=search);
                    // the phone keyboard still offers "search".
                    type="text"
                    inputmode="search"
                    enterkeyhint="search"
                    name="q"
                    maxlength="100"
                    autocomplete="off"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls=LISTBOX_ID
                    aria-expanded=move || expanded().to_string()
                    aria-activedescendant=move || active.get().map(|i| format!("suggestion-{i}"))
                    placeholder=move || i18n.t().search_placeholder
                    value=initial
                    prop:value=move || text.get()
                    on:input=on_input
                    on:keydown=on_keydown
                    on:blur=move |_| {
                        // Let a click on a suggestion land before closing.
                        set_timeout(move || open.set(false), Duration::from_millis(150));
                    }
                />
                <ul
                    id=LISTBOX_ID
                    class="search__suggestions"
                    role="listbox"
                    aria-label=move || i18n.t().suggestions_label
                    hidden=move || !expanded()
                >
                    {move || {
                        items()
                            .into_iter()
                            .enumerate()
                            .map(|(i, suggestion)| {
                                let href = format!("/p/{}", suggestion.slug);
                                view! {
                                    <li
                                        id=format!("suggestion-{i}")
                                        role="option"
                                        class="search__suggestion"
                                        aria-selected=move || (active.get() == Some(i)).to_string()
                                    >
                                        <a href=href data-slug=suggestion.slug tabindex="-1" on:click=move |_| open.set(false)>
                                            {suggestion.name}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <button type="submit" class="search__button">
                {move || i18n.t().search_button}
            </button>
        </form>
    }
}

/// Follows the suggestion's own link, so that the page's navigation (a swap
/// in place) handles it like a click.
fn open_suggestion(suggestion: &Suggestion) {
    use wasm_bindgen::JsCast;
    let link = document()
        .query_selector(&format!("#{LISTBOX_ID} a[data-slug=\"{}\"]", suggestion.slug))
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(link) = link {
        link.click();
    }
}
