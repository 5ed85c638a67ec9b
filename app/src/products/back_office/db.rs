//! SQL of the back office's product and category management. Unlike the
//! shop's queries, these see archived products too.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{AdminCategory, AdminProduct, ProductDraft, StockMovement, ADMIN_PRODUCTS_PER_PAGE};
use crate::pricing::VatRate;

/// One page of products matching `query` (name or slug), newest first,
/// and how many match in all.
pub async fn list_products(
    db: impl PgExecutor<'_>,
    query: &str,
    page: u32,
) -> Result<(Vec<AdminProduct>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.slug, p.sku, p.name, array_to_string(p.option_values, ', ') AS "variant!", p.description, p.name_en, p.description_en, p.category_id, c.name_fr AS category_name,
                  p.price_cents, p.stock, p.max_per_order, p.max_per_customer, p.hold_minutes, p.vat_rate_bp, p.weight_grams,
                  coalesce((SELECT h.held FROM held_units h WHERE h.product_id = p.id), 0) AS "held!",
                  (SELECT count(*) FROM stock_alerts a WHERE a.product_id = p.id AND a.notified_at IS NULL) AS "alerts_waiting!",
                  p.image_path, p.archived_at IS NOT NULL AS "archived!",
                  count(*) OVER () AS "total_count!"
           FROM products p JOIN categories c ON c.id = p.category_id
           WHERE $1 = '%%' OR p.name ILIKE $1 OR p.slug ILIKE $1 OR p.sku ILIKE $1
           ORDER BY p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3"#,
        crate::sql::contains_pattern(query),
        ADMIN_PRODUCTS_PER_PAGE,
        i64::from(page.saturating_sub(1)) * ADMIN_PRODUCTS_PER_PAGE,
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total_count);
    let products = rows
        .into_iter()
        .map(|row| AdminProduct {
            id: row.id,
            slug: row.slug,
            sku: row.sku,
            name: row.name,
            variant: row.variant,
            description: row.description,
            name_en: row.name_en,
            description_en: row.description_en,
            category_id: row.category_id,
            category_name: row.category_name,
            price_cents: row.price_cents,
            stock: row.stock,
            max_per_order: row.max_per_order,
            max_per_customer: row.max_per_customer,
            hold_minutes: row.hold_minutes,
            vat_rate_bp: row.vat_rate_bp,
            weight_grams: row.weight_grams,
            held: row.held,
            alerts_waiting: row.alerts_waiting,
            image_path: row.image_path,
            archived: row.archived,
        })
        .collect();
    Ok((products, total))
}

