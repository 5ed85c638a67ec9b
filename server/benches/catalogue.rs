//! Catalogue benchmark (`make bench`): search latency percentiles on a
//! 100 000-product catalogue (through the db functions, then over HTTP: the
//! search page and the search box's suggestions, one client), and the
//! server-render throughput of a few pages.
//! Reports figures; asserts nothing about time.

mod common;

use common::report;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::products::db;
use app::products::model::{ListingFilter, PageNumber, ProductSort, SearchQuery};
use server::config::WebConfig;
use server::startup::Application;
use sqlx::PgPool;

const CATALOGUE_SIZE: u32 = 100_000;
const ROUNDS: usize = 5;
const LOAD_SECONDS: u64 = 10;
const CONCURRENCY: usize = 16;
/// The crowd reading the home page.
const CROWD: usize = 64;
/// What a browser says it takes.
const BROWSER: &str = "gzip, deflate, br, zstd";

/// Whole words, typos, prefixes while typing, accents, model numbers.
const QUERIES: &[&str] = &[
    "playstation",
    "plystation",
    "PlayStaton",
    "ps5",
    "PS4",
    "nintendo",
    "nint",
    "switch",
    "zelda",
    "mario kart",
    "télé",
    "tele",
    "televiseur",
    "casque",
    "casque sony",
    "cask",
    "ordinateur portable",
    "ordi",
    "lenovo",
    "lenvo",
    "clavier mécanique",
    "clavier",
    "souris",
    "souris gaming",
    "écran",
    "ecran pc",
    "enceinte bluetooth",
    "enceinte",
    "jbl",
    "bose",
    "smartphone",
    "smartfone",
    "coque",
    "chargeur rapide",
    "roman policier",
    "bande dessinee",
    "livre de cuisine",
    "cafetiere",
    "aspirateur robot",
    "lampe connectée",
    "razer",
    "corsair",
    "édition limitée",
    "collector",
    "noir",
    "xbox",
    "steam deck",
    "rtx 5090",
    "iphone",
    "sams",
    // Kinds of terms real shoppers type, beyond the list above: several
    // words, accents dropped, a typo in one or two words, a typo nothing
    // matches (only "did you mean" answers), broad words, variants' values
    // and SKUs.
    "console portable nintendo",
    "casque sans fil noir",
    "tele 4k 55 pouces",
    "ecouteurs bluetooth",
    "televiseur oled",
    "manete ps5",
    "clavier mecaniqe rgb",
    "smartphnoe samsng",
    "ordinateur portabel gamer",
    "xylophrne",
    "qwzrtplk",
    "mini",
    "pro",
    "blanc",
    "512 go",
    "taille m",
    "t-shirt xl",
    "ps5 digital",
    "PS5-DIGITAL",
    "z flip bleu",
    // 60 terms written by someone who had not seen this list (multi-word,
    // accents dropped, typos in one and two words, garbled words, broad
    // words, SKUs and option values, prefixes while typing).
    "casque audio sony",
    "enceinte bluetooth jbl",
    "clavier mécanique corsair",
    "souris gaming razer",
    "smartphone samsung rouge",
    "manette sans fil blanc",
    "cafetière expresso moulinex",
    "t-shirt pac-man xl",
    "galaxy z flip 512 go",
    "telephone",
    "cafetiere expresso",
    "televiseur led",
    "ecouteurs sans fil",
    "jeu de role",
    "gris sideral",
    "lampe connectee philips",
    "souris gamming",
    "enciente bluetooth",
    "samsnug",
    "aspirateur robto",
    "nintedo switch",
    "ordinateru portabel",
    "cafetirre expreso",
    "manete sans fils",
    "clavie mecaniqe",
    "aspriatuer",
    "smarfone",
    "tellevizeur",
    "snehiser",
    "blutoos",
    "ordnatuer",
    "casqe audoi",
    "eqouteurs blutout",
    "xbxo seris",
    "samsung",
    "sony",
    "bleu",
    "reconditionné",
    "C4101",
    "8D150",
    "ZFLIP7-BLEU-256",
    "TEE-PACMAN-XXL",
    "256 go",
    "white",
    "GEN-4820-BLEU",
    "casq",
    "enc",
    "aspi",
    "cafet",
    "manet",
    "ecou",
];

/// The search terms: QUERIES, or those of the file named by
/// `BENCH_SEARCH_TERMS` (one per line), to time terms nobody tuned for.
fn search_terms() -> anyhow::Result<Vec<String>> {
    match std::env::var("BENCH_SEARCH_TERMS") {
        Ok(file) => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {file}"))?;
            Ok(text
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect())
        }
        Err(_) => Ok(QUERIES.iter().map(|term| (*term).to_owned()).collect()),
    }
}

