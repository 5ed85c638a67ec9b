//! Checkout benchmark (`make bench`), through the real HTTP server on the
//! demo catalogue: add-to-basket latency under concurrent load, checkout
//! throughput, a "drop" of 10 consoles that 200 shoppers try to buy at
//! once, then the big drop: 2,000 buyers for 100 units with a payment
//! provider that takes 300 ms a charge, beside a model of the old flow that
//! charged inside the order transaction. Reports figures; asserts nothing
//! about time, only that a drop sells exactly its stock.

mod common;
mod shop;

use common::report;
use shop::{watch_pool, Shop, Shopper};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::stream::{self, StreamExt, TryStreamExt};
use server::config::WebConfig;
use server::startup::Application;
use sqlx::PgPool;

/// Registered before any timing (each registration is an argon2 hash).
const SHOPPERS: usize = 200;
const REGISTER_IN_FLIGHT: usize = 4;
const LOAD_CLIENTS: usize = 32;
const WARM_UP_SECONDS: u64 = 1;
const LOAD_SECONDS: u64 = 10;
/// Products the add-to-basket load spreads over.
const LOAD_PRODUCTS: i64 = 40;
/// What the one-product checkout rounds buy.
const HOT_PRODUCT: &str = "nintendo-switch-oled";
/// What the drop sells (DROP_STOCK units).
const DROP_PRODUCT: &str = "playstation-5-slim";
const CHECKOUT_IN_FLIGHT: usize = 32;
const CHECKOUT_ROUNDS: usize = 3;
const PLENTY: i32 = 1_000_000;
const DROP_STOCK: i32 = 10;
const DROP_ROUNDS: usize = 3;
/// The big drop: a crowd, a stock, and the provider's time per charge.
const CROWD: usize = 2_000;
const CROWD_STOCK: i32 = 100;
const PROVIDER_LATENCY_MS: u64 = 300;
/// The server's default pool size (WONDERMARKET_DB_POOL_SIZE).
const SERVER_POOL_SIZE: u32 = 20;
const PASSWORD: &str = "correct horse battery";
/// The promo code of the checkout round with a code on every order.
const BENCH_CODE: &str = "BENCH-10";

