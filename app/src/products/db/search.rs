//! SQL of search: ranked full-text matches with a typo fallback, bounded
//! to a set of candidates, their category facets, "did you mean" and the
//! search box's suggestions.

use sqlx::{Postgres, Transaction};

use crate::products::model::{
    group_facets, Category, CategoryFacet, ListingFilter, PageNumber, ProductPage, ProductSort,
    ProductSummary, SearchQuery, SearchResults, Suggestion, Translated, PAGE_SIZE, SUGGESTION_COUNT,
};

/// How close a mistyped word must be to a word of the catalogue's
/// vocabulary (pg_trgm word similarity, 0..1) to be read as that word: the
/// corrected query's products are the results; and the looser bar for
/// "did you mean", which only names a few products.
const TYPO_THRESHOLD: f32 = 0.5;
const DID_YOU_MEAN_THRESHOLD: f32 = 0.3;

/// The prefix tsquery of some words ("nint" → `nint:*`), all of them (`&`)
/// or any (`|`); the words hold only letters and digits.
fn tsquery_of(words: &[String], operator: &str) -> String {
    words
        .iter()
        .map(|word| format!("{word}:*"))
        .collect::<Vec<_>>()
        .join(operator)
}

/// The prefix tsquery of the query's words, every one required.
fn prefix_tsquery(query: &SearchQuery) -> String {
    tsquery_of(&query.words(), " & ")
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
/// the category or description only. `$1` is the query, `$2` its prefix
/// tsquery; the rank adds both measures and is only computed for the
/// candidates. A query that matches nothing is corrected against the
/// vocabulary (`corrected_words`) and run again.
///
/// Past the bound, which candidates are kept follows the table's order, not
/// the rank: facets, totals, sorts and pages of a broad query cover those
/// candidates, not every match (the totals are capped at `$3`).
///
/// `suggest_products` spells the same CTEs out in its checked statement (a
/// macro takes one literal, not a constant): keep the two in step.
const MATCHES: &str = "
    q AS (SELECT wm_fold($1) AS text, to_tsquery('simple', wm_fold($2)) AS prefix),
    exact AS (
        SELECT p.id, p.category_id, p.slug, p.name, p.from_price_cents AS price_cents, p.image_path, p.created_at,
               p.option_names, p.option_names_en,
               ts_rank(p.search_vector, q.prefix) + word_similarity(q.text, p.search_name) AS rank
        FROM products p, q
        WHERE numnode(q.prefix) > 0 AND p.archived_at IS NULL AND p.variant_of IS NULL
          AND to_tsvector('simple', p.search_name) @@ q.prefix
        UNION ALL
        SELECT p.id, p.category_id, p.slug, p.name, p.from_price_cents AS price_cents, p.image_path, p.created_at,
               p.option_names, p.option_names_en,
               ts_rank(p.search_vector, q.prefix) + word_similarity(q.text, p.search_name) AS rank
        FROM products p, q
        WHERE numnode(q.prefix) > 0 AND p.archived_at IS NULL AND p.variant_of IS NULL
          AND p.search_vector @@ q.prefix AND NOT to_tsvector('simple', p.search_name) @@ q.prefix
    ),
    matches AS MATERIALIZED (SELECT * FROM exact LIMIT $3)";

/// The query's words put right: a word that begins a word of the catalogue
/// stays, as do numbers and words under three letters; another becomes the
/// vocabulary's word most like it (at least `threshold` similar), or is
/// `None`. One indexed look-up per word in a
/// table of a few thousand words.
async fn corrected_words(
    tx: &mut Transaction<'_, Postgres>,
    words: &[String],
    threshold: f32,
) -> Result<Vec<Option<String>>, sqlx::Error> {
    prepare_search(tx, threshold).await?;
    sqlx::query_scalar!(
        r#"SELECT coalesce(
                      -- Numbers and short words are not the vocabulary's: kept.
                      (SELECT w.word WHERE w.word !~ '^[a-z]{3,}$'),
                      (SELECT w.word WHERE EXISTS (
                           SELECT 1 FROM search_words s WHERE s.word LIKE w.word || '%')),
                      (SELECT s.word FROM search_words s WHERE w.word <% s.word
                       ORDER BY w.word <<-> s.word, s.word LIMIT 1)) AS word
           FROM unnest($1::text[]) WITH ORDINALITY AS typed(raw, n),
                LATERAL (SELECT wm_fold(typed.raw) AS word) w
           ORDER BY typed.n"#,
        words,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Settings of a search's transaction: the trigram threshold (of the
/// corrections), and no sequential scan. The candidate sets are LIMITed, and for a LIMIT the
/// planner prefers reading the table in order until enough rows match:
/// fast for a broad word, a whole-table scan for a rare one or a typo
/// (25+ ms), where the GIN indexes answer in a few ms whatever the word.
async fn prepare_search(tx: &mut Transaction<'_, Postgres>, threshold: f32) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT set_config('pg_trgm.word_similarity_threshold', $1, true) AS threshold,
                set_config('enable_seqscan', 'off', true) AS seqscan",
        threshold.to_string(),
    )
    .fetch_one(&mut **tx)
    .await
    .map(drop)
}

/// The ORDER BY of each sort of the candidates, always ending on a unique
/// column so that pages never overlap or skip rows.
fn order_by(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Relevance => "rank DESC, name ASC, id ASC",
        ProductSort::Newest => "created_at DESC, id DESC",
        ProductSort::PriceAsc => "price_cents ASC, name ASC, id ASC",
        ProductSort::PriceDesc => "price_cents DESC, name ASC, id ASC",
        ProductSort::Name => "name ASC, id ASC",
    }
}

