//! SQL of the catalogue: listings of a category or of all, the drops,
//! categories, a product's page with its related products, and the slugs
//! of the sitemap.

use sqlx::{PgExecutor, Postgres, Transaction};

use crate::products::gallery::{db as gallery, model::photos_for};
use crate::products::model::{
    group_facets, Category, ListingFilter, OptionFacet, PageNumber, ProductDetail, ProductOption,
    ProductPage, ProductSort, ProductSummary, Translated, VariantChoice, VariantRequest, PAGE_SIZE,
};

/// Related products shown on a product page.
const RELATED_COUNT: i64 = 6;

/// Cuts the extra row fetched to learn whether a next page exists, so no
/// listing ever counts a whole table.
fn into_page(mut items: Vec<ProductSummary>, page: PageNumber) -> ProductPage {
    let has_next = items.len() > PAGE_SIZE as usize;
    items.truncate(PAGE_SIZE as usize);
    ProductPage {
        items,
        page: page.get(),
        has_next,
    }
}

/// One page of products, of one category or of all.
#[tracing::instrument(skip(db), err)]
pub async fn list_products(
    db: impl PgExecutor<'_>,
    category_id: Option<i64>,
    page: PageNumber,
    sort: ProductSort,
) -> Result<ProductPage, sqlx::Error> {
    let limit = i64::from(PAGE_SIZE) + 1;
    let offset = page.offset(PAGE_SIZE);
    // One statement per sort (the same text but its ORDER BY, each ending
    // on a unique column so that pages never overlap or skip rows), joined
    // from literals so that the compiler still checks each one. Relevance
    // means nothing without a search: the newest first.
    macro_rules! listing {
        ($order:tt) => {
            sqlx::query_as!(
                ProductSummary,
                r#"SELECT id AS "id!", slug AS "slug!", name AS "name!", name_en AS "name_en!", from_price_cents AS "price_cents!",
                          price_varies AS "from_price!", variant_count > 0 AS "has_variants!",
                          CASE WHEN variant_count = 0 THEN stock ELSE available_in_group(id) END AS "stock!",
                          image_path AS "image_path!"
                   FROM listed_products
                   WHERE variant_of IS NULL AND ($1::bigint IS NULL OR category_id = $1)
                   ORDER BY "#
                    + $order
                    + " LIMIT $2 OFFSET $3",
                category_id,
                limit,
                offset,
            )
            .fetch_all(db)
            .await?
        };
    }
    let rows = match sort {
        ProductSort::Relevance | ProductSort::Newest => listing!("created_at DESC, id DESC"),
        ProductSort::PriceAsc => listing!("from_price_cents ASC, name ASC, id ASC"),
        ProductSort::PriceDesc => listing!("from_price_cents DESC, name ASC, id ASC"),
        ProductSort::Name => listing!("name ASC, id ASC"),
    };
    Ok(into_page(rows, page))
}

/// One page of the products of one category (or of all) that pass
/// `filter`: one of their live variants is priced within its range and
/// takes, for each option it names, one of the values chosen.
#[tracing::instrument(skip(db), err)]
pub async fn list_filtered_products(
    db: impl PgExecutor<'_>,
    category_id: Option<i64>,
    filter: &ListingFilter,
    page: PageNumber,
    sort: ProductSort,
) -> Result<ProductPage, sqlx::Error> {
    let limit = i64::from(PAGE_SIZE) + 1;
    let offset = page.offset(PAGE_SIZE);
    let (names, values) = filter.columns();
    // As `list_products`, one checked statement per sort. The products
    // with a variant taking one of the values come from the values' index
    // first, so a value few products have reads those, not the category.
    macro_rules! listing {
        ($order:tt) => {
            sqlx::query_as!(
                ProductSummary,
                r#"SELECT id AS "id!", slug AS "slug!", name AS "name!", name_en AS "name_en!", from_price_cents AS "price_cents!",
                          price_varies AS "from_price!", variant_count > 0 AS "has_variants!",
                          CASE WHEN variant_count = 0 THEN stock ELSE available_in_group(id) END AS "stock!",
                          image_path AS "image_path!"
                   FROM listed_products p
                   WHERE variant_of IS NULL AND ($1::bigint IS NULL OR category_id = $1)
                     AND (cardinality($4::text[]) = 0
                          OR p.id IN (SELECT coalesce(c.variant_of, c.id) FROM products c
                                      WHERE c.option_values && $5::text[]))
                     AND EXISTS (SELECT 1 FROM products v
                                 WHERE (v.id = p.id OR v.variant_of = p.id) AND v.archived_at IS NULL
                                   AND variant_matches(p.option_names, v.option_values, v.price_cents,
                                                       $4::text[], $5::text[], $6, $7))
                   ORDER BY "#
                    + $order
                    + " LIMIT $2 OFFSET $3",
                category_id,
                limit,
                offset,
                &names,
                &values,
                filter.min_cents,
                filter.max_cents,
            )
            .fetch_all(db)
            .await?
        };
    }
    let rows = match sort {
        ProductSort::Relevance | ProductSort::Newest => listing!("created_at DESC, id DESC"),
        ProductSort::PriceAsc => listing!("from_price_cents ASC, name ASC, id ASC"),
        ProductSort::PriceDesc => listing!("from_price_cents DESC, name ASC, id ASC"),
        ProductSort::Name => listing!("name ASC, id ASC"),
    };
    Ok(into_page(rows, page))
}