impl Shop {
    /// Registers through the real endpoint, which logs the new client in.
    async fn register(&self, username: String) -> anyhow::Result<Shopper> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        let email = format!("{username}@example.com");
        let response = self
            .call(
                &client,
                "auth/register",
                &[
                    ("username", &username),
                    ("email", &email),
                    ("password", PASSWORD),
                    ("password_confirmation", PASSWORD),
                    ("first_name", "Ada"),
                    ("last_name", "Lovelace"),
                ],
            )
            .await?;
        anyhow::ensure!(
            response.status() == 200,
            "register {username}: {}",
            response.status()
        );
        // A sign-up answers alike whether the address was new or taken
        // (nothing to learn about other people's accounts): the id is read
        // from the database.
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(&username)
            .fetch_one(&self.pool)
            .await
            .with_context(|| format!("no account {username} after its sign-up"))?;
        Ok(Shopper { id, client })
    }

    async fn product(&self, slug: &str) -> anyhow::Result<i64> {
        sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.pool)
            .await
            .with_context(|| format!("no product {slug} (demo seed)"))
    }

    async fn set_stock(&self, products: &[i64], stock: i32) -> anyhow::Result<()> {
        sqlx::query("UPDATE products SET stock = $2 WHERE id = ANY($1)")
            .bind(products)
            .bind(stock)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn orders(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM orders")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Empties the shoppers' baskets (set-up, straight in the database).
    async fn clear_baskets(&self, shoppers: &[Shopper]) -> anyhow::Result<()> {
        let ids: Vec<i64> = shoppers.iter().map(|s| s.id).collect();
        sqlx::query("DELETE FROM basket_lines WHERE user_id = ANY($1)")
            .bind(&ids)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Empty baskets, then one unit of `products[i % len]` in shopper i's
    /// basket, through the real endpoint (not timed).
    async fn fill_baskets(&self, shoppers: &[Shopper], products: &[i64]) -> anyhow::Result<()> {
        self.clear_baskets(shoppers).await?;
        stream::iter(shoppers.iter().enumerate())
            .map(|(i, shopper)| async move {
                let (status, added) = self.add(shopper, products[i % products.len()], 1).await?;
                anyhow::ensure!(
                    (status, added) == (200, 1),
                    "filling baskets: {status}, added {added}"
                );
                Ok(())
            })
            .buffer_unordered(CHECKOUT_IN_FLIGHT)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }
}

/// What a load of add-to-basket requests measured.
#[derive(Default)]
struct Load {
    latencies: Vec<Duration>,
    /// Answers that added nothing (the line was full): should stay 0.
    nothing_added: usize,
}

/// LOAD_CLIENTS shoppers add one unit at a time, each walking the products
/// from its own starting point, until `deadline`.
async fn basket_load(
    shop: &Shop,
    shoppers: &[Shopper],
    products: &[i64],
    duration: Duration,
) -> anyhow::Result<Load> {
    let deadline = Instant::now() + duration;
    let mut workers = Vec::new();
    for (n, shopper) in shoppers.iter().take(LOAD_CLIENTS).enumerate() {
        let (shop, shopper, products) = (shop.clone(), shopper.clone(), products.to_vec());
        workers.push(tokio::spawn(async move {
            let mut load = Load::default();
            let mut next = n;
            while Instant::now() < deadline {
                let sent = Instant::now();
                let (status, added) = shop.add(&shopper, products[next % products.len()], 1).await?;
                let latency = sent.elapsed();
                anyhow::ensure!(status == 200, "POST /api/basket/add: {status}");
                load.latencies.push(latency);
                load.nothing_added += usize::from(added == 0);
                next += 1;
            }
            Ok::<_, anyhow::Error>(load)
        }));
    }
    let mut total = Load::default();
    for worker in workers {
        let load = worker.await??;
        total.latencies.extend(load.latencies);
        total.nothing_added += load.nothing_added;
    }
    Ok(total)
}

/// Every shopper checks out a basket of one unit, CHECKOUT_IN_FLIGHT at a
/// time, CHECKOUT_ROUNDS times (baskets refilled between rounds, not timed).
async fn checkout_throughput(
    shop: &Shop,
    shoppers: &[Shopper],
    products: &[i64],
    key_prefix: &str,
    promo_code: &'static str,
) -> anyhow::Result<f64> {
    let shoppers = Arc::new(shoppers.to_vec());
    let (mut answers, mut elapsed) = (Vec::new(), Duration::ZERO);
    for round in 1..=CHECKOUT_ROUNDS {
        shop.set_stock(products, PLENTY).await?;
        shop.fill_baskets(&shoppers, products).await?;
        let orders_before = shop.orders().await?;
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..CHECKOUT_IN_FLIGHT {
            let (shop, shoppers, next) = (shop.clone(), shoppers.clone(), next.clone());
            let key_prefix = format!("{key_prefix}{round}");
            workers.push(tokio::spawn(async move {
                let mut answers = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(shopper) = shoppers.get(i) else { break };
                    answers.push(
                        shop.checkout_with(shopper, &format!("{key_prefix}-{i}"), promo_code)
                            .await?,
                    );
                }
                Ok::<_, anyhow::Error>(answers)
            }));
        }
        let mut round_answers = Vec::new();
        for worker in workers {
            round_answers.extend(worker.await??);
        }
        elapsed += started.elapsed();
        let paid = round_answers.iter().filter(|(status, _)| *status == 200).count();
        let made = shop.orders().await? - orders_before;
        anyhow::ensure!(made == paid as i64, "{paid} answers 200 but {made} orders");
        answers.extend(round_answers);
    }
    let paid = answers.iter().filter(|(status, _)| *status == 200).count();
    let rate = paid as f64 / elapsed.as_secs_f64();
    println!(
        "  {} checkouts in {:.2} s: {rate:.0} orders/s; {paid} paid, {} other answers",
        answers.len(),
        elapsed.as_secs_f64(),
        answers.len() - paid,
    );
    report(
        "  latency",
        answers.into_iter().map(|(_, latency)| latency).collect(),
    );
    Ok(rate)
}

/// A code every order of a round may use: 10 % off, a million uses over its
/// sixteen rows (the limit is what makes it a race).
async fn create_bench_code(shop: &Shop) -> anyhow::Result<()> {
    sqlx::query(
        "WITH code AS (INSERT INTO promo_codes (code, kind, value, max_uses) VALUES ($1, 'percent', 10, 1000000)
                       ON CONFLICT (code) DO UPDATE SET active = true RETURNING id)
         INSERT INTO promo_code_slots (code_id, slot, uses_left)
         SELECT code.id, slot, 62500 FROM code, generate_series(0, 15) AS slot
         ON CONFLICT (code_id, slot) DO UPDATE SET uses_left = 62500",
    )
    .bind(BENCH_CODE)
    .execute(&shop.pool)
    .await?;
    Ok(())
}

