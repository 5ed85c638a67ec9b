//! The payment service's server functions: checkout and the shopper's orders.
// A server function takes its form's fields one by one.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::OrderSummary;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod server {
    pub use super::super::{
        db,
        model::{parse_idempotency_key, Card, ShippingAddress},
        service::{self, CheckoutRequest},
    };
    pub use crate::{auth::guard::require_user, error::with_status, state::AppState};
}

/// Pays for the basket. The form's `idempotency_key` makes a double click or
/// a retry return the same order instead of a second one.
#[server(endpoint = "payment/checkout")]
pub async fn checkout(
    ship_name: String,
    ship_street: String,
    ship_postcode: String,
    ship_city: String,
    ship_country: String,
    card_number: String,
    card_expiry: String,
    card_cvc: String,
    idempotency_key: String,
) -> Result<OrderSummary, AppError> {
    use chrono::Datelike;
    use server::*;
    with_status(
        async move {
            let user = require_user().await?;
            let state = AppState::from_context()?;
            let key = parse_idempotency_key(&idempotency_key)?;
            let address = ShippingAddress::parse(
                &ship_name,
                &ship_street,
                &ship_postcode,
                &ship_city,
                &ship_country,
            )?;
            let today = chrono::Utc::now();
            let card = Card::parse(
                &card_number,
                &card_expiry,
                &card_cvc,
                (today.year(), today.month()),
            )?;
            let request = CheckoutRequest {
                user_id: user.id,
                key: &key,
                address,
                card,
            };
            let order = service::checkout(&state, request).await?;
            leptos_axum::redirect(&format!("/account?order={}", order.id));
            Ok(order)
        }
        .await,
    )
}

/// A fresh idempotency key for one checkout form.
#[server(endpoint = "payment/checkout-key")]
pub async fn new_checkout_key() -> Result<String, AppError> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The caller's orders, newest first.
#[server(endpoint = "payment/my-orders")]
pub async fn list_my_orders() -> Result<Vec<OrderSummary>, AppError> {
    use server::*;
    with_status(
        async move {
            let user = require_user().await?;
            let state = AppState::from_context()?;
            Ok(db::list_orders_of(&state.pool, user.id).await?)
        }
        .await,
    )
}
