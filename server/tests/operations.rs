//! Health, compression and the cross-site guard.

mod common;

use common::spawn_app;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_is_200_with_the_database_and_503_without(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    app.pool.close().await;
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

    let same_site = app.call("i18n/set-locale", &[("locale", "en")]).await;
    assert_eq!(same_site.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_are_not_reachable_by_get(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/api/i18n/set-locale?locale=en").await;
    assert!(response.status().is_client_error(), "got {}", response.status());
    assert!(response.headers().get("set-cookie").is_none());
}
