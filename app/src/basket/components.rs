//! The basket on every page: its context, the header badge and the
//! add-to-basket form.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{get_basket, take_merge_notice, AddToBasket};
use super::model::{Basket, Hold};
use crate::auth::components::use_auth;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::forms::{use_action_error, use_url_error, FormAlert};

/// The shopper's basket, reloaded after a login or a basket change.
#[derive(Clone, Copy)]
pub struct BasketState {
    pub basket: Resource<Result<Basket, AppError>>,
    version: RwSignal<u32>,
}

impl BasketState {
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    pub fn version(&self) -> u32 {
        self.version.get()
    }
}

pub fn provide_basket() {
    let auth = use_auth();
    let version = RwSignal::new(0_u32);
    let basket = Resource::new(move || (auth.version(), version.get()), |_| get_basket());
    provide_context(BasketState { basket, version });
}

pub fn use_basket() -> BasketState {
    expect_context::<BasketState>()
}

/// Refreshes the basket whenever `action` succeeds.
pub fn refresh_basket_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let basket = use_basket();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            basket.refresh();
        }
    });
}

/// "Basket (n)" in the header.
#[component]
pub fn BasketLink() -> impl IntoView {
    let i18n = use_i18n();
    let basket = use_basket();
    view! {
        <A href="/basket" attr:class="topbar__link basket-link">
            {move || i18n.t().basket_link}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let count = basket.basket.await.map(|b| b.item_count()).unwrap_or(0);
                    view! {
                        <span class="badge" data-testid="basket-count">
                            {count}
                        </span>
                    }
                })}
            </Transition>
        </A>
    }
}

/// Quantity and "Add to basket" on a product page.
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
            <button type="submit" class="button" disabled=move || !available || add.pending().get()>
                {move || i18n.t().add_to_basket}
            </button>
            <AddFeedback add />
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
            <button
                type="submit"
                class="button button--small"
                disabled=move || !available || add.pending().get()
                aria-label=label
            >
                {move || i18n.t().add_short}
            </button>
            <AddFeedback add />
        </ActionForm>
    }
}

/// What an add did: added, capped (with what is in the basket now), or why not.
#[component]
fn AddFeedback(add: ServerAction<AddToBasket>) -> impl IntoView {
    let i18n = use_i18n();
    refresh_basket_on_success(add);
    let error = use_action_error(add);
    let added = move || add.value().get().and_then(Result::ok);
    view! {
        <p class="toast" role="status" hidden=move || added().is_none()>
            {move || {
                added()
                    .map(|outcome| {
                        if outcome.added == outcome.requested {
                            i18n.t().added_to_basket.to_owned()
                        } else {
                            (i18n.t().in_basket)(outcome.in_basket)
                        }
                    })
            }}
        </p>
        <FormAlert error=error fields=&[] />
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

/// "Held for you until 20:14", rendered on the server, and when JavaScript
/// runs a countdown beside it, updated every second.
#[component]
pub fn HoldNotice(hold: Hold) -> impl IntoView {
    let i18n = use_i18n();
    let seconds_left = RwSignal::new(None::<i64>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let until_ms = hold.until_ms;
        let tick = move || {
            let left = ((until_ms as f64 - js_sys::Date::now()) / 1000.0).ceil() as i64;
            seconds_left.set(Some(left.max(0)));
        };
        tick();
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let clock = hold.clock;
    view! {
        <p class="hold" data-testid="basket-hold">
            {move || (i18n.t().held_until)(&clock)}
            {move || seconds_left.get().map(|left| view! {
                " " <span class="hold__left" data-testid="hold-countdown" aria-live="off">
                    {if left > 0 { (i18n.t().hold_left)(left) } else { i18n.t().hold_expired.to_owned() }}
                </span>
            })}
        </p>
    }
}
