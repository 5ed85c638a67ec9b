//! A product's photos on its back-office page: each with its alt texts,
//! the option values it shows, moved earlier or later, deleted; and the
//! upload form (a multipart form the server handles, `server/src/media`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{query_param, ConfirmBox};
use crate::i18n::use_i18n;
use crate::products::gallery::api::{admin_gallery, DeletePhoto, MovePhoto, UpdatePhoto};
use crate::products::gallery::model::{photo_url, GalleryEditing, Photo, CARD_WIDTH};
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert};

/// The gallery of product `id` (a variant's page shows its product's).
#[component]
pub fn PhotoEditor(id: i64) -> impl IntoView {
    let gallery = Resource::new(move || id, admin_gallery);
    view! {
        <Transition fallback=|| view! { <section class="panel" aria-busy="true"></section> }>
            {move || Suspend::new(async move {
                match gallery.await {
                    Ok(gallery) => view! { <Photos gallery shown_on=id /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Photos(gallery: GalleryEditing, shown_on: i64) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = query_param("photos");
    let upload_error = query_param("image_error");
    let update_error = use_form_error(ServerAction::<UpdatePhoto>::new());
    let delete_error = use_form_error(ServerAction::<DeletePhoto>::new());
    let GalleryEditing {
        product_id,
        photos,
        values,
    } = gallery;
    let count = photos.len();
    let items = photos
        .into_iter()
        .enumerate()
        .map(|(index, photo)| view! { <PhotoItem photo values=values.clone() first=index == 0 last=index + 1 == count /> })
        .collect_view();
    view! {
        <section class="panel" id="photos" data-testid="admin-photos">
            <h2>{move || i18n.t().admin_image}</h2>
            {(shown_on != product_id).then(|| view! { <p class="form__hint">{move || i18n.t().admin_photos_of_product}</p> })}
            {move || {
                let outcome = outcome.get();
                (!outcome.is_empty())
                    .then(|| view! { <p class="alert alert--success" role="status">{(i18n.t().admin_photo_outcome)(&outcome)}</p> })
            }}
            <FormAlert error=update_error fields=&["alt", "alt_en", "values"] />
            <FormAlert error=delete_error fields=&[] />
            {if count == 0 {
                view! { <p data-testid="admin-photos-empty">{move || i18n.t().admin_photos_empty}</p> }.into_any()
            } else {
                view! { <ol class="photo-list">{items}</ol> }.into_any()
            }}
            // A file needs a multipart form: a plain form, not a server function.
            <form method="post" action=format!("/admin/products/{product_id}/photos") enctype="multipart/form-data" class="form">
                <label for="field-image">{move || i18n.t().admin_image_hint}</label>
                <input id="field-image" type="file" name="image" accept="image/png,image/jpeg,image/webp" required />
                <AltFields id="new".to_owned() alt=String::new() alt_en=String::new() />
                <ValueChoices id="new".to_owned() values=values.clone() chosen=Vec::new() />
                {move || {
                    let code = upload_error.get();
                    (!code.is_empty()).then(|| view! { <p class="alert alert--error" role="alert">{(i18n.t().admin_image_error)(&code)}</p> })
                }}
                <button type="submit" class="button button--secondary">{move || i18n.t().admin_upload}</button>
            </form>
        </section>
    }
}

#[component]
fn PhotoItem(photo: Photo, values: Vec<String>, first: bool, last: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = photo.id;
    let key = id.to_string();
    let height = photo
        .sizes
        .iter()
        .find(|&&(width, _)| width == CARD_WIDTH)
        .map_or(CARD_WIDTH, |&(_, height)| height);
    view! {
        <li class="photo-list__item" data-testid="admin-photo">
            <img src=photo_url(&photo.hash, CARD_WIDTH) alt=photo.alt.clone() width=CARD_WIDTH height=height loading="lazy" />
            <form method="post" action=UpdatePhoto::PATH class="form">
                <input type="hidden" name="id" value=id />
                <AltFields id=key.clone() alt=photo.alt.clone() alt_en=photo.alt_en.clone() />
                <ValueChoices id=key.clone() values chosen=photo.values.clone() />
                <button type="submit" class="button button--secondary">{move || i18n.t().admin_save}</button>
            </form>
            <div class="photo-list__actions">
                <form method="post" action=MovePhoto::PATH>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="earlier" value="true" />
                    <button type="submit" class="button button--small" disabled=first>{move || i18n.t().admin_photo_earlier}</button>
                </form>
                <form method="post" action=MovePhoto::PATH>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="earlier" value="false" />
                    <button type="submit" class="button button--small" disabled=last>{move || i18n.t().admin_photo_later}</button>
                </form>
                <form method="post" action=DeletePhoto::PATH class="photo-list__delete">
                    <input type="hidden" name="id" value=id />
                    <ConfirmBox id=format!("confirm-photo-{id}") />
                    <button type="submit" class="button button--small button--danger">{move || i18n.t().admin_delete}</button>
                </form>
            </div>
        </li>
    }
}

#[component]
fn AltFields(id: String, alt: String, alt_en: String) -> impl IntoView {
    let i18n = use_i18n();
    let (fr, en) = (format!("photo-alt-{id}"), format!("photo-alt-en-{id}"));
    view! {
        <label for=fr.clone()>{move || i18n.t().admin_photo_alt}</label>
        <input id=fr type="text" name="alt" value=alt maxlength="200" />
        <label for=en.clone()>{move || i18n.t().admin_photo_alt_en}</label>
        <input id=en type="text" name="alt_en" value=alt_en maxlength="200" />
    }
}

/// Checkboxes for the values a photo shows, named `values[0]`, `values[1]`…
/// (a list the server function reads whichever are ticked).
#[component]
fn ValueChoices(id: String, values: Vec<String>, chosen: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    (!values.is_empty()).then(|| {
        let boxes = values
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                let box_id = format!("photo-value-{id}-{index}");
                let label_for = box_id.clone();
                let checked = chosen.contains(&value);
                view! {
                    <label class="confirm" for=label_for>
                        <input type="checkbox" id=box_id name=format!("values[{index}]") value=value.clone() checked=checked />
                        {value}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="photo-values">
                <legend>{move || i18n.t().admin_photo_values}</legend>
                {boxes}
            </fieldset>
        }
    })
}