async fn ensure_catalogue(pool: &PgPool) -> anyhow::Result<i64> {
    server::database::migrate(pool).await?;
    server::seed::seed_demo(pool).await?;
    let started = Instant::now();
    let inserted = server::seed::seed_generated(pool, CATALOGUE_SIZE).await?;
    if inserted > 0 {
        println!(
            "seeded {inserted} generated products in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(pool)
        .await?)
}

async fn search_latencies(pool: &PgPool, terms: &[String]) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let (mut searches, mut suggestions) = (Vec::new(), Vec::new());
    for round in 0..=ROUNDS {
        for raw in terms {
            let query = SearchQuery::parse(raw)?.context("blank query")?;
            let started = Instant::now();
            let mut tx = pool.begin().await?;
            db::search_products(
                &mut tx,
                &query,
                None,
                &ListingFilter::default(),
                ProductSort::Relevance,
                PageNumber::FIRST,
            )
            .await?;
            tx.commit().await?;
            let search = started.elapsed();
            let started = Instant::now();
            let mut tx = pool.begin().await?;
            db::suggest_products(&mut tx, &query).await?;
            tx.commit().await?;
            // Round 0 warms the caches and is not counted.
            if round > 0 {
                searches.push(search);
                suggestions.push(started.elapsed());
            }
        }
    }
    Ok((searches, suggestions))
}

/// Latencies over HTTP, one guest (no cookie) at a time, of the search page
/// and of the suggestions endpoint (called as the search box does), for every
/// term; each term's median search page time too, for outliers.
async fn http_search_latencies(
    base: &str,
    terms: &[String],
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>, Vec<(String, Duration)>)> {
    // No cookie store: every request is a new guest, as a crawler or a first visit.
    let client = reqwest::Client::new();
    let (mut pages, mut suggestions) = (Vec::new(), Vec::new());
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); terms.len()];
    for round in 0..=ROUNDS {
        for (index, raw) in terms.iter().enumerate() {
            let sent = Instant::now();
            let response = client
                .get(format!("{base}/search"))
                .query(&[("q", raw)])
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "search {raw}: {}",
                response.status()
            );
            response.bytes().await?;
            let page = sent.elapsed();
            let sent = Instant::now();
            let response = client
                .post(format!("{base}/api/products/suggest"))
                .header("Origin", base)
                .form(&[("prefix", raw)])
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "suggest {raw}: {}",
                response.status()
            );
            response.bytes().await?;
            // Round 0 warms the caches and is not counted.
            if round > 0 {
                pages.push(page);
                suggestions.push(sent.elapsed());
                per_query[index].push(page);
            }
        }
    }
    let medians = terms
        .iter()
        .zip(per_query)
        .map(|(query, mut samples)| {
            samples.sort();
            (query.clone(), common::percentile(&samples, 0.5))
        })
        .collect();
    Ok((pages, suggestions, medians))
}

/// Requests per second of `path` with `clients` connections for
/// LOAD_SECONDS, each request sending `accept_encoding` and `cookie` (if
/// any); the client decodes nothing, as a proxy would not.
async fn throughput(
    base: &str,
    path: &str,
    clients: usize,
    accept_encoding: Option<&'static str>,
    cookie: Option<&str>,
) -> anyhow::Result<(f64, Vec<Duration>)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        let cookie = cookie.map(str::to_owned);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let mut request = client.get(&url);
                if let Some(encoding) = accept_encoding {
                    request = request.header("Accept-Encoding", encoding);
                }
                if let Some(cookie) = &cookie {
                    request = request.header("Cookie", cookie);
                }
                let response = request.send().await?;
                anyhow::ensure!(response.status().is_success(), "{url}: {}", response.status());
                response.bytes().await?;
                latencies.push(sent.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await??);
    }
    Ok((
        latencies.len() as f64 / started.elapsed().as_secs_f64(),
        latencies,
    ))
}

/// The yardstick of the issue: a bare axum + sqlx handler that lists the
/// 24 newest products as minimal HTML, no framework, no cache.
async fn bare_handler(pool: PgPool) -> anyhow::Result<String> {
    use axum::extract::State;
    use axum::response::Html;
    async fn newest(State(pool): State<PgPool>) -> Result<Html<String>, axum::http::StatusCode> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT slug, name, price_cents FROM products ORDER BY created_at DESC, id DESC LIMIT 24",
        )
        .fetch_all(&pool)
        .await
        .map_err(|_| axum::http::StatusCode::INTERNAL_SERVER_ERROR)?;
        let mut html = String::from("<!DOCTYPE html><html lang=\"fr\"><title>Bare</title><ul>");
        for (slug, name, cents) in rows {
            html.push_str(&format!("<li><a href=\"/p/{slug}\">{name}</a> {cents}</li>"));
        }
        html.push_str("</ul></html>");
        Ok(Html(html))
    }
    let router = axum::Router::new()
        .route("/", axum::routing::get(newest))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(base)
}

