//! SQL of the products service.

use sqlx::PgExecutor;

use super::model::{PageNumber, ProductPage, ProductSort, ProductSummary, PAGE_SIZE};

#[derive(sqlx::FromRow)]
struct ProductSummaryRow {
    id: i64,
    slug: String,
    name: String,
    price_cents: i64,
    stock: i32,
    image_path: String,
}

impl From<ProductSummaryRow> for ProductSummary {
    fn from(row: ProductSummaryRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            price_cents: row.price_cents,
            stock: row.stock,
            image_path: row.image_path,
        }
    }
}

/// The ORDER BY of each sort, always ending on a unique column so that
/// pages never overlap or skip rows.
fn order_by(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Newest => "created_at DESC, id DESC",
        ProductSort::PriceAsc => "price_cents ASC, name ASC, id ASC",
        ProductSort::PriceDesc => "price_cents DESC, name ASC, id ASC",
        ProductSort::Name => "name ASC, id ASC",
    }
}

/// One page of products; fetches one extra row to know whether a next
/// page exists without counting the whole table.
#[tracing::instrument(skip(db), err)]
pub async fn list_products(
    db: impl PgExecutor<'_>,
    page: PageNumber,
    sort: ProductSort,
) -> Result<ProductPage, sqlx::Error> {
    // The ORDER BY comes from a closed set of static strings, never from input.
    let sql = format!(
        "SELECT id, slug, name, price_cents, stock, image_path FROM products \
         ORDER BY {} LIMIT $1 OFFSET $2",
        order_by(sort)
    );
    let mut items: Vec<ProductSummary> = sqlx::query_as::<_, ProductSummaryRow>(&sql)
        .bind(i64::from(PAGE_SIZE) + 1)
        .bind(page.offset())
        .fetch_all(db)
        .await?
        .into_iter()
        .map(ProductSummary::from)
        .collect();
    let has_next = items.len() > PAGE_SIZE as usize;
    items.truncate(PAGE_SIZE as usize);
    Ok(ProductPage {
        items,
        page: page.get(),
        has_next,
    })
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;

    async fn insert_products(pool: &PgPool, count: i64) {
        sqlx::query(
            "INSERT INTO categories (slug, name_fr, name_en, position) VALUES ('test', 'Test', 'Test', 1)",
        )
        .execute(pool)
        .await
        .expect("category");
        sqlx::query(
            "INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path, created_at)
             SELECT 'product-' || n, 'Product ' || lpad(n::text, 3, '0'), 'Description ' || n,
                    (SELECT id FROM categories WHERE slug = 'test'), 1000 + (n * 37) % 500, n % 4,
                    '/images/products/placeholder.svg', now() - n * interval '1 minute'
             FROM generate_series(1, $1) AS n",
        )
        .bind(count)
        .execute(pool)
        .await
        .expect("products");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn pages_cover_every_product_once_in_order(pool: PgPool) {
        insert_products(&pool, 50).await;
        let mut seen = Vec::new();
        for page in 1..=3 {
            let page = PageNumber::new(page).expect("page");
            let result = list_products(&pool, page, ProductSort::PriceAsc)
                .await
                .expect("list");
            assert_eq!(result.has_next, page.get() < 3, "has_next on page {}", page.get());
            seen.extend(result.items);
        }
        assert_eq!(seen.len(), 50);
        let mut ids: Vec<i64> = seen.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 50, "a product appeared on two pages");
        assert!(seen.windows(2).all(|w| w[0].price_cents <= w[1].price_cents));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn sorts_order_the_catalogue(pool: PgPool) {
        insert_products(&pool, 10).await;
        let first = PageNumber::FIRST;
        let newest = list_products(&pool, first, ProductSort::Newest)
            .await
            .expect("newest");
        assert_eq!(newest.items[0].slug, "product-1");
        let by_name = list_products(&pool, first, ProductSort::Name)
            .await
            .expect("name");
        assert_eq!(by_name.items[0].name, "Product 001");
        let dearest = list_products(&pool, first, ProductSort::PriceDesc)
            .await
            .expect("desc");
        assert!(dearest
            .items
            .windows(2)
            .all(|w| w[0].price_cents >= w[1].price_cents));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_page_past_the_end_is_empty(pool: PgPool) {
        insert_products(&pool, 5).await;
        let page = list_products(&pool, PageNumber::new(2).expect("page"), ProductSort::Name)
            .await
            .expect("list");
        assert!(page.items.is_empty());
        assert!(!page.has_next);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn stock_can_never_go_negative(pool: PgPool) {
        insert_products(&pool, 1).await;
        let result = sqlx::query("UPDATE products SET stock = -1 WHERE slug = 'product-1'")
            .execute(&pool)
            .await;
        assert!(result.is_err(), "the CHECK constraint must refuse negative stock");
    }
}
