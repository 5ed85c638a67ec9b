//! Server functions of the reset and verification links.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::service;
    pub use crate::auth::{audience, guard};
    pub use crate::i18n::Locale;
    pub use crate::ui::notice::{self, Notice};
}

/// "Forgot your password?": mails a reset link if the address has an
/// account; the same answer either way.
#[server(endpoint = "auth/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let client_ip = guard::client_ip(&state).await;
        service::request_reset(&state, &email, &client_ip, Locale::from_request()).await?;
        leptos_axum::redirect("/password/forgot?sent=1");
        Ok(())
    })
    .await
}

/// Sets a new password with the mailed token, then goes to the login.
#[server(endpoint = "auth/reset-password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        service::reset_password(&state, token.trim(), &password, &password_confirmation).await?;
        notice::leave(Notice::PasswordReset).await?;
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// Confirms the address with the mailed token (a button on the link's
/// page: opening a link changes nothing).
#[server(endpoint = "auth/verify-email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        service::verify_email(&state.pool, token.trim()).await?;
        leptos_axum::redirect("/email/verify?done=1");
        Ok(())
    })
    .await
}

/// Mails the logged-in account a new verification link.
#[server(endpoint = "auth/resend-verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let client_ip = guard::client_ip(&state).await;
        service::resend_verification(&state, user.id, &client_ip, Locale::from_request()).await?;
        notice::leave(Notice::VerificationSent).await
    })
    .await
}
