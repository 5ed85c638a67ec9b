use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::basket::api::own_hold;
use crate::basket::components::AddToBasketForm;
use crate::drops::api::product_drop;
use crate::drops::model::Phase;
use crate::drops::pages::DropNotice;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::products::alerts::StockAlertForm;
use crate::products::api::get_product;
use crate::products::components::ProductGrid;
use crate::products::gallery::view::Gallery;
use crate::products::model::{ProductDetail, VariantRequest};
use crate::products::variant_picker::VariantPicker;
use crate::ui::stock::{StockBadge, StockLevel};
use crate::ui::{error::ErrorMessage, not_found::NotFound, price::Price, seo::absolute_url, seo::Seo};

/// Most of one product a shopper can put in the basket at once.
const MAX_QUANTITY: i32 = 10;

/// `/p/{slug}`: one product; an unknown slug is the 404 page.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with_untracked(|p| p.get("slug").unwrap_or_default()));
    // The choices' GET form sends o1, o2, o3 (one per option); a link may
    // name a SKU instead.
    let variant = Memo::new(move |_| {
        query.with_untracked(|q| VariantRequest {
            sku: q.get("variant"),
            values: (1..=3).map_while(|n| q.get(&format!("o{n}"))).collect(),
        })
    });
    let product = Resource::new(
        move || (slug.get(), variant.get()),
        |(slug, variant)| get_product(slug, variant),
    );
    view! {
        <Suspense fallback=|| view! { <div class="product product--loading" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductView product /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let i18n = use_i18n();
    let product = product.in_locale(i18n.locale());
    let path = format!("/p/{}", product.slug);
    let category_href = format!("/c/{}", product.category.slug);
    let category = product.category.clone();
    let category_name = move || category.name(i18n.locale()).to_owned();
    let title = format!("{} — WonderMarket", product.name);
    let description = summary(&product.description);
    let json_ld = product_json_ld(&product);
    let available = !product.missing && StockLevel::of(product.stock) != StockLevel::SoldOut;
    let max_quantity = product.stock.min(product.max_per_order).clamp(1, MAX_QUANTITY);
    view! {
        <Seo
            title=title
            description=description
            path=path
            image=product.photos.first().map_or_else(|| product.image_path.clone(), |photo| photo.largest())
            og_type="product"
        />
        <script type="application/ld+json" inner_html=json_ld></script>
        <nav class="breadcrumb" aria-label=move || i18n.t().breadcrumb_label>
            <A href="/">{move || i18n.t().home_link}</A>
            <span aria-hidden="true">" › "</span>
            <A href=category_href>{category_name.clone()}</A>
            <span aria-hidden="true">" › "</span>
            <span aria-current="page">{product.name.clone()}</span>
        </nav>
        <article class="product">
            <div class="product__media">
                <Gallery photos=product.photos.clone() name=product.name.clone() drawing=product.image_path.clone() />
            </div>
            <div class="product__buy">
                <h1 class="product__name">{product.name.clone()}</h1>
                {(!product.options.is_empty()).then(|| view! { <VariantPicker product=product.clone() /> })}
                {if product.missing {
                    view! {
                        <p class="product__missing" role="status" data-testid="missing-variant">
                            {move || i18n.t().variant_missing}
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p class="product__price">
                            <Price cents=product.price_cents />
                        </p>
                        <p>
                            <StockOrOwnHold product_id=product.id stock=product.stock />
                        </p>
                    }
                        .into_any()
                }}
                {product.max_per_customer.map(|limit| view! {
                    <p class="product__limit" data-testid="customer-limit">
                        {move || (i18n.t().limit_per_customer)(limit)}
                    </p>
                })}
                {product.hold_minutes.map(|minutes| view! {
                    <p class="product__limit" data-testid="basket-hold-rule">
                        {move || (i18n.t().hold_rule)(minutes)}
                    </p>
                })}
                <ProductDrop product_id=product.id available />
                {(!product.missing).then(|| view! { <AddToBasketForm product_id=product.id max_quantity available /> })}
                {(!available && !product.missing).then(|| view! { <StockAlertForm product_id=product.id /> })}
            </div>
            <section class="product__description">
                <h2>{move || i18n.t().description_heading}</h2>
                <p>{product.description.clone()}</p>
            </section>
        </article>
        {(!product.related.is_empty())
            .then(|| {
                view! {
                    <section class="related">
                        <h2>{move || i18n.t().related_heading}</h2>
                        <ProductGrid products=product.related.clone() />
                    </section>
                }
            })}
    }
}

/// The stock as everyone reads it (kept live), except for the shopper
/// whose basket holds units of it: "Dans votre panier (1), réservé
/// jusqu'à 20 h 14", not "Épuisé" when they hold the last one.
#[component]
fn StockOrOwnHold(product_id: i64, stock: i32) -> impl IntoView {
    let i18n = use_i18n();
    let own = Resource::new(move || product_id, own_hold);
    view! {
        <Suspense fallback=move || view! { <StockBadge stock live=product_id /> }>
            {move || Suspend::new(async move {
                match own.await.ok().flatten() {
                    Some(own) => {
                        let text = (i18n.t().own_hold)(own.quantity, &own.hold.clock);
                        view! { <span class="stock stock--held" data-testid="own-hold">{text}</span> }.into_any()
                    }
                    None => view! { <StockBadge stock live=product_id /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The drop that sells this variant, if any: its opening and its room,
/// and before the opening "Prévenez-moi" (a sold-out variant has it
/// already).
#[component]
fn ProductDrop(product_id: i64, available: bool) -> impl IntoView {
    let drop = Resource::new(move || product_id, product_drop);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                drop.await.ok().flatten().map(|card| {
                    let upcoming = matches!(card.phase(chrono::Utc::now()), Phase::Announced | Phase::PreQueue);
                    view! {
                        <DropNotice card />
                        {(upcoming && available).then(|| view! { <StockAlertForm product_id upcoming=true /> })}
                    }
                })
            })}
        </Suspense>
    }
}

/// The first sentence of a description, for the meta description.
fn summary(description: &str) -> String {
    let end = description.find(". ").map_or(description.len(), |i| i + 1);
    description[..end].chars().take(160).collect()
}

/// The product's pictures as absolute URLs: its photos' widest renditions,
/// or its drawing.
fn images(product: &ProductDetail) -> Vec<String> {
    if product.photos.is_empty() {
        vec![absolute_url(&product.image_path)]
    } else {
        product
            .photos
            .iter()
            .map(|photo| absolute_url(&photo.largest()))
            .collect()
    }
}

/// schema.org data for search engines: a `Product` with its offer, or for a
/// product with options a `ProductGroup` whose `hasVariant` lists each
/// variant as a `Product` with its own SKU, price and availability.
fn product_json_ld(product: &ProductDetail) -> String {
    let availability = |stock: i32| {
        if stock > 0 {
            "https://schema.org/InStock"
        } else {
            "https://schema.org/OutOfStock"
        }
    };
    let price = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let url = absolute_url(&format!("/p/{}", product.slug));
    let data = if product.options.is_empty() {
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Product",
            "name": product.name,
            "image": images(product),
            "description": product.description,
            "sku": product.sku,
            "category": product.category.name_fr,
            "offers": {
                "@type": "Offer",
                "url": url,
                "price": price(product.price_cents),
                "priceCurrency": "EUR",
                "availability": availability(product.stock),
            },
        })
    } else {
        let variants: Vec<serde_json::Value> = product
            .variants
            .iter()
            .map(|variant| {
                serde_json::json!({
                    "@type": "Product",
                    "name": format!("{} — {}", product.name, variant.values.join(", ")),
                    "sku": variant.sku,
                    "image": absolute_url(&product.image_path),
                    "offers": {
                        "@type": "Offer",
                        "url": format!("{url}?variant={}", variant.sku),
                        "price": price(variant.price_cents),
                        "priceCurrency": "EUR",
                        "availability": availability(variant.stock),
                    },
                })
            })
            .collect();
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "ProductGroup",
            "name": product.name,
            "url": url,
            "image": images(product),
            "description": product.description,
            "productGroupID": product.variants.first().map_or(product.sku.as_str(), |first| first.sku.as_str()),
            "category": product.category.name_fr,
            "variesBy": product.options.iter().map(|option| option.name.en.clone()).collect::<Vec<_>>(),
            "hasVariant": variants,
        })
    };
    // Inside <script>, "</script" would end the element early and "<!--"
    // changes how it is parsed: no "<" at all, as JSON allows.
    data.to_string().replace('<', "\\u003c")
}
