#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Webhooks as a receiver sees them: a server started here gets each event
//! once, signed with the endpoint's key; a failing receiver is retried and
//! then marked failed, and the back office sends it again; a rolled-back
//! cause sends nothing; a redirect is not followed; a private or loopback
//! target is refused unless the operator allows them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use sqlx::PgPool;

use crate::common::shop::{add, checkout, product_id, CARD_DECLINED, CARD_OK};
use crate::common::{spawn_app, spawn_app_configured, TestApp};

#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A receiver on 127.0.0.1 answering every POST with `status` (and a
/// `Location` for a redirect); it keeps what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(status: u16, location: Option<String>) -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let kept = got.clone();
        let handler = move |headers: HeaderMap, body: axum::body::Bytes| {
            let kept = kept.clone();
            let location = location.clone();
            async move {
                kept.lock().expect("lock").push(Received {
                    headers,
                    body: body.to_vec(),
                });
                let mut response = axum::response::Response::new(axum::body::Body::empty());
                *response.status_mut() = StatusCode::from_u16(status).expect("status");
                if let Some(location) = location {
                    response
                        .headers_mut()
                        .insert("location", location.parse().expect("location"));
                }
                response
            }
        };
        let router = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url: format!("http://{address}/hook"),
            got,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the receiver got {} of {count}", self.received().len());
    }
}

