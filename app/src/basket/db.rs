//! SQL of baskets: an account's lines in `basket_lines`, a guest's in
//! `guest_basket_lines`; the same statements serve both.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{line_limit, BasketLine};

/// Whose basket: an account's, or a guest's (by the key in the session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasketKey {
    Account(i64),
    Guest(i64),
}

impl BasketKey {
    /// The table and owner column of this kind of basket (constants, never input).
    fn table(self) -> (&'static str, &'static str, i64) {
        match self {
            Self::Account(user_id) => ("basket_lines", "user_id", user_id),
            Self::Guest(guest_id) => ("guest_basket_lines", "guest_id", guest_id),
        }
    }
}

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

/// The basket with today's prices and stock, in product order (archived
/// products drop out).
pub async fn find_lines(db: impl PgExecutor<'_>, key: BasketKey) -> Result<Vec<BasketLine>, sqlx::Error> {
    let (table, owner, id) = key.table();
    let rows = sqlx::query_as::<_, BasketLineRow>(&format!(
        "SELECT p.id AS product_id, p.slug, p.name, p.image_path, p.price_cents AS unit_price_cents,
                b.price_seen_cents, b.quantity, p.stock, p.max_per_order
         FROM {table} b JOIN listed_products p ON p.id = b.product_id
         WHERE b.{owner} = $1 ORDER BY p.id"
    ))
    .bind(id)
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
    key: BasketKey,
    product_id: i64,
) -> Result<Option<i32>, sqlx::Error> {
    let (table, owner, id) = key.table();
    sqlx::query_scalar(&format!(
        "SELECT quantity FROM {table} WHERE {owner} = $1 AND product_id = $2 FOR UPDATE"
    ))
    .bind(id)
    .bind(product_id)
    .fetch_optional(&mut **tx)
    .await
}

/// Adds `units` to a line in one statement, never past `limit` (≥ 1), so
/// that concurrent adds add up instead of overwriting each other; a new
/// line remembers `price_seen_cents`. Returns the line's quantity.
pub async fn add_units(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    product_id: i64,
    units: i32,
    limit: i32,
    price_seen_cents: i64,
) -> Result<i32, sqlx::Error> {
    let (table, owner, id) = key.table();
    sqlx::query_scalar(&format!(
        "INSERT INTO {table} ({owner}, product_id, quantity, price_seen_cents) VALUES ($1, $2, LEAST($3, $4), $5)
         ON CONFLICT ({owner}, product_id) DO UPDATE
             SET quantity = GREATEST({table}.quantity, LEAST({table}.quantity + EXCLUDED.quantity, $4))
         RETURNING quantity"
    ))
    .bind(id)
    .bind(product_id)
    .bind(units)
    .bind(limit)
    .bind(price_seen_cents)
    .fetch_one(db)
    .await
}

/// Sets the quantity of an existing line; `false` when there is no such line.
pub async fn set_line(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    product_id: i64,
    quantity: i32,
) -> Result<bool, sqlx::Error> {
    let (table, owner, id) = key.table();
    let result = sqlx::query(&format!(
        "UPDATE {table} SET quantity = $3 WHERE {owner} = $1 AND product_id = $2"
    ))
    .bind(id)
    .bind(product_id)
    .bind(quantity)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Sets a line's quantity, creating it if needed (the login merge).
pub async fn put_line(
    tx: &mut Transaction<'_, Postgres>,
    key: BasketKey,
    product_id: i64,
    quantity: i32,
    price_seen_cents: i64,
) -> Result<(), sqlx::Error> {
    let (table, owner, id) = key.table();
    sqlx::query(&format!(
        "INSERT INTO {table} ({owner}, product_id, quantity, price_seen_cents) VALUES ($1, $2, $3, $4)
         ON CONFLICT ({owner}, product_id) DO UPDATE SET quantity = EXCLUDED.quantity"
    ))
    .bind(id)
    .bind(product_id)
    .bind(quantity)
    .bind(price_seen_cents)
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn remove_line(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    let (table, owner, id) = key.table();
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE {owner} = $1 AND product_id = $2"
    ))
    .bind(id)
    .bind(product_id)
    .execute(db)
    .await
    .map(drop)
}

pub async fn clear(db: impl PgExecutor<'_>, key: BasketKey) -> Result<(), sqlx::Error> {
    let (table, owner, id) = key.table();
    sqlx::query(&format!("DELETE FROM {table} WHERE {owner} = $1"))
        .bind(id)
        .execute(db)
        .await
        .map(drop)
}

/// Takes out of the account's basket the products of its order just paid
/// (what was added meanwhile stays).
pub async fn clear_ordered(db: impl PgExecutor<'_>, user_id: i64, order_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM basket_lines
         WHERE user_id = $1 AND product_id IN (SELECT product_id FROM order_lines WHERE order_id = $2)",
    )
    .bind(user_id)
    .bind(order_id)
    .execute(db)
    .await
    .map(drop)
}

/// A guest basket's raw lines `(product, quantity, price seen)`, removed
/// from the guest table as they are read (the login merge moves them).
pub async fn take_guest_lines(
    tx: &mut Transaction<'_, Postgres>,
    guest_id: i64,
) -> Result<Vec<(i64, i32, i64)>, sqlx::Error> {
    let mut lines: Vec<(i64, i32, i64)> = sqlx::query_as(
        "DELETE FROM guest_basket_lines WHERE guest_id = $1 RETURNING product_id, quantity, price_seen_cents",
    )
    .bind(guest_id)
    .fetch_all(&mut **tx)
    .await?;
    lines.sort_unstable();
    Ok(lines)
}

/// Forgets guest baskets untouched for 30 days; how many lines went.
pub async fn delete_abandoned_guest_lines(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM guest_basket_lines WHERE added_at < now() - interval '30 days'")
        .execute(db)
        .await
        .map(|result| result.rows_affected())
}
