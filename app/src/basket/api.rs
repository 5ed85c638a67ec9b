//! The basket service's server functions (logged-in shoppers for now).

use leptos::prelude::*;

use super::model::{AddOutcome, Basket};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod server {
    pub use super::super::{db, model::Quantity};
    pub use crate::{
        auth::guard::{current_user, require_user},
        error::with_status,
        state::AppState,
    };
}

/// The caller's basket; a guest's is empty until guest baskets exist.
#[server(endpoint = "basket/get")]
pub async fn get_basket() -> Result<Basket, AppError> {
    use server::*;
    with_status(
        async move {
            let Some(user) = current_user().await? else {
                return Ok(Basket::default());
            };
            let state = AppState::from_context()?;
            Ok(Basket {
                lines: db::find_lines(&state.pool, user.id).await?,
            })
        }
        .await,
    )
}

/// Adds what fits (stock, per-order limit) and says how much that was;
/// a sold-out product adds nothing, which is not an error.
#[server(endpoint = "basket/add")]
pub async fn add_to_basket(product_id: i64, quantity: i32) -> Result<AddOutcome, AppError> {
    use server::*;
    with_status(
        async move {
            let user = require_user().await?;
            let state = AppState::from_context()?;
            let quantity = Quantity::new(quantity)?;
            let mut tx = state.pool.begin().await?;
            let outcome = db::add_line(&mut tx, user.id, product_id, quantity)
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await?;
            Ok(outcome)
        }
        .await,
    )
}

#[server(endpoint = "basket/clear")]
pub async fn clear_basket() -> Result<(), AppError> {
    use server::*;
    with_status(
        async move {
            let user = require_user().await?;
            let state = AppState::from_context()?;
            Ok(db::clear(&state.pool, user.id).await?)
        }
        .await,
    )
}
