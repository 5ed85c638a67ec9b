//! /checkout: shipping address, delivery method and card, then the order.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::addresses::api::my_addresses;
use crate::addresses::components::SavedAddressChoice;
use crate::addresses::model::SavedAddress;
use crate::basket::api::load_basket_extras;
use crate::basket::components::{use_basket, HoldNotice, MergeNoticeView};
use crate::basket::model::Basket;
use crate::delivery::components::{CountrySelect, DeliveryOptions};
use crate::delivery::model::DeliveryChoice;
use crate::i18n::use_i18n;
use crate::payment::api::{new_checkout_key, Checkout};
use crate::pricing::Breakdown;
use crate::promotions::components::{code_in_url, DiscountLine};
use crate::promotions::model::AppliedCode;
use crate::ui::forms::{use_form_error, FormAlert, FormField};
use crate::ui::{error::ErrorMessage, seo::Seo, vat::VatTable};

const CHECKOUT_FIELDS: &[&str] = &[
    "ship_name",
    "ship_street",
    "ship_postcode",
    "ship_city",
    "ship_country",
    "card_number",
    "card_expiry",
    "card_cvc",
    "delivery_method",
    "promo_code",
];

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let basket = use_basket();
    let auth = crate::auth::components::use_auth();
    let key = Resource::new(|| (), |_| new_checkout_key());
    let book = Resource::new(|| (), |_| my_addresses());
    let code = code_in_url();
    let extras = Resource::new(
        {
            let code = code.clone();
            move || code.clone()
        },
        load_basket_extras,
    );
    view! {
        <Seo
            title=move || i18n.t().checkout_title.to_owned()
            description=move || i18n.t().checkout_heading.to_owned()
            path="/checkout"
            noindex=true
        />
        <h1>{move || i18n.t().checkout_heading}</h1>
        <MergeNoticeView />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                if matches!(auth.user.await, Ok(None)) {
                    return view! { <Redirect path="/login?return_to=%2Fcheckout" /> }.into_any();
                }
                match (basket.basket.await, key.await, extras.await) {
                    (Ok(basket), Ok(key), Ok(extras)) if !basket.lines.is_empty() => {
                        let hold = basket.first_hold().cloned();
                        let choice = extras.choice;
                        let applied = extras.code.and_then(Result::ok);
                        // A book that cannot be read leaves the typed fields.
                        let addresses = book.await.unwrap_or_default();
                        view! {
                            {hold.map(|hold| view! { <HoldNotice hold /> })}
                            <CheckoutForm basket key choice code=code applied addresses />
                        }
                        .into_any()
                    }
                    (Ok(_), Ok(_), Ok(_)) => view! { <Redirect path="/basket" /> }.into_any(),
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                        view! { <ErrorMessage error /> }.into_any()
                    }
                }
            })
            }}
        </Transition>
    }
}

#[component]
fn CheckoutForm(
    basket: Basket,
    key: String,
    choice: DeliveryChoice,
    code: Option<String>,
    applied: Option<AppliedCode>,
    addresses: Vec<SavedAddress>,
) -> impl IntoView {
    let i18n = use_i18n();
    let checkout = ServerAction::<Checkout>::new();
    let error = use_form_error(checkout);
    // The totals shown are those with the method picked first; the order
    // page states those of the method paid for.
    let picked = choice.preselected().cloned();
    let goods = basket
        .lines
        .iter()
        .map(|line| (line.vat_rate, line.line_total_cents()));
    let delivery_cents = picked.as_ref().map_or(0, |quote| quote.cost_cents);
    let breakdown = match &applied {
        Some(applied) => Breakdown::of(applied.discount.goods_after(goods), delivery_cents),
        None => Breakdown::of(goods, delivery_cents),
    };
    let totals_with = picked.map(|quote| (quote.name_fr, quote.name_en));
    // With saved addresses, the typed fields are for "another address".
    let typed_required = addresses.is_empty();
    view! {
        <ActionForm action=checkout attr:class="form checkout" attr:novalidate="">
            <input type="hidden" name="idempotency_key" value=key />
            <section class="panel">
                <h2>{move || i18n.t().shipping_heading}</h2>
                <SavedAddressChoice addresses />
                <FormField
                    label=move || i18n.t().ship_name_label
                    name="ship_name"
                    autocomplete="name"
                    required=typed_required
                    error
                />
                <FormField
                    label=move || i18n.t().ship_street_label
                    name="ship_street"
                    autocomplete="address-line1"
                    required=typed_required
                    error
                />
                <FormField
                    label=move || i18n.t().ship_postcode_label
                    name="ship_postcode"
                    autocomplete="postal-code"
                    required=typed_required
                    error
                />
                <FormField
                    label=move || i18n.t().ship_city_label
                    name="ship_city"
                    autocomplete="address-level2"
                    required=typed_required
                    error
                />
                <CountrySelect choice=choice.clone() error />
                <label class="confirm">
                    <input type="checkbox" name="save_address" value="on" />
                    " "
                    {move || i18n.t().save_address_label}
                </label>
            </section>
            <DeliveryOptions choice error />
            <section class="panel">
                <h2>{move || i18n.t().payment_heading}</h2>
                <p class="field__hint">{move || i18n.t().test_cards_hint}</p>
                <FormField
                    label=move || i18n.t().card_number_label
                    name="card_number"
                    autocomplete="cc-number"
                    error
                />
                <FormField
                    label=move || i18n.t().card_expiry_label
                    name="card_expiry"
                    autocomplete="cc-exp"
                    error
                />
                <FormField label=move || i18n.t().card_cvc_label name="card_cvc" autocomplete="cc-csc" error />
                <FormField
                    label=move || i18n.t().promo_label
                    name="promo_code"
                    value=code.unwrap_or_default()
                    required=false
                    error
                />
                {applied.map(|applied| view! { <DiscountLine applied /> })}
                <FormAlert error fields=CHECKOUT_FIELDS />
                {totals_with.map(|(fr, en)| view! {
                    <p class="field__hint" data-testid="totals-with">
                        {move || (i18n.t().delivery_totals_with)(i18n.locale().pick(&fr, &en))}
                    </p>
                })}
                <VatTable breakdown />
                <button type="submit" class="button">
                    {move || i18n.t().pay_button}
                </button>
            </section>
        </ActionForm>
    }
}
