//! Checkout: one transaction that re-reads prices, takes stock with
//! conditional updates, charges the card, writes the order and empties
//! the basket — or changes nothing at all.

use super::db::{self, NewOrder};
use super::gateway::PaymentError;
use super::model::{Card, OrderStatus, OrderSummary, ShippingAddress};
use crate::admin::audit;
use crate::basket::db::{self as basket_db, BasketKey};
use crate::error::AppError;
use crate::products::stock::{self, StockChange};
use crate::state::AppState;

pub struct CheckoutRequest<'a> {
    pub user_id: i64,
    pub key: &'a str,
    pub address: ShippingAddress,
    pub card: Card,
}

#[tracing::instrument(skip_all, fields(user_id = request.user_id), err)]
pub async fn checkout(state: &AppState, request: CheckoutRequest<'_>) -> Result<OrderSummary, AppError> {
    let mut tx = state.pool.begin().await?;
    // Same key, same user: the second request waits here, then finds the order.
    db::lock_checkout(&mut tx, request.user_id, request.key).await?;
    if let Some(order) = db::find_order_by_key(&mut *tx, request.user_id, request.key).await? {
        tx.commit().await?;
        return Ok(order);
    }

    // Lines come in product order, so concurrent checkouts lock products in
    // the same order and cannot deadlock.
    let lines = basket_db::find_lines(&mut *tx, BasketKey::Account(request.user_id)).await?;
    if lines.is_empty() {
        return Err(AppError::validation("basket", "your basket is empty"));
    }
    if let Some(line) = lines.iter().find(|line| line.quantity > line.max_per_order) {
        return Err(AppError::Conflict(format!(
            "at most {} of {} per order",
            line.max_per_order, line.name
        )));
    }
    let order_id = db::next_order_id(&mut tx).await?;
    stock::describe(
        &mut tx,
        StockChange::new("checkout")
            .by(request.user_id)
            .for_order(order_id),
    )
    .await?;
    let mut taken = Vec::with_capacity(lines.len());
    let mut short = Vec::new();
    for line in &lines {
        match db::take_stock(&mut tx, line.product_id, line.quantity).await? {
            Some((name, price)) => taken.push((line.product_id, name, price, line.quantity)),
            None => short.push(format!(
                "{} ({} left)",
                line.name,
                line.stock.min(line.quantity - 1).max(0)
            )),
        }
    }
    if !short.is_empty() {
        // Dropping the transaction rolls back whatever was taken.
        return Err(AppError::Conflict(format!(
            "not enough stock: {}",
            short.join(", ")
        )));
    }
    let total_cents: i64 = taken
        .iter()
        .map(|(_, _, price, qty)| price * i64::from(*qty))
        .sum();

    let receipt = state
        .payments
        .charge(total_cents, &request.card, request.key)
        .await
        .map_err(|error| match error {
            PaymentError::Declined => AppError::validation("card_number", "the card was declined"),
            PaymentError::InsufficientFunds => {
                AppError::validation("card_number", "insufficient funds on this card")
            }
            PaymentError::Unavailable => AppError::Internal,
        })?;

    let brand = format!("{:?}", receipt.brand);
    let order = db::insert_order(
        &mut tx,
        &NewOrder {
            id: order_id,
            user_id: request.user_id,
            key: request.key,
            total_cents,
            address: &request.address,
            card_brand: &brand,
            card_last4: &receipt.last4,
        },
    )
    .await?;
    for (product_id, name, price, quantity) in &taken {
        db::insert_order_line(&mut tx, order.id, *product_id, name, *price, *quantity).await?;
    }
    db::insert_payment(&mut tx, order.id, total_cents, &receipt.reference).await?;
    basket_db::clear(&mut *tx, BasketKey::Account(request.user_id)).await?;
    tx.commit().await?;
    tracing::info!(order_id = order.id, total_cents, "order paid");
    Ok(order)
}

/// Moves an order along its lifecycle; cancelling puts its stock back and
/// refunds the payment. The order row stays locked meanwhile, so two
/// cancels cannot both restock or refund.
#[tracing::instrument(skip(state), err)]
pub async fn set_order_status(
    state: &AppState,
    admin_id: i64,
    order_id: i64,
    next: OrderStatus,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let current = db::lock_order_status(&mut tx, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !current.can_become(next) {
        return Err(AppError::Conflict(format!(
            "an order that is {} cannot become {}",
            current.as_str(),
            next.as_str()
        )));
    }
    db::update_status(&mut tx, order_id, next).await?;
    audit::record(
        &mut *tx,
        admin_id,
        "order.status",
        &format!("order {order_id}"),
        next.as_str(),
    )
    .await?;
    if next == OrderStatus::Cancelled {
        stock::describe(
            &mut tx,
            StockChange::new("cancel").by(admin_id).for_order(order_id),
        )
        .await?;
        db::return_stock(&mut tx, order_id).await?;
        // The customer gets their money back; if the provider refuses,
        // nothing changes and the order stays as it was.
        if let Some((reference, amount_cents)) = db::find_payment(&mut tx, order_id).await? {
            let refund = state
                .payments
                .refund(&reference, amount_cents)
                .await
                .map_err(|error| {
                    tracing::error!(%error, order_id, "refund failed");
                    AppError::Internal
                })?;
            db::record_refund(&mut tx, order_id, &refund).await?;
        }
    }
    tx.commit().await?;
    tracing::info!(order_id, status = next.as_str(), "order status changed");
    Ok(())
}
