//! Health, compression and the cross-site guard.

use crate::common::spawn_app;
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
