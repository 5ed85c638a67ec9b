//! SQL of orders and payments.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{
    OrderDetail, OrderLine, OrderListItem, OrderStatus, OrderSummary, Refund, ShippingAddress,
    ORDERS_PER_PAGE,
};
use crate::inventory::db::Taken;

#[derive(sqlx::FromRow)]
struct OrderSummaryRow {
    id: i64,
    status: OrderStatus,
    total_cents: i64,
    created_at: DateTime<Utc>,
}

impl From<OrderSummaryRow> for OrderSummary {
    fn from(row: OrderSummaryRow) -> Self {
        Self {
            id: row.id,
            status: row.status,
            total_cents: row.total_cents,
            created_at: row.created_at.to_rfc3339(),
        }
    }
}

/// Serialises the reservations of one account, whatever their key, so that
/// a double click or a second tab waits for the first and then finds its
/// order.
pub async fn lock_checkout(tx: &mut Transaction<'_, Postgres>, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('checkout:' || $1::text, 0))")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn find_order_by_key(
    db: impl PgExecutor<'_>,
    user_id: i64,
    key: &str,
) -> Result<Option<OrderSummary>, sqlx::Error> {
    let row = sqlx::query_as::<_, OrderSummaryRow>(
        "SELECT id, status, total_cents, created_at FROM orders
         WHERE user_id = $1 AND idempotency_key = $2 AND status <> 'payment_failed'",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(OrderSummary::from))
}

/// The account's order whose payment is under way, if any (another tab's).
pub async fn find_awaiting_order(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> Result<Option<OrderSummary>, sqlx::Error> {
    let row = sqlx::query_as::<_, OrderSummaryRow>(
        "SELECT id, status, total_cents, created_at FROM orders
         WHERE user_id = $1 AND status = 'awaiting_payment'
         ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(OrderSummary::from))
}

/// An order number taken before the order row is written, so that the
/// stock movements of its checkout can name it.
pub async fn next_order_id(tx: &mut Transaction<'_, Postgres>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('orders', 'id'))")
        .fetch_one(&mut **tx)
        .await
}

pub struct NewOrder<'a> {
    pub id: i64,
    pub user_id: i64,
    pub key: &'a str,
    pub total_cents: i64,
    pub address: &'a ShippingAddress,
    pub card_brand: &'a str,
    pub card_last4: &'a str,
    /// How long the order keeps its units while it awaits payment.
    pub payment_window: chrono::Duration,
    /// The language its mails are written in.
    pub language: crate::i18n::Locale,
}

/// Writes the order as awaiting payment, until `now() + payment_window`.
pub async fn insert_order(
    tx: &mut Transaction<'_, Postgres>,
    order: &NewOrder<'_>,
) -> Result<OrderSummary, sqlx::Error> {
    let row = sqlx::query_as::<_, OrderSummaryRow>(
        "INSERT INTO orders (id, user_id, idempotency_key, total_cents, ship_name, ship_street, ship_postcode,
                             ship_city, ship_country, card_brand, card_last4, status, expires_at, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'awaiting_payment',
                 now() + make_interval(secs => $12), $13)
         RETURNING id, status, total_cents, created_at",
    )
    .bind(order.id)
    .bind(order.user_id)
    .bind(order.key)
    .bind(order.total_cents)
    .bind(&order.address.name)
    .bind(&order.address.street)
    .bind(&order.address.postcode)
    .bind(&order.address.city)
    .bind(&order.address.country)
    .bind(order.card_brand)
    .bind(order.card_last4)
    .bind(order.payment_window.num_milliseconds() as f64 / 1000.0)
    .bind(order.language.code())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.into())
}

