#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Catalogue pages from memory: served to visitors without a session, never
//! to one with a session, and dropped on every instance when the catalogue
//! changes, whichever instance (or SQL statement) changed it.

use std::time::{Duration, Instant};

use crate::common::shop::product_id;
use crate::common::{spawn_another_configured, spawn_app_configured, TestApp};
use sqlx::PgPool;

/// Entries would live a minute: anything seen sooner came from an
/// announced change, not from an expiry.
const A_MINUTE: u64 = 60_000;

async fn guest_page(app: &TestApp, path: &str) -> String {
    // A fresh client: no cookie, as a first visit (or a crawler).
    reqwest::Client::new()
        .get(app.url(path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body")
}

/// Reads the page until it contains `text`; gives up after `patience`.
async fn eventually(app: &TestApp, path: &str, text: &str, patience: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < patience {
        if guest_page(app, path).await.contains(text) {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cached_page_follows_a_stock_change_made_on_another_instance(pool: PgPool) {
    let first = spawn_app_configured(pool.clone(), |config| config.page_cache_ms = A_MINUTE).await;
    let second = spawn_another_configured(pool.clone(), |config| config.page_cache_ms = A_MINUTE).await;
    let path = "/p/steam-deck-oled";
    assert!(guest_page(&first, path).await.contains("Plus que 5 en stock"));

    // A change PostgreSQL does not announce (triggers off for this session)
    // is not seen: the page comes from memory.
    let mut quiet = pool.acquire().await.expect("connection");
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut *quiet)
        .await
        .expect("triggers off");
    sqlx::query("UPDATE products SET stock = 4 WHERE slug = 'steam-deck-oled'")
        .execute(&mut *quiet)
        .await
        .expect("quiet update");
    assert!(
        guest_page(&first, path).await.contains("Plus que 5 en stock"),
        "served from the cache"
    );
    // A visitor with a session always gets a fresh page.
    let shopper = first.new_client();
    let basket =
        crate::common::shop::add(&first, &shopper, product_id(&first, "le-petit-prince").await, 1).await;
    assert_eq!(basket.status(), 200);
    assert!(first
        .page_as(&shopper, path)
        .await
        .contains("Plus que 4 en stock"));

    // The back office of the other instance sets the stock: the first
    // instance drops its pages (LISTEN/NOTIFY) long before they expire.
    let admin = second.new_client();
    second.admin(&admin, "boss").await;
    let id = product_id(&second, "steam-deck-oled").await.to_string();
    let adjusted = second
        .call_as(
            &admin,
            "products/admin/adjust-stock",
            &[("id", &id), ("delta", "-2"), ("reason", "casse")],
        )
        .await;
    assert_eq!(adjusted.status(), 200);
    let seen = eventually(&first, path, "Plus que 2 en stock", Duration::from_secs(10)).await;
    assert!(seen.is_some(), "the first instance still shows the old stock");

    // A plain SQL statement is announced too.
    sqlx::query("UPDATE products SET stock = 0 WHERE slug = 'steam-deck-oled'")
        .execute(&pool)
        .await
        .expect("update");
    let sold_out = eventually(&first, path, "Épuisé", Duration::from_secs(10)).await;
    assert!(sold_out.is_some(), "a change made in SQL is not seen");
    println!(
        "changes seen after {seen:?} (back office) and {sold_out:?} (SQL), entries living {A_MINUTE} ms"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cached_pages_are_compressed_and_per_language(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.page_cache_ms = A_MINUTE).await;
    // This client decompresses nothing: the bytes are as sent.
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let response = client
            .get(app.url("/"))
            .header("Accept-Encoding", "br")
            .send()
            .await
            .expect("GET");
        assert_eq!(response.headers()["content-encoding"], "br");
        assert!(response.headers()["content-security-policy"]
            .to_str()
            .unwrap_or("")
            .contains("nonce-"));
    }
    let english = reqwest::Client::new()
        .get(app.url("/"))
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(english.contains("All our products"));
    assert!(guest_page(&app, "/").await.contains("Tous nos produits"));
}
