//! Shop helpers for the HTTP tests: products, stock, basket and checkout.

use super::TestApp;

pub const CARD_OK: &str = "4242 4242 4242 4242";
pub const CARD_DECLINED: &str = "4000 0000 0000 0002";
pub use app::payment::gateway::{
    TEST_CARD_CHARGED_THEN_CONNECTION_LOST as CARD_CHARGED_THEN_LOST,
    TEST_CARD_CHARGED_THEN_TIMEOUT as CARD_CHARGED_THEN_TIMEOUT,
};

pub async fn product_id(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .expect("product")
}

pub async fn set_stock(app: &TestApp, id: i64, stock: i32) {
    sqlx::query("UPDATE products SET stock = $2 WHERE id = $1")
        .bind(id)
        .bind(stock)
        .execute(&app.pool)
        .await
        .expect("stock");
}

pub async fn stock_of(app: &TestApp, id: i64) -> i32 {
    sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("stock")
}

pub async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// How many orders have `status`.
pub async fn orders_in(app: &TestApp, status: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM orders WHERE status = $1")
        .bind(status)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// A checkout by `client` started in the background (card OK, key `key`),
/// returned once its order awaits payment: the provider is still being
/// asked when this returns.
pub async fn checkout_in_background(
    app: &TestApp,
    client: &reqwest::Client,
    key: &'static str,
) -> tokio::task::JoinHandle<reqwest::Response> {
    let (url, origin, client) = (
        app.url("/api/payment/checkout"),
        app.address.clone(),
        client.clone(),
    );
    let paying = tokio::spawn(async move {
        client
            .post(url)
            .header("Origin", origin)
            .form(&checkout_form(key, CARD_OK, "1 rue"))
            .send()
            .await
            .expect("POST")
    });
    while orders_in(app, "awaiting_payment").await == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    paying
}

pub async fn add(app: &TestApp, client: &reqwest::Client, product: i64, quantity: i32) -> reqwest::Response {
    app.call_as(
        client,
        "basket/add",
        &[
            ("product_id", &product.to_string()),
            ("quantity", &quantity.to_string()),
        ],
    )
    .await
}

pub async fn checkout(app: &TestApp, client: &reqwest::Client, key: &str, card: &str) -> reqwest::Response {
    checkout_to(app, client, key, card, "12 rue de la Paix").await
}

/// A checkout shipped to `street` (75002 Paris, France).
pub async fn checkout_to(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    card: &str,
    street: &str,
) -> reqwest::Response {
    app.call_as(client, "payment/checkout", &checkout_form(key, card, street))
        .await
}

/// The seeded "Point relais" delivery method: 3,49 €, free from 35 €,
/// any weight, France and Belgium (migration 35 writes it second).
pub const POINT_RELAIS: &str = "2";

/// The checkout form's fields, shipped to `street` (75002 Paris, France)
/// by Point relais.
pub fn checkout_form<'a>(key: &'a str, card: &'a str, street: &'a str) -> [(&'static str, &'a str); 10] {
    [
        ("ship_name", "Ada Lovelace"),
        ("ship_street", street),
        ("ship_postcode", "75002"),
        ("ship_city", "Paris"),
        ("ship_country", "France"),
        ("card_number", card),
        ("card_expiry", "12/30"),
        ("card_cvc", "123"),
        ("idempotency_key", key),
        ("delivery_method", POINT_RELAIS),
    ]
}

pub async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("json")
}

/// The caller's basket as `(product id, quantity)` pairs.
pub async fn basket_lines(app: &TestApp, client: &reqwest::Client) -> Vec<(i64, i64)> {
    let basket = json(app.call_as(client, "basket/get", &[]).await).await;
    basket["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|line| {
            (
                line["product_id"].as_i64().expect("product"),
                line["quantity"].as_i64().expect("quantity"),
            )
        })
        .collect()
}

pub async fn set_quantity(
    app: &TestApp,
    client: &reqwest::Client,
    product: i64,
    quantity: i32,
) -> reqwest::Response {
    app.call_as(
        client,
        "basket/set-quantity",
        &[
            ("product_id", &product.to_string()),
            ("quantity", &quantity.to_string()),
        ],
    )
    .await
}

/// Runs SQL on the test's pool (set-up only).
pub async fn sql(app: &TestApp, statement: &str) {
    sqlx::query(statement).execute(&app.pool).await.expect(statement);
}