#[derive(serde::Deserialize)]
struct FacetRow {
    id: i64,
    slug: String,
    name_fr: String,
    name_en: String,
    count: i64,
}

#[derive(serde::Deserialize)]
struct OptionRow {
    name: String,
    name_en: String,
    value: String,
    value_en: String,
    count: i64,
}

fn decode_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

/// The words of a query with every one put right at `threshold`; `None`
/// when one has no close word, or when none needed putting right (the
/// query already said what it says).
async fn corrected_query(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
    threshold: f32,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    let words = query.words();
    let corrected: Option<Vec<String>> = corrected_words(tx, &words, threshold)
        .await?
        .into_iter()
        .collect();
    Ok(corrected.filter(|corrected| *corrected != words))
}

/// What one search statement returns: how many products matched (before
/// the filter), and the facets, option counts and page as JSON.
type SearchRows = (i64, String, String, String);

/// Ranked search with category facets and, when nothing matches, the query
/// put right (a typo in a word or two), or else close product names to
/// suggest. One statement computes the matches once and returns both the
/// facets and the requested page (as JSON).
#[tracing::instrument(skip(tx), err)]
pub async fn search_products(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
    category_id: Option<i64>,
    filter: &ListingFilter,
    sort: ProductSort,
    page: PageNumber,
) -> Result<SearchResults, sqlx::Error> {
    prepare_search(tx, TYPO_THRESHOLD).await?;
    let mut rows = search_statement(
        tx,
        query.as_str(),
        &prefix_tsquery(query),
        category_id,
        filter,
        sort,
        page,
    )
    .await?;
    if rows.0 == 0 {
        if let Some(words) = corrected_query(tx, query, TYPO_THRESHOLD).await? {
            let prefix = tsquery_of(&words, " & ");
            rows = search_statement(tx, &words.join(" "), &prefix, category_id, filter, sort, page).await?;
        }
    }
    let (matched, facets_json, options_json, items_json) = rows;
    let facet_rows: Vec<FacetRow> = decode_json(&facets_json)?;
    let option_rows: Vec<OptionRow> = decode_json(&options_json)?;
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
    let option_facets = group_facets(option_rows.into_iter().map(|row| {
        (
            Translated {
                fr: row.name,
                en: row.name_en,
            },
            Translated {
                fr: row.value,
                en: row.value_en,
            },
            row.count,
        )
    }));
    // "Did you mean" answers a query that matched nothing, not a filter.
    let did_you_mean = if matched == 0 {
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
        capped: matched >= SEARCH_CANDIDATES,
        facets,
        did_you_mean,
        option_facets,
        filter: filter.clone(),
    })
}

