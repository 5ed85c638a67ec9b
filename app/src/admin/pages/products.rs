//! /admin/products: the product table, the creation form and each
//! product's page (details, photos, stock with its ledger, deletion).

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_params_map;

use super::photos::PhotoEditor;
use super::{query_param, AdminGate, AdminPager, ConfirmBox};
use crate::error::AppError;
use crate::i18n::{use_i18n, Locale};
use crate::pricing::VatRate;
use crate::products::back_office::api::{
    admin_categories, admin_product, admin_products, AdjustStock, CreateProduct, DeleteProduct, UpdateProduct,
};
use crate::products::back_office::model::{price_input, AdminCategory, AdminProduct, ProductEditing};
use crate::ui::forms::{use_form_error, FormAlert, FormField, TextArea};
use crate::ui::url::with_query;
use crate::ui::{error::ErrorMessage, not_found::NotFound, price::Price};

const PRODUCT_FIELDS: &[&str] = &[
    "name",
    "slug",
    "description",
    "name_en",
    "description_en",
    "category_id",
    "price",
    "stock",
    "max_per_order",
    "max_per_customer",
    "hold_minutes",
    "vat_rate",
    "weight_grams",
];

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_products.to_owned()>
            <ProductTable />
        </AdminGate>
    }
}

#[component]
fn ProductTable() -> impl IntoView {
    let i18n = use_i18n();
    let query = query_param("q");
    let page = query_param("page");
    let removed = query_param("removed");
    let products = Resource::new(
        move || (query.get(), page.get()),
        |(query, page)| admin_products(query, page.parse().ok()),
    );
    view! {
        <div class="admin__header">
            <h1>{move || i18n.t().admin_products}</h1>
            <A href="/admin/products/new" attr:class="button">{move || i18n.t().admin_new_product}</A>
        </div>
        {move || {
            let text = match removed.get().as_str() {
                "deleted" => i18n.t().admin_deleted,
                "archived" => i18n.t().admin_archived_done,
                _ => return None,
            };
            Some(view! { <p class="alert alert--success" role="status">{text}</p> })
        }}
        <Form method="GET" action="" attr:class="admin__search">
            <label for="admin-product-search" class="visually-hidden">{move || i18n.t().admin_search}</label>
            <input id="admin-product-search" type="search" name="q" value=move || query.get() />
            <button type="submit" class="button button--secondary">{move || i18n.t().admin_search}</button>
        </Form>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match products.await {
                    Ok(found) if found.items.is_empty() => view! { <p class="empty-state">{move || i18n.t().admin_no_results}</p> }.into_any(),
                    Ok(found) => {
                        let q = query.get_untracked();
                        view! {
                            <table class="table panel" data-testid="admin-products">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t().admin_name}</th>
                                        <th scope="col">{move || i18n.t().admin_category}</th>
                                        <th scope="col">{move || i18n.t().admin_price}</th>
                                        <th scope="col">{move || i18n.t().admin_stock}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {found.items.into_iter().map(|product| view! { <ProductRow product /> }).collect_view()}
                                </tbody>
                            </table>
                            <AdminPager
                                page=found.page
                                page_count=found.page_count
                                href=move |n| with_query("/admin/products", &[("q", q.clone()), ("page", n.to_string())])
                            />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductRow(product: AdminProduct) -> impl IntoView {
    let i18n = use_i18n();
    let title = product.title();
    view! {
        <tr>
            <td>
                <A href=format!("/admin/products/{}", product.id)>{title}</A>
                <br />
                <small class="admin__sku">{product.sku.clone()}</small>
                {product.archived.then(|| view! { " " <span class="status status--cancelled">{move || i18n.t().admin_archived}</span> })}
            </td>
            <td>{product.category_name}</td>
            <td><Price cents=product.price_cents /></td>
            <td>
                {product.stock - product.held}
                {(product.held > 0).then(|| view! { " " <small>{move || (i18n.t().admin_held)(product.held)}</small> })}
                {(product.alerts_waiting > 0).then(|| view! {
                    " " <small data-testid="alerts-waiting">{move || i18n.t().admin_alerts_waiting} " : " {product.alerts_waiting}</small>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn AdminNewProductPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_new_product.to_owned()>
            <NewProduct />
        </AdminGate>
    }
}

#[component]
fn NewProduct() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateProduct>::new();
    let error = use_form_error(create);
    let categories = Resource::new(|| (), |_| admin_categories());
    view! {
        <h1>{move || i18n.t().admin_new_product}</h1>
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match categories.await {
                    Ok(categories) => view! {
                        <ActionForm action=create attr:class="form panel" attr:novalidate="">
                            <ProductFields categories product=None error />
                            <FormField label=move || i18n.t().admin_stock name="stock" kind="number" value="0" error />
                            <FormAlert error fields=PRODUCT_FIELDS />
                            <button type="submit" class="button">{move || i18n.t().admin_create}</button>
                        </ActionForm>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fields a product's creation and edit forms share.
#[component]
fn ProductFields(
    categories: Vec<AdminCategory>,
    product: Option<AdminProduct>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = |f: fn(&AdminProduct) -> String| product.as_ref().map(f).unwrap_or_default();
    let selected = product.as_ref().map(|p| p.category_id);
    let own_rate = product.as_ref().and_then(|p| p.vat_rate_bp);
    let description = value(|p| p.description.clone());
    let description_en = value(|p| p.description_en.clone());
    let field_error = move |name: &'static str| {
        move || {
            error.with(|e| {
                e.as_ref()
                    .and_then(|e| e.rule_of(name))
                    .map(|rule| i18n.t().rule(rule))
            })
        }
    };
    view! {
        <FormField label=move || i18n.t().admin_name name="name" value=value(|p| p.name.clone()) error />
        <FormField label=move || i18n.t().admin_slug name="slug" value=value(|p| p.slug.clone()) required=false error />
        <div class="field">
            <label for="field-description">{move || i18n.t().admin_description}</label>
            <TextArea id="field-description" name="description" rows=5 text=description />
            <p class="field__error" role="alert">{field_error("description")}</p>
        </div>
        <FormField
            label=move || i18n.t().admin_name_in_english
            name="name_en"
            value=value(|p| p.name_en.clone())
            required=false
            error
        />
        <div class="field">
            <label for="field-description_en">{move || i18n.t().admin_description_in_english}</label>
            <TextArea id="field-description_en" name="description_en" rows=5 text=description_en />
            <p class="field__error" role="alert">{field_error("description_en")}</p>
        </div>
        <div class="field">
            <label for="field-category_id">{move || i18n.t().admin_category}</label>
            <select id="field-category_id" name="category_id">
                {categories
                    .into_iter()
                    .map(|c| {
                        // The back office is rendered on the server only: the locale is read once.
                        let name = match i18n.locale() {
                            Locale::Fr => c.name_fr,
                            Locale::En => c.name_en,
                        };
                        view! { <option value=c.id.to_string() selected=selected == Some(c.id)>{name}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field__error" role="alert">{field_error("category_id")}</p>
        </div>
        <FormField label=move || i18n.t().admin_price_input name="price" value=value(|p| price_input(p.price_cents)) error />
        <FormField
            label=move || i18n.t().admin_max_per_order
            name="max_per_order"
            kind="number"
            value=product.as_ref().map_or("10".to_owned(), |p| p.max_per_order.to_string())
            error
        />
        <FormField
            label=move || i18n.t().admin_max_per_customer
            name="max_per_customer"
            kind="number"
            value=product.as_ref().and_then(|p| p.max_per_customer).map(|n| n.to_string()).unwrap_or_default()
            required=false
            error
        />
        <FormField
            label=move || i18n.t().admin_hold_minutes
            name="hold_minutes"
            kind="number"
            value=product.as_ref().and_then(|p| p.hold_minutes).map(|n| n.to_string()).unwrap_or_default()
            required=false
            error
        />
        <FormField
            label=move || i18n.t().admin_weight
            name="weight_grams"
            kind="number"
            value=product.as_ref().map_or("500".to_owned(), |p| p.weight_grams.to_string())
            required=false
            error
        />
        <div class="field">
            <label for="field-vat_rate">{move || i18n.t().admin_vat_rate}</label>
            <select id="field-vat_rate" name="vat_rate">
                <option value="" selected=own_rate.is_none()>
                    {move || i18n.t().admin_vat_of_category}
                </option>
                {VatRate::ALL
                    .into_iter()
                    .map(|rate| {
                        let basis_points = rate.basis_points();
                        view! {
                            <option value=basis_points.to_string() selected=own_rate == Some(basis_points)>
                                {move || (i18n.t().vat_rate)(basis_points)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="field__error" role="alert">{field_error("vat_rate")}</p>
        </div>
    }
}

#[component]
pub fn AdminProductPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_products.to_owned()>
            <EditProduct />
        </AdminGate>
    }
}

#[component]
fn EditProduct() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let update = ServerAction::<UpdateProduct>::new();
    let adjust = ServerAction::<AdjustStock>::new();
    let editing = Resource::new(
        move || (id.get(), update.version().get(), adjust.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => admin_product(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let categories = Resource::new(|| (), |_| admin_categories());
    view! {
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match (editing.await, categories.await) {
                    (Ok(editing), Ok(categories)) => view! { <ProductEditor editing categories update adjust /> }.into_any(),
                    (Err(AppError::NotFound), _) => view! { <NotFound /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductEditor(
    editing: ProductEditing,
    categories: Vec<AdminCategory>,
    update: ServerAction<UpdateProduct>,
    adjust: ServerAction<AdjustStock>,
) -> impl IntoView {
    let i18n = use_i18n();
    let product = editing.product;
    let id = product.id;
    let update_error = use_form_error(update);
    // The back office is not hydrated: outcomes come back in the URL.
    let saved = query_param("saved");
    let adjust_error = use_form_error(adjust);
    let delete = ServerAction::<DeleteProduct>::new();
    let delete_error = use_form_error(delete);
    let created = query_param("created");
    let archived = product.archived;
    let shop_href = format!("/p/{}", product.slug);
    let (stock, held) = (product.stock, product.held);
    let alerts_waiting = product.alerts_waiting;
    view! {
        <div class="admin__header">
            <h1 data-testid="admin-product-name">{product.title()}</h1>
            <p class="admin__sku">{format!("SKU {}", product.sku)}</p>
            {(!archived).then(|| view! { <A href=shop_href>{move || i18n.t().admin_view_in_shop}</A> })}
        </div>
        {move || (!created.get().is_empty()).then(|| view! { <p class="alert alert--success" role="status">{move || i18n.t().admin_product_created}</p> })}
        {archived.then(|| view! { <p class="alert alert--info">{move || i18n.t().admin_archived_note}</p> })}
        <div class="admin__columns">
            <ActionForm action=update attr:class="form panel" attr:novalidate="">
                <h2>{move || i18n.t().admin_details}</h2>
                <input type="hidden" name="id" value=id />
                <ProductFields categories product=Some(product) error=update_error />
                <FormAlert error=update_error fields=PRODUCT_FIELDS />
                <p class="toast" role="status" hidden=move || saved.get().is_empty()>{move || i18n.t().admin_saved}</p>
                <button type="submit" class="button">{move || i18n.t().admin_save}</button>
            </ActionForm>
            <div class="admin__side">
                <PhotoEditor id />
                <section class="panel">
                    <h2>{move || i18n.t().admin_stock} " : " <span data-testid="admin-stock">{stock}</span></h2>
                    <p data-testid="admin-stock-now">
                        {move || (i18n.t().admin_stock_now)(stock - held)}
                        {(held > 0).then(|| view! { " · " {move || (i18n.t().admin_held)(held)} })}
                        {(alerts_waiting > 0).then(|| view! {
                            " · " <span data-testid="alerts-waiting">{move || i18n.t().admin_alerts_waiting} " : " {alerts_waiting}</span>
                        })}
                    </p>
                    <ActionForm action=adjust attr:class="form" attr:novalidate="">
                        <input type="hidden" name="id" value=id />
                        <FormField label=move || i18n.t().admin_stock_delta name="delta" kind="number" error=adjust_error />
                        <FormField label=move || i18n.t().admin_stock_reason name="reason" error=adjust_error />
                        <FormAlert error=adjust_error fields=&["delta", "reason"] />
                        <button type="submit" class="button button--secondary">{move || i18n.t().admin_adjust}</button>
                    </ActionForm>
                    <table class="table" data-testid="stock-ledger">
                        <tbody>
                            {editing
                                .movements
                                .into_iter()
                                .map(|m| view! {
                                    <tr>
                                        <td>{m.created_at}</td>
                                        <td>{format!("{:+}", m.delta)}</td>
                                        <td>{m.reason}</td>
                                        <td>{m.actor.unwrap_or_default()}</td>
                                        <td>{m.order_id.map(|o| view! { <A href=format!("/admin/orders/{o}")>{format!("#{o}")}</A> })}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </section>
                {(!archived).then(|| view! {
                    <section class="panel panel--danger">
                        <h2>{move || i18n.t().admin_delete_product}</h2>
                        <p>{move || i18n.t().admin_delete_product_text}</p>
                        <ActionForm action=delete attr:class="form">
                            <input type="hidden" name="id" value=id />
                            <ConfirmBox id=format!("confirm-delete-{id}") />
                            <button type="submit" class="button button--danger">{move || i18n.t().admin_delete}</button>
                        </ActionForm>
                        <FormAlert error=delete_error fields=&[] />
                    </section>
                })}
            </div>
        </div>
    }
}
