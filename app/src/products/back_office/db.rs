//! SQL of the back office's product and category management. Unlike the
//! shop's queries, these see archived products too.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{AdminCategory, AdminProduct, ProductDraft, StockMovement, ADMIN_PRODUCTS_PER_PAGE};

const ADMIN_PRODUCT_COLUMNS: &str =
    "p.id, p.slug, p.name, p.description, p.category_id, c.name_fr AS category_name,
     p.price_cents, p.stock, p.max_per_order, p.max_per_customer, p.hold_minutes,
     coalesce((SELECT h.held FROM held_units h WHERE h.product_id = p.id), 0) AS held,
     (SELECT count(*) FROM stock_alerts a WHERE a.product_id = p.id AND a.notified_at IS NULL) AS alerts_waiting,
     p.image_path, p.archived_at IS NOT NULL AS archived";

#[derive(sqlx::FromRow)]
struct AdminProductRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    category_id: i64,
    category_name: String,
    price_cents: i64,
    stock: i32,
    max_per_order: i32,
    max_per_customer: Option<i32>,
    hold_minutes: Option<i32>,
    held: i32,
    alerts_waiting: i64,
    image_path: String,
    archived: bool,
}

impl From<AdminProductRow> for AdminProduct {
    fn from(row: AdminProductRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            category_id: row.category_id,
            category_name: row.category_name,
            price_cents: row.price_cents,
            stock: row.stock,
            max_per_order: row.max_per_order,
            max_per_customer: row.max_per_customer,
            hold_minutes: row.hold_minutes,
            held: row.held,
            alerts_waiting: row.alerts_waiting,
            image_path: row.image_path,
            archived: row.archived,
        }
    }
}

/// One page of products matching `query` (name or slug), newest first,
/// and how many match in all.
pub async fn list_products(
    db: impl PgExecutor<'_>,
    query: &str,
    page: u32,
) -> Result<(Vec<AdminProduct>, i64), sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        product: AdminProductRow,
        total_count: i64,
    }
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT {ADMIN_PRODUCT_COLUMNS}, count(*) OVER () AS total_count
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE $1 = '%%' OR p.name ILIKE $1 OR p.slug ILIKE $1
         ORDER BY p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(crate::sql::contains_pattern(query))
    .bind(ADMIN_PRODUCTS_PER_PAGE)
    .bind(i64::from(page.saturating_sub(1)) * ADMIN_PRODUCTS_PER_PAGE)
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total_count);
    Ok((rows.into_iter().map(|row| row.product.into()).collect(), total))
}

pub async fn find_product(db: impl PgExecutor<'_>, id: i64) -> Result<Option<AdminProduct>, sqlx::Error> {
    let row = sqlx::query_as::<_, AdminProductRow>(&format!(
        "SELECT {ADMIN_PRODUCT_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(AdminProduct::from))
}

/// Inserts a product; its opening stock is recorded by the ledger trigger
/// under the caller's description. `None` when the slug is taken.
pub async fn insert_product(
    tx: &mut Transaction<'_, Postgres>,
    draft: &ProductDraft,
    stock: i32,
    image_path: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO products (slug, name, description, category_id, price_cents, stock, max_per_order,
                               image_path, max_per_customer, hold_minutes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind(&draft.slug)
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(draft.category_id)
    .bind(draft.price_cents)
    .bind(stock)
    .bind(draft.max_per_order)
    .bind(image_path)
    .bind(draft.max_per_customer)
    .bind(draft.hold_minutes)
    .fetch_optional(&mut **tx)
    .await
}

/// Changes everything but the stock (adjusted through the ledger only).
pub async fn update_product(
    db: impl PgExecutor<'_>,
    id: i64,
    draft: &ProductDraft,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE products SET slug = $2, name = $3, description = $4, category_id = $5, price_cents = $6,
                             max_per_order = $7, max_per_customer = $8, hold_minutes = $9
         WHERE id = $1",
    )
    .bind(id)
    .bind(&draft.slug)
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(draft.category_id)
    .bind(draft.price_cents)
    .bind(draft.max_per_order)
    .bind(draft.max_per_customer)
    .bind(draft.hold_minutes)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Points the product at a new image; the uploaded image it replaces is
/// deleted unless another product shows it. `false` for an unknown product.
pub async fn set_image(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    image_path: &str,
) -> Result<bool, sqlx::Error> {
    let replaced: Option<String> =
        sqlx::query_scalar("SELECT image_path FROM products WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(replaced) = replaced else {
        return Ok(false);
    };
    sqlx::query("UPDATE products SET image_path = $2 WHERE id = $1")
        .bind(id)
        .bind(image_path)
        .execute(&mut **tx)
        .await?;
    delete_unused_image(tx, &replaced).await?;
    Ok(true)
}

/// Deletes the uploaded image at `image_path` (`/media/{id}`) when no
/// product shows it any more; other paths (the demo's files) are left.
async fn delete_unused_image(
    tx: &mut Transaction<'_, Postgres>,
    image_path: &str,
) -> Result<(), sqlx::Error> {
    let Some(image_id) = image_path
        .strip_prefix("/media/")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return Ok(());
    };
    sqlx::query(
        "DELETE FROM product_images
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM products WHERE image_path = $2)",
    )
    .bind(image_id)
    .bind(image_path)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Deletes a product nobody ordered, or archives one that was: hidden
/// from the shop, out of every basket. `None` for an unknown product.
pub async fn remove_product(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
) -> Result<Option<super::model::Removal>, sqlx::Error> {
    use super::model::Removal;
    // Lock first, then look for orders in a second statement: it sees a
    // checkout that committed while we waited for the lock.
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Ok(None);
    }
    let ordered: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM order_lines WHERE product_id = $1)")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM basket_lines WHERE product_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if ordered {
        sqlx::query("UPDATE products SET archived_at = coalesce(archived_at, now()) WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(Some(Removal::Archived))
    } else {
        let image_path: String =
            sqlx::query_scalar("DELETE FROM products WHERE id = $1 RETURNING image_path")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        delete_unused_image(tx, &image_path).await?;
        Ok(Some(Removal::Deleted))
    }
}