/// A new customer with one product in the basket: their session cookie.
async fn customer_session(base: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let username = format!("bench-{}", std::process::id());
    let email = format!("{username}@example.com");
    let password = "bench password 2026";
    let signed_up = client
        .post(format!("{base}/api/auth/register"))
        .header("Origin", base)
        .form(&[
            ("username", username.as_str()),
            ("email", email.as_str()),
            ("password", password),
            ("password_confirmation", password),
            ("first_name", "Bench"),
            ("last_name", "Mark"),
        ])
        .send()
        .await?;
    anyhow::ensure!(signed_up.status().is_success(), "sign-up: {}", signed_up.status());
    let cookie = signed_up
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("wm_session="))
        .and_then(|value| value.split(';').next())
        .map(str::to_owned)
        .context("no session cookie after sign-up")?;
    let home = client.get(format!("{base}/")).send().await?.text().await?;
    let slug = home
        .split("href=\"/p/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("no product on the home page")?;
    let product = client
        .post(format!("{base}/api/products/get"))
        .header("Origin", base)
        .form(&[("slug", slug)])
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?;
    let id = product["id"].as_i64().context("product id")?.to_string();
    let added = client
        .post(format!("{base}/api/basket/add"))
        .header("Origin", base)
        .form(&[("product_id", id.as_str()), ("quantity", "1")])
        .send()
        .await?;
    anyhow::ensure!(added.status().is_success(), "add: {}", added.status());
    let page = client.get(format!("{base}/")).send().await?.text().await?;
    anyhow::ensure!(
        page.contains("Bonjour, Bench"),
        "the customer's corner is missing"
    );
    Ok(cookie)
}

async fn serve(config: &WebConfig, pool: &PgPool) -> anyhow::Result<String> {
    let app = Application::build(config, pool.clone()).await?;
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    Ok(base)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("set DATABASE_URL (make bench does)")?;
    let pool = server::database::pool_options(32).connect(&url).await?;
    let products = ensure_catalogue(&pool).await?;
    let terms = search_terms()?;
    println!(
        "catalogue: {products} products; {} search queries × {ROUNDS} rounds",
        terms.len()
    );

    // BENCH_CROWD_ONLY: only the pages for a crowd (the logged-in figures).
    let full = std::env::var_os("BENCH_CROWD_ONLY").is_none();
    if full {
        let (searches, suggestions) = search_latencies(&pool, &terms).await?;
        report("search (ranked + facets)", searches);
        report("suggestions (8 names)", suggestions);
    }

    // Search is measured rendered, not from the page cache.
    let uncached = WebConfig {
        page_cache_ms: 0,
        ..WebConfig::local("127.0.0.1:0".parse()?)
    };
    let base = serve(&uncached, &pool).await?;

    if full {
        let (pages, suggestions, mut medians) = http_search_latencies(&base, &terms).await?;
        report("HTTP GET /search?q=", pages);
        report("HTTP POST suggest", suggestions);
        medians.sort_by_key(|(_, median)| std::cmp::Reverse(*median));
        let slowest: Vec<String> = medians
            .iter()
            .take(5)
            .map(|(query, median)| format!("{query:?} {:.1} ms", median.as_secs_f64() * 1000.0))
            .collect();
        println!("  slowest search pages (median): {}", slowest.join(", "));
        if std::env::var_os("BENCH_SEARCH_ONLY").is_some() {
            return Ok(());
        }

        for path in [
            "/",
            "/c/informatique?page=40",
            "/search?q=casque+sony",
            "/p/playstation-5-slim",
        ] {
            let (rate, latencies) = throughput(&base, path, CONCURRENCY, None, None).await?;
            println!("GET {path:<26} {rate:>8.0} req/s with {CONCURRENCY} clients, rendered (no page cache)");
            report("  latency", latencies);
        }
    }

    // Pages for a crowd, beside the bare handler, in the same run: 64
    // connections; visitors without a session, then a logged-in customer
    // with a basket (the cached page with their header corner swapped in,
    // spliced into gzip) asking as a browser does.
    let cached = serve(&WebConfig::local("127.0.0.1:0".parse()?), &pool).await?;
    let bare = bare_handler(pool.clone()).await?;
    let customer = customer_session(&cached).await?;
    let customer = Some(customer.as_str());
    let product = "/p/playstation-5-slim";
    for (name, base, path, encoding, cookie) in [
        ("bare axum + sqlx handler", &bare, "/", None, None),
        ("home, page cache, identity", &cached, "/", None, None),
        ("home, page cache, brotli", &cached, "/", Some("br"), None),
        ("home, page cache, gzip", &cached, "/", Some("gzip"), None),
        (
            "home, cache + customer corner, browser",
            &cached,
            "/",
            Some(BROWSER),
            customer,
        ),
        ("product, page cache, brotli", &cached, product, Some("br"), None),
        (
            "product, cache + customer corner, browser",
            &cached,
            product,
            Some(BROWSER),
            customer,
        ),
        ("home, rendered, brotli", &base, "/", Some("br"), None),
        (
            "home, rendered for the customer, browser",
            &base,
            "/",
            Some(BROWSER),
            customer,
        ),
    ] {
        // BENCH_ROWS=text: only the rows whose name holds it.
        if std::env::var("BENCH_ROWS").is_ok_and(|only| !name.contains(only.as_str())) {
            continue;
        }
        let (rate, latencies) = throughput(base, path, CROWD, encoding, cookie).await?;
        println!("GET {path:<22} {name:<42} {rate:>8.0} req/s with {CROWD} connections");
        report("  latency", latencies);
    }
    Ok(())
}
