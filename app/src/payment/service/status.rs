//! The back office moving an order along its lifecycle: a cancel puts the
//! order's units back on sale, then has its payment refunded.

use super::refunds::refund_cancelled_order;
use crate::error::{AppError, Conflict};
use crate::ids::{OrderId, UserId};
use crate::inventory::db as inventory;
use crate::inventory::ledger::{self, StockChange};
use crate::mail::{model::MailKind, outbox};
use crate::operator::audit;
use crate::payment::db;
use crate::payment::model::OrderStatus;
use crate::state::AppState;

/// Moves an order along its lifecycle; cancelling puts its stock back and
/// refunds the payment. The order row stays locked meanwhile, so two
/// cancels cannot both restock or refund.
#[tracing::instrument(skip_all, fields(admin_id = admin_id.0, order_id = order_id.0, next = ?next))]
pub async fn set_order_status(
    state: &AppState,
    admin_id: UserId,
    order_id: OrderId,
    next: OrderStatus,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let current = db::lock_order_status(&mut tx, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !current.can_become(next) {
        return Err(AppError::Conflict(Conflict::StatusChange {
            from: current,
            to: next,
        }));
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
        ledger::describe(
            &mut tx,
            StockChange::new("cancel").by(admin_id).for_order(order_id),
        )
        .await?;
        inventory::return_stock(&mut tx, order_id).await?;
        // Cancelled before shipping: its promo code's use goes back.
        crate::promotions::db::give_back(&mut tx, order_id).await?;
        // A paid order's invoice is taken back by a credit note.
        crate::invoices::service::issue_credit_note(&mut tx, &state.seller, order_id).await?;
    }
    let mail = match next {
        OrderStatus::Shipped => Some(MailKind::OrderShipped),
        OrderStatus::Cancelled => Some(MailKind::OrderCancelled),
        _ => None,
    };
    if let Some(kind) = mail {
        outbox::enqueue_order_mail(&mut *tx, order_id.0, kind).await?;
    }
    tx.commit().await?;
    if next == OrderStatus::Cancelled {
        crate::invoices::service::number_soon(state, crate::invoices::model::DocumentKind::CreditNote).await;
    }
    tracing::info!(
        order_id = order_id.0,
        status = next.as_str(),
        "order status changed"
    );
    if next == OrderStatus::Cancelled {
        // The provider is called after the commit, never inside the
        // transaction: a refund that then failed to be written would be
        // money gone back with an order still "paid". If the provider fails
        // now, the order reads "refund in progress" and the retry loop pays
        // it back later.
        if refund_cancelled_order(state, order_id).await.is_err() {
            tracing::warn!(order_id = order_id.0, "refund left to the retry loop");
        }
    }
    Ok(())
}
