//! SQL of the products service.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{
    Category, CategoryFacet, PageNumber, ProductDetail, ProductPage, ProductSort, ProductSummary,
    SearchQuery, SearchResults, Suggestion, PAGE_SIZE, SUGGESTION_COUNT,
};

/// How close a typo must be to a word of a product name (pg_trgm word
/// similarity, 0..1) to count as a match, and the looser bar for "did you mean".
const TYPO_THRESHOLD: f32 = 0.5;
const DID_YOU_MEAN_THRESHOLD: f32 = 0.3;
/// Related products shown on a product page.
const RELATED_COUNT: i64 = 6;

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

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    slug: String,
    name_fr: String,
    name_en: String,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name_fr: row.name_fr,
            name_en: row.name_en,
        }
    }
}

/// The ORDER BY of each sort, always ending on a unique column so that
/// pages never overlap or skip rows. Relevance needs a `rank` column.
fn order_by(sort: ProductSort, has_rank: bool) -> &'static str {
    match sort {
        ProductSort::Relevance if has_rank => "rank DESC, name ASC, id ASC",
        ProductSort::Relevance | ProductSort::Newest => "created_at DESC, id DESC",
        ProductSort::PriceAsc => "price_cents ASC, name ASC, id ASC",
        ProductSort::PriceDesc => "price_cents DESC, name ASC, id ASC",
        ProductSort::Name => "name ASC, id ASC",
    }
}

/// Cuts the extra row fetched to learn whether a next page exists, so no
/// listing ever counts a whole table.
fn into_page(rows: Vec<ProductSummaryRow>, page: PageNumber) -> ProductPage {
    let mut items: Vec<ProductSummary> = rows.into_iter().map(ProductSummary::from).collect();
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
    // The ORDER BY comes from a closed set of static strings, never from input.
    let sql = format!(
        "SELECT id, slug, name, price_cents, stock, image_path FROM listed_products
         WHERE ($1::bigint IS NULL OR category_id = $1)
         ORDER BY {} LIMIT $2 OFFSET $3",
        order_by(sort, false)
    );
    let rows = sqlx::query_as::<_, ProductSummaryRow>(&sql)
        .bind(category_id)
        .bind(i64::from(PAGE_SIZE) + 1)
        .bind(page.offset())
        .fetch_all(db)
        .await?;
    Ok(into_page(rows, page))
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
    let rows = sqlx::query_as::<_, ProductSummaryRow>(
        "SELECT id, slug, name, price_cents, stock, image_path FROM listed_products
         WHERE stock BETWEEN 1 AND 5
           AND id IN (
               (SELECT id FROM products
                WHERE stock BETWEEN 1 AND 5 AND archived_at IS NULL
                ORDER BY stock, created_at DESC, id DESC
                LIMIT 6 + (SELECT count(*) FROM held_units))
               UNION
               SELECT product_id FROM held_units)
         ORDER BY stock, created_at DESC, id DESC LIMIT 6",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ProductSummary::from).collect())
}

pub async fn list_categories(db: impl PgExecutor<'_>) -> Result<Vec<Category>, sqlx::Error> {
    let rows = sqlx::query_as::<_, CategoryRow>(
        "SELECT id, slug, name_fr, name_en FROM categories ORDER BY position, slug",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Category::from).collect())
}

pub async fn find_category_by_slug(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> Result<Option<Category>, sqlx::Error> {
    let row =
        sqlx::query_as::<_, CategoryRow>("SELECT id, slug, name_fr, name_en FROM categories WHERE slug = $1")
            .bind(slug)
            .fetch_optional(db)
            .await?;
    Ok(row.map(Category::from))
}

#[derive(sqlx::FromRow)]
struct ProductDetailRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    price_cents: i64,
    stock: i32,
    max_per_order: i32,
    max_per_customer: Option<i32>,
    hold_minutes: Option<i32>,
    image_path: String,
    category_id: i64,
    category_slug: String,
    category_name_fr: String,
    category_name_en: String,
}

