use leptos::prelude::*;
use leptos_meta::Meta;

use crate::ui::seo::PageTitle;

use crate::i18n::use_i18n;

/// The page for every unknown address; answers 404 when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        // Taken once: on the server the title is read after rendering (see `Seo`).
        <PageTitle text=i18n.t().not_found_title />
        <Meta name="robots" content="noindex" />
        <section class="not-found">
            <p class="not-found__code" aria-hidden="true">"404"</p>
            <h1>{move || i18n.t().not_found_title}</h1>
            <p>{move || i18n.t().not_found_text}</p>
            <a class="button" href="/">
                {move || i18n.t().back_home}
            </a>
        </section>
    }
}
