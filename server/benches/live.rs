//! Live pages at scale: `LIVE_STREAMS` (default 4 000) open product pages
//! following one product over Server-Sent Events, then one stock change:
//! the memory the open streams take in the server (a process of its own:
//! this bench started again as the server), and how long until every page
//! heard the change.

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use anyhow::Context;
use common::report;
use server::config::WebConfig;
use server::startup::Application;

/// Resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS")
}

/// A child process killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Child {
    /// The address the server printed first.
    fn address(&mut self) -> anyhow::Result<String> {
        use std::io::BufRead;
        let stdout = self.0.stdout.take().context("the server's output")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        Ok(line.trim().to_owned())
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }
}

/// The server side: serves the shop on a free port, prints its address.
async fn serve(url: &str) -> anyhow::Result<()> {
    let pool = server::database::pool_options(16).connect(url).await?;
    let app = Application::build(&WebConfig::local("127.0.0.1:0".parse()?), pool).await?;
    println!("http://{}", app.local_addr());
    app.run_until(std::future::pending()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("set DATABASE_URL (make bench does)")?;
    if std::env::var_os("LIVE_SERVE").is_some() {
        return serve(&url).await;
    }
    let streams: usize = std::env::var("LIVE_STREAMS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4_000);
    let pool = server::database::pool_options(16).connect(&url).await?;
    server::database::migrate(&pool).await?;
    server::seed::seed_demo(&pool).await?;
    let product: i64 = sqlx::query_scalar("SELECT id FROM products WHERE slug = 'playstation-5-slim'")
        .fetch_one(&pool)
        .await?;
    sqlx::query("UPDATE products SET stock = 100 WHERE id = $1")
        .bind(product)
        .execute(&pool)
        .await?;
    // The server: this program again, serving until it is killed.
    let mut server = Child(
        std::process::Command::new(std::env::current_exe()?)
            .env("LIVE_SERVE", "1")
            .stdout(std::process::Stdio::piped())
            .spawn()?,
    );
    let base = server.address()?;

    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
    let url = format!("{base}/live?p={product}");
    // Warm up: one stream, so that lazily made things are made.
    let warm = client.get(&url).send().await?;
    anyhow::ensure!(warm.status().is_success(), "/live: {}", warm.status());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(server.pid())?;
    let started = Instant::now();
    let mut open = Vec::with_capacity(streams);
    for _ in 0..streams {
        let response = client.get(&url).send().await?;
        anyhow::ensure!(response.status().is_success(), "/live: {}", response.status());
        open.push(response);
    }
    let opened = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(server.pid())?;
    println!(
        "{streams} live pages opened in {:.1} s; the server's memory {:.1} KiB per open page",
        opened.as_secs_f64(),
        after.saturating_sub(before) as f64 / streams as f64
    );

    // One sale: every page hears "Plus que …" or the new count.
    let changed = Instant::now();
    sqlx::query("UPDATE products SET stock = stock - 1 WHERE id = $1")
        .bind(product)
        .execute(&pool)
        .await?;
    let waits = open.into_iter().map(|mut response| async move {
        let heard = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                match response.chunk().await? {
                    Some(chunk) if chunk.windows(5).any(|w| w == b"data:") => return Ok(changed.elapsed()),
                    Some(_) => continue,
                    None => anyhow::bail!("the stream ended"),
                }
            }
        })
        .await;
        heard.map_err(|_| anyhow::anyhow!("not heard within 30 s"))?
    });
    let latencies: Vec<Duration> = futures::future::try_join_all(waits).await?;
    report("sale heard by every page", latencies);
    Ok(())
}
