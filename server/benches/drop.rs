//! The drop as its crowd lives it (`make bench`): `DROP_VISITORS` (default
//! 5 000) logged-in visitors, each from its own address behind a trusted
//! proxy, join the waiting room of a 100-unit drop during the
//! `DROP_LEAD_SECONDS` (default 60) before it opens. Half follow their
//! place as the page with JavaScript does (a Server-Sent Events stream),
//! half poll it as the page falls back to (`/drops/position` every two
//! seconds). Once admitted, a visitor loads the room (its admission),
//! adds the console and pays, at a provider that takes 300 ms a charge.
//!
//! Reports the time to sell out after the opening, the waiting room's
//! requests per second and latencies, the streams held at once, the
//! database connections in use at the peak and every answer the buyers
//! got. Asserts correctness only: exactly the stock sold, no order failed,
//! nobody admitted twice.

mod common;
mod shop;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::report;
use futures::stream::{self, StreamExt, TryStreamExt};
use server::config::WebConfig;
use server::startup::Application;
use shop::{watch_pool, Shop, Shopper};

const STOCK: i32 = 100;
const PROVIDER_LATENCY_MS: u64 = 300;
/// The room's pace: so many admitted a second while something is left.
const ADMIT_PER_TICK: i32 = 50;
/// As `public/live.js` polls when it has no stream.
const POLL: Duration = Duration::from_secs(2);
/// The server's default pool size (WONDERMARKET_DB_POOL_SIZE).
const SERVER_POOL_SIZE: u32 = 20;
const LOGIN_IN_FLIGHT: usize = 8;
/// A visitor still waiting this long after the opening gives up (the
/// bench's bound; a sold-out room tells everyone long before).
const PATIENCE: Duration = Duration::from_secs(120);
const PASSWORD: &str = "correct horse battery";
const PRODUCT: &str = "playstation-5-slim";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The address visitor `n` comes from (as the proxy reports it).
fn address(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// How a visitor follows its place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Follow {
    Stream,
    Poll,
}

/// A room request's kind, status and latency.
struct Request {
    kind: &'static str,
    status: u16,
    latency: Duration,
    at: Instant,
}

/// How a visit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Paid,
    /// Admitted, but the last unit went to someone else (409 at add or pay).
    BeatenToIt,
    /// The room said "épuisé".
    ToldSoldOut,
    /// Refused by the shop (the status), before or after admission.
    Refused(u16),
    /// The admission ran out before the visitor could buy.
    Expired,
    StillWaiting,
}

struct Visit {
    requests: Vec<Request>,
    admitted_at: Option<Instant>,
    end: End,
    ended_at: Instant,
    /// The checkout's answer, when the visitor got that far.
    checkout: Option<(u16, Duration)>,
}

/// The shop's answer about one's place: its state, and how long to wait
/// when it asked for patience (429).
async fn position(
    shop: &Shop,
    visitor: &Shopper,
    ticket: &str,
    visit: &mut Visit,
) -> anyhow::Result<Option<String>> {
    let sent = Instant::now();
    let response = visitor
        .client
        .get(format!("{}/drops/position", shop.base))
        .query(&[("ticket", ticket)])
        .header("Accept", "application/json")
        .send()
        .await?;
    let status = response.status().as_u16();
    let retry_after: Option<u64> = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok()?.parse().ok());
    let body = response.bytes().await?;
    visit.requests.push(Request {
        kind: "GET /drops/position",
        status,
        latency: sent.elapsed(),
        at: Instant::now(),
    });
    if status == 429 {
        tokio::time::sleep(Duration::from_secs(retry_after.unwrap_or(2))).await;
        return Ok(None);
    }
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    Ok(answer["state"].as_str().map(str::to_owned))
}

