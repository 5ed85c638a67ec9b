//! SQL of baskets.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{AddOutcome, BasketLine, Quantity, MAX_LINE_QUANTITY};

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
         FROM basket_lines b JOIN products p ON p.id = b.product_id
         WHERE b.user_id = $1 ORDER BY p.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(BasketLine::from).collect())
}

/// Adds up to `quantity` of a product: what fits under the stock and the
/// per-order limit once the line's current quantity is counted. `None` for
/// an unknown product.
pub async fn add_line(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    product_id: i64,
    quantity: Quantity,
) -> Result<Option<AddOutcome>, sqlx::Error> {
    let Some((stock, max_per_order, price)) = sqlx::query_as::<_, (i32, i32, i64)>(
        "SELECT stock, max_per_order, price_cents FROM products WHERE id = $1",
    )
    .bind(product_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let current: i32 = sqlx::query_scalar(
        "SELECT quantity FROM basket_lines WHERE user_id = $1 AND product_id = $2 FOR UPDATE",
    )
    .bind(user_id)
    .bind(product_id)
    .fetch_optional(&mut **tx)
    .await?
    .unwrap_or(0);
    let limit = stock.min(max_per_order).min(MAX_LINE_QUANTITY);
    let added = quantity.get().min((limit - current).max(0));
    if added > 0 {
        sqlx::query(
            "INSERT INTO basket_lines (user_id, product_id, quantity, price_seen_cents) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, product_id)
             DO UPDATE SET quantity = basket_lines.quantity + EXCLUDED.quantity",
        )
        .bind(user_id)
        .bind(product_id)
        .bind(added)
        .bind(price)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Some(AddOutcome {
        requested: quantity.get(),
        added,
        in_basket: current + added,
    }))
}

pub async fn clear(db: impl PgExecutor<'_>, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM basket_lines WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .map(drop)
}