/// The product's latest stock movements, newest first.
pub async fn movements(
    db: impl PgExecutor<'_>,
    id: i64,
    limit: i64,
) -> Result<Vec<StockMovement>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (i32, String, Option<String>, Option<i64>, DateTime<Utc>)>(
        "SELECT m.delta, m.reason, u.username, m.order_id, m.created_at
         FROM stock_movements m LEFT JOIN users u ON u.id = m.actor_id
         WHERE m.product_id = $1 ORDER BY m.id DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(delta, reason, actor, order_id, at)| StockMovement {
            delta,
            reason,
            actor,
            order_id,
            created_at: at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect())
}

pub async fn list_categories(db: impl PgExecutor<'_>) -> Result<Vec<AdminCategory>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (i64, String, String, String, i64)>(
        "SELECT c.id, c.slug, c.name_fr, c.name_en, count(p.id)
         FROM categories c LEFT JOIN products p ON p.category_id = c.id
         GROUP BY c.id ORDER BY c.position, c.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name_fr, name_en, product_count)| AdminCategory {
            id,
            slug,
            name_fr,
            name_en,
            product_count,
        })
        .collect())
}

/// `None` when the slug is taken.
pub async fn insert_category(
    db: impl PgExecutor<'_>,
    slug: &str,
    name_fr: &str,
    name_en: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO categories (slug, name_fr, name_en, position)
         SELECT $1, $2, $3, coalesce(max(position), 0) + 1 FROM categories
         ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind(slug)
    .bind(name_fr)
    .bind(name_en)
    .fetch_optional(db)
    .await
}

pub async fn rename_category(
    db: impl PgExecutor<'_>,
    id: i64,
    name_fr: &str,
    name_en: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE categories SET name_fr = $2, name_en = $3 WHERE id = $1")
        .bind(id)
        .bind(name_fr)
        .bind(name_en)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes an empty category: `Some(false)` when it still holds products
/// (archived ones count), `None` when there is no such category.
pub async fn delete_category(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
) -> Result<Option<bool>, sqlx::Error> {
    let Some(empty) = sqlx::query_scalar::<_, bool>(
        "SELECT NOT EXISTS (SELECT 1 FROM products WHERE category_id = $1) FROM categories WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    if empty {
        sqlx::query("DELETE FROM categories WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Some(empty))
}

pub async fn category_exists(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM categories WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

/// Stores an uploaded image; its id serves it at `/media/{id}`.
pub async fn insert_image(
    db: impl PgExecutor<'_>,
    content_type: &str,
    bytes: &[u8],
    uploaded_by: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO product_images (content_type, bytes, uploaded_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(content_type)
    .bind(bytes)
    .bind(uploaded_by)
    .fetch_one(db)
    .await
}

/// An uploaded image's type and bytes.
pub async fn find_image(db: impl PgExecutor<'_>, id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT content_type, bytes FROM product_images WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}
