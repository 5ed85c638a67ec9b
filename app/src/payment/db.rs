//! SQL of orders and payments.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{OrderSummary, ShippingAddress};

#[derive(sqlx::FromRow)]
struct OrderSummaryRow {
    id: i64,
    status: String,
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

/// Serialises checkouts of one user with one key, so that a double click
/// waits for the first and then finds its order.
pub async fn lock_checkout(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('checkout:' || $1::text || ':' || $2, 0))")
        .bind(user_id)
        .bind(key)
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
        "SELECT id, status, total_cents, created_at FROM orders WHERE user_id = $1 AND idempotency_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(OrderSummary::from))
}

/// Takes `quantity` units if that many are left; returns the product's
/// name and price, or `None` (and takes nothing) when stock is short.
pub async fn take_stock(
    tx: &mut Transaction<'_, Postgres>,
    product_id: i64,
    quantity: i32,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2 RETURNING name, price_cents",
    )
    .bind(product_id)
    .bind(quantity)
    .fetch_optional(&mut **tx)
    .await
}

pub struct NewOrder<'a> {
    pub user_id: i64,
    pub key: &'a str,
    pub total_cents: i64,
    pub address: &'a ShippingAddress,
    pub card_brand: &'a str,
    pub card_last4: &'a str,
}

pub async fn insert_order(
    tx: &mut Transaction<'_, Postgres>,
    order: &NewOrder<'_>,
) -> Result<OrderSummary, sqlx::Error> {
    let row = sqlx::query_as::<_, OrderSummaryRow>(
        "INSERT INTO orders (user_id, idempotency_key, total_cents, ship_name, ship_street, ship_postcode,
                             ship_city, ship_country, card_brand, card_last4)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id, status, total_cents, created_at",
    )
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
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.into())
}

pub async fn insert_order_line(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
    product_id: i64,
    name: &str,
    unit_price_cents: i64,
    quantity: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(name)
    .bind(unit_price_cents)
    .bind(quantity)
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

/// The user's orders, newest first.
pub async fn list_orders_of(db: impl PgExecutor<'_>, user_id: i64) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let rows = sqlx::query_as::<_, OrderSummaryRow>(
        "SELECT id, status, total_cents, created_at FROM orders WHERE user_id = $1
         ORDER BY created_at DESC, id DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(OrderSummary::from).collect())
}
