#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Bot friction on a drop: polling the room, adding its variants and
//! checking them out are limited per caller and per address, answered
//! with 429 and `Retry-After`, and a refused act changes nothing; and
//! "Prévenez-moi" before the opening, confirmed and mailed once.

use sqlx::PgPool;

use crate::common::shop::{add, checkout, count, set_stock, CARD_OK};
use crate::common::smtp::SmtpSink;
use crate::common::{spawn_app, spawn_app_configured, TestApp};
use crate::drops::{console_drop, join_for_ticket, open_now};
use crate::mail::{confirm_alert, through};
use app::drops::friction::Act;

/// The seconds a 429 asks to wait, checked to lie within a window.
fn retry_after(response: &reqwest::Response) -> u64 {
    let seconds: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("a 429 says when to come back");
    assert!(
        (1..=60).contains(&seconds),
        "within the minute's window: {seconds}"
    );
    seconds
}

async fn poll(app: &TestApp, ticket: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(&format!("/drops/position?ticket={ticket}")))
        .send()
        .await
        .expect("poll")
}

#[sqlx::test(migrations = "../migrations")]
async fn polling_the_room_is_limited_per_place_and_per_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, _) = console_drop(&app.pool, 1).await;
    let ada = app.new_client();
    let ticket = join_for_ticket(&app, &ada, drop).await;
    let (per_caller, _) = Act::Poll.limits();

    for n in 1..=per_caller {
        assert_eq!(poll(&app, &ticket).await.status(), 200, "poll {n}");
    }
    let refused = poll(&app, &ticket).await;
    assert_eq!(refused.status(), 429);
    retry_after(&refused);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert!(
        body["TooManyRequests"]["retry_after"].as_u64().is_some(),
        "{body}"
    );

    // The room's page (what a browser without JavaScript reloads) counts
    // per session: the join's page load was the first.
    let room = format!("/drops/{}", drop.0);
    for n in 2..=per_caller {
        let page = ada.get(app.url(&room)).send().await.expect("room");
        assert_eq!(page.status(), 200, "page load {n}");
    }
    let refused = ada.get(app.url(&room)).send().await.expect("room");
    assert_eq!(refused.status(), 429);
    retry_after(&refused);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("Trop de demandes") || page.contains("Too many requests"),
        "a clear page"
    );
    // Another visitor behind the same address is not held back by Ada.
    let bob = app.new_client();
    assert_eq!(bob.get(app.url(&room)).send().await.expect("room").status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn adding_and_checking_out_drop_variants_are_limited_and_refusals_change_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, ps5) = console_drop(&app.pool, 1).await;
    set_stock(&app, ps5, 5).await;
    let (adds, _) = Act::Add.limits();
    let (checkouts, _) = Act::Checkout.limits();

    // A guest with a basket (so a session) adding the console before the
    // opening, in a loop; products outside drops are not counted.
    let other: i64 =
        sqlx::query_scalar("SELECT id FROM products WHERE slug <> 'playstation-5-slim' ORDER BY id LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .expect("another product");
    set_stock(&app, other, 50).await;
    let bot = app.new_client();
    assert_eq!(add(&app, &bot, other, 1).await.status(), 200);
    for n in 1..=adds {
        assert_eq!(
            add(&app, &bot, ps5, 1).await.status(),
            409,
            "add {n}: not open yet"
        );
    }
    let refused = add(&app, &bot, ps5, 1).await;
    assert_eq!(refused.status(), 429);
    retry_after(&refused);
    assert_eq!(
        add(&app, &bot, other, 1).await.status(),
        200,
        "other products still"
    );
    // Carol got the console into her basket while the drop was open
    // without a room; it is closed again, and she checks out in a loop.
    sqlx::query(
        "UPDATE drops SET room_opens_at = NULL, opens_at = now() - interval '1 minute' WHERE id = $1",
    )
    .bind(drop.0)
    .execute(&app.pool)
    .await
    .expect("open without a room");
    let carol = app.new_client();
    app.register(&carol, "carol").await;
    assert_eq!(add(&app, &carol, ps5, 1).await.status(), 200);
    sqlx::query("UPDATE drops SET opens_at = now() + interval '1 hour' WHERE id = $1")
        .bind(drop.0)
        .execute(&app.pool)
        .await
        .expect("closed again");
    for n in 1..=checkouts {
        let answer = checkout(&app, &carol, &format!("carol-checkout-{n}"), CARD_OK).await;
        let status = answer.status();
        assert_eq!(
            status,
            409,
            "checkout {n}: not open: {}",
            answer.text().await.unwrap_or_default()
        );
    }
    let refused = checkout(&app, &carol, "carol-checkout-last", CARD_OK).await;
    assert_eq!(refused.status(), 429);
    retry_after(&refused);
    assert_eq!(count(&app, "orders").await, 0, "no order from any refusal");

    // Without cookies every request is a new caller: the address counts.
    let (_, per_address) = Act::Add.limits();
    let mut refused = None;
    for _ in 0..per_address {
        let answer = add(&app, &reqwest::Client::new(), ps5, 1).await;
        if answer.status() == 429 {
            refused = Some(answer);
            break;
        }
        assert_eq!(answer.status(), 409);
    }
    retry_after(&refused.expect("the address reached its limit"));
    let console_lines: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM basket_lines WHERE product_id = $1)
              + (SELECT count(*) FROM guest_basket_lines WHERE product_id = $1)",
    )
    .bind(ps5)
    .fetch_one(&app.pool)
    .await
    .expect("lines");
    assert_eq!(
        console_lines, 1,
        "Carol's line only: no refusal added the console"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn prevenez_moi_before_a_drop_mails_each_address_once_at_the_opening(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_configured(pool.clone(), through(&sink)).await;
    let (drop, ps5) = console_drop(&app.pool, 1).await;
    set_stock(&app, ps5, 5).await;

    // On the shelf but not on sale yet: the page offers the alert.
    let guest = app.new_client();
    let page = app.page_as(&guest, "/p/playstation-5-slim").await;
    assert!(
        page.contains(r#"data-testid="stock-alert""#),
        "Prévenez-moi before the opening"
    );
    assert!(page.contains("Pas encore en vente"), "worded for the drop");

    // A guest's address is confirmed first (and limited like every alert).
    let form = [
        ("product_id", ps5.to_string()),
        ("email", "fan@example.com".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.call_as(&guest, "products/alert", &form).await.status(), 200);
    confirm_alert(&app, &sink, &guest, "fan@example.com", 1).await;
    // A guest who never confirms gets nothing at the opening.
    let stranger = [
        ("product_id", ps5.to_string()),
        ("email", "stranger@example.com".to_owned()),
    ];
    let stranger: Vec<(&str, &str)> = stranger.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call_as(&app.new_client(), "products/alert", &stranger)
            .await
            .status(),
        200
    );

    // Stock moving before the opening is not "back in stock".
    set_stock(&app, ps5, 0).await;
    set_stock(&app, ps5, 4).await;
    let early: i64 =
        sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE kind IN ('back_in_stock', 'drop_opened')")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(early, 0, "nothing mailed before the opening");

    // The opening (the server's tick marks it): one mail, with the link.
    open_now(&pool, drop).await;
    sink.wait_for("the opening's mail", |sink| {
        !opened(sink, "fan@example.com").is_empty()
    })
    .await;
    let mail = &opened(&sink, "fan@example.com")[0];
    assert_eq!(mail.subject(), "Console : la vente est ouverte");
    assert!(mail.link("https://shop.example/p/playstation-5-slim").is_some());
    assert!(mail
        .link("https://shop.example/alerts/unsubscribe?token=")
        .is_some());
    let mailed: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE kind = 'drop_opened'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(mailed, 1, "the confirmed address only, once");

    // Open now: the page no longer offers it, and asking adds nothing.
    let page = app.page_as(&app.new_client(), "/p/playstation-5-slim").await;
    assert!(!page.contains(r#"data-testid="stock-alert""#));
    assert_eq!(app.call_as(&guest, "products/alert", &form).await.status(), 200);
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stock_alerts WHERE notified_at IS NULL AND confirmed_at IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(waiting, 0);
}

fn opened(sink: &SmtpSink, address: &str) -> Vec<crate::common::smtp::Received> {
    sink.to(address)
        .into_iter()
        .filter(|mail| mail.subject().contains("la vente est ouverte"))
        .collect()
}