pub async fn insert_order_line(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
    product_id: i64,
    taken: &Taken,
    quantity: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity, held_until)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(&taken.name)
    .bind(taken.price_cents)
    .bind(quantity)
    .bind(taken.held_until)
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn insert_payment(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
    amount_cents: i64,
    reference: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO payments (order_id, amount_cents, provider_reference) VALUES ($1, $2, $3)")
        .bind(order_id)
        .bind(amount_cents)
        .bind(reference)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// The user's orders, newest first; attempts whose payment failed are not
/// orders to the shopper.
pub async fn list_orders_of(db: impl PgExecutor<'_>, user_id: i64) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let rows = sqlx::query_as::<_, OrderSummaryRow>(
        "SELECT id, status, total_cents, created_at FROM orders
         WHERE user_id = $1 AND status <> 'payment_failed'
         ORDER BY created_at DESC, id DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(OrderSummary::from).collect())
}

#[derive(sqlx::FromRow)]
struct OrderDetailRow {
    #[sqlx(flatten)]
    summary: OrderSummaryRow,
    user_id: i64,
    customer: String,
    ship_name: String,
    ship_street: String,
    ship_postcode: String,
    ship_city: String,
    ship_country: String,
    card_brand: String,
    card_last4: String,
    /// For a cancelled order whose payment exists: whether it was refunded.
    refunded: Option<bool>,
}

