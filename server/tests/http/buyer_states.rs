#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! What the buyer sees is true: the holder of the last unit reads it as
//! theirs (even from a cached page), a line being paid says so rather than
//! "not enough stock", and the basket caps a line at the per-customer
//! limit and says why, before checkout.

use sqlx::PgPool;

use crate::common::shop::{
    add, checkout, json, orders_in, product_id, set_quantity, set_stock, sql, CARD_OK,
};
use crate::common::spawn_app_configured;

const A_MINUTE: u64 = 60_000;

#[sqlx::test(migrations = "../migrations")]
async fn the_holder_of_the_last_unit_reads_it_as_theirs(pool: PgPool) {
    // The page cache on: the anonymous page is kept, the holder's is not.
    let app = spawn_app_configured(pool, |config| config.page_cache_ms = A_MINUTE).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 1).await;
    sql(
        &app,
        &format!("UPDATE products SET hold_minutes = 10 WHERE id = {ps5}"),
    )
    .await;
    let holder = app.new_client();
    app.register(&holder, "holder").await;
    let other = app.new_client();
    app.register(&other, "other").await;
    let page = "/p/playstation-5-slim";
    // Someone else's visit fills the cache before the hold.
    assert!(app.page_as(&other, page).await.contains("Plus que 1 en stock"));

    assert_eq!(json(add(&app, &holder, ps5, 1).await).await["added"], 1);
    let theirs = app.page_as(&holder, page).await;
    assert!(theirs.contains(r#"data-testid="own-hold""#), "the holder's page");
    assert!(
        theirs.contains("Dans votre panier (1), réservé jusqu&#x27;à")
            || theirs.contains("Dans votre panier (1), réservé jusqu'à")
    );
    assert!(!theirs.contains(">Épuisé<"), "not sold out for the holder");
    // Everyone else: sold out, and live.
    let others = app.page_as(&other, page).await;
    assert!(others.contains(">Épuisé<"));
    assert!(!others.contains("own-hold"));
    assert!(others.contains(&format!(r#"data-live-stock="{ps5}""#)));
    // In English too.
    let english = app.page_with(&holder, page, ("accept-language", "en")).await;
    assert!(english.contains("In your basket (1), held until"), "{english}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_line_being_paid_says_so_not_that_stock_is_short(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.test_payment_latency_ms = 2_000).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 1).await;
    let ada = app.new_client();
    app.register(&ada, "ada").await;
    assert_eq!(add(&app, &ada, ps5, 1).await.status(), 200);
    let paying = crate::common::shop::checkout_in_background(&app, &ada, "paying-key-1").await;
    let order: i64 = sqlx::query_scalar("SELECT id FROM orders WHERE status = 'awaiting_payment'")
        .fetch_one(&app.pool)
        .await
        .expect("the order being paid");
    let basket = app.page_as(&ada, "/basket").await;
    assert!(basket.contains(r#"data-testid="basket-paying""#), "{basket}");
    assert!(basket.contains(&format!("Paiement en cours (commande n° {order})")));
    assert!(
        !basket.contains("Plus assez de stock"),
        "the order holds the unit"
    );

    assert_eq!(paying.await.expect("checkout").status(), 200);
    assert_eq!(orders_in(&app, "paid").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_basket_caps_a_line_at_the_per_customer_limit_and_says_why(pool: PgPool) {
    let app = spawn_app_configured(pool, |_| {}).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 50).await;
    sql(
        &app,
        &format!("UPDATE products SET max_per_customer = 2, max_per_order = 10 WHERE id = {ps5}"),
    )
    .await;
    let ada = app.new_client();
    app.register(&ada, "ada").await;

    let outcome = json(add(&app, &ada, ps5, 3).await).await;
    assert_eq!(
        (outcome["added"].as_i64(), outcome["per_customer"].as_i64()),
        (Some(2), Some(2))
    );
    // Without JavaScript: the form's next page says why.
    let posted = ada
        .post(app.url("/api/basket/set-quantity"))
        .header("Origin", &app.address)
        .header("Referer", app.url("/basket"))
        .header("Accept", "text/html")
        .form(&[("product_id", ps5.to_string()), ("quantity", "4".to_owned())])
        .send()
        .await
        .expect("POST");
    assert!(posted.status().is_redirection(), "a plain form post");
    let notice = app.page_as(&ada, "/basket").await;
    assert!(
        notice.contains("Limité à 2 par client : votre panier en contient 2."),
        "{notice}"
    );
    assert!(notice.contains(r#"data-testid="basket-customer-limit""#));
    assert!(
        notice.contains(r#"max="2""#),
        "the quantity field stops at the limit"
    );

    let capped = json(set_quantity(&app, &ada, ps5, 5).await).await;
    assert_eq!(
        (capped["in_basket"].as_i64(), capped["per_customer"].as_i64()),
        (Some(2), Some(2))
    );
    // Within the limit, nothing is said of it.
    let one = json(set_quantity(&app, &ada, ps5, 1).await).await;
    assert_eq!(
        (one["in_basket"].as_i64(), one["per_customer"].as_i64()),
        (Some(1), None)
    );

    // Bought one: one more fits, and the basket says what was bought.
    assert_eq!(checkout(&app, &ada, "limit-key-1", CARD_OK).await.status(), 200);
    let outcome = json(add(&app, &ada, ps5, 2).await).await;
    assert_eq!(
        (outcome["added"].as_i64(), outcome["per_customer"].as_i64()),
        (Some(1), Some(2))
    );
    let basket = app.page_as(&ada, "/basket").await;
    assert!(basket.contains("vous en avez déjà commandé 1"), "{basket}");
    // At the limit: nothing more, told why, and the line stays.
    let more = json(add(&app, &ada, ps5, 1).await).await;
    assert_eq!(
        (more["added"].as_i64(), more["per_customer"].as_i64()),
        (Some(0), Some(2))
    );
    let stuck = json(set_quantity(&app, &ada, ps5, 3).await).await;
    assert_eq!(
        (stuck["in_basket"].as_i64(), stuck["per_customer"].as_i64()),
        (Some(1), Some(2))
    );
}