/// The options of a category's products (or of all), each value with the
/// number of products choosing it would list (0 included): the filter's
/// other options and its price range kept, that option's own choice set aside. Options in
/// name order, values in the order the shop gave them.
#[tracing::instrument(skip(db), err)]
pub async fn option_facets(
    db: impl PgExecutor<'_>,
    category_id: Option<i64>,
    filter: &ListingFilter,
) -> Result<Vec<OptionFacet>, sqlx::Error> {
    let (names, values) = filter.columns();
    // Only products with options count, read through their partial index
    // (products_option_groups_idx): a category page filters on its
    // category, the whole catalogue does not (one statement each, so that
    // the category's index serves the first).
    macro_rules! facets {
        ($category:tt) => {
            sqlx::query!(
                r#"SELECT o.name AS "name!", min(o.name_en) AS "name_en!",
                          v.option_values[o.i::int] AS "value!", min(v.option_values_en[o.i::int]) AS "value_en!",
                          count(DISTINCT p.id) FILTER (
                              WHERE variant_matches(p.option_names, v.option_values, v.price_cents,
                                                    $2::text[], $3::text[], $4, $5, o.name)) AS "count!"
                   FROM products p
                   CROSS JOIN LATERAL unnest(p.option_names, p.option_names_en) WITH ORDINALITY AS o(name, name_en, i)
                   JOIN products v ON (v.id = p.id OR v.variant_of = p.id) AND v.archived_at IS NULL
                   WHERE p.variant_of IS NULL AND p.archived_at IS NULL AND cardinality(p.option_names) > 0
                     AND v.option_values[o.i::int] IS NOT NULL AND "#
                    + $category
                    + r#"
                   GROUP BY o.name, v.option_values[o.i::int]
                   ORDER BY o.name, min(v.id)"#,
                category_id,
                &names,
                &values,
                filter.min_cents,
                filter.max_cents,
            )
            .fetch_all(db)
            .await?
            .into_iter()
            .map(|row| {
                (
                    Translated { fr: row.name, en: row.name_en },
                    Translated { fr: row.value, en: row.value_en },
                    row.count,
                )
            })
            .collect::<Vec<_>>()
        };
    }
    let rows = if category_id.is_some() {
        facets!("p.category_id = $1")
    } else {
        facets!("$1::bigint IS NULL")
    };
    Ok(group_facets(rows))
}

/// Products in stock but nearly gone (the "drops"), scarcest first.
pub async fn list_drops(db: impl PgExecutor<'_>) -> Result<Vec<ProductSummary>, sqlx::Error> {
    // What can be bought is the shelf stock less the basket holds, a value
    // no index holds: filtering the view on it read every product (73 ms at
    // 100 000 products). The candidates instead: every product with a hold
    // (few), and the first 6 + (number held) by shelf stock through the
    // partial index products_drops_idx (its threshold is a literal so that it
    // applies): among products without a hold, available = shelf, and at most
    // that many held ones can sit among them. 0.5 ms.
    sqlx::query_as!(
        ProductSummary,
        r#"SELECT id AS "id!", slug AS "slug!", variant_name(name, option_values) AS "name!",
                  coalesce(variant_name(nullif(name_en, ''), option_values_en), '') AS "name_en!",
                  price_cents AS "price_cents!", false AS "from_price!", false AS "has_variants!", stock AS "stock!",
                  image_path AS "image_path!"
         FROM listed_products
         WHERE stock BETWEEN 1 AND 5
           AND id IN (
               (SELECT id FROM products
                WHERE stock BETWEEN 1 AND 5 AND archived_at IS NULL
                ORDER BY stock, created_at DESC, id DESC
                LIMIT 6 + (SELECT count(*) FROM held_units))
               UNION
               SELECT product_id FROM held_units)
         ORDER BY stock, created_at DESC, id DESC LIMIT 6"#,
    )
    .fetch_all(db)
    .await
}

pub async fn list_categories(db: impl PgExecutor<'_>) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query_as!(
        Category,
        "SELECT id, slug, name_fr, name_en FROM categories ORDER BY position, slug"
    )
    .fetch_all(db)
    .await
}

