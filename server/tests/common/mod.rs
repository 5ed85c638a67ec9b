#![allow(dead_code)] // each test file uses a different part of the helpers
#![allow(clippy::expect_used)] // test set-up: a failure should stop the test
//! Spawns the real application on port 0 against the test's own database.

use server::config::WebConfig;
use server::startup::Application;
use sqlx::PgPool;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The test's own pool, for looking into the database.
    pub pool: PgPool,
    /// The pool the server uses.
    pub server_pool: PgPool,
    server: Option<ServerThread>,
}

struct ServerThread {
    shutdown: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// Migrates (session table included), seeds the demo catalogue and serves
/// on port 0. The server runs as in production: on its own multi-threaded
/// runtime, with its own pool, so that it neither shares the test's
/// single-threaded runtime nor competes for the test pool's few connections.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    server::database::migrate(&pool).await.expect("migrate");
    server::seed::seed_demo(&pool).await.expect("seed");
    let config = WebConfig {
        site_addr: "127.0.0.1:0".parse().expect("address"),
        site_root: "target/site".into(),
        output_name: "wondermarket".into(),
        public_url: Some("https://shop.example".into()),
        secure_cookies: false,
    };
    let connect_options = (*pool.connect_options()).clone();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let server_pool = server::database::pool_options(10)
                .connect_with(connect_options)
                .await
                .expect("server pool");
            let app = Application::build(&config, server_pool.clone())
                .await
                .expect("build app");
            let _ = started_tx.send((app.local_addr(), server_pool.clone()));
            // The test is over: stop serving at once, then release the database.
            tokio::select! {
                _ = app.run_until(std::future::pending()) => {}
                _ = shutdown_rx => {}
            }
            server_pool.close().await;
        });
    });
    let (address, server_pool) = started_rx.await.expect("server started");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A hung page must fail the test, not stall the run.
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("client");
    TestApp {
        address: format!("http://{address}"),
        client,
        pool,
        server_pool,
        server: Some(ServerThread { shutdown, thread }),
    }
}

/// Stops the server and closes its pool before the test's database is dropped.
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.shutdown.send(());
            let _ = server.thread.join();
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Calls a server function the way the hydrated app does.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Origin", &self.address)
            .form(form)
            .send()
            .await
            .expect("POST")
    }
}

/// The product names of the cards of a page's main listing (all cards of
/// the page when it has no listing), in order.
pub fn card_names(html: &str) -> Vec<String> {
    let listing = html
        .split_once(r#"<section class="listing"#)
        .map_or(html, |(_, listing)| listing);
    listing
        .split(r#"class="card__name">"#)
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .map(|name| name.replace("&#x27;", "'").replace("&amp;", "&"))
        .collect()
}
