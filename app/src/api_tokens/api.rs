//! Server functions of API tokens: the caller's own on the account page,
//! every live one in the back office.

use leptos::prelude::*;

use super::model::{OwnTokens, TokenSummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{db, model, service};
    pub use crate::auth::{audience, guard};
    pub use crate::error::AppError;

    /// Where the secret of a token just made waits for the page that shows
    /// it: the form posts, the page after the redirect shows it once.
    pub const FRESH_SECRET_KEY: &str = "fresh_api_token";

    /// A token's secret waiting to be shown, whose it is, and the page
    /// rendering that showed it.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct FreshSecret {
        pub secret: String,
        pub user_id: i64,
        pub shown_by: Option<String>,
    }

    /// The page rendering this call belongs to, if any: its script nonce,
    /// which the server makes afresh for every page (no client chooses it).
    pub fn page_render() -> Option<String> {
        leptos::nonce::use_nonce().map(|nonce| nonce.to_string())
    }

    pub fn not_found_unless(found: bool) -> Result<(), AppError> {
        found.then_some(()).ok_or(AppError::NotFound)
    }
}

/// The caller's personal tokens, and the secret of the one just made:
/// shown by one page only (the one after the form), however many times
/// that page's rendering asks, then forgotten.
#[server(endpoint = "api-tokens/mine")]
pub async fn my_tokens() -> Result<OwnTokens, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let session = guard::session().await?;
        let fresh_secret = match session.get::<FreshSecret>(FRESH_SECRET_KEY).await? {
            None => None,
            // Another account's (the session changed hands): never shown.
            Some(fresh) if fresh.user_id != user.id.0 => {
                session.remove::<FreshSecret>(FRESH_SECRET_KEY).await?;
                None
            }
            Some(fresh) => match (page_render(), &fresh.shown_by) {
                // Not a page's rendering: shown this once.
                (None, _) => {
                    session.remove::<FreshSecret>(FRESH_SECRET_KEY).await?;
                    Some(fresh.secret)
                }
                (Some(render), None) => {
                    let secret = fresh.secret.clone();
                    let shown = FreshSecret {
                        shown_by: Some(render),
                        ..fresh
                    };
                    session.insert(FRESH_SECRET_KEY, &shown).await?;
                    Some(secret)
                }
                (Some(render), Some(shown_by)) if *shown_by == render => Some(fresh.secret),
                (Some(_), Some(_)) => {
                    session.remove::<FreshSecret>(FRESH_SECRET_KEY).await?;
                    None
                }
            },
        };
        let tokens = db::list(&state.pool, Some(user.id), 100).await?;
        Ok(OwnTokens { tokens, fresh_secret })
    })
    .await
}

/// Makes a personal token with the scopes ticked (`admin` for an
/// administrator only) for 7, 30, 90 or 365 days, once the current
/// password is given again. A password change revokes every token.
#[server(endpoint = "api-tokens/create")]
pub async fn create_api_token(
    current_password: String,
    name: String,
    scope_read: Option<String>,
    scope_write: Option<String>,
    scope_admin: Option<String>,
    expires_in_days: String,
) -> Result<String, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        // A borrowed session cannot mint a key that outlives it.
        let client = guard::client_ip(&state).await;
        crate::auth::service::confirm_password(&state, user.id, &current_password, &client).await?;
        let name = model::parse_name(&name)?;
        let ticked = [
            ("read", scope_read),
            ("write", scope_write),
            ("admin", scope_admin),
        ]
        .into_iter()
        .filter(|(_, value)| value.as_deref().is_some_and(|value| !value.trim().is_empty()))
        .map(|(scope, _)| scope);
        let scopes = model::Scopes::parse(ticked, user.is_admin())?;
        let days = model::parse_lifetime(&expires_in_days)?;
        let made = service::create(&state, &user, &name, &scopes, days).await?;
        let fresh = FreshSecret {
            secret: made.secret.clone(),
            user_id: user.id.0,
            shown_by: None,
        };
        guard::session().await?.insert(FRESH_SECRET_KEY, &fresh).await?;
        Ok(made.secret)
    })
    .await
}

/// Revokes one of the caller's tokens at once.
#[server(endpoint = "api-tokens/revoke")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let revoked = db::revoke(&state.pool, id, Some(user.id)).await?;
        if revoked {
            tracing::info!(
                user_id = user.id.0,
                token_id = id,
                "API token revoked by its owner"
            );
        }
        not_found_unless(revoked)
    })
    .await
}

/// Every live token of the shop, newest first (the back office).
#[server(endpoint = "api-tokens/all")]
pub async fn all_api_tokens() -> Result<Vec<TokenSummary>, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move { Ok(db::list(&state.pool, None, 500).await?) }).await
}

/// Revokes anyone's token (the back office).
#[server(endpoint = "api-tokens/admin-revoke")]
pub async fn admin_revoke_api_token(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let revoked = db::revoke(&state.pool, id, None).await?;
        if revoked {
            tracing::info!(
                admin_id = admin.id.0,
                token_id = id,
                "API token revoked in the back office"
            );
        }
        not_found_unless(revoked)
    })
    .await
}
