//! /admin/delivery: the delivery methods, each edited in place, and a new
//! one. A change applies to the next checkouts; orders keep what they paid.

use leptos::prelude::*;

use super::AdminGate;
use crate::delivery::api::{admin_delivery_methods, SaveDeliveryMethod};
use crate::delivery::model::{bands_input, DeliveryMethod};
use crate::i18n::{use_i18n, Messages};
use crate::pricing::euros_input;
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert};

#[component]
pub fn AdminDeliveryPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_delivery.to_owned()>
            <DeliveryMethods />
        </AdminGate>
    }
}

#[component]
fn DeliveryMethods() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveDeliveryMethod>::new();
    let error = use_form_error(save);
    let methods = Resource::new(move || save.version().get(), |_| admin_delivery_methods());
    view! {
        <h1>{move || i18n.t().admin_delivery}</h1>
        <FormAlert error fields=&[] />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(methods) => view! {
                        <ul class="plain-list admin__delivery" data-testid="delivery-methods">
                            {methods
                                .into_iter()
                                .map(|method| view! { <li><MethodForm method=Some(method) save /></li> })
                                .collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        <h2>{move || i18n.t().admin_delivery_new}</h2>
        <MethodForm method=None save />
    }
}

/// A field of the form: its name, its label, its value.
type Field = (&'static str, fn(&Messages) -> &'static str, String);

/// One method's form (`None`: a new method's, empty).
#[component]
fn MethodForm(method: Option<DeliveryMethod>, save: ServerAction<SaveDeliveryMethod>) -> impl IntoView {
    let i18n = use_i18n();
    let prefix = method.as_ref().map_or_else(
        || "delivery-new".to_owned(),
        |method| format!("delivery-{}", method.id),
    );
    let value = |read: fn(&DeliveryMethod) -> String| method.as_ref().map(read).unwrap_or_default();
    let fields: [Field; 8] = [
        ("name_fr", |t| t.admin_name_fr, value(|m| m.name_fr.clone())),
        ("name_en", |t| t.admin_name_en, value(|m| m.name_en.clone())),
        (
            "price",
            |t| t.admin_delivery_price,
            value(|m| euros_input(m.price_cents)),
        ),
        (
            "free_from",
            |t| t.admin_free_from,
            value(|m| m.free_from_cents.map(euros_input).unwrap_or_default()),
        ),
        (
            "days_min",
            |t| t.admin_days_min,
            value(|m| m.days_min.to_string()),
        ),
        (
            "days_max",
            |t| t.admin_days_max,
            value(|m| m.days_max.to_string()),
        ),
        (
            "countries",
            |t| t.admin_countries,
            value(|m| {
                m.countries
                    .iter()
                    .map(|country| country.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        ("bands", |t| t.admin_bands, value(|m| bands_input(&m.bands))),
    ];
    let fields = fields
        .into_iter()
        .map(|(name, label, value)| {
            let id = format!("{prefix}-{name}");
            view! {
                <div class="field">
                    <label for=id.clone()>{move || label(i18n.t())}</label>
                    <input id=id name=name value=value />
                </div>
            }
        })
        .collect_view();
    let active = method.as_ref().is_none_or(|method| method.active);
    let active_id = format!("{prefix}-active");
    let active_label_for = active_id.clone();
    let id = method.as_ref().map(|method| method.id);
    view! {
        <ActionForm action=save attr:class="form panel" attr:novalidate="">
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            {(!active).then(|| view! { <p class="muted">{move || i18n.t().admin_withdrawn}</p> })}
            {fields}
            <label class="confirm" for=active_label_for>
                <input type="checkbox" id=active_id name="active" value="yes" checked=active />
                {move || i18n.t().admin_offered}
            </label>
            <button type="submit" class="button">{move || i18n.t().admin_save}</button>
        </ActionForm>
    }
}
