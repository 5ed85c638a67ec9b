//! The authentication service's server functions.

use leptos::prelude::*;

use super::model::User;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{
        db as auth_db, guard,
        model::safe_return_path,
        service::{self, Registration, SignUp},
    };
    pub use crate::ui::notice::{self, Notice};
    pub use crate::{auth::audience, basket::service as basket_service};

    /// Where a fresh login goes: back where the shopper was, else to the
    /// basket when a guest basket was just merged into the account.
    pub fn destination(return_to: Option<&str>, merged_basket: bool) -> String {
        match return_to.filter(|path| !path.trim().is_empty()) {
            None if merged_basket => "/basket".to_owned(),
            _ => safe_return_path(return_to),
        }
    }
}

/// Creates a customer account and logs it in, then goes back to where the
/// shopper was. An address that has an account gets the same answer, with
/// nobody logged in, and its owner a mail (see `service::sign_up`).
#[server(endpoint = "auth/register")]
pub async fn register(
    username: String,
    email: String,
    password: String,
    password_confirmation: String,
    first_name: String,
    last_name: String,
    return_to: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let session = guard::session().await?;
        // Counted before any work, valid or not: a flood of sign-ups
        // from one address stops here, before the password hashing.
        let client_ip = guard::client_ip(&state).await;
        if !auth_db::begin_sign_up(&state.pool, &client_ip, state.auth.max_sign_ups).await? {
            return Err(AppError::too_many(3600));
        }
        let form = Registration {
            username,
            email,
            password,
            password_confirmation,
            first_name,
            last_name,
        };
        let merged = match service::sign_up(&state, form, &client_ip).await? {
            SignUp::Created(user) => {
                service::start_session(&session, &state.pool, user.id).await?;
                basket_service::merge_guest_basket(&state, &session, user.id).await?
            }
            SignUp::AddressTaken => false,
        };
        notice::leave(Notice::SignUpMailed).await?;
        leptos_axum::redirect(&destination(return_to.as_deref(), merged));
        Ok(())
    })
    .await
}

/// Logs in with a username or e-mail; one answer for every failure.
#[server(endpoint = "auth/login")]
pub async fn login(login: String, password: String, return_to: Option<String>) -> Result<User, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let session = guard::session().await?;
        let client_ip = guard::client_ip(&state).await;
        let user_id = service::authenticate(&state, &login, &password, &client_ip).await?;
        service::start_session(&session, &state.pool, user_id).await?;
        let merged = basket_service::merge_guest_basket(&state, &session, user_id).await?;
        let user = guard::require_user().await?;
        leptos_axum::redirect(&destination(return_to.as_deref(), merged));
        Ok(user)
    })
    .await
}

/// Ends the session (its record leaves the store) and goes home.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use ssr::*;
    audience::public(|_| async move {
        service::end_session(&guard::session().await?).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// The logged-in user, or nothing for a guest.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<User>, AppError> {
    use ssr::*;
    audience::public(|_| guard::current_user()).await
}