/// Every shopper checks out at the same moment; each answer's status,
/// latency and time since the start, and when the last came.
async fn all_at_once(
    shop: &Shop,
    shoppers: &[Shopper],
    key_prefix: &str,
) -> anyhow::Result<(Vec<(u16, Duration, Duration)>, Duration)> {
    let started = Instant::now();
    let buyers: Vec<_> = shoppers
        .iter()
        .enumerate()
        .map(|(i, shopper)| {
            let (shop, shopper) = (shop.clone(), shopper.clone());
            let key = format!("{key_prefix}-{i}");
            tokio::spawn(async move {
                let (status, latency) = shop.checkout(&shopper, &key).await?;
                Ok::<_, anyhow::Error>((status, latency, started.elapsed()))
            })
        })
        .collect();
    let mut answers = Vec::new();
    for buyer in buyers {
        answers.push(buyer.await??);
    }
    Ok((answers, started.elapsed()))
}

/// DROP_STOCK units, every shopper has one in the basket and all check out
/// at the same moment.
async fn drop_round(
    shop: &Shop,
    shoppers: &[Shopper],
    product: i64,
    run: u64,
    round: usize,
) -> anyhow::Result<()> {
    let label = format!("round {round}");
    shop.set_stock(&[product], DROP_STOCK).await?;
    shop.fill_baskets(shoppers, &[product]).await?;
    let orders_before = shop.orders().await?;
    let (answers, all_answered) = all_at_once(shop, shoppers, &format!("r{run:x}-drop{round}")).await?;
    let mut paid_at: Vec<Duration> = answers
        .iter()
        .filter(|(status, ..)| *status == 200)
        .map(|(.., at)| *at)
        .collect();
    paid_at.sort();
    let paid = paid_at.len();
    let sold_out = answers.iter().filter(|(status, ..)| *status == 409).count();
    let other = answers.len() - paid - sold_out;
    let made = shop.orders().await? - orders_before;
    let stock_left: i32 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(product)
        .fetch_one(&shop.pool)
        .await?;
    println!(
        "  {label}: sold out after {:.0} ms (last order), every answer after {:.0} ms; \
         {paid}× 200, {sold_out}× 409, {other}× other; {made} orders made, stock left {stock_left}",
        paid_at.last().map_or(0.0, |at| at.as_secs_f64() * 1000.0),
        all_answered.as_secs_f64() * 1000.0,
    );
    report(
        "  latency (every answer)",
        answers.iter().map(|(_, latency, _)| *latency).collect(),
    );
    report(
        "  latency (sold out, 409)",
        answers
            .iter()
            .filter(|(status, ..)| *status == 409)
            .map(|(_, latency, _)| *latency)
            .collect(),
    );
    // Correctness, not time: the drop sells its stock exactly.
    let stock = i64::from(DROP_STOCK);
    anyhow::ensure!(made == stock, "{label}: {made} orders for {stock} units");
    anyhow::ensure!(
        paid as i64 == stock && stock_left == 0,
        "{label}: {paid} paid, {stock_left} left"
    );
    anyhow::ensure!(other == 0, "{label}: {other} answers neither 200 nor 409");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("set DATABASE_URL (make bench does)")?;
    let pool = server::database::pool_options(8).connect(&url).await?;
    server::database::migrate(&pool).await?;
    server::seed::seed_demo(&pool).await?;
    let server_pool = server::database::pool_options(SERVER_POOL_SIZE)
        .connect(&url)
        .await?;
    // The shoppers all sign up (and fill guest baskets) from 127.0.0.1.
    let config = WebConfig {
        sign_ups_per_hour: 1_000_000,
        guest_baskets_per_hour: 1_000_000,
        // The buyers' connections wait while the others sign up.
        header_timeout_seconds: 300,
        ..WebConfig::local("127.0.0.1:0".parse()?)
    };
    let app = Application::build(&config, server_pool).await?;
    let shop = Shop {
        base: format!("http://{}", app.local_addr()),
        pool,
    };
    tokio::spawn(app.run_until(std::future::pending()));

    // Usernames unique to this run, so that a kept database can run it again.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let started = Instant::now();
    let shoppers: Vec<Shopper> = stream::iter(0..SHOPPERS)
        .map(|i| shop.register(format!("ck{run:x}-{i}")))
        .buffer_unordered(REGISTER_IN_FLIGHT)
        .try_collect()
        .await?;
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "demo catalogue; {SHOPPERS} shoppers registered and logged in in {:.1} s (not timed); \
         server pool {SERVER_POOL_SIZE} connections; {cpus} CPUs shared by server, clients and PostgreSQL",
        started.elapsed().as_secs_f64()
    );

    let load_products: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM products WHERE slug <> ALL($1) ORDER BY id LIMIT $2")
            .bind(&[HOT_PRODUCT, DROP_PRODUCT][..])
            .bind(LOAD_PRODUCTS)
            .fetch_all(&shop.pool)
            .await?;
    sqlx::query("UPDATE products SET stock = $2, max_per_order = 100 WHERE id = ANY($1)")
        .bind(&load_products)
        .bind(PLENTY)
        .execute(&shop.pool)
        .await?;
    shop.clear_baskets(&shoppers).await?;
    basket_load(
        &shop,
        &shoppers,
        &load_products,
        Duration::from_secs(WARM_UP_SECONDS),
    )
    .await?;
    shop.clear_baskets(&shoppers).await?;
    let started = Instant::now();
    let load = basket_load(
        &shop,
        &shoppers,
        &load_products,
        Duration::from_secs(LOAD_SECONDS),
    )
    .await?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "POST /api/basket/add         {:>8.0} req/s with {LOAD_CLIENTS} logged-in clients for {elapsed:.1} s \
         ({} added nothing)",
        load.latencies.len() as f64 / elapsed,
        load.nothing_added,
    );
    report("  latency", load.latencies);

    let hot = shop.product(HOT_PRODUCT).await?;
    println!(
        "POST /api/payment/checkout, {SHOPPERS} buyers × {CHECKOUT_ROUNDS} rounds, {CHECKOUT_IN_FLIGHT} in flight, \
         one product:"
    );
    checkout_throughput(&shop, &shoppers, &[hot], &format!("r{run:x}-hot"), "").await?;
    println!(
        "POST /api/payment/checkout, {SHOPPERS} buyers × {CHECKOUT_ROUNDS} rounds, {CHECKOUT_IN_FLIGHT} in flight, \
         {} products:",
        load_products.len()
    );
    let without =
        checkout_throughput(&shop, &shoppers, &load_products, &format!("r{run:x}-spread"), "").await?;
    create_bench_code(&shop).await?;
    println!(
        "POST /api/payment/checkout, the same with the promo code {BENCH_CODE} (10 %, a million uses) on every order:"
    );
    let with = checkout_throughput(
        &shop,
        &shoppers,
        &load_products,
        &format!("r{run:x}-promo"),
        BENCH_CODE,
    )
    .await?;
    println!(
        "  with a code: {:.2} of the throughput without (goal ≥ 0.80)",
        with / without
    );

    let console = shop.product(DROP_PRODUCT).await?;
    println!("drop: {DROP_STOCK} in stock, {SHOPPERS} buyers check out at once");
    for round in 1..=DROP_ROUNDS {
        drop_round(&shop, &shoppers, console, run, round).await?;
    }
    println!("every drop made exactly {DROP_STOCK} orders");

    // The big drop, on a second instance whose provider takes 300 ms.
    let slow_pool = server::database::pool_options(SERVER_POOL_SIZE)
        .connect(&url)
        .await?;
    let slow_config = WebConfig {
        test_payment_latency_ms: PROVIDER_LATENCY_MS,
        ..config.clone()
    };
    let slow_app = Application::build(&slow_config, slow_pool.clone()).await?;
    let slow = Shop {
        base: format!("http://{}", slow_app.local_addr()),
        pool: shop.pool.clone(),
    };
    tokio::spawn(slow_app.run_until(std::future::pending()));
    let started = Instant::now();
    let mut crowd = shoppers.clone();
    crowd.extend(
        stream::iter(SHOPPERS..CROWD)
            .map(|i| slow.register(format!("ck{run:x}-{i}")))
            .buffer_unordered(REGISTER_IN_FLIGHT)
            .try_collect::<Vec<Shopper>>()
            .await?,
    );
    println!(
        "big drop: {CROWD_STOCK} in stock, {CROWD} buyers check out at once, the provider takes \
         {PROVIDER_LATENCY_MS} ms a charge ({} more shoppers registered in {:.1} s, not timed)",
        CROWD - SHOPPERS,
        started.elapsed().as_secs_f64()
    );
    let shop_drop = big_drop(&slow, &crowd, console, &slow_pool, run).await?;
    let model_drop = drop_charging_inside_the_lock(&url, &crowd, console).await?;
    println!(
        "  reserve → charge → confirm: {:.0} orders/s; charging inside the lock: {:.1} orders/s \
         ({} of {CROWD_STOCK} sold); ratio {:.1}×",
        shop_drop.orders_per_second(),
        model_drop.orders_per_second(),
        model_drop.paid,
        shop_drop.orders_per_second() / model_drop.orders_per_second().max(f64::EPSILON),
    );
    Ok(())
}

