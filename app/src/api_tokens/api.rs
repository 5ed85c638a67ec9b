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

    /// A token's secret waiting to be shown, and the request that showed it.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct FreshSecret {
        pub secret: String,
        pub shown_by: Option<String>,
    }

    /// The request's id (the server's first layer gives every request one).
    pub fn request_id() -> String {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get("x-request-id")
                    .and_then(|id| id.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    }

    pub fn not_found_unless(found: bool) -> Result<(), AppError> {
        found.then_some(()).ok_or(AppError::NotFound)
    }
}

/// The caller's personal tokens, and the secret of the one just made:
/// shown by one request only (the page after the form), however many
/// times that page's rendering asks, then forgotten.
#[server(endpoint = "api-tokens/mine")]
pub async fn my_tokens() -> Result<OwnTokens, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let session = guard::session().await?;
        let fresh_secret = match session.get::<FreshSecret>(FRESH_SECRET_KEY).await? {
            None => None,
            Some(fresh) => {
                let request = request_id();
                match &fresh.shown_by {
                    None => {
                        let secret = fresh.secret.clone();
                        let shown = FreshSecret {
                            shown_by: Some(request),
                            ..fresh
                        };
                        session.insert(FRESH_SECRET_KEY, &shown).await?;
                        Some(secret)
                    }
                    Some(shown_by) if *shown_by == request => Some(fresh.secret),
                    Some(_) => {
                        session.remove::<FreshSecret>(FRESH_SECRET_KEY).await?;
                        None
                    }
                }
            }
        };
        let tokens = db::list_of(&state.pool, user.id).await?;
        Ok(OwnTokens { tokens, fresh_secret })
    })
    .await
}

/// Makes a personal token with the scopes ticked (`admin` for an
/// administrator only) for 7, 30, 90 or 365 days.
#[server(endpoint = "api-tokens/create")]
pub async fn create_api_token(
    name: String,
    scope_read: Option<String>,
    scope_write: Option<String>,
    scope_admin: Option<String>,
    expires_in_days: String,
) -> Result<String, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
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
    audience::admin(|state, _| async move { Ok(db::list_live(&state.pool, 500).await?) }).await
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
