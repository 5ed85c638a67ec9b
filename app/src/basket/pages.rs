//! /basket: the lines, what changed since they were added, the subtotal.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::ClearBasket;
use super::components::{refresh_basket_on_success, use_basket};
use super::model::{Basket, BasketLine};
use crate::i18n::use_i18n;
use crate::ui::{error::ErrorMessage, price::Price, seo::Seo};

#[component]
pub fn BasketPage() -> impl IntoView {
    let i18n = use_i18n();
    let basket = use_basket();
    view! {
        <Seo
            title=move || i18n.t().basket_title.to_owned()
            description=move || i18n.t().basket_heading.to_owned()
            path="/basket"
            noindex=true
        />
        <h1>{move || i18n.t().basket_heading}</h1>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match basket.basket.await {
                    Ok(basket) if basket.lines.is_empty() => view! { <EmptyBasket /> }.into_any(),
                    Ok(basket) => view! { <BasketView basket /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
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
fn BasketView(basket: Basket) -> impl IntoView {
    let i18n = use_i18n();
    let clear = ServerAction::<ClearBasket>::new();
    refresh_basket_on_success(clear);
    let subtotal = basket.subtotal_cents();
    view! {
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
                <A href="/checkout" attr:class="button">
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
    view! {
        <li class="basket__line" data-testid="basket-line">
            <img src=line.image_path.clone() alt=line.name.clone() width="96" height="96" />
            <div>
                <A href=format!("/p/{}", line.slug)>{line.name.clone()}</A>
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
            </div>
        </li>
    }
}
