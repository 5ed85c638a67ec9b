#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Live pages: a sale on one instance reaches a page following the stock
//! on another; a basket hold that runs out is heard too; the room's
//! position is pushed; bad and surplus streams are refused.

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::PgPool;

use crate::common::shop::{add, checkout, product_id, set_stock, sql, CARD_OK};
use crate::common::{spawn_another_configured, spawn_app, spawn_app_configured, TestApp};
use crate::drops::{console_drop, join_for_ticket, open_now};

/// How long a test waits for news before it fails: a liveness bound, not
/// a speed (the latency is printed, and timed by `make bench`).
const PATIENCE: Duration = Duration::from_secs(15);

/// One page's event stream, read event by event.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, query: &str) -> Self {
        let response = reqwest::Client::new()
            .get(app.url(&format!("/live?{query}")))
            .header("accept-language", "fr")
            .send()
            .await
            .expect("connect");
        assert_eq!(response.status(), 200, "{query}");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert_eq!(response.headers()["cache-control"], "no-store");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event named `name` (others are skipped), as JSON.
    async fn next(&mut self, name: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let event = block
                    .lines()
                    .find_map(|line| line.strip_prefix("event: "))
                    .unwrap_or("message");
                let data = block.lines().find_map(|line| line.strip_prefix("data: "));
                if let (true, Some(data)) = (event == name, data) {
                    return serde_json::from_str(data).expect("json data");
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(left, self.response.chunk())
                .await
                .unwrap_or_else(|_| panic!("no {name} event within {PATIENCE:?}"))
                .expect("read")
                .expect("the stream stays open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// Until the instance serving `stream` listens, nudges the stock of
/// `product` (to `stock`) and waits for the news.
async fn until_heard(app: &TestApp, stream: &mut Stream, product: i64, stock: i32) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        set_stock(app, product, stock + 1).await;
        set_stock(app, product, stock).await;
        if let Ok(event) = tokio::time::timeout(Duration::from_millis(500), stream.next("stock")).await {
            return event;
        }
        assert!(
            Instant::now() < deadline,
            "the instance never heard a stock change"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sale_on_one_instance_reaches_a_page_served_by_another(pool: PgPool) {
    let a = spawn_app(pool.clone()).await;
    let b = spawn_another_configured(pool, |_| {}).await;
    let product = product_id(&a, "steam-deck-oled").await;
    let mut page = Stream::open(&b, &format!("p={product}")).await;
    // B listens: a change made anywhere is heard.
    until_heard(&a, &mut page, product, 3).await;

    let buyer = a.new_client();
    a.register(&buyer, "live-buyer").await;
    assert_eq!(add(&a, &buyer, product, 1).await.status(), 200);
    let sold = Instant::now();
    assert_eq!(checkout(&a, &buyer, "live-sale-1", CARD_OK).await.status(), 200);
    let event = page.next("stock").await;
    println!(
        "a sale on A reached a page on B {:?} after the checkout answered",
        sold.elapsed()
    );
    assert_eq!(event["id"], product);
    assert_eq!(event["level"], "low");
    assert_eq!(event["text"], "Plus que 2 en stock");

    // The last two sold: the page says so, in its language.
    let other = a.new_client();
    a.register(&other, "live-buyer-2").await;
    assert_eq!(add(&a, &other, product, 2).await.status(), 200);
    assert_eq!(checkout(&a, &other, "live-sale-2", CARD_OK).await.status(), 200);
    let event = page.next("stock").await;
    assert_eq!(event["level"], "out");
    assert_eq!(event["text"], "Épuisé");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_basket_hold_and_its_end_are_heard(pool: PgPool) {
    let app = spawn_app(pool).await;
    let product = product_id(&app, "steam-deck-oled").await;
    sql(
        &app,
        &format!("UPDATE products SET hold_minutes = 10 WHERE id = {product}"),
    )
    .await;
    let mut page = Stream::open(&app, &format!("p={product}")).await;
    until_heard(&app, &mut page, product, 1).await;

    // A customer's basket holds the last unit: nobody else can buy it.
    let holder = app.new_client();
    app.register(&holder, "live-holder").await;
    assert_eq!(add(&app, &holder, product, 1).await.status(), 200);
    assert_eq!(page.next("stock").await["level"], "out");

    // The hold runs out (it writes nothing): the page hears it anyway.
    sql(
        &app,
        &format!(
            "UPDATE basket_lines SET held_until = now() + interval '1 second' WHERE product_id = {product}"
        ),
    )
    .await;
    let event = page.next("stock").await;
    assert_eq!(event["level"], "low", "{event}");
    assert_eq!(event["text"], "Plus que 1 en stock");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_room_pushes_the_position_and_the_turn(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, _) = console_drop(&app.pool, 1).await;
    let first = app.new_client();
    let second = app.new_client();
    join_for_ticket(&app, &first, drop).await;
    let ticket = join_for_ticket(&app, &second, drop).await;
    let mut room = Stream::open(&app, &format!("ticket={ticket}")).await;
    // At once: where the visitor stands.
    let now = room.next("room").await;
    assert_eq!(now["state"], "pre_queue", "{now}");

    // The opening draws the places, the pace admits one a second: the
    // visitor hears a place, then the turn (and is told to load the page).
    open_now(&app.pool, drop).await;
    let mut states = Vec::new();
    loop {
        let event = room.next("room").await;
        states.push(event["state"].as_str().unwrap_or_default().to_owned());
        if event["state"] == "admitted" {
            assert_eq!(event["reload"], true);
            break;
        }
        assert_eq!(event["reload"], false, "{event}");
    }
    assert!(
        states
            .iter()
            .all(|state| state == "waiting" || state == "placing" || state == "admitted"),
        "{states:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_and_surplus_streams_are_refused(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.max_live_pages = 1).await;
    let client = reqwest::Client::new();
    let many: Vec<String> = (1..=51).map(|id| id.to_string()).collect();
    for query in [
        "p=abc".to_owned(),
        "p=1,-2".to_owned(),
        "p=1&p=2".to_owned(),
        format!("p={}", many.join(",")),
    ] {
        let answer = client
            .get(app.url(&format!("/live?{query}")))
            .send()
            .await
            .expect("ask");
        assert_eq!(answer.status(), 400, "{query}");
    }
    let forged = client
        .get(app.url("/live?ticket=12.00000000000000000000000000000000"))
        .send()
        .await
        .expect("ask");
    assert_eq!(forged.status(), 404);

    // One page follows; the next is asked to come back later.
    let _open = Stream::open(&app, "p=1").await;
    let refused = client.get(app.url("/live?p=1")).send().await.expect("ask");
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "10");
}