/// An order and the id of its owner, or `None` when there is no such order.
pub async fn find_order(db: &sqlx::PgPool, order_id: i64) -> Result<Option<(i64, OrderDetail)>, sqlx::Error> {
    let Some(row) = sqlx::query_as::<_, OrderDetailRow>(
        "SELECT o.id, o.status, o.total_cents, o.created_at, o.user_id, u.username AS customer,
                o.ship_name, o.ship_street, o.ship_postcode, o.ship_city, o.ship_country,
                o.card_brand, o.card_last4,
                CASE WHEN o.status = 'cancelled' THEN p.refunded_at IS NOT NULL END AS refunded
         FROM orders o JOIN users u ON u.id = o.user_id
         LEFT JOIN payments p ON p.order_id = o.id
         WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as::<_, (String, String, i64, i32)>(
        "SELECT p.slug, l.product_name, l.unit_price_cents, l.quantity
         FROM order_lines l JOIN products p ON p.id = l.product_id
         WHERE l.order_id = $1 ORDER BY l.product_id",
    )
    .bind(order_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(
        |(product_slug, product_name, unit_price_cents, quantity)| OrderLine {
            product_slug,
            product_name,
            unit_price_cents,
            quantity,
        },
    )
    .collect();
    let detail = OrderDetail {
        summary: row.summary.into(),
        customer: row.customer,
        address: ShippingAddress {
            name: row.ship_name,
            street: row.ship_street,
            postcode: row.ship_postcode,
            city: row.ship_city,
            country: row.ship_country,
        },
        card_brand: row.card_brand,
        card_last4: row.card_last4,
        lines,
        refund: row
            .refunded
            .map(|done| if done { Refund::Done } else { Refund::Pending }),
    };
    Ok(Some((row.user_id, detail)))
}

#[derive(sqlx::FromRow)]
struct OrderListRow {
    #[sqlx(flatten)]
    summary: OrderSummaryRow,
    customer: String,
    item_count: i64,
    total_count: i64,
}

/// One page of every order (or those with `status`), newest first, and how
/// many there are in all.
pub async fn list_orders(
    db: impl PgExecutor<'_>,
    status: Option<OrderStatus>,
    user_id: Option<i64>,
    page: u32,
) -> Result<(Vec<OrderListItem>, i64), sqlx::Error> {
    let rows = sqlx::query_as::<_, OrderListRow>(
        "SELECT o.id, o.status, o.total_cents, o.created_at, u.username AS customer,
                (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS item_count,
                count(*) OVER () AS total_count
         FROM orders o JOIN users u ON u.id = o.user_id
         WHERE ($1::text IS NULL OR o.status = $1) AND ($4::bigint IS NULL OR o.user_id = $4)
         ORDER BY o.created_at DESC, o.id DESC
         LIMIT $2 OFFSET $3",
    )
    .bind(status)
    .bind(ORDERS_PER_PAGE)
    .bind(i64::from(page.saturating_sub(1)) * ORDERS_PER_PAGE)
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total_count);
    let orders = rows
        .into_iter()
        .map(|row| OrderListItem {
            summary: row.summary.into(),
            customer: row.customer,
            item_count: row.item_count,
        })
        .collect();
    Ok((orders, total))
}

/// An order to settle: its status, total and owner, the row locked until
/// the transaction ends.
pub async fn lock_order(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
) -> Result<Option<(OrderStatus, i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT status, total_cents, user_id FROM orders WHERE id = $1 FOR UPDATE")
        .bind(order_id)
        .fetch_optional(&mut **tx)
        .await
}

/// The summary of an order.
pub async fn order_summary(db: impl PgExecutor<'_>, order_id: i64) -> Result<OrderSummary, sqlx::Error> {
    sqlx::query_as::<_, OrderSummaryRow>(
        "SELECT id, status, total_cents, created_at FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(db)
    .await
    .map(OrderSummary::from)
}

/// Claims the order awaiting payment that expired first, for `lease`:
/// concurrent sweepers (every instance runs one) skip the row another
/// holds, and the claim is committed before the provider is asked, so no
/// lock is held meanwhile. Returns `(order, owner)`.
pub async fn claim_expired_order(
    db: impl PgExecutor<'_>,
    lease: std::time::Duration,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE orders SET settling_until = now() + make_interval(secs => $1)
         WHERE id = (SELECT id FROM orders
                     WHERE status = 'awaiting_payment' AND expires_at < now()
                       AND (settling_until IS NULL OR settling_until < now())
                     ORDER BY expires_at LIMIT 1
                     FOR UPDATE SKIP LOCKED)
         RETURNING id, user_id",
    )
    .bind(lease.as_secs_f64())
    .fetch_optional(db)
    .await
}

/// The order's status, its row locked until the transaction ends.
pub async fn lock_order_status(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
) -> Result<Option<OrderStatus>, sqlx::Error> {
    sqlx::query_scalar("SELECT status FROM orders WHERE id = $1 FOR UPDATE")
        .bind(order_id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn update_status(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
    status: OrderStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET status = $2, expires_at = NULL, settling_until = NULL WHERE id = $1")
        .bind(order_id)
        .bind(status)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// The charge a cancelled order still owes back: its provider reference
/// and amount, or `None` (not cancelled, no payment, already refunded).
pub async fn find_owed_refund(
    db: impl PgExecutor<'_>,
    order_id: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.provider_reference, p.amount_cents
         FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.order_id = $1 AND o.status = 'cancelled' AND p.refunded_at IS NULL",
    )
    .bind(order_id)
    .fetch_optional(db)
    .await
}

/// Cancelled orders whose refund the provider has not confirmed: never
/// tried first, then the longest untried.
pub async fn orders_owed_a_refund(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT o.id FROM orders o JOIN payments p ON p.order_id = o.id
         WHERE o.status = 'cancelled' AND p.refunded_at IS NULL
         ORDER BY p.refund_tried_at NULLS FIRST, o.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Notes a try the provider did not answer with a refund.
pub async fn record_refund_failure(db: impl PgExecutor<'_>, order_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET refund_attempts = refund_attempts + 1, refund_tried_at = now()
         WHERE order_id = $1 AND refunded_at IS NULL",
    )
    .bind(order_id)
    .execute(db)
    .await
    .map(drop)
}

/// Marks the payment refunded, unless it already was (two retries may
/// race; the provider refunds a charge once, and so does this row).
pub async fn record_refund(
    db: impl PgExecutor<'_>,
    order_id: i64,
    refund_reference: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET refunded_at = now(), refund_reference = $2
         WHERE order_id = $1 AND refunded_at IS NULL",
    )
    .bind(order_id)
    .bind(refund_reference)
    .execute(db)
    .await
    .map(|done| done.rows_affected() == 1)
}

/// How many orders await payment, and how many cancelled orders still owe
/// a refund (for the operator's metrics).
pub async fn backlog(db: &sqlx::PgPool) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM orders WHERE status = 'awaiting_payment'),
                (SELECT count(*) FROM orders o JOIN payments p ON p.order_id = o.id
                 WHERE o.status = 'cancelled' AND p.refunded_at IS NULL)",
    )
    .fetch_one(db)
    .await
}
