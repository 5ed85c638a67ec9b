//! /basket: the lines, what changed since they were added, the subtotal,
//! its VAT and the cheapest delivery.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{load_basket_extras, ClearBasket, RemoveFromBasket, SetQuantity};
use super::components::{use_basket, HoldNotice, MergeNoticeView};
use super::model::{Basket, BasketLine};
use crate::delivery::components::DeliveryEstimate;
use crate::delivery::model::DeliveryChoice;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::pricing::Breakdown;
use crate::promotions::components::{code_in_url, DiscountLine, PromoCodeForm};
use crate::promotions::model::AppliedCode;
use crate::ui::forms::{use_url_error, FormAlert};
use crate::ui::{error::ErrorMessage, price::Price, seo::Seo, vat::VatTable};

#[component]
pub fn BasketPage() -> impl IntoView {
    let i18n = use_i18n();
    let basket = use_basket();
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
            title=move || i18n.t().basket_title.to_owned()
            description=move || i18n.t().basket_heading.to_owned()
            path="/basket"
            noindex=true
        />
        <h1>{move || i18n.t().basket_heading}</h1>
        <MergeNoticeView />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                match basket.basket.await {
                    Ok(basket) if basket.lines.is_empty() => view! { <EmptyBasket /> }.into_any(),
                    Ok(basket) => {
                        // The estimate and the code are a help, not the basket:
                        // without them the basket still shows.
                        let (choice, outcome) = match extras.await {
                            Ok(extras) => (Some(extras.choice), extras.code),
                            Err(_) => (None, None),
                        };
                        view! { <BasketView basket choice code=code outcome /> }.into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })
            }}
        </Transition>
    }
}

#[component]
fn EmptyBasket() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty-state">
            <p>{move || i18n.t().basket_empty}</p>
            <A href="/" attr:class="button">
                {move || i18n.t().continue_shopping}
            </A>
        </div>
    }
}

#[component]
fn BasketView(
    basket: Basket,
    choice: Option<DeliveryChoice>,
    code: Option<String>,
    outcome: Option<Result<AppliedCode, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let clear = ServerAction::<ClearBasket>::new();
    let subtotal = basket.subtotal_cents();
    let applied = outcome.clone().and_then(Result::ok);
    let breakdown = match &applied {
        Some(applied) => Breakdown::of(
            applied.discount.goods_after(
                basket
                    .lines
                    .iter()
                    .map(|line| (line.vat_rate, line.line_total_cents())),
            ),
            0,
        ),
        None => basket.breakdown(),
    };
    let checkout_href = applied.as_ref().map_or_else(
        || "/checkout".to_owned(),
        |applied| format!("/checkout?code={}", applied.code),
    );
    // The error of a line's form comes back in the URL, shown once here.
    let set_error = use_url_error::<SetQuantity>();
    let remove_error = use_url_error::<RemoveFromBasket>();
    view! {
        <FormAlert error=Signal::derive(move || set_error.get().or_else(|| remove_error.get())) fields=&[] />
        <div class="basket">
            <ul class="basket__lines">
                {basket.lines.into_iter().map(|line| view! { <BasketLineView line /> }).collect_view()}
            </ul>
            <aside class="panel basket__summary">
                <p class="basket__subtotal">
                    {move || i18n.t().subtotal} " : "
                    <strong data-testid="basket-subtotal">
                        <Price cents=subtotal />
                    </strong>
                </p>
                {applied.map(|applied| view! { <DiscountLine applied /> })}
                {choice.map(|choice| view! { <DeliveryEstimate choice /> })}
                <VatTable breakdown />
                <PromoCodeForm code outcome />
                <A href=checkout_href attr:class="button">
                    {move || i18n.t().checkout_link}
                </A>
                <ActionForm action=clear attr:class="inline-form">
                    <button type="submit" class="button button--secondary">
                        {move || i18n.t().clear_basket}
                    </button>
                </ActionForm>
            </aside>
        </div>
    }
}

#[component]
fn BasketLineView(line: BasketLine) -> impl IntoView {
    let i18n = use_i18n();
    let (price_changed, exceeds_stock) = (line.price_changed(), line.exceeds_stock());
    let total = line.line_total_cents();
    let limit = line.limit();
    let name = i18n.locale().pick(&line.name, &line.name_en).to_owned();
    let link_text = name.clone();
    view! {
        <li class="basket__line" data-testid="basket-line">
            <img src=line.image_path.clone() alt="" width="96" height="96" />
            <div class="basket__details">
                <A href=format!("/p/{}", line.slug)>{link_text}</A>
                <p>
                    <Price cents=line.unit_price_cents />
                    " × "
                    <span data-testid="basket-quantity">{line.quantity}</span>
                    " = "
                    <strong>
                        <Price cents=total />
                    </strong>
                </p>
                {price_changed.then(|| view! { <p class="stock stock--low">{move || i18n.t().price_changed}</p> })}
                {exceeds_stock.then(|| view! { <p class="stock stock--low">{move || i18n.t().exceeds_stock}</p> })}
                {line.paying_order.map(|order| view! {
                    <p class="hold" data-testid="basket-paying">{move || (i18n.t().line_paying)(order)}</p>
                })}
                {line.at_customer_limit().map(|customer| view! {
                    <p class="product__limit" data-testid="basket-customer-limit">
                        {move || (i18n.t().customer_limit_reached)(customer.limit, customer.bought)}
                    </p>
                })}
                {line.hold.clone().map(|hold| view! { <HoldNotice hold /> })}
                <LineControls product_id=line.product_id name quantity=line.quantity limit />
            </div>
        </li>
    }
}

/// Quantity field with "Update", and "Remove": two small forms per line.
#[component]
fn LineControls(product_id: i64, name: String, quantity: i32, limit: i32) -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetQuantity>::new();
    let remove = ServerAction::<RemoveFromBasket>::new();
    let field_id = format!("quantity-{product_id}");
    let remove_label = format!("{} — {}", i18n.t().remove_line, name);
    view! {
        <div class="basket__controls">
            <ActionForm action=set attr:class="inline-form">
                <input type="hidden" name="product_id" value=product_id />
                <label for=field_id.clone()>{move || i18n.t().quantity}</label>
                <input
                    id=field_id
                    type="number"
                    name="quantity"
                    min="1"
                    max=limit.max(1).to_string()
                    value=quantity.to_string()
                    required
                    class="basket__quantity"
                />
                <button type="submit" class="button button--secondary button--small">
                    {move || i18n.t().update_quantity}
                </button>
            </ActionForm>
            <ActionForm action=remove attr:class="inline-form">
                <input type="hidden" name="product_id" value=product_id />
                <button
                    type="submit"
                    class="button button--link"
                    aria-label=remove_label
                >
                    {move || i18n.t().remove_line}
                </button>
            </ActionForm>
        </div>
    }
}
