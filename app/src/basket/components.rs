//! The basket on every page: its context, the header badge and the
//! add-to-basket form.

use leptos::prelude::*;

use super::api::{get_basket, take_merge_notice, AddToBasket};
use super::model::{Basket, Hold};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::forms::{use_url_error, FormAlert};

/// The shopper's basket, loaded once per page the server renders.
#[derive(Clone, Copy)]
pub struct BasketState {
    pub basket: Resource<Result<Basket, AppError>>,
}

pub fn provide_basket() {
    let basket = Resource::new(|| (), |_| get_basket());
    provide_context(BasketState { basket });
}

pub fn use_basket() -> BasketState {
    expect_context::<BasketState>()
}

/// "Basket (n)" in the header, for a basket of `count` units; `here` is
/// the page's path and query.
#[component]
pub fn BasketLink(count: i32, here: String) -> impl IntoView {
    let t = use_i18n().t();
    view! {
        <a
            href="/basket"
            class="topbar__link basket-link"
            aria-current=crate::ui::url::is_current(&here, "/basket").then_some("page")
        >
            {t.basket_link}
            <span class="badge" data-testid="basket-count">
                {count}
            </span>
        </a>
    }
}

/// Quantity and "Add to basket" on a product page. What the add did comes
/// back as the next page's notice (`ui::notice`).
#[component]
pub fn AddToBasketForm(product_id: i64, max_quantity: i32, available: bool) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddToBasket>::new();
    view! {
        <ActionForm action=add attr:class="product__form">
            <input type="hidden" name="product_id" value=product_id />
            <label for="quantity">{move || i18n.t().quantity}</label>
            <select id="quantity" name="quantity" disabled=!available>
                {(1..=max_quantity).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
            </select>
            <button type="submit" class="button" disabled=!available>
                {move || i18n.t().add_to_basket}
            </button>
        </ActionForm>
    }
}

/// The small "Add" button of a product card: one unit.
#[component]
pub fn AddToBasketButton(product_id: i64, name: String, available: bool) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddToBasket>::new();
    let label = move || format!("{} — {}", i18n.t().add_to_basket, name);
    view! {
        <ActionForm action=add attr:class="card__add">
            <input type="hidden" name="product_id" value=product_id />
            <input type="hidden" name="quantity" value="1" />
            <button type="submit" class="button button--small" disabled=!available aria-label=label>
                {move || i18n.t().add_short}
            </button>
        </ActionForm>
    }
}

/// What merging the guest basket at login changed, shown once.
#[component]
pub fn MergeNoticeView() -> impl IntoView {
    let i18n = use_i18n();
    let notice = Resource::new(|| (), |_| take_merge_notice());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                notice
                    .await
                    .ok()
                    .flatten()
                    .map(|notice| {
                        let added = notice.added;
                        view! {
                            <div class="alert alert--info" role="status" data-testid="merge-notice">
                                <p>{move || (i18n.t().merge_added)(added)}</p>
                                <ul>
                                    {notice
                                        .changes
                                        .into_iter()
                                        .map(|change| {
                                            view! {
                                                <li>
                                                    {move || (i18n.t().merge_change)(&change.name, change.wanted, change.kept)}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    })
            })}
        </Suspense>
    }
}

/// Without JavaScript, the error of an add-to-basket form (there may be
/// one per product card) comes back in the URL: shown once, here.
#[component]
pub fn AddToBasketError() -> impl IntoView {
    let error = use_url_error::<AddToBasket>();
    view! { <FormAlert error fields=&[] /> }
}

/// "Held for you until 20:14", rendered on the server, with a countdown
/// beside it once the island's code runs.
#[component]
pub fn HoldNotice(hold: Hold) -> impl IntoView {
    let i18n = use_i18n();
    let clock = hold.clock;
    view! {
        <p class="hold" data-testid="basket-hold">
            {move || (i18n.t().held_until)(&clock)}
            <HoldCountdown until_ms=hold.until_ms />
        </p>
    }
}

/// The seconds left on a hold, updated every second in the browser (the
/// server renders nothing: it cannot tick).
#[island]
fn HoldCountdown(until_ms: i64) -> impl IntoView {
    let i18n = use_i18n();
    let seconds_left = RwSignal::new(None::<i64>);
    let timer = NodeRef::<leptos::html::Span>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let interval = StoredValue::new(None::<IntervalHandle>);
        let tick = move || {
            // A page swapped in place drops this island's element without
            // disposing of the island: stop ticking then.
            if timer.get_untracked().is_some_and(|span| !span.is_connected()) {
                if let Some(handle) = interval.get_value() {
                    handle.clear();
                }
                return;
            }
            let left = ((until_ms as f64 - js_sys::Date::now()) / 1000.0).ceil() as i64;
            seconds_left.set(Some(left.max(0)));
        };
        tick();
        interval.set_value(set_interval_with_handle(tick, std::time::Duration::from_secs(1)).ok());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = until_ms;
    view! {
        <span class="hold__timer" node_ref=timer>
            {move || {
                seconds_left.get().map(|left| {
                    view! {
                        " "
                        <span class="hold__left" data-testid="hold-countdown" aria-live="off">
                            {if left > 0 { (i18n.t().hold_left)(left) } else { i18n.t().hold_expired.to_owned() }}
                        </span>
                    }
                })
            }}
        </span>
    }
}
