//! The shop as the checkout and drop benchmarks drive it: a running server,
//! logged-in shoppers, and the two requests every buyer makes (add to the
//! basket, pay), sent the way the hydrated app sends them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// A logged-in shopper: an account and a browser-like client keeping its
/// session cookie.
#[derive(Clone)]
pub struct Shopper {
    pub id: i64,
    pub client: reqwest::Client,
}

/// The running shop and the benchmark's own pool for set-up SQL.
#[derive(Clone)]
pub struct Shop {
    pub base: String,
    pub pool: PgPool,
}

impl Shop {
    /// Calls a server function the way the hydrated app does (same-origin POST).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        Ok(client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Origin", &self.base)
            .form(form)
            .send()
            .await?)
    }

    /// Adds to the basket; the answer's status and how many units were added.
    pub async fn add(&self, shopper: &Shopper, product: i64, quantity: i32) -> anyhow::Result<(u16, i64)> {
        let response = self
            .call(
                &shopper.client,
                "basket/add",
                &[
                    ("product_id", &product.to_string()),
                    ("quantity", &quantity.to_string()),
                ],
            )
            .await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        let added = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|outcome| outcome["added"].as_i64())
            .unwrap_or(0);
        Ok((status, added))
    }

    /// Pays for the basket with the test card that succeeds; the status and
    /// the latency up to the end of the answer.
    pub async fn checkout(&self, shopper: &Shopper, key: &str) -> anyhow::Result<(u16, Duration)> {
        self.checkout_with(shopper, key, "").await
    }

    /// The same with `promo_code` (empty: none).
    pub async fn checkout_with(
        &self,
        shopper: &Shopper,
        key: &str,
        promo_code: &str,
    ) -> anyhow::Result<(u16, Duration)> {
        let sent = Instant::now();
        let response = self
            .call(
                &shopper.client,
                "payment/checkout",
                &[
                    ("ship_name", "Ada Lovelace"),
                    ("ship_street", "12 rue de la Paix"),
                    ("ship_postcode", "75002"),
                    ("ship_city", "Paris"),
                    ("ship_country", "France"),
                    ("card_number", "4242 4242 4242 4242"),
                    ("card_expiry", "12/30"),
                    ("card_cvc", "123"),
                    ("idempotency_key", key),
                    ("delivery_method", "2"),
                    ("promo_code", promo_code),
                ],
            )
            .await?;
        let status = response.status().as_u16();
        response.bytes().await?;
        Ok((status, sent.elapsed()))
    }
}

/// Samples the pool's connections in use every 5 ms until stopped; returns
/// the peak.
pub fn watch_pool(pool: PgPool) -> (Arc<AtomicBool>, tokio::task::JoinHandle<u32>) {
    let stop = Arc::new(AtomicBool::new(false));
    let watching = stop.clone();
    let peak = tokio::spawn(async move {
        let mut peak = 0;
        while !watching.load(Ordering::Relaxed) {
            peak = peak.max(pool.size() - pool.num_idle() as u32);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        peak
    });
    (stop, peak)
}
