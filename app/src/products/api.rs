//! The products service's server functions.

use leptos::prelude::*;

use super::model::{ProductPage, ProductSort};
use crate::error::AppError;

/// One page of the whole catalogue, in the requested order.
#[server(endpoint = "products/list")]
pub async fn list_products(page: u32, sort: ProductSort) -> Result<ProductPage, AppError> {
    use super::{db, model::PageNumber};
    use crate::{error::with_status, state::AppState};

    with_status(
        async move {
            let state = AppState::from_context()?;
            let page = PageNumber::new(page)?;
            Ok(db::list_products(&state.pool, page, sort).await?)
        }
        .await,
    )
}