/// One search statement: the matches of `prefix` (`text` ranks them), their
/// category and option counts, and the page asked for.
#[allow(clippy::too_many_arguments)]
async fn search_statement(
    tx: &mut Transaction<'_, Postgres>,
    text: &str,
    prefix: &str,
    category_id: Option<i64>,
    filter: &ListingFilter,
    sort: ProductSort,
    page: PageNumber,
) -> Result<SearchRows, sqlx::Error> {
    let (names, values) = filter.columns();
    // Built at run time: one ORDER BY per sort (an ORDER BY CASE would change this hot path's plan).
    // The ORDER BY comes from a closed set of static strings, never from input.
    let order = order_by(sort);
    // The filter (option values, price range; `variant_matches` as in the
    // listings) narrows the candidates; the option counts are over all the
    // candidates of the category, each option's own choice set aside.
    sqlx::query_as(&format!(
            "WITH {MATCHES},
         filtered AS MATERIALIZED (
             SELECT * FROM matches m
             WHERE (cardinality($7::text[]) = 0 AND $9::bigint IS NULL AND $10::bigint IS NULL)
                OR EXISTS (SELECT 1 FROM listed_products v
                           WHERE (v.id = m.id OR v.variant_of = m.id)
                             AND variant_matches(m.option_names, v.option_values, v.price_cents,
                                                 $7::text[], $8::text[], $9, $10))),
         facet_counts AS (SELECT category_id, count(*) AS count FROM filtered GROUP BY category_id),
         option_counts AS (
             SELECT o.name, min(o.name_en) AS name_en,
                    v.option_values[o.i::int] AS value, min(v.option_values_en[o.i::int]) AS value_en,
                    count(DISTINCT m.id) FILTER (
                        WHERE variant_matches(m.option_names, v.option_values, v.price_cents,
                                              $7::text[], $8::text[], $9, $10, o.name)) AS count,
                    min(v.id) AS first
             FROM matches m
             CROSS JOIN LATERAL unnest(m.option_names, m.option_names_en) WITH ORDINALITY AS o(name, name_en, i)
             JOIN listed_products v ON v.id = m.id OR v.variant_of = m.id
             WHERE ($4::bigint IS NULL OR m.category_id = $4) AND v.option_values[o.i::int] IS NOT NULL
             GROUP BY o.name, v.option_values[o.i::int]),
         page AS (
             SELECT id, slug, name, price_cents, image_path,
                    row_number() OVER (ORDER BY {order}) AS position
             FROM filtered WHERE $4::bigint IS NULL OR category_id = $4
             ORDER BY {order} LIMIT $5 OFFSET $6
         )
         SELECT
             (SELECT count(*) FROM matches),
             (SELECT coalesce(json_agg(json_build_object(
                         'id', c.id, 'slug', c.slug, 'name_fr', c.name_fr, 'name_en', c.name_en,
                         'count', f.count) ORDER BY f.count DESC, c.position, c.slug), '[]')
              FROM facet_counts f JOIN categories c ON c.id = f.category_id)::text,
             (SELECT coalesce(json_agg(json_build_object(
                         'name', name, 'name_en', name_en, 'value', value, 'value_en', value_en,
                         'count', count) ORDER BY name, first), '[]')
              FROM option_counts)::text,
             -- The stock that can be bought now, for the page's rows only.
             (SELECT coalesce(json_agg(json_build_object(
                         'id', page.id, 'slug', page.slug, 'name', page.name, 'name_en', l.name_en,
                         'price_cents', page.price_cents, 'from_price', l.price_varies, 'has_variants', l.variant_count > 0,
                         'stock', CASE WHEN l.variant_count = 0 THEN l.stock ELSE available_in_group(l.id) END,
                         'image_path', page.image_path) ORDER BY page.position), '[]')
              FROM page JOIN listed_products l ON l.id = page.id)::text"
        ))
        .bind(text)
        .bind(prefix)
        .bind(SEARCH_CANDIDATES)
        .bind(category_id)
        .bind(i64::from(PAGE_SIZE) + 1)
        .bind(page.offset(PAGE_SIZE))
        .bind(&names)
        .bind(&values)
        .bind(filter.min_cents)
        .bind(filter.max_cents)
        .fetch_one(&mut **tx)
        .await
}

