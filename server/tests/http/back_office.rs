#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The back office through the real HTTP endpoints: archive instead of
//! delete, the stock ledger under admin adjustments, categories, image
//! uploads and the audit log.

use crate::common::shop::{add, checkout, json, stock_of, CARD_OK};
use crate::common::{spawn_app, TestApp};
use sqlx::PgPool;

async fn admin_client(app: &TestApp) -> (reqwest::Client, i64) {
    let client = app.new_client();
    let id = app.admin(&client, "boss").await;
    (client, id)
}

async fn category_id(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .expect("category")
}

/// Creates a product through the back office; returns its id.
async fn create_product(app: &TestApp, admin: &reqwest::Client, name: &str, stock: i32) -> i64 {
    let category = category_id(app, "jeux-video").await.to_string();
    let stock = stock.to_string();
    let response = app
        .call_as(
            admin,
            "products/admin/create",
            &[
                ("name", name),
                ("slug", ""),
                ("description", "Édition limitée."),
                ("category_id", &category),
                ("price", "599,99"),
                ("stock", &stock),
                ("max_per_order", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "create {name}");
    json(response).await.as_i64().expect("id")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_product_that_was_ordered_is_archived_and_its_orders_still_read(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, _) = admin_client(&app).await;
    let console = create_product(&app, &admin, "Console Rétro Collector", 2).await;
    let (status, html) = app.get_html("/p/console-retro-collector").await;
    assert_eq!(status, 200, "the slug comes from the name");
    assert!(html.contains("599,99"));

    let buyer = app.new_client();
    app.register(&buyer, "ada").await;
    assert_eq!(add(&app, &buyer, console, 1).await.status(), 200);
    let order = json(checkout(&app, &buyer, "retro-order-1", CARD_OK).await).await["id"]
        .as_i64()
        .expect("order");

    let removal = json(
        app.call_as(
            &admin,
            "products/admin/delete",
            &[("id", &console.to_string()), ("confirm", "yes")],
        )
        .await,
    )
    .await;
    assert_eq!(removal, "Archived");
    assert_eq!(
        app.get_html("/p/console-retro-collector").await.0,
        404,
        "gone from the shop"
    );
    let (_, search) = app.get_html("/search?q=console+retro").await;
    assert!(!search.contains("Console Rétro Collector"), "and from search");
    assert_eq!(
        add(&app, &app.new_client(), console, 1).await.status(),
        404,
        "and from baskets"
    );
    let detail = json(
        app.call_as(&buyer, "payment/order", &[("order_id", &order.to_string())])
            .await,
    )
    .await;
    assert_eq!(
        detail["lines"][0]["product_name"], "Console Rétro Collector",
        "the order reads as before"
    );

    let unordered = create_product(&app, &admin, "Manette oubliée", 4).await;
    let removal = json(
        app.call_as(
            &admin,
            "products/admin/delete",
            &[("id", &unordered.to_string()), ("confirm", "yes")],
        )
        .await,
    )
    .await;
    assert_eq!(removal, "Deleted");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM products WHERE id = $1")
        .bind(unordered)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
    let ledger: i64 =
        sqlx::query_scalar("SELECT coalesce(sum(delta), 0) FROM stock_movements WHERE product_id = $1")
            .bind(unordered)
            .fetch_one(&app.pool)
            .await
            .expect("ledger");
    assert_eq!(ledger, 0, "the deletion took its 4 units out of the ledger too");
    let again = app
        .call_as(
            &admin,
            "products/admin/delete",
            &[("id", &unordered.to_string()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(again.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn destructive_actions_without_the_confirmation_box_change_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, _) = admin_client(&app).await;
    let console = create_product(&app, &admin, "Console Prudente", 3).await;
    let buyer = app.new_client();
    let buyer_id = app.register(&buyer, "ada").await;
    add(&app, &buyer, console, 1).await;
    let order = json(checkout(&app, &buyer, "careful-order", CARD_OK).await).await["id"]
        .as_i64()
        .expect("order");
    let empty_category = json(
        app.call_as(
            &admin,
            "products/admin/create-category",
            &[("slug", ""), ("name_fr", "Vide"), ("name_en", "Empty")],
        )
        .await,
    )
    .await
    .as_i64()
    .expect("category");

    let ids = [console, empty_category, buyer_id, order].map(|id| id.to_string());
    let [console_arg, category_arg, user_arg, order_arg] = ids.each_ref().map(String::as_str);
    let attempts: [(&str, Vec<(&str, &str)>); 4] = [
        ("products/admin/delete", vec![("id", console_arg)]),
        ("products/admin/delete-category", vec![("id", category_arg)]),
        ("users/delete", vec![("id", user_arg), ("confirm", "no")]),
        (
            "payment/admin/order-status",
            vec![("order_id", order_arg), ("status", "cancelled")],
        ),
    ];
    for (endpoint, args) in attempts {
        let response = app.call_as(&admin, endpoint, &args).await;
        assert_eq!(response.status(), 400, "{endpoint} without confirmation");
        let body = response.text().await.expect("body");
        assert!(body.contains("confirm"), "{endpoint} says why: {body}");
    }

    let still: (i64, i64, i64, String) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM products WHERE id = $1 AND archived_at IS NULL), \
                (SELECT count(*) FROM categories WHERE id = $2), \
                (SELECT count(*) FROM users WHERE id = $3 AND email = 'ada@example.com'), \
                (SELECT status FROM orders WHERE id = $4)",
    )
    .bind(console)
    .bind(empty_category)
    .bind(buyer_id)
    .bind(order)
    .fetch_one(&app.pool)
    .await
    .expect("state");
    assert_eq!(still, (1, 1, 1, "paid".to_owned()));
    assert_eq!(stock_of(&app, console).await, 2, "no stock came back");

    let shipped = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[("order_id", order_arg), ("status", "shipped")],
        )
        .await;
    assert_eq!(shipped.status(), 200, "only destructive changes ask");
}

#[sqlx::test(migrations = "../migrations")]
async fn stock_equals_the_sum_of_its_movements_after_a_mixed_day(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, admin_id) = admin_client(&app).await;
    let console = create_product(&app, &admin, "Console Drop", 2).await;
    let adjust = |delta: &'static str, reason: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call_as(
                &admin,
                "products/admin/adjust-stock",
                &[("id", &console.to_string()), ("delta", delta), ("reason", reason)],
            )
            .await
        }
    };
    assert_eq!(adjust("5", "delivery").await.status(), 200);
    assert_eq!(adjust("-3", "damaged").await.status(), 200);
    let refused = adjust("-100", "too many").await;
    assert_eq!(refused.status(), 400, "stock never goes below zero");
    assert_eq!(adjust("2", " ").await.status(), 400, "a reason is required");
    assert_eq!(stock_of(&app, console).await, 4);

    let buyer = app.new_client();
    app.register(&buyer, "ada").await;
    add(&app, &buyer, console, 1).await;
    let order = json(checkout(&app, &buyer, "drop-order-1", CARD_OK).await).await["id"]
        .as_i64()
        .expect("order");
    let cancel = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[
                ("order_id", &order.to_string()),
                ("status", "cancelled"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(cancel.status(), 200);
    assert_eq!(stock_of(&app, console).await, 4);

    let unbalanced = app::inventory::ledger::unbalanced_products(&app.pool)
        .await
        .expect("ledger");
    assert!(unbalanced.is_empty(), "{unbalanced:?}");
    let reasons: Vec<(i32, String, Option<i64>)> = sqlx::query_as(
        "SELECT delta, reason, actor_id FROM stock_movements WHERE product_id = $1 ORDER BY id",
    )
    .bind(console)
    .fetch_all(&app.pool)
    .await
    .expect("movements");
    let ada: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'ada'")
        .fetch_one(&app.pool)
        .await
        .expect("ada");
    assert_eq!(
        reasons,
        vec![
            (2, "creation".to_owned(), Some(admin_id)),
            (5, "adjustment: delivery".to_owned(), Some(admin_id)),
            (-3, "adjustment: damaged".to_owned(), Some(admin_id)),
            (-1, "checkout".to_owned(), Some(ada)),
            (1, "cancel".to_owned(), Some(admin_id)),
        ]
    );

    let dashboard = json(app.call_as(&admin, "admin/dashboard", &[]).await).await;
    let actions: Vec<&str> = dashboard["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["order.status", "product.stock", "product.stock", "product.create"],
        "newest first; refused changes are not logged"
    );
    assert!(dashboard["low_stock"]
        .as_array()
        .expect("low")
        .iter()
        .any(|p| p["id"] == console));
}

#[sqlx::test(migrations = "../migrations")]
async fn categories_are_created_renamed_and_deleted_only_when_empty(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, _) = admin_client(&app).await;
    let created = app
        .call_as(
            &admin,
            "products/admin/create-category",
            &[
                ("slug", ""),
                ("name_fr", "Jardin & Extérieur"),
                ("name_en", "Garden"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let garden = json(created).await.as_i64().expect("id");
    let (status, _) = app.get_html("/c/jardin-exterieur").await;
    assert_eq!(status, 200, "the slug comes from the French name");
    let duplicate = app
        .call_as(
            &admin,
            "products/admin/create-category",
            &[
                ("slug", "jardin-exterieur"),
                ("name_fr", "Jardin"),
                ("name_en", "Garden"),
            ],
        )
        .await;
    assert_eq!(duplicate.status(), 400);

    let renamed = app
        .call_as(
            &admin,
            "products/admin/rename-category",
            &[
                ("id", &garden.to_string()),
                ("name_fr", "Jardin"),
                ("name_en", "Garden"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert!(app.get_html("/c/jardin-exterieur").await.1.contains("Jardin"));

    for (language, name) in [("fr", "Jeux vidéo"), ("en", "Video games")] {
        let form = admin
            .get(app.url("/admin/products/new"))
            .header("Accept-Language", language)
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(
            form.contains(&format!(">{name}</option>")),
            "the category list speaks {language}"
        );
    }

    let books = category_id(&app, "livres").await;
    let refused = app
        .call_as(
            &admin,
            "products/admin/delete-category",
            &[("id", &books.to_string()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(refused.status(), 409, "a category with products stays");
    let deleted = app
        .call_as(
            &admin,
            "products/admin/delete-category",
            &[("id", &garden.to_string()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(app.get_html("/c/jardin-exterieur").await.0, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_sets_and_clears_a_limit_per_customer_and_a_basket_hold(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, _) = admin_client(&app).await;
    let console = create_product(&app, &admin, "Console Une Par Client", 5).await;
    let limit_of = |id: i64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (Option<i32>, Option<i32>)>(
                "SELECT max_per_customer, hold_minutes FROM products WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("product")
        }
    };
    assert_eq!(limit_of(console).await, (None, None), "no limit unless asked");
    let category = category_id(&app, "jeux-video").await.to_string();
    let id = console.to_string();
    let update = |limit: &'static str, hold: &'static str| {
        let (app, admin, category, id) = (&app, &admin, category.clone(), id.clone());
        async move {
            app.call_as(
                admin,
                "products/admin/update",
                &[
                    ("id", id.as_str()),
                    ("name", "Console Une Par Client"),
                    ("slug", "console-une-par-client"),
                    ("description", "Édition limitée."),
                    ("category_id", category.as_str()),
                    ("price", "599,99"),
                    ("max_per_order", "1"),
                    ("max_per_customer", limit),
                    ("hold_minutes", hold),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(update("7", "15").await, 200);
    assert_eq!(limit_of(console).await, (Some(7), Some(15)));
    let (_, form) = app.get_html(&format!("/admin/products/{console}")).await;
    assert!(
        !form.contains(r#"name="max_per_customer""#),
        "the page is for administrators only"
    );
    let page = app.page_as(&admin, &format!("/admin/products/{console}")).await;
    assert!(
        page.contains(r#"name="max_per_customer""#) && page.contains(r#"value="7""#),
        "the edit form shows the limit"
    );
    assert!(
        page.contains(r#"name="hold_minutes""#) && page.contains(r#"value="15""#),
        "and the hold"
    );
    assert_eq!(update("0", "15").await, 400, "a limit is 1 to 100");
    assert_eq!(update("7", "121").await, 400, "a hold is 1 to 120 minutes");
    assert_eq!(update("7", "dix").await, 400);
    assert_eq!(
        limit_of(console).await,
        (Some(7), Some(15)),
        "a refused form changes nothing"
    );
    assert_eq!(update("", "").await, 200);
    assert_eq!(limit_of(console).await, (None, None), "empty fields clear them");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_sets_a_products_own_vat_rate_or_leaves_its_categorys(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, _) = admin_client(&app).await;
    let guide = create_product(&app, &admin, "Guide de voyage", 5).await;
    let rate_of = || async {
        sqlx::query_as::<_, (Option<i32>, i32)>(
            "SELECT vat_rate_bp, product_vat_rate(id) FROM products WHERE id = $1",
        )
        .bind(guide)
        .fetch_one(&app.pool)
        .await
        .expect("product")
    };
    assert_eq!(rate_of().await, (None, 2000), "its category's rate unless set");
    let books = category_id(&app, "livres").await.to_string();
    let id = guide.to_string();
    let update = |rate: &'static str| {
        let (app, admin, books, id) = (&app, &admin, books.clone(), id.clone());
        async move {
            app.call_as(
                admin,
                "products/admin/update",
                &[
                    ("id", id.as_str()),
                    ("name", "Guide de voyage"),
                    ("slug", "guide-de-voyage"),
                    ("description", "Un guide."),
                    ("category_id", books.as_str()),
                    ("price", "19,90"),
                    ("max_per_order", "5"),
                    ("vat_rate", rate),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(update("").await, 200);
    assert_eq!(rate_of().await, (None, 550), "moved to books: 5,5 %");
    // The category's rate changes: so does that of its products without their own.
    let set_category = |id: String, rate: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.call_as(
                admin,
                "products/admin/category-vat",
                &[("id", id.as_str()), ("vat_rate", rate)],
            )
            .await
            .status()
        }
    };
    assert_eq!(set_category(books.clone(), "1000").await, 200);
    assert_eq!(rate_of().await, (None, 1000));
    for bad in ["", "1960", "dix"] {
        assert_eq!(set_category(books.clone(), bad).await, 400, "{bad}");
    }
    assert_eq!(set_category("999999".into(), "550").await, 404);
    assert_eq!(rate_of().await, (None, 1000), "a refused rate changes nothing");
    let page = app.page_as(&admin, "/admin/categories").await;
    assert!(
        page.contains(r#"<option value="1000" selected"#),
        "the page shows the category's rate"
    );
    assert_eq!(update("210").await, 200);
    assert_eq!(rate_of().await, (Some(210), 210), "its own rate");
    let page = app.page_as(&admin, &format!("/admin/products/{guide}")).await;
    assert!(
        page.contains(r#"<option value="210" selected"#),
        "the edit form shows the rate chosen"
    );
    for bad in ["1960", "20", "dix", "-550", "2000 OR 1=1"] {
        assert_eq!(update(bad).await, 400, "{bad}");
    }
    assert_eq!(
        rate_of().await,
        (Some(210), 210),
        "a refused rate changes nothing"
    );
}
