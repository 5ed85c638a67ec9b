#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Catalogue pages from memory: served to every visitor (one with a session
//! gets their own header corner in it), and dropped on every instance when
//! the catalogue changes, whichever instance (or SQL statement) changed it.

use std::time::{Duration, Instant};

use crate::common::shop::product_id;
use crate::common::{spawn_another_configured, spawn_app_configured, TestApp};
use sqlx::PgPool;

/// Entries would live a minute: anything seen sooner came from an
/// announced change, not from an expiry.
const A_MINUTE: u64 = 60_000;

/// An app whose entries live a minute, once it listens for changes (it
/// drops every page when it starts listening: a page read before could
/// otherwise be dropped mid-test).
async fn spawn_caching(pool: &PgPool, instances: usize) -> Vec<TestApp> {
    let mut apps = vec![spawn_app_configured(pool.clone(), |config| config.page_cache_ms = A_MINUTE).await];
    for _ in 1..instances {
        apps.push(spawn_another_configured(pool.clone(), |config| config.page_cache_ms = A_MINUTE).await);
    }
    let start = Instant::now();
    loop {
        let listening: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%wm_catalogue%'",
        )
        .fetch_one(pool)
        .await
        .expect("activity");
        if listening >= instances as i64 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the apps never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The clear that follows the LISTEN.
    tokio::time::sleep(Duration::from_millis(100)).await;
    apps
}

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
    let mut apps = spawn_caching(&pool, 2).await;
    let (second, first) = (apps.remove(1), apps.remove(0));
    let path = "/p/steam-deck-oled";
    assert!(guest_page(&first, path).await.contains("Plus que 5 en stock"));

    // A change PostgreSQL does not announce (triggers off for this session)
    // is not seen: the page comes from memory.
    quietly(
        &pool,
        "UPDATE products SET stock = 4 WHERE slug = 'steam-deck-oled'",
    )
    .await;
    assert!(
        guest_page(&first, path).await.contains("Plus que 5 en stock"),
        "served from the cache"
    );
    // A visitor with a session gets the cached page too.
    let shopper = first.new_client();
    let basket =
        crate::common::shop::add(&first, &shopper, product_id(&first, "le-petit-prince").await, 1).await;
    assert_eq!(basket.status(), 200);
    assert!(first
        .page_as(&shopper, path)
        .await
        .contains("Plus que 5 en stock"));

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
    let app = spawn_caching(&pool, 1).await.remove(0);
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
    let english = app
        .page_with(&reqwest::Client::new(), "/", ("Accept-Language", "en"))
        .await;
    assert!(english.contains("All our products"));
    assert!(guest_page(&app, "/").await.contains("Tous nos produits"));
}

/// Runs `statement` with the triggers off: PostgreSQL announces nothing,
/// so only a page rendered afresh shows the change.
async fn quietly(pool: &PgPool, statement: &str) {
    let mut quiet = pool.acquire().await.expect("connection");
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut *quiet)
        .await
        .expect("triggers off");
    sqlx::query(statement)
        .execute(&mut *quiet)
        .await
        .expect("quiet statement");
    // The connection goes back to the pool: with its triggers on again.
    sqlx::query("RESET session_replication_role")
        .execute(&mut *quiet)
        .await
        .expect("triggers on");
}

/// Renames Le Petit Prince without an announcement.
async fn rename_quietly(pool: &PgPool) {
    quietly(
        pool,
        "UPDATE products SET name = 'Le Petit Prince (poche)' WHERE slug = 'le-petit-prince'",
    )
    .await;
}