/// Product names for the search box, best match first; for a prefix that
/// matches nothing, those of the query put right.
#[tracing::instrument(skip(tx), err)]
pub async fn suggest_products(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    prepare_search(tx, TYPO_THRESHOLD).await?;
    let found = suggestions(tx, query.as_str(), &prefix_tsquery(query)).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    match corrected_query(tx, query, TYPO_THRESHOLD).await? {
        Some(words) => suggestions(tx, &words.join(" "), &tsquery_of(&words, " & ")).await,
        None => Ok(found),
    }
}

async fn suggestions(
    tx: &mut Transaction<'_, Postgres>,
    text: &str,
    prefix: &str,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    // MATCHES written out: a checked statement is one literal.
    sqlx::query_as!(
        Suggestion,
        r#"WITH
        q AS (SELECT wm_fold($1) AS text, to_tsquery('simple', wm_fold($2)) AS prefix),
        exact AS (
            SELECT p.id, p.category_id, p.slug, p.name, p.from_price_cents AS price_cents, p.image_path, p.created_at,
                   ts_rank(p.search_vector, q.prefix) + word_similarity(q.text, p.search_name) AS rank
            FROM products p, q
            WHERE numnode(q.prefix) > 0 AND p.archived_at IS NULL AND p.variant_of IS NULL
              AND to_tsvector('simple', p.search_name) @@ q.prefix
            UNION ALL
            SELECT p.id, p.category_id, p.slug, p.name, p.from_price_cents AS price_cents, p.image_path, p.created_at,
                   ts_rank(p.search_vector, q.prefix) + word_similarity(q.text, p.search_name) AS rank
            FROM products p, q
            WHERE numnode(q.prefix) > 0 AND p.archived_at IS NULL AND p.variant_of IS NULL
              AND p.search_vector @@ q.prefix AND NOT to_tsvector('simple', p.search_name) @@ q.prefix
        ),
        matches AS MATERIALIZED (SELECT * FROM exact LIMIT $3)
        SELECT slug AS "slug!", name AS "name!" FROM matches ORDER BY rank DESC, name, id LIMIT $4"#,
        text,
        prefix,
        SUGGESTION_CANDIDATES,
        SUGGESTION_COUNT,
    )
    .fetch_all(&mut **tx)
    .await
}