/// The room's states one stream sends, as they come; `None` when the
/// stream ended or failed (the visitor then polls).
async fn next_room_state(stream: &mut reqwest::Response, pending: &mut String) -> Option<String> {
    loop {
        while let Some(end) = pending.find("\n\n") {
            let event: String = pending.drain(..end + 2).collect();
            if event
                .lines()
                .any(|line| line == "event: room" || line == "event:room")
            {
                let data = event
                    .lines()
                    .find_map(|line| line.strip_prefix("data:"))
                    .map(str::trim)?;
                let answer: serde_json::Value = serde_json::from_str(data).ok()?;
                return answer["state"].as_str().map(str::to_owned);
            }
        }
        let chunk = stream.chunk().await.ok()??;
        pending.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// A timed GET of the room's page (which gives an admitted visitor its
/// admission); the page, and its ticket.
async fn room_page(shop: &Shop, visitor: &Shopper, drop: i64, visit: &mut Visit) -> anyhow::Result<String> {
    let sent = Instant::now();
    let response = visitor
        .client
        .get(format!("{}/drops/{drop}", shop.base))
        .send()
        .await?;
    let status = response.status().as_u16();
    let page = response.text().await?;
    visit.requests.push(Request {
        kind: "GET /drops/{id} (page)",
        status,
        latency: sent.elapsed(),
        at: Instant::now(),
    });
    Ok(page)
}

/// The drop every visitor comes for.
#[derive(Clone, Copy)]
struct Sale {
    drop: i64,
    product: i64,
    opening: Instant,
}

/// Streams open now and at most at once.
#[derive(Default)]
struct Streams {
    open: AtomicUsize,
    most: AtomicUsize,
}

/// One visitor's whole drop: visitor `n` arrives at `join_at`.
async fn visit(
    shop: Shop,
    visitor: Shopper,
    n: usize,
    join_at: Instant,
    sale: Sale,
    streams: Arc<Streams>,
) -> anyhow::Result<Visit> {
    let Sale {
        drop,
        product,
        opening,
    } = sale;
    let follow = if n.is_multiple_of(2) {
        Follow::Stream
    } else {
        Follow::Poll
    };
    let mut visit = Visit {
        requests: Vec::new(),
        admitted_at: None,
        end: End::StillWaiting,
        ended_at: opening,
        checkout: None,
    };
    tokio::time::sleep_until(join_at.into()).await;
    let sent = Instant::now();
    let joined = shop
        .call(&visitor.client, "drops/join", &[("id", &drop.to_string())])
        .await?;
    let status = joined.status().as_u16();
    joined.bytes().await?;
    visit.requests.push(Request {
        kind: "POST /api/drops/join",
        status,
        latency: sent.elapsed(),
        at: Instant::now(),
    });
    if status != 200 {
        visit.end = End::Refused(status);
        visit.ended_at = Instant::now();
        return Ok(visit);
    }
    let page = room_page(&shop, &visitor, drop, &mut visit).await?;
    let ticket = page
        .split(r#"data-room-ticket=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the room's page carries no ticket")?
        .to_owned();

    let give_up = opening + PATIENCE;
    let mut stream = match follow {
        Follow::Stream => {
            let response = visitor
                .client
                .get(format!("{}/live", shop.base))
                .query(&[("ticket", &ticket)])
                .send()
                .await?;
            response.status().is_success().then(|| {
                let open = streams.open.fetch_add(1, Ordering::Relaxed) + 1;
                streams.most.fetch_max(open, Ordering::Relaxed);
                response
            })
        }
        Follow::Poll => None,
    };
    let mut pending = String::new();
    let state = loop {
        if Instant::now() >= give_up {
            break None;
        }
        let state = match stream.as_mut() {
            Some(events) => {
                match tokio::time::timeout_at(give_up.into(), next_room_state(events, &mut pending)).await {
                    Ok(Some(state)) => Some(state),
                    Ok(None) => {
                        // The stream ended: poll from now on, as the page does.
                        stream = None;
                        streams.open.fetch_sub(1, Ordering::Relaxed);
                        None
                    }
                    Err(_) => None,
                }
            }
            None => {
                tokio::time::sleep(POLL + Duration::from_millis((n % 500) as u64)).await;
                position(&shop, &visitor, &ticket, &mut visit).await?
            }
        };
        match state.as_deref() {
            Some(state @ ("admitted" | "sold_out" | "expired")) => break Some(state.to_owned()),
            _ => continue,
        }
    };
    if stream.take().is_some() {
        streams.open.fetch_sub(1, Ordering::Relaxed);
    }
    visit.ended_at = Instant::now();
    match state.as_deref() {
        Some("admitted") => visit.admitted_at = Some(Instant::now()),
        Some("sold_out") => {
            visit.end = End::ToldSoldOut;
            return Ok(visit);
        }
        Some(_) => {
            visit.end = End::Expired;
            return Ok(visit);
        }
        None => return Ok(visit),
    }

    // Admitted: the room's page hands over the admission, then add and pay.
    room_page(&shop, &visitor, drop, &mut visit).await?;
    let (status, added) = shop.add(&visitor, product, 1).await?;
    if status != 200 || added == 0 {
        visit.end = if status == 409 || added == 0 {
            End::BeatenToIt
        } else {
            End::Refused(status)
        };
        visit.ended_at = Instant::now();
        return Ok(visit);
    }
    let (status, latency) = shop
        .checkout(&visitor, &format!("drop-{drop}-{}", visitor.id))
        .await?;
    visit.checkout = Some((status, latency));
    visit.ended_at = Instant::now();
    visit.end = match status {
        200 => End::Paid,
        409 => End::BeatenToIt,
        other => End::Refused(other),
    };
    Ok(visit)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("set DATABASE_URL (make bench does)")?;
    let visitors = setting("DROP_VISITORS", 5_000) as usize;
    let lead = Duration::from_secs(setting("DROP_LEAD_SECONDS", 60));
    let pool = server::database::pool_options(8).connect(&url).await?;
    server::database::migrate(&pool).await?;
    server::seed::seed_demo(&pool).await?;
    let server_pool = server::database::pool_options(SERVER_POOL_SIZE)
        .connect(&url)
        .await?;
    // Behind a proxy that names each visitor's address: the limits per
    // address count each visitor apart, as in production.
    let config = WebConfig {
        trust_forwarded_for: true,
        header_timeout_seconds: 300,
        test_payment_latency_ms: PROVIDER_LATENCY_MS,
        ..WebConfig::local("127.0.0.1:0".parse()?)
    };
    let app = Application::build(&config, server_pool.clone()).await?;
    let shop = Shop {
        base: format!("http://{}", app.local_addr()),
        pool,
    };
    tokio::spawn(app.run_until(std::future::pending()));

    // The accounts (one argon2 hash for all), then each logs in through
    // the real endpoint from its own address (not timed).
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let hash = app::auth::password::hash_password(PASSWORD.to_owned())
        .await
        .map_err(|error| anyhow::anyhow!("hashing: {error}"))?;
    let accounts: Vec<(i64, String)> = sqlx::query_as(
        "INSERT INTO users (username, email, password_hash, first_name, last_name)
         SELECT format('dv%s-%s', $1::text, i), format('dv%s-%s@example.com', $1::text, i), $2, 'Ada', 'Lovelace'
         FROM generate_series(1, $3) AS i
         RETURNING id, username",
    )
    .bind(format!("{run:x}"))
    .bind(&hash)
    .bind(visitors as i64)
    .fetch_all(&shop.pool)
    .await?;
    let started = Instant::now();
    let crowd: Vec<Shopper> = stream::iter(accounts.into_iter().enumerate())
        .map(|(n, (id, username))| {
            let shop = shop.clone();
            async move {
                let mut headers = reqwest::header::HeaderMap::new();
                headers.insert("x-forwarded-for", address(n).parse()?);
                let client = reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .default_headers(headers)
                    .timeout(Duration::from_secs(PATIENCE.as_secs() + 60))
                    .build()?;
                let response = shop
                    .call(
                        &client,
                        "auth/login",
                        &[("login", &username), ("password", PASSWORD)],
                    )
                    .await?;
                anyhow::ensure!(
                    response.status() == 200,
                    "login {username}: {}",
                    response.status()
                );
                Ok(Shopper { id, client })
            }
        })
        .buffer_unordered(LOGIN_IN_FLIGHT)
        .try_collect()
        .await?;
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "drop: {visitors} visitors logged in in {:.1} s (not timed); {STOCK} units, the provider takes \
         {PROVIDER_LATENCY_MS} ms a charge, the room admits {ADMIT_PER_TICK} a second; server pool \
         {SERVER_POOL_SIZE} connections; {cpus} CPUs shared by server, visitors and PostgreSQL",
        started.elapsed().as_secs_f64()
    );

    // The drop: it opens in `lead`, its room is open already.
    let product: i64 = sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
        .bind(PRODUCT)
        .fetch_one(&shop.pool)
        .await?;
    sqlx::query("UPDATE products SET stock = $2 WHERE id = $1")
        .bind(product)
        .bind(STOCK)
        .execute(&shop.pool)
        .await?;
    sqlx::query("DELETE FROM drop_variants")
        .execute(&shop.pool)
        .await?;
    let (drop, opens_in): (i64, f64) = sqlx::query_as(
        "INSERT INTO drops (name, opens_at, room_opens_at, admit_per_tick, tick_seconds)
         VALUES ('Console', now() + make_interval(secs => $1), now() - interval '1 minute', $2, 1)
         RETURNING id, extract(epoch FROM opens_at - now())::float8",
    )
    .bind(lead.as_secs_f64())
    .bind(ADMIT_PER_TICK)
    .fetch_one(&shop.pool)
    .await?;
    sqlx::query("INSERT INTO drop_variants (drop_id, product_id) VALUES ($1, $2)")
        .bind(drop)
        .bind(product)
        .execute(&shop.pool)
        .await?;
    let now = Instant::now();
    let opening = now + Duration::from_secs_f64(opens_in.max(0.0));
    let orders_before: i64 = sqlx::query_scalar("SELECT count(*) FROM orders")
        .fetch_one(&shop.pool)
        .await?;

    let (stop, peak) = watch_pool(server_pool.clone());
    let streams = Arc::new(Streams::default());
    let sale = Sale {
        drop,
        product,
        opening,
    };
    let tasks: Vec<_> = crowd
        .into_iter()
        .enumerate()
        .map(|(n, visitor)| {
            // Arrivals spread over the lead, in an order unrelated to n.
            let join_at = now + lead.mul_f64(((n * 7_919) % visitors) as f64 / visitors as f64);
            tokio::spawn(visit(shop.clone(), visitor, n, join_at, sale, streams.clone()))
        })
        .collect();
    let mut visits = Vec::with_capacity(tasks.len());
    for task in tasks {
        visits.push(task.await??);
    }
    stop.store(true, Ordering::Relaxed);
    let peak = peak.await?;

    print_figures(&visits, opening, now, streams.most.load(Ordering::Relaxed), peak);

    // Correctness, not time.
    let made: i64 = sqlx::query_scalar("SELECT count(*) FROM orders")
        .fetch_one(&shop.pool)
        .await?;
    let made = made - orders_before;
    let paid = visits.iter().filter(|visit| visit.end == End::Paid).count();
    let admitted_twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT user_id FROM drop_queue WHERE drop_id = $1 AND admitted_at IS NOT NULL
                               GROUP BY user_id HAVING count(*) > 1) AS twice",
    )
    .bind(drop)
    .fetch_one(&shop.pool)
    .await?;
    let failed = visits
        .iter()
        .filter(|visit| visit.checkout.is_some_and(|(status, _)| status >= 500))
        .count();
    println!(
        "  orders made {made} for {STOCK} units ({paid} paid answers); orders failed {failed}; \
         accounts admitted twice {admitted_twice}"
    );
    anyhow::ensure!(made == i64::from(STOCK), "{made} orders for {STOCK} units");
    anyhow::ensure!(paid == STOCK as usize, "{paid} paid answers for {STOCK} units");
    anyhow::ensure!(
        failed == 0 && admitted_twice == 0,
        "failed orders or double admissions"
    );
    Ok(())
}

