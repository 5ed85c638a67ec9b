#![allow(dead_code)] // each test file uses a different part of the helpers
#![allow(clippy::expect_used)] // test set-up: a failure should stop the test
//! Spawns the real application on port 0 against the test's own database.

use server::config::WebConfig;
use server::startup::Application;
use sqlx::PgPool;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
}

/// Migrates (session table included), seeds the demo catalogue and serves.
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
    let app = Application::build(&config, pool.clone())
        .await
        .expect("build app");
    let address = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        pool,
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
