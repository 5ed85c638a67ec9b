//! SQL of refunds: what a cancelled order still owes back, the orders to
//! retry, and each try's outcome on the payment row.

use sqlx::PgExecutor;

use crate::ids::OrderId;

/// The charge a cancelled order still owes back: its provider reference
/// and amount, or `None` (not cancelled, no payment, already refunded).
pub async fn find_owed_refund(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT p.provider_reference, p.amount_cents
         FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.order_id = $1 AND o.status = 'cancelled' AND p.refunded_at IS NULL",
        order_id as OrderId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.provider_reference, row.amount_cents)))
}

/// Cancelled orders whose refund the provider has not confirmed: never
/// tried first, then the longest untried.
pub async fn orders_owed_a_refund(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<OrderId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT o.id AS "id: OrderId" FROM orders o JOIN payments p ON p.order_id = o.id
           WHERE o.status = 'cancelled' AND p.refunded_at IS NULL
           ORDER BY p.refund_tried_at NULLS FIRST, o.id LIMIT $1"#,
        limit,
    )
    .fetch_all(db)
    .await
}

/// Notes a try the provider did not answer with a refund.
pub async fn record_refund_failure(db: impl PgExecutor<'_>, order_id: OrderId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET refund_attempts = refund_attempts + 1, refund_tried_at = now()
         WHERE order_id = $1 AND refunded_at IS NULL",
        order_id as OrderId,
    )
    .execute(db)
    .await
    .map(drop)
}

/// Marks the payment refunded, unless it already was (two retries may
/// race; the provider refunds a charge once, and so does this row).
pub async fn record_refund(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
    refund_reference: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET refunded_at = now(), refund_reference = $2
         WHERE order_id = $1 AND refunded_at IS NULL",
        order_id as OrderId,
        refund_reference,
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected() == 1)
}