pub async fn find_category_by_slug(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as!(
        Category,
        "SELECT id, slug, name_fr, name_en FROM categories WHERE slug = $1",
        slug
    )
    .fetch_optional(db)
    .await
}

/// A product page's row: the product, and the category's columns that
/// become its `Category`.
struct ProductDetailRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    name_en: String,
    description_en: String,
    option_names: Vec<String>,
    option_names_en: Vec<String>,
    category_id: i64,
    category_slug: String,
    category_name_fr: String,
    category_name_en: String,
}

/// A variant of the product page's product, all it sells by.
struct VariantRow {
    id: i64,
    sku: String,
    option_values: Vec<String>,
    option_values_en: Vec<String>,
    price_cents: i64,
    stock: i32,
    max_per_order: i32,
    max_per_customer: Option<i32>,
    hold_minutes: Option<i32>,
    image_path: String,
}

/// A product with its variants, the chosen one, its category and a few
/// products of the same category (in stock first). `slug` may be any
/// variant's: the page is its product's, with that variant chosen.
#[tracing::instrument(skip(tx), err)]
pub async fn find_product_by_slug(
    tx: &mut Transaction<'_, Postgres>,
    slug: &str,
    request: &VariantRequest,
) -> Result<Option<ProductDetail>, sqlx::Error> {
    let Some(opened) = sqlx::query!(
        r#"SELECT id AS "id!", coalesce(variant_of, id) AS "product_id!" FROM listed_products WHERE slug = $1"#,
        slug,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let Some(row) = sqlx::query_as!(
        ProductDetailRow,
        r#"SELECT p.id, p.slug, p.name, p.description, p.name_en, p.description_en, p.option_names, p.option_names_en,
                  c.id AS category_id, c.slug AS category_slug,
                  c.name_fr AS category_name_fr, c.name_en AS category_name_en
           FROM products p JOIN categories c ON c.id = p.category_id
           WHERE p.id = $1 AND p.archived_at IS NULL"#,
        opened.product_id,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    // The view's columns read as nullable; those of a listed product are not.
    let variants = sqlx::query_as!(
        VariantRow,
        r#"SELECT id AS "id!", sku AS "sku!", option_values AS "option_values!",
                  option_values_en AS "option_values_en!", price_cents AS "price_cents!",
                  stock AS "stock!", max_per_order AS "max_per_order!", max_per_customer, hold_minutes,
                  image_path AS "image_path!"
           FROM listed_products WHERE id = $1 OR variant_of = $1
           ORDER BY variant_of NULLS FIRST, id"#,
        row.id,
    )
    .fetch_all(&mut **tx)
    .await?;
    let related = sqlx::query_as!(
        ProductSummary,
        r#"SELECT id AS "id!", slug AS "slug!", name AS "name!", name_en AS "name_en!", from_price_cents AS "price_cents!",
                  price_varies AS "from_price!", variant_count > 0 AS "has_variants!",
                  CASE WHEN variant_count = 0 THEN stock ELSE available_in_group(id) END AS "stock!",
                  image_path AS "image_path!"
           FROM listed_products
           WHERE category_id = $1 AND id <> $2 AND variant_of IS NULL
             AND (CASE WHEN variant_count = 0 THEN stock ELSE available_in_group(id) END) > 0
           ORDER BY created_at DESC, id DESC LIMIT $3"#,
        row.category_id,
        row.id,
        RELATED_COUNT,
    )
    .fetch_all(&mut **tx)
    .await?;
    let photos = gallery::photos_of(&mut **tx, row.id).await?;
    let options = product_options(&row, &variants);
    let asked = !request.values.is_empty();
    let chosen = if asked {
        variants.iter().position(|v| v.option_values == request.values)
    } else {
        request
            .sku
            .as_deref()
            .and_then(|sku| variants.iter().position(|v| v.sku == sku))
            .or_else(|| variants.iter().position(|v| v.id == opened.id))
    };
    let missing = asked && chosen.is_none();
    let Some(variant) = variants.get(chosen.unwrap_or(0)) else {
        return Ok(None);
    };
    // A combination not sold still shows the photos of its values.
    let chosen = if asked {
        request.values.clone()
    } else {
        variant.option_values.clone()
    };
    Ok(Some(ProductDetail {
        id: variant.id,
        slug: row.slug,
        name: row.name,
        name_en: row.name_en,
        sku: variant.sku.clone(),
        description: row.description,
        description_en: row.description_en,
        price_cents: variant.price_cents,
        stock: variant.stock,
        photos: photos_for(photos, &chosen),
        chosen,
        missing,
        max_per_order: variant.max_per_order,
        max_per_customer: variant.max_per_customer,
        hold_minutes: variant.hold_minutes,
        image_path: variant.image_path.clone(),
        category: Category {
            id: row.category_id,
            slug: row.category_slug,
            name_fr: row.category_name_fr,
            name_en: row.category_name_en,
        },
        options,
        variants: variants
            .into_iter()
            .map(|v| VariantChoice {
                id: v.id,
                sku: v.sku,
                values: v.option_values,
                price_cents: v.price_cents,
                stock: v.stock,
            })
            .collect(),
        related,
    }))
}

/// Each option's name and the values its variants take, in the order of
/// the variants (the product's first variant's value first).
fn product_options(row: &ProductDetailRow, variants: &[VariantRow]) -> Vec<ProductOption> {
    row.option_names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let mut values: Vec<Translated> = Vec::new();
            for variant in variants {
                let Some(fr) = variant.option_values.get(index) else {
                    continue;
                };
                if values.iter().all(|value| &value.fr != fr) {
                    values.push(Translated {
                        fr: fr.clone(),
                        en: variant.option_values_en.get(index).cloned().unwrap_or_default(),
                    });
                }
            }
            ProductOption {
                name: Translated {
                    fr: name.clone(),
                    en: row.option_names_en.get(index).cloned().unwrap_or_default(),
                },
                values,
            }
        })
        .collect()
}

