#![allow(clippy::expect_used)] // test set-up: a failure should stop the test
//! Spawns the real application on port 0 against the test's own database.

pub mod process;
pub mod shop;
pub mod smtp;

use server::config::{MailConfig, WebConfig};
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
    spawn_app_without_seed(pool).await
}

/// The demo shop with its configuration changed by `configure`.
pub async fn spawn_app_configured(pool: PgPool, configure: impl FnOnce(&mut WebConfig)) -> TestApp {
    server::database::migrate(&pool).await.expect("migrate");
    server::seed::seed_demo(&pool).await.expect("seed");
    let mut config = test_config();
    configure(&mut config);
    spawn_server(pool, config).await
}

/// Another server on a database that is already set up.
pub async fn spawn_app_without_seed(pool: PgPool) -> TestApp {
    spawn_server(pool, test_config()).await
}

/// Another server on a database that is already set up, configured.
pub async fn spawn_another_configured(pool: PgPool, configure: impl FnOnce(&mut WebConfig)) -> TestApp {
    let mut config = test_config();
    configure(&mut config);
    spawn_server(pool, config).await
}

/// The defaults, but for sign-ups: every test signs its shoppers up from
/// 127.0.0.1, some of them hundreds.
fn test_config() -> WebConfig {
    WebConfig {
        public_url: Some("https://shop.example".into()),
        sign_ups_per_hour: 1_000_000,
        // The same for the mail they ask for (the limits have their own tests).
        mail: MailConfig {
            mails_per_client_per_hour: 1_000_000,
            ..MailConfig::default()
        },
        guest_baskets_per_hour: 1_000_000,
        // Hundreds of shoppers' clients sit idle while the others sign up:
        // a kept-alive connection closed under a request is not what a
        // test is about (the slow-client test sets its own).
        header_timeout_seconds: 300,
        // Tests read their own changes at once; the cache has its own tests.
        page_cache_ms: 0,
        ..WebConfig::local("127.0.0.1:0".parse().expect("address"))
    }
}

async fn spawn_server(pool: PgPool, config: WebConfig) -> TestApp {
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
    let client = cookie_client();
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

/// The sign-up form of Ada Lovelace with `username`, `email` and `PASSWORD`.
pub fn sign_up_form<'a>(username: &'a str, email: &'a str) -> [(&'static str, &'a str); 6] {
    [
        ("username", username),
        ("email", email),
        ("password", PASSWORD),
        ("password_confirmation", PASSWORD),
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
    ]
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

    /// The page at `path` as `client` (and its cookies) sees it.
    pub async fn page_as(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client.get(self.url(path)).send().await.expect("GET");
        response.text().await.expect("body")
    }

    /// The page at `path` as `client` sees it, sending one more header.
    pub async fn page_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        (name, value): (&str, &str),
    ) -> String {
        let response = client
            .get(self.url(path))
            .header(name, value)
            .send()
            .await
            .expect("GET");
        response.text().await.expect("body")
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

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// A client with its own cookie jar (another browser).
    pub fn new_client(&self) -> reqwest::Client {
        cookie_client()
    }

    /// Products as the shop lists them: one per product page, however many
    /// variants it sells.
    pub async fn product_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM products WHERE variant_of IS NULL")
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }

    /// Calls a server function with a given client.
    pub async fn call_as(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Origin", &self.address)
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Registers `username` (password [`PASSWORD`]) through the real endpoint
    /// with `client`, which ends up logged in; returns the new user's id.
    pub async fn register(&self, client: &reqwest::Client, username: &str) -> i64 {
        let email = format!("{username}@example.com");
        let response = self
            .call_as(client, "auth/register", &sign_up_form(username, &email))
            .await;
        assert_eq!(response.status(), 200, "register {username}");
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.pool)
            .await
            .expect("the new account")
    }

    /// Creates an administrator directly and logs `client` in as them.
    pub async fn admin(&self, client: &reqwest::Client, username: &str) -> i64 {
        let form = app::auth::service::Registration {
            username: username.into(),
            email: format!("{username}@example.com"),
            password: PASSWORD.into(),
            password_confirmation: PASSWORD.into(),
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
        };
        let admin = app::auth::service::register(&self.pool, form, app::auth::model::Role::Admin)
            .await
            .expect("admin");
        let response = self.login(client, username, PASSWORD).await;
        assert_eq!(response.status(), 200);
        admin.id.0
    }

    pub async fn login(&self, client: &reqwest::Client, login: &str, password: &str) -> reqwest::Response {
        self.call_as(client, "auth/login", &[("login", login), ("password", password)])
            .await
    }

    /// The username the server sees logged in for `client`.
    pub async fn whoami(&self, client: &reqwest::Client) -> Option<String> {
        let response = self.call_as(client, "auth/me", &[]).await;
        assert_eq!(response.status(), 200);
        let me: serde_json::Value = response.json().await.expect("json");
        me["username"].as_str().map(str::to_owned)
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A hung page must fail the test, not stall the run.
        .timeout(std::time::Duration::from_secs(20))
        // A fresh connection for each request. With kept-alive ones, one
        // request in a hundred concurrent ones sometimes waited for a pooled
        // connection until the timeout while the server was idle, every
        // request it received answered (seen with `ss` and a stack dump; in
        // 1 to 2 runs of 10 of the concurrent-pages test beside another).
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
}

/// The session cookie a response sets, as `name=value`.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("wm_session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
}

/// The script nonce a Content-Security-Policy allows.
pub fn policy_nonce(policy: &str) -> String {
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned()
}
