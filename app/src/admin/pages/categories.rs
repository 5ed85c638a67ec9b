//! /admin/categories: create, rename, delete when empty.

use leptos::prelude::*;

use super::{AdminGate, ConfirmBox};
use crate::i18n::use_i18n;
use crate::pricing::VatRate;
use crate::products::back_office::api::{
    admin_categories, CreateCategory, DeleteCategory, RenameCategory, SetCategoryVat,
};
use crate::products::back_office::model::AdminCategory;
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert, FormField};

#[component]
pub fn AdminCategoriesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_categories.to_owned()>
            <Categories />
        </AdminGate>
    }
}

#[component]
fn Categories() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCategory>::new();
    let rename = ServerAction::<RenameCategory>::new();
    let delete = ServerAction::<DeleteCategory>::new();
    let set_vat = ServerAction::<SetCategoryVat>::new();
    let create_error = use_form_error(create);
    let rename_error = use_form_error(rename);
    let delete_error = use_form_error(delete);
    let vat_error = use_form_error(set_vat);
    let categories = Resource::new(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
                set_vat.version().get(),
            )
        },
        |_| admin_categories(),
    );
    view! {
        <h1>{move || i18n.t().admin_categories}</h1>
        <FormAlert
            error=Signal::derive(move || rename_error.get().or_else(|| delete_error.get()).or_else(|| vat_error.get()))
            fields=&[]
        />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match categories.await {
                    Ok(categories) => view! {
                        <ul class="plain-list admin__categories">
                            {categories.into_iter().map(|category| view! { <CategoryRow category rename delete set_vat /> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=create attr:class="form panel" attr:novalidate="">
            <h2>{move || i18n.t().admin_new_category}</h2>
            <FormField label=move || i18n.t().admin_name_fr name="name_fr" error=create_error />
            <FormField label=move || i18n.t().admin_name_en name="name_en" error=create_error />
            <FormField label=move || i18n.t().admin_slug name="slug" required=false error=create_error />
            <FormAlert error=create_error fields=&["name_fr", "name_en", "slug"] />
            <button type="submit" class="button">{move || i18n.t().admin_create}</button>
        </ActionForm>
    }
}

#[component]
fn CategoryRow(
    category: AdminCategory,
    rename: ServerAction<RenameCategory>,
    delete: ServerAction<DeleteCategory>,
    set_vat: ServerAction<SetCategoryVat>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = category.id;
    let (fr_id, en_id) = (format!("category-{id}-fr"), format!("category-{id}-en"));
    let vat_id = format!("category-{id}-vat");
    let current = category.vat_rate_bp;
    view! {
        <li class="panel">
            <ActionForm action=rename attr:class="inline-form admin__row">
                <input type="hidden" name="id" value=id />
                <label for=fr_id.clone()>{move || i18n.t().admin_name_fr}</label>
                <input id=fr_id name="name_fr" value=category.name_fr required />
                <label for=en_id.clone()>{move || i18n.t().admin_name_en}</label>
                <input id=en_id name="name_en" value=category.name_en required />
                <button type="submit" class="button button--secondary button--small">{move || i18n.t().admin_rename}</button>
            </ActionForm>
            <ActionForm action=set_vat attr:class="inline-form admin__row">
                <input type="hidden" name="id" value=id />
                <label for=vat_id.clone()>{move || i18n.t().admin_vat_rate}</label>
                <select id=vat_id name="vat_rate">
                    {VatRate::ALL
                        .into_iter()
                        .map(|rate| {
                            let basis_points = rate.basis_points();
                            view! {
                                <option value=basis_points.to_string() selected=current == basis_points>
                                    {move || (i18n.t().vat_rate)(basis_points)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button button--secondary button--small">{move || i18n.t().admin_set_vat}</button>
            </ActionForm>
            <span class="muted">"/c/" {category.slug} " — " {move || (i18n.t().admin_product_count)(category.product_count)}</span>
            {(category.product_count == 0).then(|| view! {
                <ActionForm action=delete attr:class="inline-form admin__row">
                    <input type="hidden" name="id" value=id />
                    <ConfirmBox id=format!("confirm-category-{id}") />
                    <button type="submit" class="button button--danger button--small">{move || i18n.t().admin_delete}</button>
                </ActionForm>
            })}
        </li>
    }
}
