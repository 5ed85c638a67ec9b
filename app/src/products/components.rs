//! Pieces of product listings: cards, stock badges, sort form, pagination,
//! the category menu.

use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::api::list_categories;
use super::gallery::model::card_srcset;
use super::model::{ProductPage, ProductSort, ProductSummary};
use crate::basket::components::AddToBasketButton;
use crate::i18n::{use_i18n, Messages};
use crate::ui::price::Price;
use crate::ui::stock::StockBadge;

/// How wide a card's picture is in the grid: one to six columns.
const CARD_SIZES: &str = "(min-width: 1400px) 200px, (min-width: 1100px) 25vw, (min-width: 800px) 33vw, (min-width: 480px) 50vw, 100vw";

#[component]
pub fn ProductCard(product: ProductSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/p/{}", product.slug);
    let available = product.stock > 0;
    let name = product.name(i18n.locale()).to_owned();
    let heading = name.clone();
    let srcset = card_srcset(&product.image_path);
    // `sizes` only with a `srcset` (a drawing has one size).
    let sizes = srcset.is_some().then_some(CARD_SIZES);
    view! {
        <li class="card" data-testid="product-card">
            <A href=href attr:class="card__link">
                <img
                    class="card__image"
                    src=product.image_path
                    srcset=srcset
                    sizes=sizes
                    // The card's name is the link's text: the image adds nothing to it.
                    alt=""
                    width="320"
                    height="320"
                    loading="lazy"
                />
                <h2 class="card__name">{heading}</h2>
            </A>
            <p class="card__price">
                {product.from_price.then(|| view! { {move || i18n.t().from_price} " " })}
                <Price cents=product.price_cents />
            </p>
            <StockBadge stock=product.stock />
            {if product.has_variants {
                let label = format!("{} — {}", i18n.t().choose_variant, name);
                view! {
                    <A href=format!("/p/{}", product.slug) attr:class="button button--small card__choose" attr:aria-label=label>
                        {move || i18n.t().choose_variant}
                    </A>
                }
                    .into_any()
            } else {
                view! { <AddToBasketButton product_id=product.id name available /> }.into_any()
            }}
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
        <ul class="grid">
            {products.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A page of products and the links to its neighbours.
#[component]
pub fn ProductListing(page: ProductPage, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let (number, has_next) = (page.page, page.has_next);
    view! {
        <ProductGrid products=page.items />
        <Pagination page=number has_next href />
    }
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
        ProductSort::Relevance => t.sort_relevance,
        ProductSort::Newest => t.sort_newest,
        ProductSort::PriceAsc => t.sort_price_asc,
        ProductSort::PriceDesc => t.sort_price_desc,
        ProductSort::Name => t.sort_name,
    }
}

/// A GET form to `?sort=`, with its "Sort" button; once the island's code
/// runs, choosing an option sends it (and the page is swapped in place).
/// `keep` are the other parameters of the page (the search, its category).
#[component]
pub fn SortForm(
    #[prop(into)] current: Signal<ProductSort>,
    options: &'static [ProductSort],
    #[prop(optional)] keep: Vec<(&'static str, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Form method="GET" action="" attr:class="sort-form">
            {keep
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view()}
            <label for="sort">{move || i18n.t().sort_label}</label>
            <SubmitOnChange>
                <select id="sort" name="sort">
                    {options
                        .iter()
                        .map(|&sort| {
                            view! {
                                <option value=sort.as_str() selected=move || current.get() == sort>
                                    {move || sort_label(i18n.t(), sort)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </SubmitOnChange>
            <button type="submit" class="button button--secondary">
                {move || i18n.t().sort_apply}
            </button>
        </Form>
    }
}

/// Sends the form of the field it wraps when that field changes.
#[island]
pub fn SubmitOnChange(children: Children) -> impl IntoView {
    let submit = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let form = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|field| field.closest("form").ok().flatten())
            .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(form) = form {
            let _ = form.request_submit();
        }
    };
    view! { <div class="submit-on-change" on:change=submit>{children()}</div> }
}

/// Previous / next links that keep the page's other parameters.
#[component]
pub fn Pagination(page: u32, has_next: bool, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let i18n = use_i18n();
    if page == 1 && !has_next {
        return ().into_any();
    }
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
    .into_any()
}

/// The bar of category links under the header, on every page.
#[component]
pub fn CategoryMenu() -> impl IntoView {
    let i18n = use_i18n();
    let categories = OnceResource::new(list_categories());
    view! {
        <nav class="category-bar" aria-label=move || i18n.t().categories_label>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    categories
                        .await
                        .map(|categories| {
                            categories
                                .into_iter()
                                .map(|category| {
                                    let href = format!("/c/{}", category.slug);
                                    view! {
                                        <A href=href>{move || category.name(i18n.locale()).to_owned()}</A>
                                    }
                                })
                                .collect_view()
                        })
                        .ok()
                })}
            </Suspense>
        </nav>
    }
}
