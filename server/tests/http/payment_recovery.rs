#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The server process killed in the middle of a checkout: its next start
//! asks the provider about the order's key and settles it, once — paid if
//! the card was charged, released if it was not.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::common::process::{free_port, url_of, wait_healthy, SERVER};
use crate::common::shop::{checkout_form, CARD_CHARGED_THEN_TIMEOUT, CARD_OK};
use crate::common::{cookie_client, sign_up_form};

struct Shop {
    pool: PgPool,
    port: u16,
    env: Vec<(&'static str, String)>,
}

impl Shop {
    async fn new(pool: PgPool, env: &[(&'static str, &str)]) -> Self {
        server::database::migrate(&pool).await.expect("migrate");
        server::seed::seed_demo(&pool).await.expect("seed");
        Self {
            pool,
            port: free_port(),
            env: env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        }
    }

    async fn start(&self) -> Child {
        let child = Command::new(SERVER)
            .env("DATABASE_URL", url_of(&self.pool))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .env("WONDERMARKET_SIGN_UPS_PER_HOUR", "1000")
            .env("RUST_LOG", "warn")
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server");
        wait_healthy(self.port).await;
        child
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn post(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Origin", format!("http://127.0.0.1:{}", self.port))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Ada, signed up, with one PlayStation (the last one) in her basket.
    async fn ada_with_the_last_console(&self) -> (reqwest::Client, i64) {
        let ps5: i64 = sqlx::query_scalar(
            "UPDATE products SET stock = 1 WHERE slug = 'playstation-5-slim' RETURNING id",
        )
        .fetch_one(&self.pool)
        .await
        .expect("product");
        let ada = cookie_client();
        let signed_up = self
            .post(&ada, "auth/register", &sign_up_form("ada", "ada@example.com"))
            .await;
        assert_eq!(signed_up.status(), 200);
        let added = self
            .post(
                &ada,
                "basket/add",
                &[("product_id", &ps5.to_string()), ("quantity", "1")],
            )
            .await;
        assert_eq!(added.status(), 200);
        (ada, ps5)
    }

    /// How many lines the client's basket has.
    async fn basket_lines(&self, client: &reqwest::Client) -> usize {
        let basket: serde_json::Value = self
            .post(client, "basket/get", &[])
            .await
            .json()
            .await
            .expect("json");
        basket["lines"].as_array().map_or(0, Vec::len)
    }

    /// Sends Ada's checkout without waiting for its answer.
    fn checkout_in_background(
        &self,
        client: &reqwest::Client,
        card: &'static str,
    ) -> tokio::task::JoinHandle<reqwest::Result<reqwest::Response>> {
        let request = client
            .post(self.url("/api/payment/checkout"))
            .header("Origin", self.url(""))
            .form(&checkout_form("crash-key-0001", card, "1 rue"));
        tokio::spawn(request.send())
    }

    async fn expire_orders(&self) {
        sqlx::query("UPDATE orders SET expires_at = now() - interval '1 second'")
            .execute(&self.pool)
            .await
            .expect("expire");
    }

    async fn stock_of(&self, product: i64) -> i32 {
        sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
            .bind(product)
            .fetch_one(&self.pool)
            .await
            .expect("stock")
    }

    async fn scalar<T>(&self, query: &str) -> T
    where
        T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        sqlx::query_scalar(query)
            .fetch_one(&self.pool)
            .await
            .expect(query)
    }

    async fn wait_for(&self, query: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.scalar::<bool>(query).await {
            assert!(Instant::now() < deadline, "never came true: {query}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn kill_hard(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
}

#[sqlx::test(migrations = "../migrations")]
async fn killed_after_the_charge_the_order_ends_paid_once(pool: PgPool) {
    let shop = Shop::new(
        pool,
        &[
            ("WONDERMARKET_CHARGE_TIMEOUT_SECONDS", "600"),
            ("WONDERMARKET_PAYMENT_WINDOW_SECONDS", "3600"),
        ],
    )
    .await;
    let server = shop.start().await;
    let (ada, ps5) = shop.ada_with_the_last_console().await;
    // The provider charges, then never answers; the process dies meanwhile.
    let checkout = shop.checkout_in_background(&ada, CARD_CHARGED_THEN_TIMEOUT);
    shop.wait_for("SELECT count(*) = 1 FROM test_provider.charges WHERE outcome = 'succeeded'")
        .await;
    kill_hard(server);
    assert!(checkout.await.expect("task").is_err(), "the answer never came");
    assert_eq!(
        shop.scalar::<String>("SELECT status FROM orders").await,
        "awaiting_payment",
        "charged, not yet confirmed"
    );
    assert_eq!(shop.scalar::<i64>("SELECT count(*) FROM payments").await, 0);

    // The payment window passes (in the database), the shop starts again.
    shop.expire_orders().await;
    let server = shop.start().await;
    shop.wait_for("SELECT status <> 'awaiting_payment' FROM orders")
        .await;
    assert_eq!(shop.scalar::<String>("SELECT status FROM orders").await, "paid");
    assert_eq!(shop.scalar::<i64>("SELECT count(*) FROM payments").await, 1);
    assert_eq!(
        shop.scalar::<String>("SELECT provider_reference FROM payments")
            .await,
        shop.scalar::<String>("SELECT reference FROM test_provider.charges")
            .await,
        "the order holds the provider's charge"
    );
    assert_eq!(shop.stock_of(ps5).await, 0, "the console is sold");
    assert_eq!(shop.basket_lines(&ada).await, 0, "and out of the basket");

    // Another sweep (a restart again) changes nothing: paid once.
    kill_hard(server);
    shop.expire_orders().await;
    let server = shop.start().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(shop.scalar::<i64>("SELECT count(*) FROM payments").await, 1);
    assert_eq!(
        shop.scalar::<i64>("SELECT count(*) FROM test_provider.charges")
            .await,
        1
    );
    kill_hard(server);
}

#[sqlx::test(migrations = "../migrations")]
async fn killed_before_the_charge_the_order_is_released_and_nothing_charged(pool: PgPool) {
    // Every charge takes 3 s: the process dies while the provider thinks.
    let shop = Shop::new(pool, &[("WONDERMARKET_TEST_PAYMENT_LATENCY_MS", "3000")]).await;
    let server = shop.start().await;
    let (ada, ps5) = shop.ada_with_the_last_console().await;
    let checkout = shop.checkout_in_background(&ada, CARD_OK);
    shop.wait_for("SELECT count(*) = 1 FROM orders WHERE status = 'awaiting_payment'")
        .await;
    kill_hard(server);
    assert!(checkout.await.expect("task").is_err(), "the answer never came");
    assert_eq!(shop.stock_of(ps5).await, 0, "the console is reserved");

    shop.expire_orders().await;
    let server = shop.start().await;
    shop.wait_for("SELECT status <> 'awaiting_payment' FROM orders")
        .await;
    assert_eq!(
        shop.scalar::<String>("SELECT status FROM orders").await,
        "payment_failed"
    );
    assert_eq!(shop.stock_of(ps5).await, 1, "back on sale");
    assert_eq!(shop.scalar::<i64>("SELECT count(*) FROM payments").await, 0);
    assert_eq!(
        shop.scalar::<String>("SELECT outcome FROM test_provider.charges")
            .await,
        "voided",
        "the key can no longer be charged"
    );
    assert_eq!(shop.basket_lines(&ada).await, 1, "Ada may try again");
    kill_hard(server);
}