/// The header's basket count.
fn badge(page: &str) -> Option<&str> {
    let after = page.split(r#"data-testid="basket-count""#).nth(1)?;
    after.split_once('>')?.1.split('<').next()
}

/// The nonce of a page's policy, and every `nonce="…"` of its scripts.
async fn nonces(response: reqwest::Response) -> (String, Vec<String>, String) {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .expect("policy")
        .to_owned();
    let nonce = crate::common::policy_nonce(&policy);
    let page = response.text().await.expect("body");
    let scripts = page
        .split("nonce=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    (nonce, scripts, page)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_visitor_with_a_session_gets_the_cached_page_with_their_own_corner(pool: PgPool) {
    let app = spawn_caching(&pool, 1).await.remove(0);
    let path = "/search?q=prince";
    let guest = guest_page(&app, path).await;
    assert!(guest.contains("Le Petit Prince") && guest.contains("Se connecter"));
    rename_quietly(&pool).await;

    // A customer with two units in the basket: the page is the cached one,
    // with their name and their count in its header, and its scripts under
    // this response's nonce.
    let ada = app.new_client();
    app.register(&ada, "ada").await;
    let id = product_id(&app, "le-petit-prince").await;
    assert_eq!(crate::common::shop::add(&app, &ada, id, 2).await.status(), 200);
    let response = ada.get(app.url(path)).send().await.expect("GET");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let (nonce, scripts, page) = nonces(response).await;
    assert!(!page.contains("(poche)"), "the page came from the cache");
    assert!(page.contains("Bonjour, Ada"), "the customer's own corner");
    assert_eq!(badge(&page), Some("2"));
    assert!(!page.contains("Se connecter"));
    assert!(!scripts.is_empty() && scripts.iter().all(|script| *script == nonce));
    let (again, _, _) = nonces(ada.get(app.url(path)).send().await.expect("GET")).await;
    assert_ne!(again, nonce, "a new nonce every time");
    // Asked as gzip, the same page comes spliced from parts compressed
    // once, around her corner and this response's nonce.
    let zipped = ada
        .get(app.url(path))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let policy = zipped.headers()["content-security-policy"]
        .to_str()
        .expect("policy")
        .to_owned();
    let bytes = zipped.bytes().await.expect("body");
    let mut page = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut page)
        .expect("one valid gzip stream");
    assert!(!page.contains("(poche)") && page.contains("Bonjour, Ada"));
    assert_eq!(badge(&page), Some("2"));
    let zipped_nonce = crate::common::policy_nonce(&policy);
    assert!(page.contains(&format!("nonce=\"{zipped_nonce}\"")));
    assert!(
        !page.contains(&format!("nonce=\"{nonce}\"")),
        "not the last response's nonce"
    );

    // Another customer sees their own corner in the same page.
    let grace = app.new_client();
    app.admin(&grace, "grace").await;
    let page = app.page_as(&grace, path).await;
    assert!(page.contains("Bonjour, Grace") && page.contains(r#"data-testid="admin-link""#));
    assert!(badge(&page) == Some("0") && !page.contains("Ada"));

    // A notice waiting in the session: the page is rendered for the visitor.
    let added = ada
        .post(app.url("/api/basket/add"))
        .header("Origin", app.address.as_str())
        .header("Accept", "text/html")
        .header("Referer", app.url(path))
        .form(&[("product_id", id.to_string()), ("quantity", "1".to_owned())])
        .send()
        .await
        .expect("POST");
    assert!(added.status().is_redirection(), "a plain form post");
    let page = app.page_as(&ada, path).await;
    assert!(page.contains("(poche)") && page.contains("Ajouté au panier"));
    assert_eq!(badge(&page), Some("3"));
    // Once shown, the notice is gone: the cached page again.
    assert!(!app.page_as(&ada, path).await.contains("(poche)"));

    // Logged out, the corner is the visitor's again.
    assert_eq!(app.call_as(&ada, "auth/logout", &[]).await.status(), 200);
    let page = app.page_as(&ada, path).await;
    assert!(page.contains("Se connecter") && !page.contains("Bonjour"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sold_out_page_with_its_alert_form_is_rendered_for_a_customer(pool: PgPool) {
    let app = spawn_caching(&pool, 1).await.remove(0);
    crate::common::shop::sql(
        &app,
        "UPDATE products SET stock = 0 WHERE slug = 'le-petit-prince'",
    )
    .await;
    let path = "/p/le-petit-prince";
    assert!(guest_page(&app, path).await.contains(r#"name="email""#));
    rename_quietly(&pool).await;
    let ada = app.new_client();
    app.register(&ada, "ada").await;
    let page = app.page_as(&ada, path).await;
    assert!(page.contains("(poche)"), "rendered for the customer");
    assert!(page.contains("ada@example.com") && page.contains("Bonjour, Ada"));
}

#[sqlx::test(migrations = "../migrations")]
async fn customers_alone_fill_the_cache_with_the_page_of_a_visitor_without_one(pool: PgPool) {
    let app = spawn_caching(&pool, 1).await.remove(0);
    let ada = app.new_client();
    app.register(&ada, "ada").await;
    let path = "/c/livres";
    // Not in memory yet: the page is rendered as a visitor without a
    // session sees it and kept, and Ada gets it with her corner.
    let first = app.page_as(&ada, path).await;
    assert!(first.contains("Le Petit Prince") && first.contains("Bonjour, Ada"));
    rename_quietly(&pool).await;
    let again = app.page_as(&ada, path).await;
    assert!(!again.contains("(poche)") && again.contains("Bonjour, Ada"));
    let guest = guest_page(&app, path).await;
    assert!(!guest.contains("(poche)") && guest.contains("Se connecter") && !guest.contains("Ada"));
}
