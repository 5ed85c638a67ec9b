#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! What an outside attacker tried with nothing but HTTP (issue #21), sent
//! as they sent it: raw header spellings, duplicate headers, many requests
//! from one client, markup in every text that reaches a page, slow clients.

use std::time::Duration;

use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::shop::{add, checkout_to, product_id};
use crate::common::{
    cookie_client, session_cookie, sign_up_form, spawn_app, spawn_app_configured, TestApp, PASSWORD,
};

/// The markup an attacker puts in every text: it closes the title, opens a
/// refresh and a script, and breaks out of attributes.
const MARKUP: &str = r#"</title><meta http-equiv="refresh" content="0;url=https://evil.example/"><script>alert(1)</script>"'><b>"#;

/// The same within the 72 characters a name, a category or a street takes.
const SHORT_MARKUP: &str = r#"</title><meta http-equiv="refresh" content="0;url=https://evil.example/">"#;

/// What must never appear in a page that shows [`MARKUP`].
fn live_markup(html: &str) -> Vec<&'static str> {
    [
        "<meta http-equiv=\"refresh\"",
        "<script>alert(1)",
        "evil.example/\">",
        "'><b>",
    ]
    .into_iter()
    .filter(|needle| html.contains(needle))
    .collect()
}

/// The `<head>` of a page, where leptos_meta writes the title.
fn head(html: &str) -> &str {
    html.split("</head>").next().unwrap_or(html)
}

/// The page around the first live markup, to show where it got through.
fn around_markup(html: &str) -> &str {
    let at = live_markup(html)
        .first()
        .and_then(|needle| html.find(needle))
        .unwrap_or(0);
    let start = html.floor_char_boundary(at.saturating_sub(300));
    let end = html.floor_char_boundary((at + 200).min(html.len()));
    &html[start..end]
}