fn print_figures(visits: &[Visit], opening: Instant, start: Instant, streams_held: usize, peak: u32) {
    let after_opening = |at: Instant| at.saturating_duration_since(opening).as_secs_f64();
    let last_paid = visits
        .iter()
        .filter(|visit| visit.end == End::Paid)
        .map(|visit| visit.ended_at)
        .max();
    let first_admitted = visits.iter().filter_map(|visit| visit.admitted_at).min();
    let all_told = visits
        .iter()
        .filter(|visit| visit.end == End::ToldSoldOut)
        .map(|visit| visit.ended_at)
        .max();
    println!(
        "  after the opening: first admission {:.2} s, sold out (last paid answer) {:.2} s, \
         the whole room told \"épuisé\" {:.2} s",
        first_admitted.map_or(f64::NAN, after_opening),
        last_paid.map_or(f64::NAN, after_opening),
        all_told.map_or(f64::NAN, after_opening),
    );
    let mut ends: BTreeMap<End, usize> = BTreeMap::new();
    for visit in visits {
        *ends.entry(visit.end).or_default() += 1;
    }
    println!("  how the visits ended: {ends:?}");

    // The room's requests: joins, pages, polls; their rate and latency.
    let requests: Vec<&Request> = visits.iter().flat_map(|visit| &visit.requests).collect();
    let busiest = {
        let mut per_second: BTreeMap<u64, usize> = BTreeMap::new();
        for request in &requests {
            *per_second
                .entry(request.at.duration_since(start).as_secs())
                .or_default() += 1;
        }
        per_second.into_values().max().unwrap_or(0)
    };
    let span = requests
        .iter()
        .map(|request| request.at)
        .max()
        .map_or(0.0, |last| last.duration_since(start).as_secs_f64());
    let refused = requests.iter().filter(|request| request.status == 429).count();
    let errors = requests.iter().filter(|request| request.status >= 500).count();
    println!(
        "  waiting room: {} requests in {span:.1} s ({:.0}/s on average, {busiest} in the busiest second), \
         {refused}× 429, {errors}× 5xx; at most {streams_held} streams held at once",
        requests.len(),
        requests.len() as f64 / span.max(f64::EPSILON),
    );
    for kind in [
        "POST /api/drops/join",
        "GET /drops/{id} (page)",
        "GET /drops/position",
    ] {
        report(
            &format!("    {kind}"),
            requests
                .iter()
                .filter(|request| request.kind == kind)
                .map(|request| request.latency)
                .collect(),
        );
    }
    report(
        "    checkout (admitted buyers)",
        visits
            .iter()
            .filter_map(|visit| visit.checkout.map(|(_, latency)| latency))
            .collect(),
    );
    println!("  at most {peak} of {SERVER_POOL_SIZE} database connections in use");
}
