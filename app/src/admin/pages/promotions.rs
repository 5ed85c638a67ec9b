//! /admin/promotions: the promo codes with their uses, a new code, and a
//! button to withdraw one (or offer it again).

use leptos::prelude::*;

use super::AdminGate;
use crate::i18n::{shop_date_time, use_i18n};
use crate::promotions::api::{admin_promo_codes, CreatePromoCode, SetPromoCodeActive};
use crate::promotions::model::{AdminPromoCode, PromoKind};
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert, FormField};
use crate::ui::price::Price;

const CODE_FIELDS: &[&str] = &[
    "code",
    "kind",
    "value",
    "min_basket",
    "starts_at",
    "ends_at",
    "max_uses",
    "max_per_customer",
    "categories",
    "products",
];

#[component]
pub fn AdminPromotionsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_promotions.to_owned()>
            <PromoCodes />
        </AdminGate>
    }
}

#[component]
fn PromoCodes() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreatePromoCode>::new();
    let set_active = ServerAction::<SetPromoCodeActive>::new();
    let create_error = use_form_error(create);
    let active_error = use_form_error(set_active);
    let codes = Resource::new(
        move || (create.version().get(), set_active.version().get()),
        |_| admin_promo_codes(),
    );
    view! {
        <h1>{move || i18n.t().admin_promotions}</h1>
        <FormAlert error=active_error fields=&[] />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match codes.await {
                    Ok(codes) if codes.is_empty() => {
                        view! { <p class="empty-state">{move || i18n.t().admin_no_promo}</p> }.into_any()
                    }
                    Ok(codes) => view! {
                        <table class="table" data-testid="promo-codes">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t().promo_label}</th>
                                    <th scope="col">{move || i18n.t().admin_promo_gives}</th>
                                    <th scope="col">{move || i18n.t().admin_promo_uses}</th>
                                    <th scope="col">{move || i18n.t().admin_promo_window}</th>
                                    <th scope="col">
                                        <span class="visually-hidden">{move || i18n.t().admin_promo_withdraw}</span>
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {codes.into_iter().map(|code| view! { <CodeRow code set_active /> }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=create attr:class="form panel" attr:novalidate="">
            <h2>{move || i18n.t().admin_promo_new}</h2>
            <FormField label=move || i18n.t().admin_promo_code name="code" error=create_error />
            <div class="field">
                <label for="field-kind">{move || i18n.t().admin_promo_kind}</label>
                <select id="field-kind" name="kind">
                    <option value="percent">{move || i18n.t().admin_promo_percent}</option>
                    <option value="amount">{move || i18n.t().admin_promo_amount}</option>
                    <option value="free_delivery">{move || i18n.t().promo_free_delivery}</option>
                </select>
            </div>
            <FormField label=move || i18n.t().admin_promo_value name="value" required=false error=create_error />
            <FormField label=move || i18n.t().admin_promo_min_basket name="min_basket" required=false error=create_error />
            <FormField
                label=move || i18n.t().admin_promo_starts
                name="starts_at"
                kind="datetime-local"
                required=false
                error=create_error
            />
            <FormField
                label=move || i18n.t().admin_promo_ends
                name="ends_at"
                kind="datetime-local"
                required=false
                error=create_error
            />
            <FormField
                label=move || i18n.t().admin_promo_max_uses
                name="max_uses"
                kind="number"
                required=false
                error=create_error
            />
            <FormField
                label=move || i18n.t().admin_promo_max_per_customer
                name="max_per_customer"
                kind="number"
                required=false
                error=create_error
            />
            <FormField
                label=move || i18n.t().admin_promo_categories
                name="categories"
                required=false
                error=create_error
            />
            <FormField label=move || i18n.t().admin_promo_products name="products" required=false error=create_error />
            <label class="confirm" for="field-includes_drops">
                <input type="checkbox" id="field-includes_drops" name="includes_drops" value="yes" />
                {move || i18n.t().admin_promo_includes_drops}
            </label>
            <FormAlert error=create_error fields=CODE_FIELDS />
            <button type="submit" class="button">{move || i18n.t().admin_create}</button>
        </ActionForm>
    }
}

#[component]
fn CodeRow(code: AdminPromoCode, set_active: ServerAction<SetPromoCodeActive>) -> impl IntoView {
    let i18n = use_i18n();
    let promo = code.code;
    let id = promo.id;
    let gives = match promo.kind {
        PromoKind::Percent(percent) => view! { {format!("−{percent}\u{a0}%")} }.into_any(),
        PromoKind::Amount(cents) => view! { "−" <Price cents /> }.into_any(),
        PromoKind::FreeDelivery => view! { {move || i18n.t().promo_free_delivery} }.into_any(),
    };
    let limits: Vec<String> = code.categories.into_iter().chain(code.products).collect();
    let uses = match code.left {
        Some(left) => format!("{} / {}", code.used, code.used + left),
        None => code.used.to_string(),
    };
    let time = |ms: Option<i64>| {
        ms.and_then(chrono::DateTime::from_timestamp_millis)
            .map(shop_date_time)
            .unwrap_or_else(|| "…".to_owned())
    };
    let window = format!("{} → {}", time(promo.starts_ms), time(promo.ends_ms));
    let active = promo.active;
    view! {
        <tr data-testid="promo-code-row">
            <td>
                <strong>{promo.code}</strong>
                {(!active).then(|| view! { " " <span class="muted">{move || i18n.t().admin_withdrawn}</span> })}
            </td>
            <td>
                {gives}
                {(!limits.is_empty()).then(|| view! { <br /> <span class="muted">{limits.join(", ")}</span> })}
            </td>
            <td data-testid="promo-uses">{uses}</td>
            <td>{window}</td>
            <td>
                <ActionForm action=set_active attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    {(!active).then(|| view! { <input type="hidden" name="active" value="yes" /> })}
                    <button type="submit" class="button button--secondary button--small">
                        {move || if active { i18n.t().admin_promo_withdraw } else { i18n.t().admin_promo_offer }}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
