#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Products in both languages: an English visitor reads the English name
//! and description where the shop wrote them (the French ones where not),
//! finds products by their English words, and the back office writes both.

use sqlx::PgPool;

use crate::common::shop::{json, sql};
use crate::common::{card_names, spawn_app, TestApp};

async fn page_in(app: &TestApp, path: &str, language: &str) -> String {
    app.client
        .get(app.url(path))
        .header("Cookie", format!("wm_lang={language}"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body")
}

#[sqlx::test(migrations = "../migrations")]
async fn an_english_visitor_reads_english_names_and_descriptions(pool: PgPool) {
    let app = spawn_app(pool).await;
    let english = page_in(&app, "/p/t-shirt-pac-man", "en").await;
    assert!(english.contains("<title>Retro Pac-Man T-shirt — WonderMarket</title>"));
    assert!(english.contains(r#"<h1 class="product__name">Retro Pac-Man T-shirt</h1>"#));
    assert!(english.contains("Organic cotton T-shirt with a Pac-Man print"));
    assert!(english.contains(r#"<legend>Size</legend>"#), "the options too");
    let french = page_in(&app, "/p/t-shirt-pac-man", "fr").await;
    assert!(french.contains(r#"<h1 class="product__name">T-shirt Pac-Man rétro</h1>"#));
    assert!(french.contains("T-shirt en coton bio"));

    let cards = card_names(&page_in(&app, "/c/jeux-video", "en").await);
    assert!(
        cards.iter().any(|name| name == "Retro Pac-Man T-shirt"),
        "{cards:?}"
    );
    let cards = card_names(&page_in(&app, "/search?q=retro+t-shirt", "en").await);
    assert_eq!(
        cards.first().map(String::as_str),
        Some("Retro Pac-Man T-shirt"),
        "{cards:?}"
    );

    // The basket names the variant in English too.
    let client = app.new_client();
    let size_xl = crate::common::shop::product_id(&app, "t-shirt-pac-man-xl").await;
    assert_eq!(
        crate::common::shop::add(&app, &client, size_xl, 1).await.status(),
        200
    );
    let basket = app.page_with(&client, "/basket", ("Accept-Language", "en")).await;
    assert!(
        basket.contains(">Retro Pac-Man T-shirt — XL</a>"),
        "the English line"
    );

    // Without an English text, the French one is shown.
    sql(
        &app,
        "UPDATE products SET name_en = '', description_en = '' WHERE slug = 't-shirt-pac-man'",
    )
    .await;
    let english = page_in(&app, "/p/t-shirt-pac-man", "en").await;
    assert!(english.contains(r#"<h1 class="product__name">T-shirt Pac-Man rétro</h1>"#));
    assert!(english.contains("T-shirt en coton bio"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_writes_the_english_texts_and_checks_them(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let category: i64 = sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'jeux-video'")
        .fetch_one(&app.pool)
        .await
        .expect("category");
    let category = category.to_string();
    let create = |name_en: String, description_en: String| {
        let (app, admin, category) = (&app, &admin, category.clone());
        async move {
            app.call_as(
                admin,
                "products/admin/create",
                &[
                    ("name", "Manette rouge"),
                    ("slug", ""),
                    ("description", "Une manette."),
                    ("name_en", &name_en),
                    ("description_en", &description_en),
                    ("category_id", &category),
                    ("price", "59,99"),
                    ("stock", "3"),
                    ("max_per_order", "2"),
                ],
            )
            .await
        }
    };
    let too_long = create("x".repeat(201), String::new()).await;
    assert_eq!(too_long.status(), 400);
    let control = create("Red\u{7}pad".to_owned(), String::new()).await;
    assert_eq!(control.status(), 400);
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM products WHERE slug = 'manette-rouge'")
            .fetch_one(&app.pool)
            .await
            .expect("count"),
        0,
        "nothing written"
    );

    let created = create("Red controller <b>".to_owned(), "A controller.".to_owned()).await;
    assert_eq!(created.status(), 200);
    let id = json(created).await.as_i64().expect("id");
    let english = page_in(&app, "/p/manette-rouge", "en").await;
    assert!(english.contains("Red controller &lt;b&gt;"), "escaped");
    assert!(english.contains("A controller."));
    let form = app.page_as(&admin, &format!("/admin/products/{id}")).await;
    assert!(form.contains(r#"name="name_en""#) && form.contains("Red controller &lt;b&gt;"));
}
