#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The public API, `/api/v1`, as a program uses it: a token made on the
//! account page (shown once, stored hashed), the catalogue with its ETag,
//! a basket filled and paid with one order per Idempotency-Key; tokens
//! that are revoked, expired, of the wrong scope or sent as a cookie;
//! a login exchanged for a token under the login's limits; rate limits;
//! and the OpenAPI document with its reference page.

use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::shop::{product_id, stock_of, CARD_DECLINED, CARD_OK};
use crate::common::{spawn_app, spawn_app_configured, TestApp, PASSWORD};

/// Makes a personal token on the account page's form as `client`'s
/// account, with the scopes ticked; returns its secret.
pub async fn make_token(app: &TestApp, client: &reqwest::Client, name: &str, scopes: &[&str]) -> String {
    let mut form = vec![
        ("current_password", PASSWORD.to_owned()),
        ("name", name.to_owned()),
        ("expires_in_days", "30".to_owned()),
    ];
    for scope in scopes {
        form.push(match *scope {
            "read" => ("scope_read", "on".to_owned()),
            "write" => ("scope_write", "on".to_owned()),
            _ => ("scope_admin", "on".to_owned()),
        });
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.call_as(client, "api-tokens/create", &form).await;
    assert_eq!(response.status(), 200, "token made");
    response.json::<String>().await.expect("the secret")
}

/// A request to the API with `token` as its bearer.
pub fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
) -> reqwest::RequestBuilder {
    let request = reqwest::Client::new().request(method, app.url(path));
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

async fn body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn checkout_body(card: &str) -> Value {
    json!({
        "address": {"name": "Ada Lovelace", "street": "12 rue de la Paix", "postcode": "75002", "city": "Paris", "country": "FR"},
        "delivery_method_id": 2,
        "card": {"number": card, "expiry": "12/30", "cvc": "123"}
    })
}

#[sqlx::test]
async fn a_token_lists_fills_and_pays_one_order_per_idempotency_key(pool: PgPool) {
    let app = spawn_app(pool).await;
    let browser = app.new_client();
    let ada = app.register(&browser, "ada_api").await;
    let token = make_token(&app, &browser, "shop script", &["read", "write"]).await;
    assert!(token.starts_with("wm_") && token.len() == 46, "{token}");
    // Stored as a hash only: the secret is nowhere in the table.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT secret_hash FROM api_tokens WHERE user_id = $1")
        .bind(ada)
        .fetch_one(&app.pool)
        .await
        .expect("token row");
    assert_eq!(stored.len(), 32);
    assert!(!String::from_utf8_lossy(&stored).contains(&token[3..]));
    // The account page shows it this once, then never again.
    let page = app.page_as(&browser, "/account").await;
    assert!(page.contains(&token), "the new token shown once");
    let again = app.page_as(&browser, "/account").await;
    assert!(!again.contains(&token), "and only once");
    assert!(again.contains("shop script"));

    // The catalogue, with its ETag.
    let listing = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/products?sort=price_asc",
        Some(&token),
    )
    .send()
    .await
    .expect("GET");
    assert_eq!(listing.status(), 200);
    let tag = listing.headers()["etag"].to_str().expect("etag").to_owned();
    let (_, products) = body(listing).await;
    let prices: Vec<i64> = products["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["price_cents"].as_i64().expect("price"))
        .collect();
    assert!(
        prices.len() > 3 && prices.windows(2).all(|pair| pair[0] <= pair[1]),
        "{prices:?}"
    );
    let unchanged = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/products?sort=price_asc",
        None,
    )
    .header("If-None-Match", &tag)
    .send()
    .await
    .expect("GET");
    assert_eq!(unchanged.status(), 304);

    let mouse = product_id(&app, "le-petit-prince").await;
    let stock_before = stock_of(&app, mouse).await;
    let (status, added) = body(
        api(&app, reqwest::Method::POST, "/api/v1/basket/items", Some(&token))
            .json(&json!({"product_id": mouse, "quantity": 2}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!((status, added["added"].as_i64()), (200, Some(2)), "{added}");
    let (_, basket) = body(
        api(&app, reqwest::Method::GET, "/api/v1/basket", Some(&token))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(basket["item_count"], 2, "{basket}");
    assert!(basket["delivery_options"]
        .as_array()
        .is_some_and(|options| !options.is_empty()));

    // Pay: the same key twice is one order; another body under it is refused.
    let pay = |key: &str, card: &str| {
        api(&app, reqwest::Method::POST, "/api/v1/checkout", Some(&token))
            .header("Idempotency-Key", key)
            .json(&checkout_body(card))
            .send()
    };
    let first = pay("order-1", CARD_OK).await.expect("POST");
    assert_eq!(first.status(), 201);
    let (_, order) = body(first).await;
    assert_eq!(order["status"], "paid", "{order}");
    let retry = pay("order-1", CARD_OK).await.expect("POST");
    assert_eq!(
        retry
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().ok()),
        Some(Some("true"))
    );
    let (status, replayed) = body(retry).await;
    assert_eq!((status, &replayed["id"]), (201, &order["id"]));
    let (status, reused) = body(pay("order-1", CARD_DECLINED).await.expect("POST")).await;
    assert_eq!(status, 422, "{reused}");
    assert_eq!(reused["reason"], json!({"Conflict": "IdempotencyKeyReused"}));
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders WHERE user_id = $1")
        .bind(ada)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(orders, 1, "one order, charged once");
    assert_eq!(stock_of(&app, mouse).await, stock_before - 2);
    // No key: refused before anything is ordered.
    let (status, missing) = body(
        api(&app, reqwest::Method::POST, "/api/v1/checkout", Some(&token))
            .json(&checkout_body(CARD_OK))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(missing["reason"]["Validation"]["field"], "Idempotency-Key");

    let id = order["id"].as_i64().expect("id");
    let (status, detail) = body(
        api(
            &app,
            reqwest::Method::GET,
            &format!("/api/v1/orders/{id}"),
            Some(&token),
        )
        .send()
        .await
        .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(detail["lines"][0]["quantity"], 2);
    assert_eq!(detail["address"]["city"], "Paris");
    let (_, mine) = body(
        api(&app, reqwest::Method::GET, "/api/v1/orders", Some(&token))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(mine["items"][0]["id"], id);

    // Another customer's token: no such order.
    let other = app.new_client();
    app.register(&other, "bob_api").await;
    let bobs = make_token(&app, &other, "bob", &["read"]).await;
    let response = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/orders/{id}"),
        Some(&bobs),
    )
    .send()
    .await
    .expect("GET");
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

#[sqlx::test]
async fn tokens_are_refused_revoked_expired_out_of_scope_and_never_as_cookies(pool: PgPool) {
    let app = spawn_app(pool).await;
    let browser = app.new_client();
    app.register(&browser, "carol_api").await;
    let reader = make_token(&app, &browser, "reader", &["read"]).await;
    let get = |path: &str, token: Option<&str>| api(&app, reqwest::Method::GET, path, token).send();

    assert_eq!(get("/api/v1/basket", None).await.expect("GET").status(), 401);
    assert_eq!(
        get("/api/v1/basket", Some(&reader)).await.expect("GET").status(),
        200
    );
    // A write with a read-only token: 403, naming the scope.
    let (status, refused) = body(
        api(&app, reqwest::Method::POST, "/api/v1/basket/items", Some(&reader))
            .json(&json!({"product_id": 1, "quantity": 1}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!((status, refused["required_scope"].as_str()), (403, Some("write")));
    // A customer may not ask for the admin scope, nor use the back office.
    let response = app
        .call_as(
            &browser,
            "api-tokens/create",
            &[
                ("current_password", PASSWORD),
                ("name", "sneaky"),
                ("scope_admin", "on"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        get("/api/v1/admin/orders", Some(&reader))
            .await
            .expect("GET")
            .status(),
        403
    );

    // The session cookie is not a token, and the token is not a session.
    let with_cookie = browser.get(app.url("/api/v1/basket")).send().await.expect("GET");
    assert_eq!(
        with_cookie.status(),
        401,
        "a logged-in browser's cookie opens no API"
    );
    let bearer_on_pages = reqwest::Client::new()
        .post(app.url("/api/auth/me"))
        .bearer_auth(&reader)
        .header("Origin", &app.address)
        .send()
        .await
        .expect("POST");
    assert_eq!(
        bearer_on_pages.text().await.expect("body"),
        "null",
        "a token logs no page in"
    );

    // Odd spellings of the header: one reading, anything odd refused.
    for value in [
        format!("Basic {reader}"),
        format!("Bearer {reader} extra"),
        "Bearer wm_notavalidtoken".to_owned(),
        format!("Bearer {}", reader.to_uppercase()),
    ] {
        let response = reqwest::Client::new()
            .get(app.url("/api/v1/basket"))
            .header("Authorization", value.clone())
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 401, "{value}");
        assert!(response.headers().contains_key("www-authenticate"));
    }
    let twice = reqwest::Client::new()
        .get(app.url("/api/v1/categories"))
        .header("Authorization", format!("Bearer {reader}"))
        .header("Authorization", format!("Bearer {reader}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(twice.status(), 401, "two Authorization headers");
    let lower = reqwest::Client::new()
        .get(app.url("/api/v1/basket"))
        .header("authorization", format!("bearer {reader}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(lower.status(), 200, "the scheme is case-insensitive");

    // Expired, then revoked: 401 everywhere, public reads included.
    let expiring = make_token(&app, &browser, "expiring", &["read"]).await;
    sqlx::query(
        "UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day'
         WHERE name = 'expiring'",
    )
    .execute(&app.pool)
    .await
    .expect("expire");
    assert_eq!(
        get("/api/v1/basket", Some(&expiring))
            .await
            .expect("GET")
            .status(),
        401
    );
    assert_eq!(
        get("/api/v1/categories", Some(&expiring))
            .await
            .expect("GET")
            .status(),
        401
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = 'reader'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let response = app
        .call_as(&browser, "api-tokens/revoke", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        get("/api/v1/basket", Some(&reader)).await.expect("GET").status(),
        401
    );
    // Another customer cannot revoke it (nor see it).
    let dave = app.new_client();
    app.register(&dave, "dave_api").await;
    let response = app
        .call_as(&dave, "api-tokens/revoke", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 404);
    // Last use is recorded.
    let used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT last_used_at FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("last use");
    assert!(used.is_some());
}

#[sqlx::test]
async fn a_token_needs_the_password_dies_with_a_password_change_and_answers_json_to_any_accept(pool: PgPool) {
    let app = spawn_app(pool).await;
    let browser = app.new_client();
    let hal = app.register(&browser, "hal_api").await;
    let response = app
        .call_as(
            &browser,
            "api-tokens/create",
            &[
                ("current_password", "not the password"),
                ("name", "borrowed session"),
                ("scope_read", "on"),
                ("expires_in_days", "365"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400, "a borrowed session cannot mint a key");
    assert!(response.text().await.expect("body").contains("WrongPassword"));
    let token = make_token(&app, &browser, "script", &["read", "write"]).await;

    // A client that accepts HTML still gets the API's answer, once.
    let book = product_id(&app, "le-petit-prince").await;
    for _ in 0..2 {
        let response = api(&app, reqwest::Method::POST, "/api/v1/basket/items", Some(&token))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Idempotency-Key", "add-once")
            .json(&json!({"product_id": book, "quantity": 1}))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 200);
    }
    let quantity: i32 = sqlx::query_scalar("SELECT quantity FROM basket_lines WHERE user_id = $1")
        .bind(hal)
        .fetch_one(&app.pool)
        .await
        .expect("line");
    assert_eq!(quantity, 1, "the same key adds once");

    let response = app
        .call_as(
            &browser,
            "users/change-password",
            &[
                ("current_password", PASSWORD),
                ("password", "another horse battery"),
                ("password_confirmation", "another horse battery"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = api(&app, reqwest::Method::GET, "/api/v1/basket", Some(&token))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 401, "a password change revokes every token");
}

#[sqlx::test]
async fn an_administrators_token_reaches_the_back_office_which_lists_and_revokes_any(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "root_api").await;
    let admin_token = make_token(&app, &admin, "ops", &["read", "admin"]).await;
    let customer = app.new_client();
    app.register(&customer, "erin_api").await;
    let customers = make_token(&app, &customer, "erin's", &["read", "write"]).await;

    let mouse = product_id(&app, "le-petit-prince").await;
    let before = stock_of(&app, mouse).await;
    let (status, level) = body(
        api(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/admin/products/{mouse}/stock"),
            Some(&admin_token),
        )
        .json(&json!({"delta": 5, "reason": "delivery from the warehouse"}))
        .send()
        .await
        .expect("POST"),
    )
    .await;
    assert_eq!(
        (status, level["stock"].as_i64()),
        (200, Some(i64::from(before) + 5)),
        "{level}"
    );
    let (status, users) = body(
        api(
            &app,
            reqwest::Method::GET,
            "/api/v1/admin/users?q=erin",
            Some(&admin_token),
        )
        .send()
        .await
        .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(users["items"][0]["username"], "erin_api");

    // A product made and changed through the API, in cents.
    let category: i64 = sqlx::query_scalar("SELECT id FROM categories ORDER BY id LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .expect("category");
    let fields = json!({
        "name": "Lampe API", "slug": "lampe-api", "description": "Une lampe.", "category_id": category,
        "price_cents": 1290, "max_per_order": 3, "stock": 7
    });
    let (status, created) = body(
        api(
            &app,
            reqwest::Method::POST,
            "/api/v1/admin/products",
            Some(&admin_token),
        )
        .json(&fields)
        .send()
        .await
        .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (_, product) = body(
        api(&app, reqwest::Method::GET, "/api/v1/products/lampe-api", None)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(
        (product["price_cents"].as_i64(), product["stock"].as_i64()),
        (Some(1290), Some(7)),
        "{product}"
    );
    let mut changed = fields.clone();
    changed["name"] = json!("Lampe de bureau");
    changed["price_cents"] = json!(1999);
    let response = api(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/admin/products/{}", created["id"]),
        Some(&admin_token),
    )
    .json(&changed)
    .send()
    .await
    .expect("PUT");
    assert_eq!(response.status(), 204);
    let (_, product) = body(
        api(&app, reqwest::Method::GET, "/api/v1/products/lampe-api", None)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(
        (product["name"].as_str(), product["price_cents"].as_i64()),
        (Some("Lampe de bureau"), Some(1999))
    );
    changed["price_cents"] = json!(-5);
    let response = api(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/admin/products/{}", created["id"]),
        Some(&admin_token),
    )
    .json(&changed)
    .send()
    .await
    .expect("PUT");
    assert_eq!(response.status(), 400, "a negative price is refused");
    // A drop of the new product, scheduled, then listed.
    let sku: String = sqlx::query_scalar("SELECT sku FROM products WHERE slug = 'lampe-api'")
        .fetch_one(&app.pool)
        .await
        .expect("sku");
    let (status, drop) = body(
        api(&app, reqwest::Method::POST, "/api/v1/admin/drops", Some(&admin_token))
            .json(&json!({"name": "Lampes de Noël", "opens_at": "2030-12-24T20:00", "skus": [sku], "room_minutes": 30}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{drop}");
    let (status, drops) = body(
        api(
            &app,
            reqwest::Method::GET,
            "/api/v1/admin/drops",
            Some(&admin_token),
        )
        .send()
        .await
        .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        drops
            .as_array()
            .expect("drops")
            .iter()
            .any(|listed| listed["id"] == drop["id"] && listed["name"] == "Lampes de Noël"),
        "{drops}"
    );
    let (status, refused) = body(
        api(
            &app,
            reqwest::Method::POST,
            "/api/v1/admin/drops",
            Some(&admin_token),
        )
        .json(&json!({"name": "Rien", "opens_at": "2030-12-24T20:00", "skus": ["NO-SUCH-SKU"]}))
        .send()
        .await
        .expect("POST"),
    )
    .await;
    assert_eq!(status, 400, "{refused}");

    // The back office lists every live token and revokes the customer's.
    let page = app.page_as(&admin, "/admin/api-tokens").await;
    assert!(page.contains("erin&#x27;s") || page.contains("erin's"), "listed");
    assert!(!page.contains(&customers), "never the secret");
    let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = 'erin''s'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let response = app
        .call_as(&admin, "api-tokens/admin-revoke", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let response = api(&app, reqwest::Method::GET, "/api/v1/basket", Some(&customers))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 401);
    // A customer's session cannot use that back-office function.
    let response = app
        .call_as(&customer, "api-tokens/admin-revoke", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 403);
}

#[sqlx::test]
async fn a_login_becomes_a_short_token_under_the_login_limits(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.login_max_failures = 3).await;
    let browser = app.new_client();
    app.register(&browser, "frank_api").await;
    let exchange = |password: &str| {
        reqwest::Client::new()
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"login": "frank_api", "password": password}))
            .send()
    };
    let (status, issued) = body(exchange(PASSWORD).await.expect("POST")).await;
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["scopes"], json!(["read", "write"]));
    let token = issued["token"].as_str().expect("token");
    let (status, account) = body(
        api(&app, reqwest::Method::GET, "/api/v1/account", Some(token))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!((status, account["username"].as_str()), (200, Some("frank_api")));
    // It ends in an hour, and revokes itself on request.
    let hours: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM expires_at - created_at)::float8 / 3600 FROM api_tokens WHERE kind = 'login'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("life");
    assert!((hours - 1.0).abs() < 0.01, "{hours}");
    let response = api(&app, reqwest::Method::DELETE, "/api/v1/auth/token", Some(token))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(response.status(), 204);
    let response = api(&app, reqwest::Method::GET, "/api/v1/account", Some(token))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 401);

    // Wrong passwords: 401, then the login page's own limit, 429 with Retry-After.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            exchange("not the password")
                .await
                .expect("POST")
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    let throttled = exchange(PASSWORD).await.expect("POST");
    assert_eq!(throttled.status(), 429, "the right password waits too");
    assert!(throttled.headers().contains_key("retry-after"));
    let logins = app.login(&browser, "frank_api", PASSWORD).await;
    assert_eq!(logins.status(), 429, "one budget with the login page");
}

#[sqlx::test]
async fn requests_past_the_limits_get_429_with_retry_after(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| {
        config.api_requests_per_token = 5;
        config.api_requests_per_address = 8;
    })
    .await;
    let browser = app.new_client();
    app.register(&browser, "gina_api").await;
    let token = make_token(&app, &browser, "busy", &["read"]).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = api(&app, reqwest::Method::GET, "/api/v1/categories", Some(&token))
            .send()
            .await
            .expect("GET");
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            let wait: u32 = response.headers()["retry-after"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&wait), "{wait}");
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429], "per token");
    // Anonymous calls from the same address count for it: 2 more pass.
    let mut anonymous = Vec::new();
    for _ in 0..3 {
        anonymous.push(
            api(&app, reqwest::Method::GET, "/api/v1/categories", None)
                .send()
                .await
                .expect("GET")
                .status()
                .as_u16(),
        );
    }
    assert_eq!(anonymous, [200, 200, 429], "per address");
}

#[sqlx::test]
async fn the_openapi_document_and_its_reference_page_are_served(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, document) = body(app.get("/api/v1/openapi.json").await).await;
    assert_eq!(status, 200);
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3.1")),
        "{}",
        document["openapi"]
    );
    assert!(document["paths"]["/api/v1/checkout"]["post"].is_object());
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let (status, page) = app.get_html("/api/docs").await;
    assert_eq!(status, 200);
    assert!(page.contains("POST /api/v1/checkout"));
    assert!(page.contains("id=\"problem-conflict\""));
    assert!(!page.contains("<script"), "no script, no CDN");
    assert!(!page.contains("https://"), "nothing fetched from elsewhere");
    // An unknown API path answers as the API does.
    let response = app.get("/api/v1/nothing/here").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}
