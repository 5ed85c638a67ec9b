use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_i18n;

/// An error as the shopper should read it: translated, never internal.
/// On the server it also sets the response status of the page.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status_code());
        crate::error::set_retry_after(&response, &error);
    }
    view! {
        <p class="alert alert--error" role="alert">
            {move || i18n.t().error(&error)}
        </p>
    }
}
