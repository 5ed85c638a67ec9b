//! Server functions of the address book, for the logged-in customer only;
//! each reads and writes the caller's own book.

use leptos::prelude::*;

use super::model::SavedAddress;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{db, model, service};
    pub use crate::auth::audience;
}

/// The caller's saved addresses, the default first.
#[server(endpoint = "addresses/mine")]
pub async fn my_addresses() -> Result<Vec<SavedAddress>, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move { Ok(db::list(&state.pool, user.id).await?) }).await
}

/// Saves an address in the caller's book (`make_default` ticked: the one
/// the checkout picks first).
#[server(endpoint = "addresses/add")]
pub async fn add_address(
    ship_name: String,
    ship_street: String,
    ship_postcode: String,
    ship_city: String,
    ship_country: String,
    make_default: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let address = model::ShippingAddress::parse(
            &ship_name,
            &ship_street,
            &ship_postcode,
            &ship_city,
            &ship_country,
        )?;
        service::save(&state, user.id, &address, model::ticked(make_default.as_deref())).await?;
        Ok(())
    })
    .await
}

/// Makes one of the caller's addresses the default.
#[server(endpoint = "addresses/set-default")]
pub async fn set_default_address(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move { service::set_default(&state, user.id, id).await }).await
}

/// Deletes one of the caller's addresses (orders keep their own copy).
#[server(endpoint = "addresses/delete")]
pub async fn delete_address(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move { service::delete(&state, user.id, id).await }).await
}