/// A product with its category and a few products of the same category
/// (in stock first).
#[tracing::instrument(skip(tx), err)]
pub async fn find_product_by_slug(
    tx: &mut Transaction<'_, Postgres>,
    slug: &str,
) -> Result<Option<ProductDetail>, sqlx::Error> {
    let Some(row) = sqlx::query_as::<_, ProductDetailRow>(
        "SELECT p.id, p.slug, p.name, p.description, p.price_cents, p.stock, p.max_per_order,
                p.max_per_customer, p.hold_minutes, p.image_path,
                c.id AS category_id, c.slug AS category_slug,
                c.name_fr AS category_name_fr, c.name_en AS category_name_en
         FROM listed_products p JOIN categories c ON c.id = p.category_id
         WHERE p.slug = $1",
    )
    .bind(slug)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let related = sqlx::query_as::<_, ProductSummaryRow>(
        "SELECT id, slug, name, price_cents, stock, image_path FROM listed_products
         WHERE category_id = $1 AND id <> $2 AND stock > 0
         ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(row.category_id)
    .bind(row.id)
    .bind(RELATED_COUNT)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(ProductDetail {
        id: row.id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        price_cents: row.price_cents,
        stock: row.stock,
        max_per_order: row.max_per_order,
        max_per_customer: row.max_per_customer,
        hold_minutes: row.hold_minutes,
        image_path: row.image_path,
        category: Category {
            id: row.category_id,
            slug: row.category_slug,
            name_fr: row.category_name_fr,
            name_en: row.category_name_en,
        },
        related: related.into_iter().map(ProductSummary::from).collect(),
    }))
}