/// For a query nothing answers, even put right: up to three products that
/// have any of its words put right loosely (a word with no close word is
/// left out), those with the most of them and the closest names first.
async fn did_you_mean(
    tx: &mut Transaction<'_, Postgres>,
    query: &SearchQuery,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    let words: Vec<String> = corrected_words(tx, &query.words(), DID_YOU_MEAN_THRESHOLD)
        .await?
        .into_iter()
        .flatten()
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        Suggestion,
        r#"WITH q AS (SELECT $1::text AS text, to_tsquery('simple', $2) AS any_word),
           candidates AS MATERIALIZED (
               SELECT p.slug, p.name, ts_rank(p.search_vector, q.any_word) + word_similarity(q.text, p.search_name) AS rank
               FROM products p, q
               WHERE p.archived_at IS NULL AND p.variant_of IS NULL AND to_tsvector('simple', p.search_name) @@ q.any_word
               LIMIT $3
           )
           SELECT slug AS "slug!", name AS "name!" FROM candidates ORDER BY rank DESC, name LIMIT 3"#,
        words.join(" "),
        tsquery_of(&words, " | "),
        SEARCH_CANDIDATES,
    )
    .fetch_all(&mut **tx)
    .await
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;
    use crate::products::db::catalogue::tests::insert_products;

    async fn search(pool: &PgPool, q: &str, category: Option<i64>, sort: ProductSort) -> SearchResults {
        let query = SearchQuery::parse(q).expect("valid").expect("not blank");
        let mut tx = pool.begin().await.expect("tx");
        let results = search_products(
            &mut tx,
            &query,
            category,
            &ListingFilter::default(),
            sort,
            PageNumber::FIRST,
        )
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
    async fn suggestions_follow_the_typed_prefix(pool: PgPool) {
        let query = SearchQuery::parse("play").expect("valid").expect("not blank");
        let mut tx = pool.begin().await.expect("tx");
        let suggestions = suggest_products(&mut tx, &query).await.expect("suggest");
        let slugs: Vec<&str> = suggestions.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, ["playstation-4-pro", "playstation-5-slim"]);
    }

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
    async fn renaming_a_category_reindexes_its_products(pool: PgPool) {
        assert_eq!(
            search(&pool, "cookware", None, ProductSort::Relevance)
                .await
                .total,
            0
        );
        sqlx::query!("UPDATE categories SET name_en = 'Cookware' WHERE slug = 'maison'")
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

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
    async fn typos_in_two_words_are_put_right_word_by_word(pool: PgPool) {
        let found = search(&pool, "nintedo swich", None, ProductSort::Relevance).await;
        assert_eq!(
            names(&found)[..2],
            ["Nintendo Switch 2", "Nintendo Switch Modèle OLED Blanc"]
        );
        assert!(found.did_you_mean.is_empty(), "results, not a question");
        // A typo and a number: the number is kept as typed.
        let found = search(&pool, "televiseru 55", None, ProductSort::Relevance).await;
        assert_eq!(names(&found), ["Téléviseur LG OLED evo C5 55 pouces"]);
        let query = SearchQuery::parse("cocote").expect("valid").expect("not blank");
        let mut tx = pool.begin().await.expect("tx");
        let suggestions = suggest_products(&mut tx, &query).await.expect("suggest");
        let slugs: Vec<&str> = suggestions.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["cocotte-le-creuset"],
            "the search box puts typos right too"
        );
    }

    #[sqlx::test(migrations = "../migrations", fixtures("../fixtures/search.sql"))]
    async fn a_new_product_brings_its_words_to_the_vocabulary(pool: PgPool) {
        let before = search(&pool, "xylophrne", None, ProductSort::Relevance).await;
        assert_eq!(before.total, 0);
        assert!(before.did_you_mean.is_empty(), "no word is close");
        sqlx::query!(
            "INSERT INTO products (slug, name, category_id, price_cents, stock, image_path)
             SELECT 'xylophone', 'Xylophone en bois', id, 3990, 5, '/x.svg' FROM categories WHERE slug = 'maison'"
        )
        .execute(&pool)
        .await
        .expect("insert");
        let after = search(&pool, "xylophrne", None, ProductSort::Relevance).await;
        assert_eq!(names(&after), ["Xylophone en bois"]);
        sqlx::query!("UPDATE products SET name = 'Carillon Marimba' WHERE slug = 'xylophone'")
            .execute(&pool)
            .await
            .expect("rename");
        let renamed = search(&pool, "marimab", None, ProductSort::Relevance).await;
        assert_eq!(
            names(&renamed),
            ["Carillon Marimba"],
            "a renamed product's words join too"
        );
    }
}