pub async fn find_product(db: impl PgExecutor<'_>, id: i64) -> Result<Option<AdminProduct>, sqlx::Error> {
    sqlx::query_as!(
        AdminProduct,
        r#"SELECT p.id, p.slug, p.sku, p.name, array_to_string(p.option_values, ', ') AS "variant!", p.description, p.name_en, p.description_en, p.category_id, c.name_fr AS category_name,
                  p.price_cents, p.stock, p.max_per_order, p.max_per_customer, p.hold_minutes, p.vat_rate_bp, p.weight_grams,
                  coalesce((SELECT h.held FROM held_units h WHERE h.product_id = p.id), 0) AS "held!",
                  (SELECT count(*) FROM stock_alerts a WHERE a.product_id = p.id AND a.notified_at IS NULL) AS "alerts_waiting!",
                  p.image_path, p.archived_at IS NOT NULL AS "archived!"
           FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Inserts a product; its opening stock is recorded by the ledger trigger
/// under the caller's description. `None` when the slug is taken.
pub async fn insert_product(
    tx: &mut Transaction<'_, Postgres>,
    draft: &ProductDraft,
    stock: i32,
    image_path: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO products (slug, name, description, category_id, price_cents, stock, max_per_order,
                               image_path, max_per_customer, hold_minutes, name_en, description_en, vat_rate_bp,
                               weight_grams)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14, 500))
         ON CONFLICT (slug) DO NOTHING RETURNING id",
        draft.slug.as_str(),
        draft.name,
        draft.description,
        draft.category_id,
        draft.price_cents,
        stock,
        draft.max_per_order,
        image_path,
        draft.max_per_customer,
        draft.hold_minutes,
        draft.name_en,
        draft.description_en,
        draft.vat_rate.map(VatRate::basis_points),
        draft.weight_grams,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Changes everything but the stock (adjusted through the ledger only).
pub async fn update_product(
    db: impl PgExecutor<'_>,
    id: i64,
    draft: &ProductDraft,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE products SET slug = $2, name = $3, description = $4, category_id = $5, price_cents = $6,
                             max_per_order = $7, max_per_customer = $8, hold_minutes = $9,
                             name_en = $10, description_en = $11, vat_rate_bp = $12,
                             weight_grams = coalesce($13, weight_grams)
         WHERE id = $1",
        id,
        draft.slug.as_str(),
        draft.name,
        draft.description,
        draft.category_id,
        draft.price_cents,
        draft.max_per_order,
        draft.max_per_customer,
        draft.hold_minutes,
        draft.name_en,
        draft.description_en,
        draft.vat_rate.map(VatRate::basis_points),
        draft.weight_grams,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
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
    sqlx::query!(
        "DELETE FROM product_images
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM products WHERE image_path = $2)",
        image_id,
        image_path,
    )
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
    let found = sqlx::query_scalar!("SELECT id FROM products WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Ok(None);
    }
    let ordered = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM order_lines WHERE product_id = $1) AS "ordered!""#,
        id,
    )
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query!("DELETE FROM basket_lines WHERE product_id = $1", id)
        .execute(&mut **tx)
        .await?;
    if ordered {
        sqlx::query!(
            "UPDATE products SET archived_at = coalesce(archived_at, now()) WHERE id = $1",
            id
        )
        .execute(&mut **tx)
        .await?;
        Ok(Some(Removal::Archived))
    } else {
        let image_path = sqlx::query_scalar!("DELETE FROM products WHERE id = $1 RETURNING image_path", id)
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
    let rows = sqlx::query!(
        r#"SELECT m.delta, m.reason, u.username AS "actor?", m.order_id,
                  m.created_at AS "created_at: DateTime<Utc>"
           FROM stock_movements m LEFT JOIN users u ON u.id = m.actor_id
           WHERE m.product_id = $1 ORDER BY m.id DESC LIMIT $2"#,
        id,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| StockMovement {
            delta: row.delta,
            reason: row.reason,
            actor: row.actor,
            order_id: row.order_id,
            created_at: row.created_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect())
}

pub async fn list_categories(db: impl PgExecutor<'_>) -> Result<Vec<AdminCategory>, sqlx::Error> {
    sqlx::query_as!(
        AdminCategory,
        r#"SELECT c.id, c.slug, c.name_fr, c.name_en, count(p.id) AS "product_count!", c.vat_rate_bp
           FROM categories c LEFT JOIN products p ON p.category_id = c.id
           GROUP BY c.id ORDER BY c.position, c.id"#,
    )
    .fetch_all(db)
    .await
}

/// `None` when the slug is taken.
pub async fn insert_category(
    db: impl PgExecutor<'_>,
    slug: &str,
    name_fr: &str,
    name_en: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO categories (slug, name_fr, name_en, position)
         SELECT $1, $2, $3, coalesce(max(position), 0) + 1 FROM categories
         ON CONFLICT (slug) DO NOTHING RETURNING id",
        slug,
        name_fr,
        name_en,
    )
    .fetch_optional(db)
    .await
}

pub async fn rename_category(
    db: impl PgExecutor<'_>,
    id: i64,
    name_fr: &str,
    name_en: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE categories SET name_fr = $2, name_en = $3 WHERE id = $1",
        id,
        name_fr,
        name_en,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Sets the VAT rate of a category's products that have none of their own
/// (orders keep the rates they were sold at).
pub async fn set_category_vat(db: impl PgExecutor<'_>, id: i64, rate: VatRate) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE categories SET vat_rate_bp = $2 WHERE id = $1",
        id,
        rate.basis_points(),
    )
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
    let Some(empty) = sqlx::query_scalar!(
        r#"SELECT NOT EXISTS (SELECT 1 FROM products WHERE category_id = $1) AS "empty!"
           FROM categories WHERE id = $1 FOR UPDATE"#,
        id,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    if empty {
        sqlx::query!("DELETE FROM categories WHERE id = $1", id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Some(empty))
}

pub async fn category_exists(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM categories WHERE id = $1) AS "exists!""#,
        id
    )
    .fetch_one(db)
    .await
}

/// An uploaded image's type and bytes.
pub async fn find_image(db: impl PgExecutor<'_>, id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query!("SELECT content_type, bytes FROM product_images WHERE id = $1", id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|row| (row.content_type, row.bytes)))
}
