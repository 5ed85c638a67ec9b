//! The stock ledger: a database trigger writes every change of a product's
//! stock to `stock_movements`; this module tells it why and reads it back.

use sqlx::{PgExecutor, Postgres, Transaction};

use crate::ids::{OrderId, UserId};

/// Why the stock changes in the current transaction.
#[derive(Debug, Clone, Copy)]
pub struct StockChange<'a> {
    /// `checkout`, `cancel`, `creation`, `seed`, or an operator's reason.
    pub reason: &'a str,
    pub actor_id: Option<UserId>,
    pub order_id: Option<OrderId>,
}

impl<'a> StockChange<'a> {
    pub fn new(reason: &'a str) -> Self {
        Self {
            reason,
            actor_id: None,
            order_id: None,
        }
    }

    pub fn by(self, actor_id: UserId) -> Self {
        Self {
            actor_id: Some(actor_id),
            ..self
        }
    }

    pub fn for_order(self, order_id: OrderId) -> Self {
        Self {
            order_id: Some(order_id),
            ..self
        }
    }
}

/// Labels every stock change until the transaction ends.
pub async fn describe(
    tx: &mut Transaction<'_, Postgres>,
    change: StockChange<'_>,
) -> Result<(), sqlx::Error> {
    // The ids are bound as BIGINT and written as their text; PostgreSQL,
    // asked without the types, would read $2 and $3 as text, hence the
    // overrides.
    sqlx::query!(
        "SELECT set_config('wm.stock_reason', $1, true) AS reason,
                set_config('wm.actor_id', coalesce($2::text, ''), true) AS actor_id,
                set_config('wm.order_id', coalesce($3::text, ''), true) AS order_id",
        change.reason,
        change.actor_id as Option<UserId>,
        change.order_id as Option<OrderId>,
    )
    .fetch_all(&mut **tx)
    .await
    .map(drop)
}

/// Products whose stock differs from the sum of their movements (none, as
/// long as the ledger holds).
pub async fn unbalanced_products(db: impl PgExecutor<'_>) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT p.id FROM products p
         LEFT JOIN (SELECT product_id, sum(delta) AS total FROM stock_movements GROUP BY product_id) m
                ON m.product_id = p.id
         WHERE p.stock <> coalesce(m.total, 0)
         ORDER BY p.id"
    )
    .fetch_all(db)
    .await
}