/// The prefix tsquery of the query's words ("nint" → `nint:*`); the words
/// hold only letters and digits, so the text is always a valid tsquery.
fn prefix_tsquery(query: &SearchQuery) -> String {
    query
        .words()
        .iter()
        .map(|word| format!("{word}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The most matches a search ranks, counts into its facets and pages
/// through, and the fewer the search box ranks for its suggestions. Ranking
/// every match costs a row read and two measures per match: a broad word
/// ("noir", a brand, a category) matches thousands of the 100 000 products
/// and took 100+ ms; a bounded set keeps every search near a few ms.
const SEARCH_CANDIDATES: i64 = 200;
const SUGGESTION_CANDIDATES: i64 = 100;

/// Products matching a query, at most `$3` of them (the candidates): every
/// word as a prefix in the weighted full-text vector (name, category,
/// description; accents folded), through its GIN index. Name matches come
/// first, through their own index (products_name_vector_idx), since a word
/// in the name outranks one elsewhere; the rest of the candidates match in
/// the category or description only. Only when nothing matches (a typo) does
/// the query fall back to trigram word similarity on the name. `$1` is the
/// query, `$2` its prefix tsquery; the rank adds both measures and is only
/// computed for the candidates.
///
/// Past the bound, which candidates are kept follows the table's order, not
/// the rank: facets, totals, sorts and pages of a broad query cover those
/// candidates, not every match (the totals are capped at `$3`).
const MATCHES: &str = "
    q AS (SELECT wm_fold($1) AS text, to_tsquery('simple', wm_fold($2)) AS prefix),
    exact AS (
        SELECT p.id, p.category_id, p.slug, p.name, p.price_cents, p.image_path, p.created_at,
               ts_rank(p.search_vector, q.prefix) + word_similarity(q.text, p.search_name) AS rank
        FROM products p, q
        WHERE numnode(q.prefix) > 0 AND p.archived_at IS NULL
          AND to_tsvector('simple', p.search_name) @@ q.prefix
        UNION ALL
        SELECT p.id, p.category_id, p.slug, p.name, p.price_cents, p.image_path, p.created_at,
               ts_rank(p.search_vector, q.prefix) + word_similarity(q.text, p.search_name) AS rank
        FROM products p, q
        WHERE numnode(q.prefix) > 0 AND p.archived_at IS NULL
          AND p.search_vector @@ q.prefix AND NOT to_tsvector('simple', p.search_name) @@ q.prefix
    ),
    exact_candidates AS MATERIALIZED (SELECT * FROM exact LIMIT $3),
    fuzzy AS (
        SELECT p.id, p.category_id, p.slug, p.name, p.price_cents, p.image_path, p.created_at,
               word_similarity(q.text, p.search_name) AS rank
        FROM products p, q
        WHERE NOT EXISTS (SELECT 1 FROM exact_candidates) AND p.archived_at IS NULL
          AND q.text <% p.search_name
        LIMIT $3
    ),
    matches AS MATERIALIZED (SELECT * FROM exact_candidates UNION ALL SELECT * FROM fuzzy)";

/// Settings of a search's transaction: the trigram threshold, and no
/// sequential scan. The candidate sets are LIMITed, and for a LIMIT the
/// planner prefers reading the table in order until enough rows match:
/// fast for a broad word, a whole-table scan for a rare one or a typo
/// (25+ ms), where the GIN indexes answer in a few ms whatever the word.
async fn prepare_search(tx: &mut Transaction<'_, Postgres>, threshold: f32) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT set_config('pg_trgm.word_similarity_threshold', $1, true),
                set_config('enable_seqscan', 'off', true)",
    )
    .bind(threshold.to_string())
    .execute(&mut **tx)
    .await
    .map(drop)
}

#[derive(serde::Deserialize)]
struct FacetRow {
    id: i64,
    slug: String,
    name_fr: String,
    name_en: String,
    count: i64,
}

fn decode_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

/// Ranked search with category facets and, when nothing matches, close
/// product names to suggest. One statement computes the matches once and
/// returns both the facets and the requested page (as JSON).
#[tracing::instrument(skip(tx), err)]
pub async fn search_products(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
    category_id: Option<i64>,
    sort: ProductSort,
    page: PageNumber,
) -> Result<SearchResults, sqlx::Error> {
    prepare_search(tx, TYPO_THRESHOLD).await?;
    // The ORDER BY comes from a closed set of static strings, never from input.
    let order = order_by(sort, true);
    let (facets_json, items_json): (String, String) = sqlx::query_as(&format!(
        "WITH {MATCHES},
         facet_counts AS (SELECT category_id, count(*) AS count FROM matches GROUP BY category_id),
         page AS (
             SELECT id, slug, name, price_cents, image_path,
                    row_number() OVER (ORDER BY {order}) AS position
             FROM matches WHERE $4::bigint IS NULL OR category_id = $4
             ORDER BY {order} LIMIT $5 OFFSET $6
         )
         SELECT
             (SELECT coalesce(json_agg(json_build_object(
                         'id', c.id, 'slug', c.slug, 'name_fr', c.name_fr, 'name_en', c.name_en,
                         'count', f.count) ORDER BY f.count DESC, c.position, c.slug), '[]')
              FROM facet_counts f JOIN categories c ON c.id = f.category_id)::text,
             -- The stock that can be bought now, for the page's rows only.
             (SELECT coalesce(json_agg(json_build_object(
                         'id', page.id, 'slug', page.slug, 'name', page.name,
                         'price_cents', page.price_cents, 'stock', l.stock,
                         'image_path', page.image_path) ORDER BY page.position), '[]')
              FROM page JOIN listed_products l ON l.id = page.id)::text"
    ))
    .bind(query.as_str())
    .bind(prefix_tsquery(query))
    .bind(SEARCH_CANDIDATES)
    .bind(category_id)
    .bind(i64::from(PAGE_SIZE) + 1)
    .bind(page.offset())
    .fetch_one(&mut **tx)
    .await?;
    let facet_rows: Vec<FacetRow> = decode_json(&facets_json)?;
    let mut items: Vec<ProductSummary> = decode_json(&items_json)?;
    let has_next = items.len() > PAGE_SIZE as usize;
    items.truncate(PAGE_SIZE as usize);

    let total = facet_rows.iter().map(|f| f.count).sum();
    let filtered_total = facet_rows
        .iter()
        .filter(|f| category_id.is_none_or(|id| id == f.id))
        .map(|f| f.count)
        .sum();
    let facets = facet_rows
        .into_iter()
        .map(|f| CategoryFacet {
            category: Category {
                id: f.id,
                slug: f.slug,
                name_fr: f.name_fr,
                name_en: f.name_en,
            },
            count: f.count,
        })
        .collect();
    let did_you_mean = if total == 0 {
        did_you_mean(tx, query).await?
    } else {
        Vec::new()
    };
    Ok(SearchResults {
        products: ProductPage {
            items,
            page: page.get(),
            has_next,
        },
        total,
        filtered_total,
        capped: total >= SEARCH_CANDIDATES,
        facets,
        did_you_mean,
    })
}

/// Product names for the search box, best match first.
#[tracing::instrument(skip(tx), err)]
pub async fn suggest_products(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    prepare_search(tx, TYPO_THRESHOLD).await?;
    let rows = sqlx::query_as::<_, (String, String)>(&format!(
        "WITH {MATCHES}
         SELECT slug, name FROM matches ORDER BY rank DESC, name, id LIMIT $4"
    ))
    .bind(query.as_str())
    .bind(prefix_tsquery(query))
    .bind(SUGGESTION_CANDIDATES)
    .bind(SUGGESTION_COUNT)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name)| Suggestion { slug, name })
        .collect())
}

