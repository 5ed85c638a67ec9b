#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Products with options: the page shows the variant its URL names, cards
//! show one product, and each variant sells its own stock, under a crowd,
//! with its own holds and limits, named on baskets and orders.

use futures::future::join_all;
use futures::stream::{self, StreamExt};
use sqlx::PgPool;

use crate::common::shop::{add, checkout, product_id, set_stock, stock_of, CARD_OK};
use crate::common::{card_names, spawn_app, TestApp};

/// The product id the page's add-to-basket form would send.
fn form_product_id(html: &str) -> Option<i64> {
    let form = &html[html.find(r#"class="product__form""#)?..];
    let start = form.find(r#"name="product_id" value=""#)? + r#"name="product_id" value=""#.len();
    form[start..].split('"').next()?.parse().ok()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_product_page_shows_the_variant_its_url_names(pool: PgPool) {
    let app = spawn_app(pool).await;
    let standard = product_id(&app, "playstation-5").await;
    let digital = product_id(&app, "playstation-5-digital").await;

    let (status, html) = app.get_html("/p/playstation-5").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="variant-picker""#), "the choices");
    assert!(html.contains(r#"<legend>Édition</legend>"#));
    assert!(html.contains("499,99"), "the first variant's price");
    assert_eq!(form_product_id(&html), Some(standard));

    // The choices' GET form, a link by SKU and the variant's own URL agree.
    for path in [
        "/p/playstation-5?o1=Digital",
        "/p/playstation-5?variant=PS5-DIGITAL",
        "/p/playstation-5-digital",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("449,99"), "{path}: the Digital price");
        assert!(!html.contains("499,99\u{a0}€</p>"), "{path}");
        assert_eq!(form_product_id(&html), Some(digital), "{path}");
        assert!(
            html.contains(r#"<link href="https://shop.example/p/playstation-5" rel="canonical">"#),
            "{path}: one canonical page"
        );
    }

    // A combination nobody sells: said so, nothing to add.
    let (status, html) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Rouge&o2=512+Go").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="missing-variant""#));
    assert!(html.contains("Cette combinaison n'existe pas"));
    assert_eq!(form_product_id(&html), None, "nothing to add");
    assert!(
        !html.contains(r#"data-testid="stock-alert""#),
        "no alert for what does not exist"
    );
    // A sold-out combination: said so, the alert offered.
    let (_, html) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Bleu&o2=512+Go").await;
    assert!(html.contains("Épuisé"));
    assert!(html.contains(">512 Go — épuisé</label>"), "the choice is marked");
    // From black 256 Go, red 512 Go is no product.
    let (_, html) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Rouge&o2=256+Go").await;
    assert!(
        html.contains(">512 Go — indisponible</label>"),
        "512 Go in red does not exist"
    );

    // Search engines see a group with every variant.
    let (_, html) = app.get_html("/p/samsung-galaxy-z-flip7").await;
    let group = json_ld(&html);
    assert_eq!(group["@type"], "ProductGroup");
    assert_eq!(group["variesBy"], serde_json::json!(["Colour", "Capacity"]));
    let variants = group["hasVariant"].as_array().expect("variants");
    assert_eq!(variants.len(), 5);
    assert!(variants.iter().all(|v| v["@type"] == "Product"
        && v["sku"].as_str().is_some_and(|sku| sku.starts_with("ZFLIP7-"))
        && v["offers"]["priceCurrency"] == "EUR"
        && v["offers"]["price"].as_str().is_some_and(|p| p.contains('.'))));
    let sold_out: Vec<&str> = variants
        .iter()
        .filter(|v| v["offers"]["availability"] == "https://schema.org/OutOfStock")
        .filter_map(|v| v["sku"].as_str())
        .collect();
    assert_eq!(sold_out, ["ZFLIP7-BLEU-512"]);

    // A product without options stays a plain Product.
    let (_, html) = app.get_html("/p/le-petit-prince").await;
    assert_eq!(json_ld(&html)["@type"], "Product");
    assert!(!html.contains(r#"data-testid="variant-picker""#));
}

fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD")
        + r#"<script type="application/ld+json">"#.len();
    let end = start + html[start..].find("</script>").expect("end");
    serde_json::from_str(&html[start..end]).expect("JSON")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_card_shows_one_product_from_its_lowest_price(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, html) = app.get_html("/c/telephonie").await;
    let flips = card_names(&html)
        .into_iter()
        .filter(|name| name.contains("Z Flip7"))
        .count();
    assert_eq!(flips, 1, "one card for five variants");
    assert!(html.contains("à partir de"), "prices differ");
    assert!(html.contains("1\u{202f}199,00") || html.contains("1 199,00") || html.contains("1\u{a0}199,00"));

    let (_, html) = app.get_html("/search?q=ZFLIP7-BLEU-512").await;
    assert_eq!(
        card_names(&html),
        ["Samsung Galaxy Z Flip7"],
        "found by a variant's SKU"
    );
    let (_, html) = app.get_html("/search?q=pacman+xxl").await;
    assert!(
        card_names(&html).iter().any(|n| n.contains("Pac-Man")),
        "found by an option value"
    );

    // Sold out only when every variant is.
    for slug in [
        "t-shirt-pac-man",
        "t-shirt-pac-man-m",
        "t-shirt-pac-man-l",
        "t-shirt-pac-man-xl",
    ] {
        set_stock(&app, product_id(&app, slug).await, 0).await;
    }
    let shirt = |html: &str| card_text(html, "T-shirt Pac-Man");
    let (_, html) = app.get_html("/c/jeux-video?sort=name").await;
    assert!(shirt(&html).contains("Plus que 3 en stock"), "{}", shirt(&html));
    set_stock(&app, product_id(&app, "t-shirt-pac-man-xxl").await, 0).await;
    let (_, html) = app.get_html("/c/jeux-video?sort=name").await;
    assert!(shirt(&html).contains("Épuisé"), "{}", shirt(&html));
}

/// The text of the card whose name contains `name`.
fn card_text(html: &str, name: &str) -> String {
    html.split(r#"data-testid="product-card""#)
        .find(|card| card.contains(name))
        .map(|card| card.split("</li>").next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Signs up `count` shoppers, each with `quantity` of `product` in the basket.
async fn buyers_of(app: &TestApp, prefix: &str, count: usize, product: i64) -> Vec<reqwest::Client> {
    let buyers: Vec<reqwest::Client> = (0..count).map(|_| app.new_client()).collect();
    // Set-up, not under test: password hashing runs a few at a time.
    stream::iter(buyers.iter().enumerate())
        .map(|(i, client)| async move {
            app.register(client, &format!("{prefix}{i}")).await;
            assert_eq!(add(app, client, product, 1).await.status(), 200);
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    buyers
}

async fn ledger_sum(app: &TestApp, product: i64) -> i64 {
    sqlx::query_scalar("SELECT coalesce(sum(delta), 0)::BIGINT FROM stock_movements WHERE product_id = $1")
        .bind(product)
        .fetch_one(&app.pool)
        .await
        .expect("ledger")
}

async fn ordered_as(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT coalesce(sum(quantity), 0)::BIGINT FROM order_lines WHERE product_name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .expect("lines")
}

#[sqlx::test(migrations = "../migrations")]
async fn two_variants_raced_by_two_hundred_buyers_each_never_oversell(pool: PgPool) {
    let app = spawn_app(pool).await;
    let standard = product_id(&app, "playstation-5").await;
    let digital = product_id(&app, "playstation-5-digital").await;
    let standard_buyers = buyers_of(&app, "standard", 200, standard).await;
    let digital_buyers = buyers_of(&app, "digital", 200, digital).await;
    set_stock(&app, standard, 7).await;
    set_stock(&app, digital, 4).await;

    let everyone: Vec<(&reqwest::Client, String)> = standard_buyers
        .iter()
        .chain(&digital_buyers)
        .enumerate()
        .map(|(i, client)| (client, format!("variant-race-{i:04}")))
        .collect();
    let answers = join_all(
        everyone
            .iter()
            .map(|(client, key)| checkout(&app, client, key, CARD_OK)),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 11, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        389,
        "everyone else hears it"
    );

    assert_eq!(stock_of(&app, standard).await, 0);
    assert_eq!(stock_of(&app, digital).await, 0);
    assert_eq!(
        ordered_as(&app, "PlayStation 5 — Standard").await,
        7,
        "the order lines name the variant"
    );
    assert_eq!(ordered_as(&app, "PlayStation 5 — Digital").await, 4);
    for variant in [standard, digital] {
        assert_eq!(
            ledger_sum(&app, variant).await,
            i64::from(stock_of(&app, variant).await),
            "the ledger of each variant balances"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn holds_and_the_customer_limit_count_per_variant(pool: PgPool) {
    let app = spawn_app(pool).await;
    let standard = product_id(&app, "playstation-5").await;
    let digital = product_id(&app, "playstation-5-digital").await;
    set_stock(&app, standard, 5).await;
    set_stock(&app, digital, 5).await;
    sqlx::query("UPDATE products SET hold_minutes = 10, max_per_customer = 1 WHERE id = $1")
        .bind(digital)
        .execute(&app.pool)
        .await
        .expect("a drop's rules on one variant");

    let ada = app.new_client();
    app.register(&ada, "ada").await;
    assert_eq!(add(&app, &ada, digital, 1).await.status(), 200);
    let basket = app.page_as(&ada, "/basket").await;
    assert!(
        basket.contains("PlayStation 5 — Digital"),
        "the basket names the variant"
    );
    let (_, page) = app.get_html("/p/playstation-5?o1=Digital").await;
    assert!(
        page.contains("Plus que 4 en stock"),
        "ada's hold lowers the Digital stock"
    );
    let (_, page) = app.get_html("/p/playstation-5").await;
    assert!(page.contains("Plus que 5 en stock"), "and not the Standard's");

    assert_eq!(
        checkout(&app, &ada, "per-variant-0001", CARD_OK).await.status(),
        200
    );
    let again: serde_json::Value = add(&app, &ada, digital, 1).await.json().await.expect("json");
    assert_eq!(again["added"], 0, "one Digital per customer: {again}");
    assert_eq!(again["per_customer"], 1, "{again}");
    app.call_as(&ada, "basket/clear", &[]).await;
    assert_eq!(add(&app, &ada, standard, 2).await.status(), 200);
    assert_eq!(
        checkout(&app, &ada, "per-variant-0003", CARD_OK).await.status(),
        200,
        "the Standard edition has no such limit"
    );
    assert_eq!(stock_of(&app, digital).await, 4);
    assert_eq!(stock_of(&app, standard).await, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_names_each_variant_and_finds_it_by_sku(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let list = app.page_as(&admin, "/admin/products?q=PS5-DIGITAL").await;
    assert!(
        list.contains(">PlayStation 5 — Digital</a>"),
        "the variant is named"
    );
    assert!(list.contains("PS5-DIGITAL"));
    assert!(
        !list.contains("PS5-STANDARD"),
        "the SKU search finds that variant only"
    );
    let digital = product_id(&app, "playstation-5-digital").await;
    let page = app.page_as(&admin, &format!("/admin/products/{digital}")).await;
    assert!(page.contains(">SKU PS5-DIGITAL</p>"));
    assert!(page.contains(">PlayStation 5 — Digital</h1>"));
}