/// A client that sends exactly the headers it is given (no jar).
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn text(response: reqwest::Response) -> String {
    response.text().await.expect("body")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_search_term_cannot_write_markup_into_the_head(pool: PgPool) {
    let app = spawn_app(pool).await;
    let query = serde_urlencoded_query(MARKUP);
    let html = text(
        raw_client()
            .get(app.url(&format!("/search?q={query}")))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(live_markup(&html), Vec::<&str>::new(), "{}", head(&html));
    // The title is there, escaped.
    assert!(head(&html).contains("&lt;/title&gt;&lt;meta"), "{}", head(&html));
}

/// `text` as a query value.
fn serde_urlencoded_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Logs a new customer (first name Ada) in; their session cookie's value.
async fn customer_session(app: &TestApp, username: &str) -> String {
    let client = cookie_client();
    app.register(&client, username).await;
    let response = app.login(&client, username, PASSWORD).await;
    let cookie = session_cookie(&response).expect("a session cookie");
    cookie
        .split_once('=')
        .map(|(_, id)| id.to_owned())
        .expect("name=value")
}

#[sqlx::test(migrations = "../migrations")]
async fn no_spelling_of_the_session_cookie_puts_a_customers_page_in_the_cache(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.page_cache_ms = 60_000).await;
    let session = customer_session(&app, "ada").await;
    for path in ["/", "/c/consoles", "/p/steam-deck-oled", "/search?q=ps5"] {
        for spelling in [
            format!("wm_session ={session}"),
            format!(" wm_session = {session} "),
            format!("wm%5Fsession={session}"),
            format!("x;wm_session={session}"),
        ] {
            let own = raw_client()
                .get(app.url(path))
                .header("Cookie", &spelling)
                .send()
                .await
                .expect("GET");
            assert_eq!(
                own.headers().get("cache-control").and_then(|v| v.to_str().ok()),
                Some("private, no-store"),
                "{path} with {spelling:?}"
            );
            assert!(
                text(own).await.contains("Bonjour, Ada"),
                "{path}: the customer's own page"
            );
            let stranger = text(raw_client().get(app.url(path)).send().await.expect("GET")).await;
            assert!(
                !stranger.contains("Bonjour, Ada") && stranger.contains("Se connecter"),
                "{path}: a stranger got the customer's page after {spelling:?}"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn duplicate_cookie_headers_do_not_change_the_cached_language(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.page_cache_ms = 60_000).await;
    let attacks: [&[&str]; 4] = [
        &["a=1", "wm_lang=en"],
        &["wm_lang=fr", "wm_lang=en"],
        &["wm_lang=en; wm_lang=fr"],
        &["wm_lang=en", "wm_lang=fr"],
    ];
    for path in ["/", "/c/consoles", "/search?q=ps5"] {
        for cookies in attacks {
            let mut request = raw_client().get(app.url(path));
            for cookie in cookies {
                request = request.header("Cookie", *cookie);
            }
            let attacker = text(request.send().await.expect("GET")).await;
            // The page is in the first language named, as every layer reads it.
            let first = cookies
                .iter()
                .flat_map(|header| header.split(';'))
                .find_map(|cookie| cookie.trim().strip_prefix("wm_lang="))
                .unwrap_or("fr");
            assert!(
                attacker.contains(&format!("<html lang=\"{first}\"")),
                "{path} {cookies:?}"
            );
            for (cookie, lang) in [
                (None, "fr"),
                (Some("wm_lang=fr"), "fr"),
                (Some("wm_lang=en"), "en"),
            ] {
                let mut visitor = raw_client().get(app.url(path));
                if let Some(cookie) = cookie {
                    visitor = visitor.header("Cookie", cookie);
                }
                let page = text(visitor.send().await.expect("GET")).await;
                assert!(
                    page.contains(&format!("<html lang=\"{lang}\"")),
                    "{path}: a visitor with {cookie:?} got another language after {cookies:?}"
                );
            }
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_script_without_cookies_opens_a_bounded_number_of_guest_sessions(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.guest_baskets_per_hour = 5).await;
    let product = product_id(&app, "steam-deck-oled").await;
    let sessions_before = count(&app, "SELECT count(*) FROM tower_sessions.session").await;
    // A shopper's browser first: it keeps its basket whatever a script does.
    let shopper = cookie_client();
    assert_eq!(add(&app, &shopper, product, 1).await.status(), 200);
    let mut refused = 0;
    for _ in 0..39 {
        // A new client each time: no cookie, as a script sends it.
        let response = add(&app, &raw_client(), product, 1).await;
        match response.status().as_u16() {
            200 => assert!(session_cookie(&response).is_some()),
            429 => {
                refused += 1;
                assert!(
                    session_cookie(&response).is_none(),
                    "a refused add starts no session"
                );
            }
            status => panic!("unexpected status {status}"),
        }
    }
    assert_eq!(refused, 35);
    let sessions = count(&app, "SELECT count(*) FROM tower_sessions.session").await - sessions_before;
    assert_eq!(sessions, 5, "one session per guest basket allowed");
    assert_eq!(count(&app, "SELECT count(*) FROM guest_basket_lines").await, 5);
    // A guest's session lives two days, not a login's seven.
    let longest: f64 = sqlx::query_scalar(
        "SELECT max(extract(epoch FROM expiry_date - now()))::float8 FROM tower_sessions.session",
    )
    .fetch_one(&app.pool)
    .await
    .expect("expiry");
    assert!(
        longest <= 48.0 * 3600.0 + 60.0,
        "a guest session lives {longest} s"
    );
    // The shopper who already has a basket keeps adding to it.
    assert_eq!(add(&app, &shopper, product, 1).await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_login_keeps_its_longer_life(pool: PgPool) {
    let app = spawn_app(pool).await;
    let session = customer_session(&app, "grace").await;
    let life: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM expiry_date - now())::float8 FROM tower_sessions.session WHERE id = $1",
    )
    .bind(&session)
    .fetch_one(&app.pool)
    .await
    .expect("the login's session");
    assert!(life > 6.0 * 24.0 * 3600.0, "a login lives {life} s");
}

async fn count(app: &TestApp, query: &str) -> i64 {
    sqlx::query_scalar(query)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_slow_client_is_cut_off_after_the_header_timeout(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.header_timeout_seconds = 1).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.expect("connect");
    slow.write_all(b"GET / HTTP/1.1\r\nHost: shop\r\nX-Slow: ")
        .await
        .expect("write");
    // One byte a second, as the attack sent them, for up to 20 seconds.
    let mut closed = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if slow.write_all(b"a").await.is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0_u8; 512];
        match tokio::time::timeout(Duration::from_millis(10), slow.read(&mut buffer)).await {
            // The server answered (408) or closed the connection.
            Ok(Ok(_)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "the slow connection was still open after 20 s");
    // Others are served as usual.
    assert_eq!(
        raw_client()
            .get(app.url("/health"))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_body_over_the_limit_gets_413_and_a_page(pool: PgPool) {
    let app = spawn_app(pool).await;
    let product = product_id(&app, "steam-deck-oled").await;
    let big = "x".repeat(3 * 1024 * 1024);
    let response = raw_client()
        .post(app.url("/api/basket/add"))
        .header("Origin", &app.address)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("product_id={product}&quantity=1&pad={big}"))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 413);
    let page = text(response).await;
    assert!(
        page.contains("Envoi trop volumineux") && page.contains("2 Mo"),
        "{page}"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM guest_basket_lines").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_origin_must_match_scheme_host_and_port(pool: PgPool) {
    let app = spawn_app(pool).await;
    let product = product_id(&app, "steam-deck-oled").await.to_string();
    let form = [("product_id", product.as_str()), ("quantity", "1")];
    let https = app.address.replacen("http://", "https://", 1);
    let other_port = format!("{}0", app.address);
    for origin in [https.as_str(), other_port.as_str(), "null", "http://evil.example"] {
        let response = raw_client()
            .post(app.url("/api/basket/add"))
            .header("Origin", origin)
            .form(&form)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 403, "Origin {origin}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM guest_basket_lines").await, 0);
    let same = raw_client()
        .post(app.url("/api/basket/add"))
        .header("Origin", &app.address)
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(same.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn markup_in_every_text_stays_text_on_every_page(pool: PgPool) {
    let app = spawn_app(pool).await;
    let customer = cookie_client();
    let email = "mallory@example.com";
    let mut form = sign_up_form("mallory", email);
    form[4] = ("first_name", SHORT_MARKUP);
    form[5] = ("last_name", SHORT_MARKUP);
    let signed_up = app.call_as(&customer, "auth/register", &form).await;
    assert_eq!(signed_up.status(), 200, "{}", text(signed_up).await);
    let product = product_id(&app, "steam-deck-oled").await;
    // Names set in the back office; the same texts whatever the way in.
    sqlx::query("UPDATE products SET name = 'Steam Deck ' || $1, description = 'Description ' || $1 WHERE slug = 'steam-deck-oled'")
        .bind(MARKUP)
        .execute(&app.pool)
        .await
        .expect("product");
    sqlx::query("UPDATE categories SET name_fr = $1, name_en = $1 WHERE slug = 'consoles'")
        .bind(SHORT_MARKUP)
        .execute(&app.pool)
        .await
        .expect("category");
    // An option value (shown in the picker and the filters) and a photo's
    // alt text.
    let phone = product_id(&app, "samsung-galaxy-z-flip7").await;
    sqlx::query("UPDATE products SET option_values[1] = $2 WHERE id = $1")
        .bind(phone)
        .bind(SHORT_MARKUP)
        .execute(&app.pool)
        .await
        .expect("option value");
    sqlx::query(
        "WITH photo AS (
             INSERT INTO product_photos (product_id, position, hash, alt, alt_en)
             VALUES ($1, 1, md5('markup'), $2, $2) RETURNING id
         )
         INSERT INTO photo_renditions (photo_id, width, height, bytes) SELECT id, 640, 640, '\\xffd8ff' FROM photo",
    )
    .bind(phone)
    .bind(MARKUP)
    .execute(&app.pool)
    .await
    .expect("photo");
    assert_eq!(add(&app, &customer, product, 1).await.status(), 200);
    let ordered = checkout_to(&app, &customer, "markup-order", "4242424242424242", SHORT_MARKUP).await;
    assert_eq!(ordered.status(), 200, "{}", text(ordered).await);
    let order: i64 = sqlx::query_scalar("SELECT id FROM orders ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .expect("the order");
    let query = serde_urlencoded_query(MARKUP);
    let pages = [
        "/".to_owned(),
        "/c/consoles".to_owned(),
        "/p/steam-deck-oled".to_owned(),
        format!("/search?q={query}"),
        format!("/search?q=steam&category={query}"),
        "/c/telephonie".to_owned(),
        format!("/c/telephonie?f=Couleur%3A{query}"),
        format!("/c/telephonie?f={query}%3ANoir&min={query}"),
        format!("/search?q=galaxy&f=Couleur%3A{query}"),
        "/p/samsung-galaxy-z-flip7".to_owned(),
        format!("/p/samsung-galaxy-z-flip7?o1={query}&o2=256+Go"),
        format!("/p/samsung-galaxy-z-flip7?variant={query}"),
        "/account".to_owned(),
        "/basket".to_owned(),
        format!("/orders/{order}"),
    ];
    for path in &pages {
        let html = app.page_as(&customer, path).await;
        assert_eq!(
            live_markup(&html),
            Vec::<&str>::new(),
            "{path}:\n{}",
            around_markup(&html)
        );
    }
    let admin = cookie_client();
    let _ = app.admin(&admin, "root").await;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'mallory'")
        .fetch_one(&app.pool)
        .await
        .expect("the user");
    for path in [
        "/admin".to_owned(),
        "/admin/products".to_owned(),
        format!("/admin/products/{product}"),
        format!("/admin/products/{phone}"),
        "/admin/categories".to_owned(),
        "/admin/orders".to_owned(),
        format!("/admin/orders/{order}"),
        "/admin/users".to_owned(),
        format!("/admin/users/{user}"),
        "/admin/mail".to_owned(),
    ] {
        let html = app.page_as(&admin, &path).await;
        assert_eq!(
            live_markup(&html),
            Vec::<&str>::new(),
            "{path}:\n{}",
            around_markup(&html)
        );
    }
}
