//! The payment service's server functions: checkout and the shopper's orders.
// A server function takes its form's fields one by one.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{OrderDetail, OrderPage, OrderSummary};
use crate::error::AppError;
use crate::ids::{OrderId, UserId};

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{
        db,
        model::{parse_delivery_method, Card, CheckoutKey, OrderStatus, ShippingAddress, ORDERS_PER_PAGE},
        service::{self, CheckoutRequest},
    };
    pub use crate::{auth::audience, operator::forms::require_confirmation};
    pub mod addresses {
        pub use crate::addresses::model::{parse_saved_choice, ticked};
        pub use crate::addresses::service::{pick, remember};
    }
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
    delivery_method: Option<String>,
    promo_code: Option<String>,
    saved_address: Option<String>,
    save_address: Option<String>,
) -> Result<OrderSummary, AppError> {
    use chrono::Datelike;
    use ssr::*;
    audience::customer(|state, user| async move {
        let key = CheckoutKey::parse(&idempotency_key)?;
        // A saved address of the caller's, or the one typed.
        let saved = addresses::parse_saved_choice(saved_address.as_deref())?;
        let typed_any = [&ship_name, &ship_street, &ship_postcode, &ship_city]
            .iter()
            .any(|field| !field.trim().is_empty());
        let address = match saved {
            // Which one was meant? The shopper says.
            Some(_) if typed_any => {
                return Err(AppError::validation(
                    "saved_address",
                    crate::error::Rule::TwoAddresses,
                ));
            }
            Some(id) => addresses::pick(&state, user.id, id).await?,
            None => ShippingAddress::parse(
                &ship_name,
                &ship_street,
                &ship_postcode,
                &ship_city,
                &ship_country,
            )?,
        };
        let remember = saved.is_none() && addresses::ticked(save_address.as_deref());
        let typed = address.clone();
        let delivery_method_id = parse_delivery_method(delivery_method.as_deref())?;
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
            delivery_method_id,
            promo_code: promo_code.filter(|code| !code.trim().is_empty()),
        };
        let order = service::checkout(&state, request).await?;
        if remember {
            addresses::remember(&state, user.id, &typed).await;
        }
        leptos_axum::redirect(&format!("/orders/{}?placed=1", order.id));
        Ok(order)
    })
    .await
}

/// A fresh idempotency key for one checkout form.
#[server(endpoint = "payment/checkout-key")]
pub async fn new_checkout_key() -> Result<String, AppError> {
    use ssr::*;
    audience::public(|_| async move { Ok(CheckoutKey::fresh().to_string()) }).await
}

/// The caller's orders, newest first.
#[server(endpoint = "payment/my-orders")]
pub async fn list_my_orders() -> Result<Vec<OrderSummary>, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let orders = db::list_orders_of(&state.pool, user.id).await?;
        Ok(orders)
    })
    .await
}

/// One order, for its owner or an administrator; anyone else is told there
/// is no such order.
#[server(endpoint = "payment/order")]
pub async fn get_order(order_id: OrderId) -> Result<OrderDetail, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        match db::find_order(&state.pool, order_id).await? {
            Some((owner, order)) if owner == user.id || user.is_admin() => Ok(order),
            _ => Err(AppError::NotFound),
        }
    })
    .await
}

/// Every order, newest first, optionally only those with one status or of
/// one customer (administrators).
#[server(endpoint = "payment/admin/orders")]
pub async fn list_orders(
    status: Option<String>,
    user_id: Option<UserId>,
    page: Option<u32>,
) -> Result<OrderPage, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let status = match status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(OrderStatus::parse(raw)?),
        };
        let page = page.unwrap_or(1).max(1);
        let (orders, total) = db::list_orders(&state.pool, status, user_id, page).await?;
        let page_count = crate::operator::forms::page_count(total, ORDERS_PER_PAGE);
        Ok(OrderPage {
            orders,
            total,
            page,
            page_count,
        })
    })
    .await
}

/// Ships, delivers or cancels an order (administrators); cancelling
/// returns its stock, once.
#[server(endpoint = "payment/admin/order-status")]
pub async fn set_order_status(
    order_id: OrderId,
    status: String,
    confirm: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let status = OrderStatus::parse(status.trim())?;
        if status == OrderStatus::Cancelled {
            require_confirmation(confirm.as_deref())?;
        }
        service::set_order_status(&state, admin.id, order_id, status).await
    })
    .await
}