/// Checks a delivery's signature as a receiver would: HMAC-SHA256 of
/// "<t>.<body>" with the endpoint's key, in the `WonderMarket-Signature`
/// header.
fn signature_valid(secret: &str, received: &Received) -> bool {
    let header = received.header("wondermarket-signature");
    let Some((t, v1)) = header
        .split_once(',')
        .and_then(|(t, v1)| Some((t.strip_prefix("t=")?, v1.strip_prefix("v1=")?)))
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&received.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

/// Registers an endpoint through the back office's form: its key.
async fn register(app: &TestApp, admin: &reqwest::Client, url: &str, events: &[&str]) -> reqwest::Response {
    let mut form = vec![("url", url.to_owned())];
    for event in events {
        form.push((
            Box::leak(event.replace('.', "_").into_boxed_str()),
            "on".to_owned(),
        ));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call_as(admin, "webhooks/create", &form).await
}

async fn secret_of(app: &TestApp, url: &str) -> String {
    sqlx::query_scalar("SELECT secret FROM webhook_endpoints WHERE url = $1")
        .bind(url)
        .fetch_one(&app.pool)
        .await
        .expect("endpoint")
}

async fn deliveries(app: &TestApp, event: &str) -> Vec<(String, i32)> {
    sqlx::query_as("SELECT status, attempts FROM webhook_deliveries WHERE event = $1 ORDER BY id")
        .bind(event)
        .fetch_all(&app.pool)
        .await
        .expect("deliveries")
}

async fn allowing_private(pool: PgPool) -> TestApp {
    spawn_app_configured(pool, |config| {
        config.webhooks.webhooks_allow_private = true;
        config.webhooks.webhook_max_attempts = 3;
        config.webhooks.webhook_retry_ms = 50;
    })
    .await
}

#[sqlx::test]
async fn a_paid_order_reaches_the_receiver_once_signed_and_a_declined_one_never(pool: PgPool) {
    let app = allowing_private(pool).await;
    let receiver = Receiver::start(204, None).await;
    let admin = app.new_client();
    app.admin(&admin, "hook_admin").await;
    let response = register(&app, &admin, &receiver.url, &["order.paid", "order.shipped"]).await;
    assert_eq!(response.status(), 200);
    let secret = secret_of(&app, &receiver.url).await;

    let shopper = app.new_client();
    let customer = app.register(&shopper, "hook_shopper").await;
    let book = product_id(&app, "le-petit-prince").await;
    assert_eq!(add(&app, &shopper, book, 1).await.status(), 200);
    assert_eq!(
        checkout(&app, &shopper, "hook-order-declined", CARD_DECLINED)
            .await
            .status(),
        400
    );
    assert_eq!(add(&app, &shopper, book, 1).await.status(), 200);
    assert_eq!(
        checkout(&app, &shopper, "hook-order-paid-01", CARD_OK)
            .await
            .status(),
        200
    );
    let order: i64 = sqlx::query_scalar("SELECT id FROM orders WHERE user_id = $1 AND status = 'paid'")
        .bind(customer)
        .fetch_one(&app.pool)
        .await
        .expect("order");

    let got = receiver.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got_later = receiver.received();
    assert_eq!(got_later.len(), 1, "once, and only for the paid order: {got:?}");
    let paid = &got_later[0];
    assert!(signature_valid(&secret, paid), "signed with the endpoint's key");
    assert!(!signature_valid("whsec_another", paid), "and only that key");
    assert_eq!(paid.header("wondermarket-event"), "order.paid");
    let body = paid.json();
    assert_eq!(body["event"], "order.paid");
    assert_eq!(body["data"]["order_id"], order);
    assert_eq!(body["data"]["customer_id"], customer);
    assert_eq!(
        body["delivery_id"].to_string(),
        paid.header("wondermarket-delivery")
    );
    assert_eq!(
        deliveries(&app, "order.paid").await,
        [("delivered".to_owned(), 1)]
    );

    // Shipped, in a transaction that rolls back: nothing is written.
    let mut tx = app.pool.begin().await.expect("begin");
    sqlx::query("UPDATE orders SET status = 'shipped' WHERE id = $1")
        .bind(order)
        .execute(&mut *tx)
        .await
        .expect("update");
    tx.rollback().await.expect("rollback");
    assert!(
        deliveries(&app, "order.shipped").await.is_empty(),
        "a rolled-back cause sends nothing"
    );
    // Shipped for real, through the back office: one more.
    let response = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[("order_id", &order.to_string()), ("status", "shipped")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].json()["event"], "order.shipped");
    assert!(signature_valid(&secret, &got[1]));
}

#[sqlx::test]
async fn a_failing_receiver_is_retried_then_marked_failed_and_sent_again_on_request(pool: PgPool) {
    let app = allowing_private(pool).await;
    let failing = Receiver::start(500, None).await;
    let elsewhere = Receiver::start(204, None).await;
    let redirecting = Receiver::start(307, Some(elsewhere.url.clone())).await;
    let admin = app.new_client();
    app.admin(&admin, "hook_admin2").await;
    assert_eq!(
        register(&app, &admin, &failing.url, &["stock.sold_out"])
            .await
            .status(),
        200
    );
    assert_eq!(
        register(&app, &admin, &redirecting.url, &["stock.sold_out"])
            .await
            .status(),
        200
    );

    // The back office empties a product's stock: stock.sold_out.
    let book = product_id(&app, "le-petit-prince").await;
    let stock: i32 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(book)
        .fetch_one(&app.pool)
        .await
        .expect("stock");
    let response = app
        .call_as(
            &admin,
            "products/admin/adjust-stock",
            &[
                ("id", &book.to_string()),
                ("delta", &(-stock).to_string()),
                ("reason", "inventory"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);

    failing.wait_for(3).await;
    redirecting.wait_for(3).await;
    let mut settled = Vec::new();
    for _ in 0..100 {
        settled = deliveries(&app, "stock.sold_out").await;
        if settled.iter().all(|(status, _)| status == "failed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(settled, [("failed".to_owned(), 3), ("failed".to_owned(), 3)]);
    assert_eq!(failing.received().len(), 3, "three attempts, no more");
    assert!(elsewhere.received().is_empty(), "a redirect is not followed");
    let sold_out = failing.received()[0].json();
    assert_eq!(sold_out["data"]["product_id"], book);
    assert_eq!(sold_out["data"]["stock"], 0);

    // The back office shows the last answer and sends it again.
    let page = app.page_as(&admin, "/admin/webhooks").await;
    assert!(
        page.contains("500 the receiver refused it"),
        "the receiver's last answer is listed"
    );
    assert!(page.contains("307 redirects are not followed"));
    let id: i64 = sqlx::query_scalar(
        "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.url = $1",
    )
    .bind(&failing.url)
    .fetch_one(&app.pool)
    .await
    .expect("delivery");
    let response = app
        .call_as(&admin, "webhooks/resend", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    failing.wait_for(4).await;
}

#[sqlx::test]
async fn private_and_loopback_targets_are_refused_unless_allowed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let receiver = Receiver::start(204, None).await;
    let admin = app.new_client();
    app.admin(&admin, "hook_admin3").await;
    let port = receiver
        .url
        .split(':')
        .nth(2)
        .and_then(|rest| rest.split('/').next())
        .expect("port");
    for target in [
        receiver.url.clone(),
        format!("http://localhost:{port}/hook"),
        format!("http://[::1]:{port}/hook"),
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://10.0.0.1/hook".to_owned(),
        "http://0.0.0.0/hook".to_owned(),
        format!("http://2130706433:{port}/hook"),
        format!("http://0x7f.1:{port}/hook"),
        format!("http://user:pw@example.com:{port}/hook"),
        "file:///etc/passwd".to_owned(),
    ] {
        let response = register(&app, &admin, &target, &["order.paid"]).await;
        assert_eq!(response.status(), 400, "{target}");
        let refusal = response.text().await.expect("body");
        let expected = if target.contains('@') || target.starts_with("file") {
            "Url"
        } else {
            "PublicAddress"
        };
        assert!(refusal.contains(expected), "{target}: {refusal}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0, "none registered");
    // Ones written before their name turned private, or by hand, are not
    // sent either: the sender checks again, whatever the spelling.
    for target in [
        format!("http://localhost:{port}/hook"),
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://2130706433:{port}/hook"),
        format!("http://0x7f.1:{port}/hook"),
        format!("http://[::ffff:7f00:1]:{port}/hook"),
    ] {
        sqlx::query(
            "INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, '{order.paid}', 'whsec_0123456789abcdef0123456789abcdef')",
        )
        .bind(target)
        .execute(&app.pool)
        .await
        .expect("endpoint");
    }
    sqlx::query("SELECT enqueue_webhook('order.paid', '{}')")
        .execute(&app.pool)
        .await
        .expect("enqueue");
    let mut tried = 0;
    for _ in 0..100 {
        tried = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM webhook_deliveries WHERE last_error IS NOT NULL",
        )
        .fetch_one(&app.pool)
        .await
        .expect("deliveries");
        if tried == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tried, 5, "every attempt failed");
    assert!(
        receiver.received().is_empty(),
        "nothing reached the loopback receiver"
    );
    // A customer cannot reach the back office's webhook functions.
    let customer = app.new_client();
    app.register(&customer, "hook_customer").await;
    let response = register(&app, &customer, "https://93.184.216.34/hook", &["order.paid"]).await;
    assert_eq!(response.status(), 403);
}
