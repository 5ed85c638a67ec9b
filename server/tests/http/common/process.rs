//! The real `server` binary as a child process, for tests that stop or
//! kill it.

use std::time::{Duration, Instant};

pub const SERVER: &str = env!("CARGO_BIN_EXE_server");

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("free port")
}

pub async fn wait_healthy(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(response) = reqwest::get(format!("http://127.0.0.1:{port}/health")).await {
            if response.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the server did not become healthy");
}

/// The URL of the test's own database, on the server of DATABASE_URL.
pub fn url_of(pool: &sqlx::PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let database = pool
        .connect_options()
        .get_database()
        .expect("database")
        .to_owned();
    let (address, query) = base.split_once('?').map_or((base.as_str(), ""), |(a, q)| (a, q));
    let (server, _) = address.rsplit_once('/').expect("a path");
    format!("{server}/{database}?{query}")
}
