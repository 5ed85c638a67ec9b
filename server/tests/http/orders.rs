#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Orders after checkout: their page (owner or admin only), the back-office
//! list, status changes with a cancel that returns stock exactly once, the
//! stock ledger, and orders outliving a deleted account.

use crate::common::shop::{add, checkout, json, product_id, stock_of, CARD_OK};
use crate::common::{spawn_app, TestApp, PASSWORD};
use futures::future::join_all;
use sqlx::PgPool;

/// Registers `username`, buys `quantity` of `slug`, returns the order id.
async fn buy(app: &TestApp, client: &reqwest::Client, username: &str, slug: &str, quantity: i32) -> i64 {
    app.register(client, username).await;
    let product = product_id(app, slug).await;
    assert_eq!(add(app, client, product, quantity).await.status(), 200);
    let response = checkout(app, client, &format!("key-of-{username}"), CARD_OK).await;
    assert_eq!(response.status(), 200);
    json(response).await["id"].as_i64().expect("order id")
}

async fn set_status(app: &TestApp, client: &reqwest::Client, order: i64, status: &str) -> u16 {
    app.call_as(
        client,
        "payment/admin/order-status",
        &[
            ("order_id", &order.to_string()),
            ("status", status),
            ("confirm", "yes"),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client
        .get(app.url(path))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("GET");
    (response.status().as_u16(), response.text().await.expect("body"))
}

#[sqlx::test(migrations = "../migrations")]
async fn an_order_page_is_for_its_owner_and_administrators_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.new_client();
    let order = buy(&app, &ada, "ada", "le-petit-prince", 2).await;
    let path = format!("/orders/{order}");

    let (status, html) = page(&ada, &app, &format!("{path}?placed=1")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="order-confirmed""#));
    assert!(html.contains("Le Petit Prince"));
    assert!(html.contains("15,80"), "two books at 7,90 €: {html}");
    assert!(html.contains("Payée"));
    assert!(html.contains("Visa •••• 4242"));
    assert!(!html.contains("4242 4242"), "never the card number");

    let intruder = app.new_client();
    app.register(&intruder, "eve").await;
    let (status, html) = page(&intruder, &app, &path).await;
    assert_eq!(status, 404, "another customer is told there is no such order");
    assert!(!html.contains("Le Petit Prince"));
    let guest = app
        .new_client()
        .get(app.url(&path))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(guest.status(), 302, "a guest is sent to log in");
    assert_eq!(
        guest.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/login?return_to=%2Forders%2F{order}").as_str())
    );

    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let (status, html) = page(&admin, &app, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("ada"), "the back office sees whose order it is");
    assert_eq!(page(&admin, &app, "/orders/999999").await.0, 404);
    assert_eq!(page(&admin, &app, "/orders/not-a-number").await.0, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_returns_the_stock_once_however_many_times_it_is_asked(pool: PgPool) {
    let app = spawn_app(pool).await;
    let book = product_id(&app, "le-petit-prince").await;
    let before = stock_of(&app, book).await;
    let ada = app.new_client();
    let order = buy(&app, &ada, "ada", "le-petit-prince", 3).await;
    assert_eq!(stock_of(&app, book).await, before - 3);

    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    assert_eq!(
        set_status(&app, &admin, order, "delivered").await,
        409,
        "ship before delivering"
    );
    assert_eq!(set_status(&app, &admin, order, "refunded").await, 400);
    assert_eq!(set_status(&app, &admin, 999_999, "shipped").await, 404);

    let answers = join_all((0..5).map(|_| set_status(&app, &admin, order, "cancelled"))).await;
    assert_eq!(answers.iter().filter(|&&s| s == 200).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|&&s| s == 409).count(), 4, "{answers:?}");
    assert_eq!(
        stock_of(&app, book).await,
        before,
        "three books back on the shelf, once"
    );
    let refunds: Vec<(Option<String>, i64)> =
        sqlx::query_as("SELECT refund_reference, amount_cents FROM payments WHERE order_id = $1")
            .bind(order)
            .fetch_all(&app.pool)
            .await
            .expect("payments");
    assert_eq!(refunds.len(), 1);
    assert!(
        refunds[0].0.as_deref().is_some_and(|r| r.starts_with("refund_")),
        "the payment was refunded once: {refunds:?}"
    );
    let (_, html) = page(&ada, &app, &format!("/orders/{order}")).await;
    assert!(
        html.contains("data-testid=\"order-refund\">Remboursé sur la carte"),
        "the customer reads that the money is back"
    );
    assert_eq!(
        set_status(&app, &admin, order, "shipped").await,
        409,
        "cancelled is final"
    );

    // Shipped units have left the warehouse: that order cannot be cancelled.
    let bob = app.new_client();
    let shipped = buy(&app, &bob, "bob", "le-petit-prince", 1).await;
    assert_eq!(set_status(&app, &admin, shipped, "shipped").await, 200);
    assert_eq!(set_status(&app, &admin, shipped, "cancelled").await, 409);
    assert_eq!(set_status(&app, &admin, shipped, "delivered").await, 200);

    let detail = json(
        app.call_as(&ada, "payment/order", &[("order_id", &order.to_string())])
            .await,
    )
    .await;
    assert_eq!(
        detail["summary"]["status"], "cancelled",
        "the customer sees the new status"
    );
    assert_eq!(set_status(&app, &ada, order, "delivered").await, 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_lists_orders_newest_first_by_status(pool: PgPool) {
    let app = spawn_app(pool).await;
    let first = buy(&app, &app.new_client(), "ada", "le-petit-prince", 1).await;
    let second = buy(&app, &app.new_client(), "bob", "le-petit-prince", 2).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    assert_eq!(set_status(&app, &admin, first, "shipped").await, 200);

    let list = |status: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            json(
                app.call_as(
                    &admin,
                    "payment/admin/orders",
                    &[("status", status), ("page", "1")],
                )
                .await,
            )
            .await
        }
    };
    let all = list("").await;
    let ids: Vec<i64> = all["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["summary"]["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![second, first], "newest first");
    assert_eq!(all["orders"][0]["customer"], "bob");
    assert_eq!(all["orders"][0]["item_count"], 2);
    assert_eq!(all["total"], 2);
    let shipped = list("shipped").await;
    assert_eq!(shipped["total"], 1);
    assert_eq!(shipped["orders"][0]["summary"]["id"], first);
    let bad = app
        .call_as(
            &admin,
            "payment/admin/orders",
            &[("status", "lost"), ("page", "1")],
        )
        .await;
    assert_eq!(bad.status(), 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_stock_change_is_in_the_ledger(pool: PgPool) {
    let app = spawn_app(pool).await;
    let book = product_id(&app, "le-petit-prince").await;
    let ada = app.new_client();
    let order = buy(&app, &ada, "ada", "le-petit-prince", 2).await;
    let admin = app.new_client();
    let admin_id = app.admin(&admin, "boss").await;
    assert_eq!(set_status(&app, &admin, order, "cancelled").await, 200);
    sqlx::query("UPDATE products SET stock = stock + 5 WHERE id = $1")
        .bind(book)
        .execute(&app.pool)
        .await
        .expect("by hand");

    let unbalanced = app::inventory::ledger::unbalanced_products(&app.pool)
        .await
        .expect("ledger");
    assert!(
        unbalanced.is_empty(),
        "stock = sum of movements for every product: {unbalanced:?}"
    );
    let movements: Vec<(i32, String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT delta, reason, actor_id, order_id FROM stock_movements WHERE product_id = $1 ORDER BY id",
    )
    .bind(book)
    .fetch_all(&app.pool)
    .await
    .expect("movements");
    let ada_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'ada'")
        .fetch_one(&app.pool)
        .await
        .expect("ada");
    assert_eq!(movements[0].1, "seed");
    assert_eq!(
        movements[1..].to_vec(),
        vec![
            (-2, "checkout".to_owned(), Some(ada_id), Some(order)),
            (2, "cancel".to_owned(), Some(admin_id), Some(order)),
            (5, "unrecorded".to_owned(), None, None),
        ]
    );
    let rewrite = sqlx::query("UPDATE stock_movements SET delta = 100")
        .execute(&app.pool)
        .await;
    assert!(rewrite.is_err(), "the ledger is append-only");
    let erase = sqlx::query("DELETE FROM stock_movements")
        .execute(&app.pool)
        .await;
    assert!(erase.is_err(), "the ledger is append-only");
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_an_account_keeps_its_orders(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.new_client();
    let order = buy(&app, &ada, "ada", "le-petit-prince", 1).await;
    let deleted = app
        .call_as(&ada, "users/delete-account", &[("password", PASSWORD)])
        .await;
    assert_eq!(deleted.status(), 200);
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let detail = json(
        app.call_as(&admin, "payment/order", &[("order_id", &order.to_string())])
            .await,
    )
    .await;
    let name = detail["lines"][0]["product_name"].as_str().expect("line");
    assert!(name.starts_with("Le Petit Prince"), "the order is intact: {name}");
    assert!(
        detail["customer"]
            .as_str()
            .expect("customer")
            .starts_with("deleted-"),
        "without the customer's name"
    );
}
