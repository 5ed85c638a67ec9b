//! SQL of checkout: one account's reservations in turn, the order and its
//! lines written awaiting payment, its payment recorded, and the order to
//! settle, locked or claimed by the sweep.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::orders::OrderSummaryRow;
use crate::delivery::model::DeliveryMethod;
use crate::ids::{OrderId, ProductId, UserId};
use crate::inventory::db::Taken;
use crate::payment::model::{OrderStatus, OrderSummary, ShippingAddress};

/// Serialises the reservations of one account, whatever their key, so that
/// a double click or a second tab waits for the first and then finds its
/// order.
pub async fn lock_checkout(tx: &mut Transaction<'_, Postgres>, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('checkout:' || $1::text, 0))",
        user_id as UserId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn find_order_by_key(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    key: &str,
) -> Result<Option<OrderSummary>, sqlx::Error> {
    let row = sqlx::query_as!(
        OrderSummaryRow,
        r#"SELECT id, status AS "status: OrderStatus", total_cents,
                  created_at AS "created_at: DateTime<Utc>" FROM orders
           WHERE user_id = $1 AND idempotency_key = $2 AND status <> 'payment_failed'"#,
        user_id as UserId,
        key,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(OrderSummary::from))
}

/// The account's order whose payment is under way, if any (another tab's).
pub async fn find_awaiting_order(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<Option<OrderSummary>, sqlx::Error> {
    let row = sqlx::query_as!(
        OrderSummaryRow,
        r#"SELECT id, status AS "status: OrderStatus", total_cents,
                  created_at AS "created_at: DateTime<Utc>" FROM orders
           WHERE user_id = $1 AND status = 'awaiting_payment'
           ORDER BY id DESC LIMIT 1"#,
        user_id as UserId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(OrderSummary::from))
}

/// An order number taken before the order row is written, so that the
/// stock movements of its checkout can name it.
pub async fn next_order_id(tx: &mut Transaction<'_, Postgres>) -> Result<OrderId, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT nextval(pg_get_serial_sequence('orders', 'id')) AS "id!: OrderId""#)
        .fetch_one(&mut **tx)
        .await
}

pub struct NewOrder<'a> {
    pub id: OrderId,
    pub user_id: UserId,
    pub key: &'a str,
    /// Goods and delivery, TTC.
    pub total_cents: i64,
    pub address: &'a ShippingAddress,
    /// How it is sent, and what that costs this order.
    pub delivery: &'a DeliveryMethod,
    pub delivery_cents: i64,
    /// The promo code used, and what it took off the goods.
    pub promo_code: Option<&'a str>,
    pub discount_cents: i64,
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
    let payment_window_secs = order.payment_window.num_milliseconds() as f64 / 1000.0;
    let row = sqlx::query_as!(
        OrderSummaryRow,
        r#"INSERT INTO orders (id, user_id, idempotency_key, total_cents, ship_name, ship_street, ship_postcode,
                               ship_city, ship_country, card_brand, card_last4, status, expires_at, language,
                               delivery_method_id, delivery_name_fr, delivery_name_en, delivery_cents,
                               promo_code, discount_cents)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'awaiting_payment',
                   now() + make_interval(secs => $12), $13, $14, $15, $16, $17, $18, $19)
           RETURNING id, status AS "status: OrderStatus", total_cents,
                     created_at AS "created_at: DateTime<Utc>""#,
        order.id as OrderId,
        order.user_id as UserId,
        order.key,
        order.total_cents,
        order.address.name,
        order.address.street,
        order.address.postcode,
        order.address.city,
        order.address.country,
        order.card_brand,
        order.card_last4,
        payment_window_secs,
        order.language.code(),
        order.delivery.id,
        order.delivery.name_fr,
        order.delivery.name_en,
        order.delivery_cents,
        order.promo_code,
        order.discount_cents,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.into())
}

pub async fn insert_order_line(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
    product_id: ProductId,
    taken: &Taken,
    quantity: i32,
    discount_cents: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity, held_until,
                                  vat_rate_bp, discount_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        order_id as OrderId,
        product_id as ProductId,
        taken.name,
        taken.price_cents,
        quantity,
        taken.held_until as Option<DateTime<Utc>>,
        taken.vat_rate_bp,
        discount_cents,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn insert_payment(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
    amount_cents: i64,
    reference: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO payments (order_id, amount_cents, provider_reference) VALUES ($1, $2, $3)",
        order_id as OrderId,
        amount_cents,
        reference,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// An order to settle: its status, total and owner, the row locked until
/// the transaction ends.
pub async fn lock_order(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
) -> Result<Option<(OrderStatus, i64, UserId)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT status AS "status: OrderStatus", total_cents, user_id AS "user_id: UserId"
           FROM orders WHERE id = $1 FOR UPDATE"#,
        order_id as OrderId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| (row.status, row.total_cents, row.user_id)))
}

/// Claims the order awaiting payment that expired first, for `lease`:
/// concurrent sweepers (every instance runs one) skip the row another
/// holds, and the claim is committed before the provider is asked, so no
/// lock is held meanwhile. Returns `(order, owner)`.
pub async fn claim_expired_order(
    db: impl PgExecutor<'_>,
    lease: std::time::Duration,
) -> Result<Option<(OrderId, UserId)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"UPDATE orders SET settling_until = now() + make_interval(secs => $1)
           WHERE id = (SELECT id FROM orders
                       WHERE status = 'awaiting_payment' AND expires_at < now()
                         AND (settling_until IS NULL OR settling_until < now())
                       ORDER BY expires_at LIMIT 1
                       FOR UPDATE SKIP LOCKED)
           RETURNING id AS "id: OrderId", user_id AS "user_id: UserId""#,
        lease.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.id, row.user_id)))
}
