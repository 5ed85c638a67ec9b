#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Health, compression and the cross-site guard.

use crate::common::{spawn_app, spawn_app_configured};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_is_200_with_the_database_and_503_without(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    app.server_pool.close().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 503);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_when_the_browser_accepts_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .get(app.url("/"))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("br")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .post(app.url("/api/i18n/set-locale"))
        .header("Origin", "https://evil.example")
        .form(&[("locale", "en")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none(), "nothing changed");

    for (name, value) in [("Origin", "null"), ("Sec-Fetch-Site", "cross-site")] {
        let response = app
            .client
            .post(app.url("/api/i18n/set-locale"))
            .header(name, value)
            .form(&[("locale", "en")])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 403, "{name}: {value}");
    }

    let same_site = app.call("i18n/set-locale", &[("locale", "en")]).await;
    assert_eq!(same_site.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_are_not_reachable_by_get(pool: PgPool) {
    let app = spawn_app(pool).await;
    for endpoint in [
        "i18n/set-locale?locale=en",
        "auth/login",
        "auth/logout",
        "users/delete-account",
    ] {
        let response = app.get(&format!("/api/{endpoint}")).await;
        assert_eq!(response.status(), 405, "{endpoint}");
        assert!(response.headers().get("set-cookie").is_none(), "{endpoint}");
    }
}

/// Many pages rendered at once: each must answer in full. (Reading a
/// page's signals after rendering once dropped connections under load.)
#[sqlx::test(migrations = "../migrations")]
async fn pages_render_completely_under_concurrent_load(pool: PgPool) {
    let app = spawn_app(pool).await;
    let paths = [
        "/",
        "/c/livres",
        "/p/playstation-5-slim",
        "/search?q=nint",
        "/nowhere",
    ];
    let mut requests = Vec::new();
    for round in 0..20 {
        for path in paths {
            let (client, url) = (app.client.clone(), app.url(path));
            requests.push(tokio::spawn(async move {
                let response = client.get(&url).send().await;
                (round, url, response.map(|r| r.status().as_u16()))
            }));
        }
    }
    for request in requests {
        let (round, url, status) = request.await.expect("task");
        let status = status.unwrap_or_else(|error| panic!("round {round}: {url}: {error}"));
        let expected = if url.ends_with("/nowhere") { 404 } else { 200 };
        assert_eq!(status, expected, "round {round}: {url}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_charge_timeout_as_long_as_the_payment_window_is_refused_at_start(pool: PgPool) {
    let config = server::config::WebConfig {
        charge_timeout_seconds: 600,
        payment_window_seconds: 600,
        ..server::config::WebConfig::local("127.0.0.1:0".parse().expect("address"))
    };
    match server::startup::Application::build(&config, pool).await {
        Ok(_) => panic!("an order could be settled while its checkout still waits"),
        Err(error) => assert!(error.to_string().contains("payment window"), "{error}"),
    }
}

/// The server as an operator runs it, with JSON logs: every answer names its
/// request id, every line written for it carries that id, and a refusal
/// (a wrong password) is not an error.
#[sqlx::test(migrations = "../migrations")]
async fn json_logs_carry_the_request_id_and_refusals_are_not_errors(pool: PgPool) {
    use crate::common::process::{free_port, url_of, wait_healthy, SERVER};
    server::database::migrate(&pool).await.expect("migrate");
    let port = free_port();
    let log_path = std::env::temp_dir().join(format!("wm-log-{}-{port}.jsonl", std::process::id()));
    let log = std::fs::File::create(&log_path).expect("log file");
    let child = std::process::Command::new(SERVER)
        .env("DATABASE_URL", url_of(&pool))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("WONDERMARKET_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .expect("spawn server");
    wait_healthy(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let refused = client
        .post(format!("{base}/api/auth/login"))
        .header("Origin", &base)
        .form(&[("login", "nobody"), ("password", "not the password")])
        .send()
        .await
        .expect("login");
    assert_eq!(refused.status(), 401);
    let id = refused.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let from_proxy = client
        .get(format!("{base}/health"))
        .header("x-request-id", "chosen-by-the-proxy-42")
        .send()
        .await
        .expect("health");
    assert_eq!(from_proxy.headers()["x-request-id"], "chosen-by-the-proxy-42");
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let mut child = child;
    child.wait().expect("wait");

    let text = std::fs::read_to_string(&log_path).expect("log");
    let _ = std::fs::remove_file(&log_path);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let of_request = |id: &str| -> Vec<&serde_json::Value> {
        lines
            .iter()
            .filter(|line| {
                line["spans"]
                    .as_array()
                    .is_some_and(|spans| spans.iter().any(|span| span["id"] == id))
            })
            .collect()
    };
    let login_lines = of_request(&id);
    let messages: Vec<&str> = login_lines
        .iter()
        .filter_map(|line| line["fields"]["message"].as_str())
        .collect();
    assert!(messages.contains(&"request refused"), "{text}");
    assert!(messages.contains(&"finished processing request"), "{text}");
    assert!(!of_request("chosen-by-the-proxy-42").is_empty(), "{text}");
    let errors: Vec<&serde_json::Value> = lines.iter().filter(|line| line["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "a refusal is not an error: {errors:?}");
    let refusal = login_lines
        .iter()
        .find(|line| line["fields"]["message"] == "request refused")
        .expect("the refusal");
    assert_eq!(refusal["level"], "INFO");
    assert_eq!(refusal["fields"]["status"], 401);
}

/// The value of a response header, or "" when absent.
fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_a_strict_policy_with_their_own_script_nonce(pool: PgPool) {
    let app = spawn_app(pool).await;
    let guest = reqwest::Client::new();
    let home = guest.get(app.url("/")).send().await.expect("home");
    let policy = header(&home, "content-security-policy");
    let nonce = crate::common::policy_nonce(&policy);
    assert!(nonce.len() >= 16, "{policy}");
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
    ] {
        assert!(policy.contains(directive), "{directive}: {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(header(&home, "x-frame-options"), "DENY");
    assert_eq!(header(&home, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&home, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert!(header(&home, "permissions-policy").contains("camera=()"));
    assert_eq!(
        header(&home, "strict-transport-security"),
        "",
        "no HSTS over plain HTTP"
    );
    assert!(
        !header(&home, "cache-control").contains("no-store"),
        "a guest's catalogue page is public"
    );
    let html = home.text().await.expect("body");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries the nonce"
    );
    let again = guest.get(app.url("/")).send().await.expect("home");
    assert!(
        !header(&again, "content-security-policy").contains(&nonce),
        "a fresh nonce for every page"
    );
    let health = guest.get(app.url("/health")).send().await.expect("health");
    assert!(header(&health, "content-security-policy").contains("default-src 'none'"));
}

#[sqlx::test(migrations = "../migrations")]
async fn personal_pages_are_never_stored_and_hsts_comes_with_secure_cookies(pool: PgPool) {
    let app = crate::common::spawn_app_configured(pool, |config| config.secure_cookies = true).await;
    let guest = reqwest::Client::new();
    let home = guest.get(app.url("/")).send().await.expect("home");
    assert_eq!(
        header(&home, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    for path in ["/account", "/basket", "/checkout", "/orders/1", "/admin"] {
        let response = guest.get(app.url(path)).send().await.expect(path);
        assert_eq!(header(&response, "cache-control"), "private, no-store", "{path}");
    }
    let answer = guest
        .post(app.url("/api/basket/get"))
        .header("Origin", &app.address)
        .send()
        .await
        .expect("basket");
    assert_eq!(header(&answer, "cache-control"), "private, no-store");
    // With a session (its header names the shopper), every page is personal.
    let page = guest
        .get(app.url("/c/livres"))
        .header("Cookie", "wm_session=anything")
        .send()
        .await
        .expect("page");
    assert_eq!(header(&page, "cache-control"), "private, no-store");
    let style = guest
        .get(app.url("/robots.txt"))
        .header("Cookie", "wm_session=anything")
        .send()
        .await
        .expect("robots");
    assert!(
        !header(&style, "cache-control").contains("no-store"),
        "files for everyone stay cacheable"
    );
}

/// The value of a metric line `name value` in a Prometheus text page.
fn metric(page: &str, name: &str) -> f64 {
    page.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[sqlx::test(migrations = "../migrations")]
async fn metrics_are_served_to_the_scraper_holding_the_token(pool: PgPool) {
    use crate::common::shop::{add, checkout, product_id, set_stock, CARD_OK};
    const TOKEN: &str = "scraper-token-0123456789";
    let app = crate::common::spawn_app_configured(pool, |config| {
        config.metrics_token = Some(server::config::MetricsToken(TOKEN.into()));
    })
    .await;
    let scrape = |token: &'static str| {
        let request = app.client.get(app.url("/metrics")).bearer_auth(token);
        async move { request.send().await.expect("metrics") }
    };
    assert_eq!(app.get("/metrics").await.status(), 404, "no token, no metrics");
    assert_eq!(scrape("scraper-token-0123456788").await.status(), 404);
    let before = scrape(TOKEN).await.text().await.expect("text");

    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(app.get("/p/playstation-5-slim").await.status(), 200);
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 1).await;
    let (ada, grace) = (app.new_client(), app.new_client());
    app.register(&ada, "ada").await;
    app.register(&grace, "grace").await;
    assert_eq!(add(&app, &ada, ps5, 1).await.status(), 200);
    assert_eq!(add(&app, &grace, ps5, 1).await.status(), 200);
    assert_eq!(
        checkout(&app, &ada, "metrics-key-0001", CARD_OK).await.status(),
        200
    );
    assert_eq!(
        checkout(&app, &grace, "metrics-key-0002", CARD_OK).await.status(),
        409
    );

    let response = scrape(TOKEN).await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("text/plain"));
    let after = response.text().await.expect("text");
    let grew = |name: &str| metric(&after, name) - metric(&before, name);
    assert_eq!(grew("wm_orders_paid_total"), 1.0, "{after}");
    assert!(grew("wm_revenue_cents_total") > 0.0);
    assert_eq!(grew(r#"wm_checkout_outcomes_total{outcome="paid"}"#), 1.0);
    assert_eq!(grew(r#"wm_checkout_outcomes_total{outcome="sold_out"}"#), 1.0);
    assert_eq!(grew("wm_sold_out_total"), 1.0);
    assert!(
        grew(r#"wm_http_requests_total{route="/",status="200"}"#) >= 1.0,
        "{after}"
    );
    assert!(grew(r#"wm_http_requests_total{route="/p/{slug}",status="200"}"#) >= 1.0);
    assert!(
        after.contains(r#"wm_http_request_duration_seconds_bucket{route="/",le="0.005"}"#),
        "{after}"
    );
    assert!(after.contains(r#"wm_db_pool_connections{state="in_use"}"#));
    assert_eq!(metric(&after, "wm_db_pool_max"), 10.0);
    assert_eq!(metric(&after, "wm_orders_awaiting_payment"), 0.0);
    assert!(after.contains("wm_refunds_owed 0"), "{after}");
}

/// The bytes a client gets for `path` when it accepts `encoding`, as sent.
async fn as_sent(app: &crate::common::TestApp, path: &str, encoding: &str) -> (Option<String>, Vec<u8>) {
    // This client decompresses nothing.
    let response = reqwest::Client::new()
        .get(app.url(path))
        .header("Accept-Encoding", encoding)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200, "{path}");
    let coding = response
        .headers()
        .get("content-encoding")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (coding, response.bytes().await.expect("body").to_vec())
}

#[sqlx::test(migrations = "../migrations")]
async fn site_files_are_sent_precompressed(pool: PgPool) {
    let root = std::env::temp_dir().join(format!("wm-site-{}", std::process::id()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site folder");
    let script = "export const shop = 'WonderMarket';\n".repeat(200);
    std::fs::write(pkg.join("shop.js"), &script).expect("script");
    std::fs::write(pkg.join("late.js"), &script).expect("script");
    let written = server::static_files::precompress(&root).expect("precompress");
    assert_eq!(written.len(), 2);
    // A file built after the precompression has no variants.
    std::fs::remove_file(pkg.join("late.js.br")).expect("remove");
    std::fs::remove_file(pkg.join("late.js.gz")).expect("remove");

    let site = root.to_string_lossy().into_owned();
    let app = spawn_app_configured(pool, |config| config.site_root = site).await;
    let (coding, body) = as_sent(&app, "/pkg/shop.js", "gzip, deflate, br").await;
    assert_eq!(coding.as_deref(), Some("br"));
    assert_eq!(
        body,
        std::fs::read(pkg.join("shop.js.br")).expect("variant"),
        "the file as written at build"
    );
    let (coding, body) = as_sent(&app, "/pkg/shop.js", "gzip").await;
    assert_eq!(coding.as_deref(), Some("gzip"));
    assert_eq!(body, std::fs::read(pkg.join("shop.js.gz")).expect("variant"));
    let (coding, body) = as_sent(&app, "/pkg/shop.js", "identity").await;
    assert_eq!((coding, body), (None, script.clone().into_bytes()));
    // Without variants, compressed on the fly as before.
    let (coding, body) = as_sent(&app, "/pkg/late.js", "br").await;
    assert_eq!(coding.as_deref(), Some("br"));
    assert_ne!(body, script.as_bytes());
    // A missing file is the shop's 404 page.
    let missing = app.get("/pkg/missing.js").await;
    assert_eq!(missing.status(), 404);
    let _ = std::fs::remove_dir_all(&root);
}
