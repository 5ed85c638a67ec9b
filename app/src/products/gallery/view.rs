//! The product page's photos: one after another in a strip the shopper
//! swipes or scrolls, and thumbnails that link to each. Plain HTML and
//! CSS (scroll snapping, fragment links): no JavaScript needed.

use leptos::prelude::*;

use super::model::{photo_url, Photo, PRODUCT_PHOTO_SIZES, THUMB_WIDTH};
use crate::i18n::use_i18n;

/// The photos of the chosen variant; with none, the product's drawing.
#[component]
pub fn Gallery(photos: Vec<Photo>, name: String, drawing: String) -> impl IntoView {
    let i18n = use_i18n();
    if photos.is_empty() {
        return view! { <img class="product__image" src=drawing alt=name width="600" height="600" /> }
            .into_any();
    }
    let total = photos.len();
    let thumbs = (total > 1).then(|| {
        photos
            .iter()
            .enumerate()
            .map(|(index, photo)| {
                let n = index + 1;
                let (width, height) = photo
                    .sizes
                    .iter()
                    .copied()
                    .find(|&(width, _)| width == THUMB_WIDTH)
                    .unwrap_or((THUMB_WIDTH, THUMB_WIDTH));
                view! {
                    <li>
                        <a href=format!("#photo-{n}") aria-label=move || (i18n.t().photo_of)(n, total)>
                            <img src=photo_url(&photo.hash, width) alt="" width=width height=height loading="lazy" />
                        </a>
                    </li>
                }
            })
            .collect_view()
    });
    let slides = photos
        .into_iter()
        .enumerate()
        .map(|(index, photo)| {
            let n = index + 1;
            let (src, width, height) = photo.fallback();
            let alt = match photo.alt(i18n.locale()) {
                "" => name.clone(),
                alt => alt.to_owned(),
            };
            // The first photo is the page's largest paint: fetched first.
            let first = index == 0;
            view! {
                <li class="gallery__slide" id=format!("photo-{n}") data-testid="gallery-photo">
                    <img
                        src=src
                        srcset=photo.srcset()
                        sizes=PRODUCT_PHOTO_SIZES
                        alt=alt
                        width=width
                        height=height
                        loading=if first { "eager" } else { "lazy" }
                        fetchpriority=if first { "high" } else { "auto" }
                        decoding="async"
                    />
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="gallery" aria-label=move || i18n.t().gallery_label>
            <ul class="gallery__slides" tabindex="0">{slides}</ul>
            {thumbs.map(|thumbs| view! { <ul class="gallery__thumbs">{thumbs}</ul> })}
        </section>
    }
    .into_any()
}