/// What one big drop measured.
struct DropFigures {
    paid: usize,
    /// When the last paid answer came.
    last_paid_after: Duration,
}

impl DropFigures {
    fn orders_per_second(&self) -> f64 {
        self.paid as f64 / self.last_paid_after.as_secs_f64().max(f64::EPSILON)
    }
}

/// Prints a drop's figures: when it sold out, its answers, its latencies.
fn print_drop(answers: &[(u16, Duration, Duration)], all_answered: Duration, peak: u32) -> DropFigures {
    let last_paid_after = answers
        .iter()
        .filter(|(status, ..)| *status == 200)
        .map(|(.., at)| *at)
        .max()
        .unwrap_or_default();
    let count = |wanted: u16| answers.iter().filter(|(status, ..)| *status == wanted).count();
    let (paid, sold_out) = (count(200), count(409));
    let sold = if paid == CROWD_STOCK as usize {
        "sold out"
    } else {
        "did not sell out: last unit sold"
    };
    println!(
        "    {sold} after {:.0} ms ({:.1} orders/s), every answer after {:.0} ms; {paid}× paid, \
         {sold_out}× sold out, {} other (errors, pool time-outs); at most {peak} of {SERVER_POOL_SIZE} \
         database connections in use",
        last_paid_after.as_secs_f64() * 1000.0,
        paid as f64 / last_paid_after.as_secs_f64().max(f64::EPSILON),
        all_answered.as_secs_f64() * 1000.0,
        answers.len() - paid - sold_out,
    );
    report(
        "    latency (every answer)",
        answers.iter().map(|(_, latency, _)| *latency).collect(),
    );
    report(
        "    latency (paid)",
        answers
            .iter()
            .filter(|(status, ..)| *status == 200)
            .map(|(_, latency, _)| *latency)
            .collect(),
    );
    DropFigures {
        paid,
        last_paid_after,
    }
}

