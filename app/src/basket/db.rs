//! SQL of baskets.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{line_limit, BasketLine, GuestLine};

#[derive(sqlx::FromRow)]
struct BasketLineRow {
    product_id: i64,
    slug: String,
    name: String,
    image_path: String,
    unit_price_cents: i64,
    price_seen_cents: i64,
    quantity: i32,
    stock: i32,
    max_per_order: i32,
}

impl From<BasketLineRow> for BasketLine {
    fn from(row: BasketLineRow) -> Self {
        Self {
            product_id: row.product_id,
            slug: row.slug,
            name: row.name,
            image_path: row.image_path,
            unit_price_cents: row.unit_price_cents,
            price_seen_cents: row.price_seen_cents,
            quantity: row.quantity,
            stock: row.stock,
            max_per_order: row.max_per_order,
        }
    }
}

/// The user's basket with today's prices and stock, in product order.
pub async fn find_lines(db: impl PgExecutor<'_>, user_id: i64) -> Result<Vec<BasketLine>, sqlx::Error> {
    let rows = sqlx::query_as::<_, BasketLineRow>(
        "SELECT p.id AS product_id, p.slug, p.name, p.image_path, p.price_cents AS unit_price_cents,
                b.price_seen_cents, b.quantity, p.stock, p.max_per_order
         FROM basket_lines b JOIN listed_products p ON p.id = b.product_id
         WHERE b.user_id = $1 ORDER BY p.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(BasketLine::from).collect())
}

/// The basket lines of a guest (kept in the session), with today's
/// prices and stock; products that no longer exist drop out.
pub async fn find_guest_lines(
    db: impl PgExecutor<'_>,
    guest: &[GuestLine],
) -> Result<Vec<BasketLine>, sqlx::Error> {
    let ids: Vec<i64> = guest.iter().map(|line| line.product_id).collect();
    let quantities: Vec<i32> = guest.iter().map(|line| line.quantity).collect();
    let prices: Vec<i64> = guest.iter().map(|line| line.price_seen_cents).collect();
    let rows = sqlx::query_as::<_, BasketLineRow>(
        "SELECT p.id AS product_id, p.slug, p.name, p.image_path, p.price_cents AS unit_price_cents,
                g.price_seen_cents, g.quantity, p.stock, p.max_per_order
         FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS g (product_id, quantity, price_seen_cents)
         JOIN listed_products p ON p.id = g.product_id
         ORDER BY p.id",
    )
    .bind(ids)
    .bind(quantities)
    .bind(prices)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(BasketLine::from).collect())
}

/// What the basket needs to know of a product to cap a line.
#[derive(Debug, sqlx::FromRow)]
pub struct ProductLimits {
    pub name: String,
    pub stock: i32,
    pub max_per_order: i32,
    pub price_cents: i64,
}

impl ProductLimits {
    pub fn line_limit(&self) -> i32 {
        line_limit(self.stock, self.max_per_order)
    }
}

pub async fn product_limits(
    db: impl PgExecutor<'_>,
    product_id: i64,
) -> Result<Option<ProductLimits>, sqlx::Error> {
    sqlx::query_as("SELECT name, stock, max_per_order, price_cents FROM listed_products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(db)
        .await
}

/// The line's quantity, locked until the transaction ends.
pub async fn line_quantity(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    product_id: i64,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar("SELECT quantity FROM basket_lines WHERE user_id = $1 AND product_id = $2 FOR UPDATE")
        .bind(user_id)
        .bind(product_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Sets a line's quantity; a new line remembers `price_seen_cents`, an
/// existing one keeps the price it was first added at.
pub async fn put_line(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    product_id: i64,
    quantity: i32,
    price_seen_cents: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO basket_lines (user_id, product_id, quantity, price_seen_cents) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity",
    )
    .bind(user_id)
    .bind(product_id)
    .bind(quantity)
    .bind(price_seen_cents)
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn remove_line(db: impl PgExecutor<'_>, user_id: i64, product_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM basket_lines WHERE user_id = $1 AND product_id = $2")
        .bind(user_id)
        .bind(product_id)
        .execute(db)
        .await
        .map(drop)
}

pub async fn clear(db: impl PgExecutor<'_>, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM basket_lines WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .map(drop)
}
