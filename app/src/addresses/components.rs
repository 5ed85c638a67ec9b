//! The address book on the account page, and the saved addresses offered
//! at checkout. Plain forms: they work without JavaScript.

use leptos::prelude::*;

use super::api::{my_addresses, AddAddress, DeleteAddress, SetDefaultAddress};
use super::model::SavedAddress;
use crate::country::Country;
use crate::i18n::use_i18n;
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert, FormField};

const ADDRESS_FIELDS: &[&str] = &[
    "ship_name",
    "ship_street",
    "ship_postcode",
    "ship_city",
    "ship_country",
];

/// An address on lines of its own.
#[component]
fn AddressLines(address: super::model::ShippingAddress) -> impl IntoView {
    let i18n = use_i18n();
    let country = address.country_name(i18n.locale()).to_owned();
    view! {
        <address>
            {address.name} <br /> {address.street} <br /> {address.postcode} " " {address.city} <br /> {country}
        </address>
    }
}

/// The account page's section: the saved addresses, each with its
/// actions, and a form to add one.
#[component]
pub fn AddressBook() -> impl IntoView {
    let i18n = use_i18n();
    let book = Resource::new(|| (), |_| my_addresses());
    let add = ServerAction::<AddAddress>::new();
    let set_default = ServerAction::<SetDefaultAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let add_error = use_form_error(add);
    let change_error = use_form_error(delete);
    view! {
        <section class="panel" id="addresses" aria-labelledby="addresses-heading">
            <h2 id="addresses-heading">{move || i18n.t().address_book_heading}</h2>
            <Suspense fallback=|| view! { <p aria-busy="true"></p> }>
                {move || Suspend::new(async move {
                    match book.await {
                        Ok(addresses) if addresses.is_empty() => {
                            view! { <p class="empty-state" data-testid="addresses-empty">{move || i18n.t().address_book_empty}</p> }.into_any()
                        }
                        Ok(addresses) => view! {
                            <ul class="addresses" data-testid="address-book">
                                {addresses.into_iter().map(|saved| view! { <SavedEntry saved set_default delete /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <FormAlert error=change_error fields=&[] />
            <h3>{move || i18n.t().address_add_heading}</h3>
            <ActionForm action=add attr:class="form" attr:novalidate="">
                <FormField label=move || i18n.t().ship_name_label name="ship_name" id="field-book-name" autocomplete="name" maxlength=100 error=add_error />
                <FormField label=move || i18n.t().ship_street_label name="ship_street" id="field-book-street" autocomplete="address-line1" maxlength=200 error=add_error />
                <FormField label=move || i18n.t().ship_postcode_label name="ship_postcode" id="field-book-postcode" autocomplete="postal-code" maxlength=12 error=add_error />
                <FormField label=move || i18n.t().ship_city_label name="ship_city" id="field-book-city" autocomplete="address-level2" maxlength=100 error=add_error />
                <div class="field">
                    <label for="field-book-country">{move || i18n.t().ship_country_label}</label>
                    <select id="field-book-country" name="ship_country" autocomplete="country">
                        {Country::ALL
                            .into_iter()
                            .map(|country| view! { <option value=country.code()>{move || country.name(i18n.locale())}</option> })
                            .collect_view()}
                    </select>
                </div>
                <label class="confirm">
                    <input type="checkbox" name="make_default" value="on" />
                    " "
                    {move || i18n.t().address_make_default_label}
                </label>
                <FormAlert error=add_error fields=ADDRESS_FIELDS />
                <button type="submit" class="button">{move || i18n.t().address_add}</button>
            </ActionForm>
        </section>
    }
}

/// One saved address: its lines, "default" or a button to make it so, and
/// a delete button.
#[component]
fn SavedEntry(
    saved: SavedAddress,
    set_default: ServerAction<SetDefaultAddress>,
    delete: ServerAction<DeleteAddress>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = saved.id;
    view! {
        <li class="addresses__entry" data-testid="saved-address" data-default=saved.is_default.to_string()>
            <AddressLines address=saved.address />
            <div class="admin__row">
                {if saved.is_default {
                    view! { <span class="status status--paid">{move || i18n.t().address_default}</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=set_default attr:class="inline-form">
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="button button--secondary">{move || i18n.t().address_set_default}</button>
                        </ActionForm>
                    }
                    .into_any()
                }}
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button button--danger">{move || i18n.t().address_delete}</button>
                </ActionForm>
            </div>
        </li>
    }
}

/// The checkout's choice among the saved addresses (the default picked),
/// or "another address", typed in the fields that follow. Nothing when the
/// book is empty.
#[component]
pub fn SavedAddressChoice(addresses: Vec<SavedAddress>) -> impl IntoView {
    let i18n = use_i18n();
    if addresses.is_empty() {
        return None;
    }
    let options = addresses
        .into_iter()
        .map(|saved| {
            let id = format!("saved-address-{}", saved.id);
            view! {
                <div class="delivery__option">
                    <input type="radio" id=id.clone() name="saved_address" value=saved.id checked=saved.is_default />
                    <label for=id>
                        <AddressLines address=saved.address />
                    </label>
                </div>
            }
        })
        .collect_view();
    Some(view! {
        <fieldset class="delivery" data-testid="saved-addresses">
            <legend>{move || i18n.t().checkout_saved_addresses}</legend>
            {options}
            <div class="delivery__option">
                <input type="radio" id="saved-address-new" name="saved_address" value="" />
                <label for="saved-address-new">{move || i18n.t().checkout_new_address}</label>
            </div>
        </fieldset>
    })
}