/// The shop's checkout: every buyer of the crowd at once, through HTTP.
async fn big_drop(
    shop: &Shop,
    crowd: &[Shopper],
    product: i64,
    server_pool: &PgPool,
    run: u64,
) -> anyhow::Result<DropFigures> {
    shop.set_stock(&[product], CROWD_STOCK).await?;
    // Filling the baskets also opens every buyer's connection, kept alive,
    // so the drop does not measure TCP connection set-up.
    shop.fill_baskets(crowd, &[product]).await?;
    let orders_before = shop.orders().await?;
    let (stop, peak) = watch_pool(server_pool.clone());
    let (answers, all_answered) = all_at_once(shop, crowd, &format!("r{run:x}-crowd")).await?;
    stop.store(true, Ordering::Relaxed);
    println!("  the shop (reserve → charge with no lock and no connection → confirm), through HTTP:");
    let figures = print_drop(&answers, all_answered, peak.await?);
    let made = shop.orders().await? - orders_before;
    anyhow::ensure!(
        made == i64::from(CROWD_STOCK),
        "{made} orders for {CROWD_STOCK} units"
    );
    Ok(figures)
}

/// A model of the old checkout, for comparison only (the shop has one
/// checkout path): one transaction takes the unit, then charges the card
/// (300 ms) while the product row is locked and the connection held, then
/// writes the order. Called directly, with a pool like the server's.
async fn drop_charging_inside_the_lock(
    url: &str,
    crowd: &[Shopper],
    product: i64,
) -> anyhow::Result<DropFigures> {
    let pool = server::database::pool_options(SERVER_POOL_SIZE)
        .connect(url)
        .await?;
    sqlx::query("UPDATE products SET stock = $2 WHERE id = $1")
        .bind(product)
        .bind(CROWD_STOCK)
        .execute(&pool)
        .await?;
    let (stop, peak) = watch_pool(pool.clone());
    let started = Instant::now();
    let buyers: Vec<_> = crowd
        .iter()
        .map(|shopper| {
            let (pool, user_id) = (pool.clone(), shopper.id);
            tokio::spawn(async move {
                let sent = Instant::now();
                let status = match charge_inside_the_lock(&pool, user_id, product).await {
                    Ok(true) => 200,
                    Ok(false) => 409,
                    Err(_) => 500,
                };
                (status, sent.elapsed(), started.elapsed())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for buyer in buyers {
        answers.push(buyer.await?);
    }
    let all_answered = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    println!("  model of charging inside the lock (same pool size, called directly, no HTTP):");
    let figures = print_drop(&answers, all_answered, peak.await?);
    pool.close().await;
    Ok(figures)
}

/// `Ok(true)` when this buyer got a unit and paid, `Ok(false)` sold out.
async fn charge_inside_the_lock(pool: &PgPool, user_id: i64, product: i64) -> anyhow::Result<bool> {
    let mut tx = pool.begin().await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "UPDATE products SET stock = stock - 1 WHERE id = $1 AND stock >= 1 RETURNING price_cents",
    )
    .bind(product)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(price_cents) = taken else {
        return Ok(false);
    };
    tokio::time::sleep(Duration::from_millis(PROVIDER_LATENCY_MS)).await;
    sqlx::query(
        "INSERT INTO orders (user_id, idempotency_key, total_cents, ship_name, ship_street, ship_postcode,
                             ship_city, ship_country, card_brand, card_last4)
         VALUES ($1, 'model-' || gen_random_uuid(), $2, 'Ada', '1 rue', '75001', 'Paris', 'France', 'Visa', '4242')",
    )
    .bind(user_id)
    .bind(price_cents)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
