//! SQL of an order's status: read with its row locked, and changed.

use sqlx::{Postgres, Transaction};

use crate::ids::OrderId;
use crate::payment::model::OrderStatus;

/// The order's status, its row locked until the transaction ends.
pub async fn lock_order_status(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
) -> Result<Option<OrderStatus>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT status AS "status: OrderStatus" FROM orders WHERE id = $1 FOR UPDATE"#,
        order_id as OrderId,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn update_status(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
    status: OrderStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE orders SET status = $2, expires_at = NULL, settling_until = NULL WHERE id = $1",
        order_id as OrderId,
        status as OrderStatus,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}
