use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A price in the shopper's locale (499,99 € or €499.99).
#[component]
pub fn Price(cents: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="price">{move || i18n.price(cents)}</span> }
}

/// A delivery cost: its price, or "free" when it costs nothing.
#[component]
pub fn DeliveryCost(cents: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="price">
            {move || if cents == 0 { i18n.t().delivery_free.to_owned() } else { i18n.price(cents) }}
        </span>
    }
}
