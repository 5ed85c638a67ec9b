//! Product, category and search pages through HTTP: status codes, content,
//! and what crawlers read (titles, canonical URLs, JSON-LD, sitemap).

use crate::common::{card_names, spawn_app};
use sqlx::PgPool;

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_product_page_shows_everything_a_shopper_and_a_crawler_need(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/p/playstation-5-slim").await;
    assert_eq!(status, 200);
    assert_eq!(count(&html, "<h1"), 1);
    assert!(html.contains("PlayStation 5 Slim (PS5) Édition Standard"));
    assert!(html.contains("549,99\u{a0}€"));
    assert!(html.contains("Plus que 3 en stock"));
    assert!(
        html.contains(r#"href="/c/consoles""#),
        "breadcrumb to the category"
    );
    assert!(html.contains(r#"width="600""#) && html.contains(r#"height="600""#));
    assert!(html.contains("<title>PlayStation 5 Slim (PS5) Édition Standard — WonderMarket</title>"));
    assert!(html.contains(r#"<link href="https://shop.example/p/playstation-5-slim" rel="canonical">"#));
    assert!(html.contains(r#"property="og:type" content="product""#));
    assert!(html.contains(
        r#"property="og:image" content="https://shop.example/images/products/playstation-5-slim.svg""#
    ));
    assert!(html.contains(r#"<script type="application/ld+json">"#));
    assert!(html.contains(r#""priceCurrency":"EUR""#));
    assert!(html.contains(r#""price":"549.99""#));
    assert!(html.contains(r#""availability":"https://schema.org/InStock""#));
    assert!(html.contains("Dans la même catégorie"), "related products");
    assert!(!card_names(&html).is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sold_out_product_says_so(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/p/nintendo-switch-2").await;
    assert_eq!(status, 200);
    assert!(html.contains("Épuisé"));
    assert!(html.contains(r#""availability":"https://schema.org/OutOfStock""#));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_product_limited_per_customer_says_so(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, html) = app.get_html("/p/le-petit-prince").await;
    assert!(!html.contains("customer-limit"), "no limit, nothing said");
    sqlx::query("UPDATE products SET max_per_customer = 1 WHERE slug = 'le-petit-prince'")
        .execute(&app.pool)
        .await
        .expect("limit");
    let (status, html) = app.get_html("/p/le-petit-prince").await;
    assert_eq!(status, 200);
    assert!(html.contains("Limité à 1 par client"), "the page names the limit");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_products_and_categories_are_404(pool: PgPool) {
    let app = spawn_app(pool).await;
    for path in [
        "/p/no-such-product",
        "/p/NOT%20A%20SLUG",
        "/c/no-such-category",
        "/c/Consoles",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Page introuvable"), "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_category_page_lists_only_its_products(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/c/livres?sort=price_asc").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Livres</h1>"));
    assert!(html.contains("<title>Livres — WonderMarket</title>"));
    assert!(html.contains(r#"<link href="https://shop.example/c/livres" rel="canonical">"#));
    let names = card_names(&html);
    assert_eq!(names.len(), 7);
    assert_eq!(names[0], "L'Étranger — Albert Camus");
    assert!(!names.iter().any(|n| n.contains("PlayStation")));

    let (status, _) = app.get_html("/c/livres?page=0").await;
    assert_eq!(status, 400);
    let (status, _) = app.get_html("/c/livres?sort=bogus").await;
    assert_eq!(status, 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_page_has_a_category_menu(pool: PgPool) {
    let app = spawn_app(pool).await;
    for path in ["/", "/p/le-petit-prince", "/search?q=ps5", "/nowhere"] {
        let (_, html) = app.get_html(path).await;
        assert!(html.contains(r#"href="/c/jeux-video""#), "{path}");
        assert!(html.contains(r#"action="/search""#), "{path}: the search box");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn search_finds_typos_and_shows_facets(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/search?q=plystation").await;
    assert_eq!(status, 200);
    let names = card_names(&html);
    assert!(names[0].starts_with("PlayStation"), "{names:?}");
    assert!(html.contains("Résultats pour « plystation »"));
    assert!(
        html.contains(r#"value="plystation""#),
        "the search box keeps the query"
    );
    assert!(html.contains(r#"content="noindex, follow""#));

    let (_, html) = app.get_html("/search?q=nintendo").await;
    assert!(
        html.contains(r#"href="/search?q=nintendo&amp;category=consoles""#),
        "a facet link"
    );
    let (status, html) = app.get_html("/search?q=nintendo&category=consoles").await;
    assert_eq!(status, 200);
    assert!(card_names(&html).iter().all(|n| n.contains("Nintendo")));
    assert!(
        html.contains(r#"aria-current="true""#),
        "the chosen facet is marked"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_search_without_results_says_so_and_suggests(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/search?q=petit+prinse+chateau").await;
    assert_eq!(status, 200);
    assert!(html.contains("Aucun résultat"));
    assert!(html.contains("Vouliez-vous dire"));
    assert!(html.contains(r#"href="/p/le-petit-prince""#));
}

#[sqlx::test(migrations = "../migrations")]
async fn blank_searches_list_everything_and_bad_ones_are_400(pool: PgPool) {
    let app = spawn_app(pool).await;
    // Letters that unaccent turns into tsquery punctuation (ʼ ː ⑴) are separators.
    for path in ["/search?q=%CA%BC", "/search?q=%CB%90ps5", "/search?q=%E2%91%B4"] {
        let (status, _) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
    }
    for path in ["/search?q=", "/search?q=+++", "/search"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(card_names(&html).len(), 24, "{path}");
    }
    let long = "a".repeat(101);
    for path in [
        format!("/search?q={long}"),
        "/search?q=ps5&category=nope".to_owned(),
        "/search?q=ps5&category=BAD!".to_owned(),
        "/search?q=ps5&page=-3".to_owned(),
        "/search?q=ps5&sort=up".to_owned(),
    ] {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, 400, "{path}");
        assert!(html.contains("Saisie invalide"), "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn suggestions_and_search_server_functions_answer_json(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.call("products/suggest", &[("prefix", "nint")]).await;
    assert_eq!(response.status(), 200);
    let suggestions: serde_json::Value = response.json().await.expect("json");
    let first = suggestions[0]["name"].as_str().unwrap_or_default();
    assert!(first.starts_with("Nintendo"), "{suggestions}");

    let response = app
        .call(
            "products/search",
            &[("q", "ps5"), ("sort", "relevance"), ("page", "1")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(body["total"].as_i64().unwrap_or_default() >= 3);

    let long = "x".repeat(101);
    let response = app.call("products/suggest", &[("prefix", &long)]).await;
    assert_eq!(response.status(), 400);
    let response = app.call("products/get", &[("slug", "nope")]).await;
    assert_eq!(response.status(), 404);
    let response = app
        .call(
            "products/by-category",
            &[("slug", "consoles"), ("page", "1"), ("sort", "name")],
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sitemap_lists_home_categories_and_every_product(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), 200);
    let xml = response.text().await.expect("body");
    let products = app.product_count().await;
    assert_eq!(count(&xml, "<loc>https://shop.example/p/") as i64, products);
    assert_eq!(count(&xml, "<loc>https://shop.example/c/"), 7);
    assert!(xml.contains("<loc>https://shop.example/</loc>"));
    assert!(!xml.contains("<sitemapindex"), "one file under 50,000 URLs");
    for part in ["/sitemap/1.xml", "/sitemap/0.xml", "/sitemap/x.xml"] {
        assert_eq!(
            app.get(part).await.status(),
            404,
            "{part}: no parts for a small shop"
        );
    }

    let robots = app.get("/robots.txt").await.text().await.expect("body");
    assert!(robots.contains("Sitemap: https://shop.example/sitemap.xml"));
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_have_distinct_titles(pool: PgPool) {
    let app = spawn_app(pool).await;
    let mut titles = Vec::new();
    for path in ["/", "/c/consoles", "/p/le-petit-prince", "/search?q=zelda"] {
        let (_, html) = app.get_html(path).await;
        assert_eq!(count(&html, "<title>"), 1, "{path}");
        assert_eq!(count(&html, "<h1"), 1, "{path}");
        let title = html
            .split("<title>")
            .nth(1)
            .and_then(|rest| rest.split("</title>").next())
            .unwrap_or_default()
            .to_owned();
        titles.push(title);
    }
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), titles.len(), "{titles:?}");
}
