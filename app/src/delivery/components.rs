//! Delivery on the shopper's pages: the country list and the methods to
//! pick from at checkout (plain radio buttons, no script needed), and the
//! basket's estimate.

use leptos::prelude::*;

use super::model::{Country, DeliveryChoice, DeliveryQuote};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::price::DeliveryCost;

/// The field's refusal from the last submission, in the shopper's words.
fn field_message(error: Signal<Option<AppError>>, name: &'static str) -> impl Fn() -> Option<String> {
    let i18n = use_i18n();
    move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.rule_of(name))
                .map(|rule| i18n.t().rule(rule))
        })
    }
}

/// The address's country: those some method delivers to.
#[component]
pub fn CountrySelect(choice: DeliveryChoice, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let message = field_message(error, "ship_country");
    let countries = if choice.countries.is_empty() {
        vec![choice.country]
    } else {
        choice.countries.clone()
    };
    view! {
        <div class="field">
            <label for="field-ship_country">{move || i18n.t().ship_country_label}</label>
            <select
                id="field-ship_country"
                name="ship_country"
                autocomplete="country"
                aria-describedby="field-ship_country-error"
            >
                {countries
                    .into_iter()
                    .map(|country| {
                        view! {
                            <option value=country.code() selected=country == choice.country>
                                {country.name(i18n.locale())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="field__error" id="field-ship_country-error" role="alert">
                {message}
            </p>
        </div>
    }
}

/// The methods that can carry the basket, one radio button each, the
/// cheapest to the shopper's country picked.
#[component]
pub fn DeliveryOptions(choice: DeliveryChoice, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let message = field_message(error, "delivery_method");
    let picked = choice.preselected().map(|quote| quote.method_id);
    let empty = choice.quotes.is_empty();
    view! {
        <fieldset class="panel delivery" data-testid="delivery-options" aria-describedby="delivery_method-error">
            <legend>{move || i18n.t().delivery_heading}</legend>
            {empty.then(|| view! { <p class="alert alert--error" role="alert">{move || i18n.t().delivery_none}</p> })}
            {choice
                .quotes
                .into_iter()
                .map(|quote| view! { <DeliveryOption checked=picked == Some(quote.method_id) quote /> })
                .collect_view()}
            <p class="field__error" id="delivery_method-error" role="alert">
                {message}
            </p>
        </fieldset>
    }
}

#[component]
fn DeliveryOption(quote: DeliveryQuote, checked: bool) -> impl IntoView {
    let i18n = use_i18n();
    // A page's locale is fixed (see `I18n`): its words are written once.
    let locale = i18n.locale();
    let id = format!("delivery-{}", quote.method_id);
    let name = quote.name(locale).to_owned();
    let mut detail = (i18n.t().delivery_days)(quote.days_min, quote.days_max);
    if let Some(cents) = quote.free_from_cents.filter(|_| quote.cost_cents > 0) {
        detail.push_str(&format!(
            " · {}",
            (i18n.t().delivery_free_from)(&i18n.price(cents))
        ));
    }
    detail.push_str(&format!(
        " · {} {}",
        i18n.t().delivery_serves,
        country_names(&quote.countries, locale)
    ));
    view! {
        <div class="delivery__option">
            <input type="radio" id=id.clone() name="delivery_method" value=quote.method_id checked=checked required />
            <label for=id>
                <span class="delivery__name">{name}</span>
                " — "
                <DeliveryCost cents=quote.cost_cents />
                <span class="delivery__detail">{detail}</span>
            </label>
        </div>
    }
}

fn country_names(countries: &[Country], locale: crate::i18n::Locale) -> String {
    countries
        .iter()
        .map(|country| country.name(locale))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The basket's line about delivery: the cheapest way to the shopper's
/// country, or that none can carry it.
#[component]
pub fn DeliveryEstimate(choice: DeliveryChoice) -> impl IntoView {
    let i18n = use_i18n();
    let country = choice.country;
    let cheapest = choice.preselected().cloned();
    view! {
        <p class="delivery-estimate" data-testid="delivery-estimate">
            {match cheapest {
                Some(quote) => {
                    let locale = i18n.locale();
                    let before = (i18n.t().delivery_estimate)(country.name(locale));
                    let after = format!(
                        " — {}, {}",
                        quote.name(locale),
                        (i18n.t().delivery_days)(quote.days_min, quote.days_max)
                    );
                    view! {
                        {before}
                        " "
                        <DeliveryCost cents=quote.cost_cents />
                        {after}
                    }
                    .into_any()
                }
                None => view! { {move || i18n.t().delivery_none} }.into_any(),
            }}
        </p>
    }
}
