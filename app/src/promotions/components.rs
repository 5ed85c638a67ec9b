//! Promo codes on the shopper's pages: the basket's "apply" form (a GET
//! form: trying a code changes nothing) and the discount's line.

use leptos::prelude::*;

use super::model::AppliedCode;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::price::Price;

/// The code in the page's URL (`?code=`), if one was typed.
pub fn code_in_url() -> Option<String> {
    let query = leptos_router::hooks::use_query_map();
    query
        .with_untracked(|q| q.get("code"))
        .map(|code| code.trim().to_owned())
        .filter(|code| !code.is_empty())
}

/// The basket's form to try a code, with what it gives or why not.
#[component]
pub fn PromoCodeForm(code: Option<String>, outcome: Option<Result<AppliedCode, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let refusal = outcome
        .as_ref()
        .and_then(|outcome| outcome.as_ref().err())
        .map(|error| {
            error
                .rule_of("promo_code")
                .map_or_else(|| i18n.t().error(error), |rule| i18n.t().rule(rule))
        });
    let invalid = refusal.is_some().to_string();
    view! {
        <form method="get" action="/basket" class="inline-form promo-form" data-testid="promo-form">
            <label for="promo-code">{move || i18n.t().promo_label}</label>
            <input
                id="promo-code"
                name="code"
                value=code.unwrap_or_default()
                maxlength="32"
                autocomplete="off"
                aria-invalid=invalid
                aria-describedby="promo-code-error"
            />
            <button type="submit" class="button button--secondary button--small">{move || i18n.t().promo_apply}</button>
            <p class="field__error" id="promo-code-error" role="alert" data-testid="promo-refusal">{refusal}</p>
        </form>
    }
}

/// "Code NOEL −5,00 €", or "livraison offerte" for a free-delivery code.
#[component]
pub fn DiscountLine(applied: AppliedCode) -> impl IntoView {
    let i18n = use_i18n();
    let cents = applied.discount.goods_cents;
    view! {
        <p class="discount" data-testid="discount">
            {move || i18n.t().promo_label} " " <strong>{applied.code}</strong> " : "
            {if applied.discount.free_delivery {
                view! { {move || i18n.t().promo_free_delivery} }.into_any()
            } else {
                view! { "−" <Price cents /> }.into_any()
            }}
        </p>
    }
}