/// Every product slug with its last change, for the sitemap.
pub async fn all_product_slugs(db: impl PgExecutor<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT slug AS "slug!" FROM listed_products WHERE variant_of IS NULL ORDER BY id"#)
        .fetch_all(db)
        .await
}

#[cfg(test)]
pub(super) mod tests {
    use sqlx::PgPool;

    use super::*;

    /// `count` products in one category; the search tests use them too.
    pub(in crate::products::db) async fn insert_products(pool: &PgPool, count: i64) {
        sqlx::query!(
            "INSERT INTO categories (slug, name_fr, name_en, position) VALUES ('test', 'Test', 'Test', 1)"
        )
        .execute(pool)
        .await
        .expect("category");
        sqlx::query!(
            "INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path, created_at)
             SELECT 'product-' || n, 'Product ' || lpad(n::text, 3, '0'), 'Description ' || n,
                    (SELECT id FROM categories WHERE slug = 'test'), 1000 + (n * 37) % 500, n % 4,
                    '/images/products/placeholder.svg', now() - n * interval '1 minute'
             FROM generate_series(1, $1::bigint) AS n",
            count,
        )
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
            let result = list_products(&pool, None, page, ProductSort::PriceAsc)
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
        let newest = list_products(&pool, None, first, ProductSort::Newest)
            .await
            .expect("newest");
        assert_eq!(newest.items[0].slug, "product-1");
        let by_name = list_products(&pool, None, first, ProductSort::Name)
            .await
            .expect("name");
        assert_eq!(by_name.items[0].name, "Product 001");
        let dearest = list_products(&pool, None, first, ProductSort::PriceDesc)
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
        let page = list_products(&pool, None, PageNumber::new(2).expect("page"), ProductSort::Name)
            .await
            .expect("list");
        assert!(page.items.is_empty());
        assert!(!page.has_next);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn stock_can_never_go_negative(pool: PgPool) {
        insert_products(&pool, 1).await;
        let result = sqlx::query!("UPDATE products SET stock = -1 WHERE slug = 'product-1'")
            .execute(&pool)
            .await;
        assert!(result.is_err(), "the CHECK constraint must refuse negative stock");
    }

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
    async fn a_product_page_brings_its_category_and_related_products(pool: PgPool) {
        let mut tx = pool.begin().await.expect("tx");
        let product = find_product_by_slug(&mut tx, "nintendo-switch-2", &VariantRequest::default())
            .await
            .expect("query")
            .expect("found");
        assert_eq!(product.category.slug, "consoles");
        assert_eq!(product.related.len(), 3);
        assert!(product.related.iter().all(|p| p.slug != "nintendo-switch-2"));
        assert!(
            find_product_by_slug(&mut tx, "no-such-thing", &VariantRequest::default())
                .await
                .expect("query")
                .is_none()
        );
    }

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
    async fn category_listings_hold_only_their_products(pool: PgPool) {
        let consoles = find_category_by_slug(&pool, "consoles")
            .await
            .expect("query")
            .expect("found");
        let page = list_products(&pool, Some(consoles.id), PageNumber::FIRST, ProductSort::Name)
            .await
            .expect("list");
        assert_eq!(page.items.len(), 4);
        let drops = list_drops(&pool).await.expect("drops");
        let stocks: Vec<i32> = drops.iter().map(|p| p.stock).collect();
        assert_eq!(stocks, [1, 3, 4], "in stock, at most 5, scarcest first");
    }
}
