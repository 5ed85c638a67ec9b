//! Pieces of product listings: cards, stock badges, sort form, pagination.

use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::model::{ProductSort, ProductSummary, StockLevel};
use crate::i18n::{use_i18n, Messages};
use crate::ui::price::Price;

#[component]
pub fn StockBadge(stock: i32) -> impl IntoView {
    let i18n = use_i18n();
    let level = StockLevel::of(stock);
    let class = match level {
        StockLevel::InStock => "stock stock--in",
        StockLevel::Low(_) => "stock stock--low",
        StockLevel::SoldOut => "stock stock--out",
    };
    let text = move || match level {
        StockLevel::InStock => i18n.t().in_stock.to_owned(),
        StockLevel::Low(n) => (i18n.t().only_left)(n),
        StockLevel::SoldOut => i18n.t().sold_out.to_owned(),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
pub fn ProductCard(product: ProductSummary) -> impl IntoView {
    let href = format!("/p/{}", product.slug);
    view! {
        <li class="card" data-testid="product-card">
            <a class="card__link" href=href>
                <img
                    class="card__image"
                    src=product.image_path
                    alt=product.name.clone()
                    width="320"
                    height="320"
                    loading="lazy"
                />
                <h2 class="card__name">{product.name}</h2>
            </a>
            <p class="card__price">
                <Price cents=product.price_cents />
            </p>
            <StockBadge stock=product.stock />
        </li>
    }
}

#[component]
pub fn ProductGrid(products: Vec<ProductSummary>) -> impl IntoView {
    let i18n = use_i18n();
    if products.is_empty() {
        return view! { <p class="empty-state">{move || i18n.t().empty_catalogue}</p> }.into_any();
    }
    view! {
        <ul class="grid" aria-live="polite">
            {products.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Placeholder cards with the grid's shape, shown while a page loads.
#[component]
pub fn ProductGridSkeleton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="grid grid--loading" aria-busy="true" aria-label=move || i18n.t().loading>
            {(0..8).map(|_| view! { <li class="card card--skeleton"></li> }).collect_view()}
        </ul>
    }
}

fn sort_label(t: &Messages, sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Newest => t.sort_newest,
        ProductSort::PriceAsc => t.sort_price_asc,
        ProductSort::PriceDesc => t.sort_price_desc,
        ProductSort::Name => t.sort_name,
    }
}

/// A GET form: without JavaScript it reloads the page with `?sort=`; with
/// JavaScript the router navigates client-side and the listing refetches.
#[component]
pub fn SortForm(#[prop(into)] current: Signal<ProductSort>) -> impl IntoView {
    let i18n = use_i18n();
    let submit_on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        if let Some(select) = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            if let Some(form) = select.form() {
                let _ = form.request_submit();
            }
        }
    };
    view! {
        <Form method="GET" action="" attr:class="sort-form">
            <label for="sort">{move || i18n.t().sort_label}</label>
            <select id="sort" name="sort" on:change=submit_on_change>
                {ProductSort::ALL
                    .into_iter()
                    .map(|sort| {
                        view! {
                            <option value=sort.as_str() selected=move || current.get() == sort>
                                {move || sort_label(i18n.t(), sort)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button button--secondary">
                {move || i18n.t().sort_apply}
            </button>
        </Form>
    }
}

/// Previous / next links that keep the current sort.
#[component]
pub fn Pagination(page: u32, has_next: bool, sort: ProductSort) -> impl IntoView {
    let i18n = use_i18n();
    let href = move |page: u32| format!("?sort={}&page={page}", sort.as_str());
    view! {
        <nav class="pagination" aria-label=move || i18n.t().pagination_label>
            {(page > 1)
                .then(|| {
                    view! {
                        <A href=href(page - 1) attr:rel="prev" attr:class="button button--secondary">
                            {move || i18n.t().previous_page}
                        </A>
                    }
                })}
            <span class="pagination__current" aria-current="page">
                {move || (i18n.t().page_n)(page)}
            </span>
            {has_next
                .then(|| {
                    view! {
                        <A href=href(page + 1) attr:rel="next" attr:class="button button--secondary">
                            {move || i18n.t().next_page}
                        </A>
                    }
                })}
        </nav>
    }
}