async fn did_you_mean(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    prepare_search(tx, DID_YOU_MEAN_THRESHOLD).await?;
    let rows = sqlx::query_as::<_, (String, String)>(
        "SELECT slug, name FROM listed_products
         WHERE wm_fold($1) <% search_name
         ORDER BY wm_fold($1) <<-> search_name, name LIMIT 3",
    )
    .bind(query.as_str())
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name)| Suggestion { slug, name })
        .collect())
}

/// Every product slug with its last change, for the sitemap.
pub async fn all_product_slugs(db: impl PgExecutor<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT slug FROM listed_products ORDER BY id")
        .fetch_all(db)
        .await
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
        let result = sqlx::query("UPDATE products SET stock = -1 WHERE slug = 'product-1'")
            .execute(&pool)
            .await;
        assert!(result.is_err(), "the CHECK constraint must refuse negative stock");
    }

    async fn search(pool: &PgPool, q: &str, category: Option<i64>, sort: ProductSort) -> SearchResults {
        let query = SearchQuery::parse(q).expect("valid").expect("not blank");
        let mut tx = pool.begin().await.expect("tx");
        let results = search_products(&mut tx, &query, category, sort, PageNumber::FIRST)
            .await
            .expect("search");
        tx.commit().await.expect("commit");
        results
    }

    fn names(results: &SearchResults) -> Vec<&str> {
        results.products.items.iter().map(|p| p.name.as_str()).collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_broad_search_says_it_counted_only_its_candidates(pool: PgPool) {
        insert_products(&pool, 250).await;
        let broad = search(&pool, "product", None, ProductSort::Relevance).await;
        assert_eq!(broad.total, SEARCH_CANDIDATES);
        assert!(broad.capped, "250 match, the search ranked 200");
        let narrow = search(&pool, "product 042", None, ProductSort::Relevance).await;
        assert!(!narrow.capped);
        assert!(narrow.total >= 1 && narrow.total < SEARCH_CANDIDATES);
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn typos_still_find_the_playstation(pool: PgPool) {
        for typo in ["plystation", "PlayStaton", "playstatoin"] {
            let found = search(&pool, typo, None, ProductSort::Relevance).await;
            assert_eq!(
                names(&found)[..2],
                [
                    "PlayStation 4 Pro 1 To",
                    "PlayStation 5 Slim (PS5) Édition Standard"
                ],
                "{typo}: equal relevance is ordered by name"
            );
        }
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn model_names_match_whatever_the_case(pool: PgPool) {
        for query in ["ps5", "PS5", "Ps5"] {
            let found = search(&pool, query, None, ProductSort::Relevance).await;
            assert!(
                names(&found).contains(&"PlayStation 5 Slim (PS5) Édition Standard"),
                "{query}"
            );
            assert!(!names(&found).contains(&"Le Petit Prince"), "{query}");
        }
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn accents_do_not_matter(pool: PgPool) {
        for query in ["télé", "tele", "TÉLÉVISEUR", "televiseur"] {
            let found = search(&pool, query, None, ProductSort::Relevance).await;
            assert_eq!(
                names(&found).first(),
                Some(&"Téléviseur LG OLED evo C5 55 pouces"),
                "{query}"
            );
        }
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn prefixes_match_while_typing(pool: PgPool) {
        let found = search(&pool, "nint", None, ProductSort::Relevance).await;
        let top: Vec<&str> = names(&found).into_iter().take(2).collect();
        assert_eq!(top, ["Nintendo Switch 2", "Nintendo Switch Modèle OLED Blanc"]);
        let found = search(&pool, "cocotte fon", None, ProductSort::Relevance).await;
        assert_eq!(
            names(&found),
            ["Cocotte en fonte Le Creuset"],
            "every word is a prefix"
        );
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn facets_count_matches_per_category_and_the_filter_narrows(pool: PgPool) {
        let found = search(&pool, "nintendo", None, ProductSort::Relevance).await;
        let facets: Vec<(&str, i64)> = found
            .facets
            .iter()
            .map(|f| (f.category.slug.as_str(), f.count))
            .collect();
        assert_eq!(facets, [("consoles", 2), ("jeux-video", 1)]);
        assert_eq!(found.total, 3);
        let consoles = found.facets[0].category.id;
        let narrowed = search(&pool, "nintendo", Some(consoles), ProductSort::Relevance).await;
        assert_eq!(narrowed.filtered_total, 2);
        assert_eq!(narrowed.total, 3, "facets still show every category");
        assert!(!names(&narrowed).contains(&"Mario Kart World"));
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn results_can_be_sorted_by_price(pool: PgPool) {
        let found = search(&pool, "nintendo", None, ProductSort::PriceAsc).await;
        assert_eq!(
            names(&found),
            [
                "Mario Kart World",
                "Nintendo Switch Modèle OLED Blanc",
                "Nintendo Switch 2"
            ]
        );
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn nothing_found_offers_close_names(pool: PgPool) {
        let found = search(&pool, "xyzzy", None, ProductSort::Relevance).await;
        assert_eq!(found.total, 0);
        assert!(found.products.items.is_empty());
        assert!(found.did_you_mean.is_empty());
        let found = search(&pool, "petit prinse chateau", None, ProductSort::Relevance).await;
        assert_eq!(found.total, 0);
        assert_eq!(
            found.did_you_mean.first().map(|s| s.slug.as_str()),
            Some("le-petit-prince")
        );
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn suggestions_follow_the_typed_prefix(pool: PgPool) {
        let query = SearchQuery::parse("play").expect("valid").expect("not blank");
        let mut tx = pool.begin().await.expect("tx");
        let suggestions = suggest_products(&mut tx, &query).await.expect("suggest");
        let slugs: Vec<&str> = suggestions.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, ["playstation-4-pro", "playstation-5-slim"]);
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn renaming_a_category_reindexes_its_products(pool: PgPool) {
        assert_eq!(
            search(&pool, "cookware", None, ProductSort::Relevance)
                .await
                .total,
            0
        );
        sqlx::query("UPDATE categories SET name_en = 'Cookware' WHERE slug = 'maison'")
            .execute(&pool)
            .await
            .expect("rename");
        assert_eq!(
            search(&pool, "cookware", None, ProductSort::Relevance)
                .await
                .total,
            2
        );
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
    async fn a_product_page_brings_its_category_and_related_products(pool: PgPool) {
        let mut tx = pool.begin().await.expect("tx");
        let product = find_product_by_slug(&mut tx, "nintendo-switch-2")
            .await
            .expect("query")
            .expect("found");
        assert_eq!(product.category.slug, "consoles");
        assert_eq!(product.related.len(), 3);
        assert!(product.related.iter().all(|p| p.slug != "nintendo-switch-2"));
        assert!(find_product_by_slug(&mut tx, "no-such-thing")
            .await
            .expect("query")
            .is_none());
    }

    #[sqlx::test(migrations = "../migrations", fixtures("search"))]
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
