//! Choosing the shop's language: the server function behind the header's
//! language switch.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::Locale;

/// Remembers the shopper's language in a cookie. A plain form post (no
/// JavaScript) is sent back to the page it came from, now in that language.
#[server(endpoint = "i18n/set-locale")]
pub async fn set_locale(locale: Locale) -> Result<Locale, AppError> {
    use crate::auth::audience;
    use http::{header::SET_COOKIE, HeaderValue};

    audience::public(|_| async move {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::i18n::LOCALE_COOKIE,
            locale.code()
        );
        let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
        let value = HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
        response.append_header(SET_COOKIE, value);
        Ok(locale)
    })
    .await
}
