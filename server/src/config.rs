//! Typed configuration from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

/// Everything the HTTP side needs.
#[derive(Debug, Clone, Args)]
pub struct WebConfig {
    /// Address and port to serve the shop on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,
    /// Folder with the built site (WASM, CSS, images), as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Name of the generated WASM/JS/CSS files under /pkg.
    #[arg(long, env = "LEPTOS_OUTPUT_NAME", default_value = "wondermarket")]
    pub output_name: String,
    /// The address shoppers reach the shop at (scheme and host), for canonical
    /// URLs and the sitemap. Defaults to http://<site-addr>.
    #[arg(long, env = "WONDERMARKET_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Failed logins allowed per client address in the window (whatever the account).
    #[arg(long, env = "WONDERMARKET_LOGIN_MAX_FAILURES", default_value_t = 5, value_parser = clap::value_parser!(i64).range(1..=1000))]
    pub login_max_failures: i64,
    /// Successful logins (and password checks) allowed per account in the
    /// window; an address may succeed ten times that.
    #[arg(long, env = "WONDERMARKET_LOGIN_MAX_SUCCESSES", default_value_t = 10, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub login_max_successes: i64,
    /// Wrong passwords for one account, from anywhere, in the window that
    /// put it on the back-office dashboard (its owner can still log in).
    #[arg(long, env = "WONDERMARKET_LOGIN_ALERT_FAILURES", default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub login_alert_failures: i64,
    /// Length of the failed-login window, in minutes.
    #[arg(long, env = "WONDERMARKET_LOGIN_WINDOW_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(i64).range(1..=10_080))]
    pub login_window_minutes: i64,
    /// Sign-ups allowed per client address (an IPv6 client's /64) in an hour.
    #[arg(long, env = "WONDERMARKET_SIGN_UPS_PER_HOUR", default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub sign_ups_per_hour: i64,
    /// A session ends after this many days without a request.
    #[arg(long, env = "WONDERMARKET_SESSION_IDLE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub session_idle_days: i64,
    /// A login ends after this many days, however active.
    #[arg(long, env = "WONDERMARKET_SESSION_MAX_DAYS", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub session_max_days: i64,
    /// A guest's session (and basket) ends after this many hours without a
    /// change; a login's follows WONDERMARKET_SESSION_IDLE_DAYS.
    #[arg(long, env = "WONDERMARKET_GUEST_SESSION_HOURS", default_value_t = 48, value_parser = clap::value_parser!(i64).range(1..=8_760))]
    pub guest_session_hours: i64,
    /// New guest baskets (each a session row) allowed per client address in an hour.
    #[arg(long, env = "WONDERMARKET_GUEST_BASKETS_PER_HOUR", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub guest_baskets_per_hour: i64,
    /// Seconds a client has to send a request's headers before the
    /// connection is closed (slow clients hold no connection for ever); a
    /// kept-alive connection idle that long is closed too.
    #[arg(long, env = "WONDERMARKET_HEADER_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_timeout_seconds: u64,
    /// Seconds a client has to send a request's body (408 after).
    #[arg(long, env = "WONDERMARKET_BODY_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub body_timeout_seconds: u64,
    /// Open connections served at once; beyond it, new ones wait to be accepted.
    #[arg(long, env = "WONDERMARKET_MAX_CONNECTIONS", default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Open pages following live stock and rooms (Server-Sent Events) at
    /// once; beyond it, a page is told to come back later (503) and stays
    /// right at every load. Keep it below the connection bound.
    #[arg(long, env = "WONDERMARKET_MAX_LIVE_PAGES", default_value_t = 15_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub max_live_pages: u64,
    /// Read the client address from X-Forwarded-For (only behind a proxy you run).
    #[arg(long, env = "WONDERMARKET_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Mark cookies Secure (set this in production behind HTTPS).
    #[arg(long, env = "WONDERMARKET_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// An order awaiting payment keeps its units this many seconds; then
    /// any instance asks the provider and settles it.
    #[arg(long, env = "WONDERMARKET_PAYMENT_WINDOW_SECONDS", default_value_t = 600, value_parser = clap::value_parser!(i64).range(1..=86_400))]
    pub payment_window_seconds: i64,
    /// How long a checkout waits for the provider's answer before asking it
    /// what became of the charge (keep it below the payment window).
    #[arg(long, env = "WONDERMARKET_CHARGE_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub charge_timeout_seconds: u64,
    /// The built-in test card processor answers each call after this many
    /// milliseconds, like a real provider (200–800 ms); 0 answers at once.
    #[arg(long, env = "WONDERMARKET_TEST_PAYMENT_LATENCY_MS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub test_payment_latency_ms: u64,
    /// Catalogue pages for visitors without a session are served from
    /// memory for at most this many milliseconds (and dropped at once when
    /// the catalogue changes, on every instance); 0 turns the cache off.
    #[arg(long, env = "WONDERMARKET_PAGE_CACHE_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub page_cache_ms: u64,
    /// The bearer token a scraper sends for /metrics (`Authorization: Bearer
    /// …`); without it /metrics answers 404.
    #[arg(long, env = "WONDERMARKET_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<MetricsToken>,
    /// Requests to the public API one token may make in a minute (429 after).
    #[arg(long, env = "WONDERMARKET_API_REQUESTS_PER_TOKEN", default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_requests_per_token: u32,
    /// Requests to the public API one client address may make in a minute,
    /// tokens or none (429 after).
    #[arg(long, env = "WONDERMARKET_API_REQUESTS_PER_ADDRESS", default_value_t = 1200, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_requests_per_address: u32,
    #[command(flatten)]
    pub mail: MailConfig,
    #[command(flatten)]
    pub seller: SellerConfig,
    #[command(flatten)]
    pub webhooks: WebhookConfig,
}

/// How webhooks are sent.
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Send webhooks to private and loopback addresses too (receivers in
    /// the shop's own network). Off: public addresses only.
    #[arg(long, env = "WONDERMARKET_WEBHOOKS_ALLOW_PRIVATE", default_value_t = false)]
    pub webhooks_allow_private: bool,
    /// Delivery attempts before a webhook is marked failed (the back office can resend it).
    #[arg(long, env = "WONDERMARKET_WEBHOOK_MAX_ATTEMPTS", default_value_t = 8, value_parser = clap::value_parser!(i32).range(1..=50))]
    pub webhook_max_attempts: i32,
    /// The wait after a first failed attempt, in milliseconds; it doubles
    /// after each further one, up to an hour.
    #[arg(long, env = "WONDERMARKET_WEBHOOK_RETRY_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub webhook_retry_ms: u64,
    /// Seconds a receiver has to answer.
    #[arg(long, env = "WONDERMARKET_WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub webhook_timeout_seconds: u64,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            webhooks_allow_private: false,
            webhook_max_attempts: 8,
            webhook_retry_ms: 30_000,
            webhook_timeout_seconds: 10,
        }
    }
}

/// The seller's details on every invoice and credit note.
#[derive(Debug, Clone, Args)]
pub struct SellerConfig {
    /// The company's name.
    #[arg(long, env = "WONDERMARKET_SELLER_NAME", default_value = "WonderMarket SAS")]
    pub seller_name: String,
    /// Its address, lines separated by `\n` or `|`.
    #[arg(
        long,
        env = "WONDERMARKET_SELLER_ADDRESS",
        default_value = "1 rue de la Démo|75001 Paris|France"
    )]
    pub seller_address: String,
    /// Its SIRET number.
    #[arg(long, env = "WONDERMARKET_SELLER_SIRET", default_value = "000 000 000 00000")]
    pub seller_siret: String,
    /// Its intra-community VAT number.
    #[arg(
        long,
        env = "WONDERMARKET_SELLER_VAT_NUMBER",
        default_value = "FR00 000000000"
    )]
    pub seller_vat_number: String,
}

impl Default for SellerConfig {
    fn default() -> Self {
        let shop = app::state::SellerDetails::default();
        Self {
            seller_name: shop.name,
            seller_address: shop.address.replace('\n', "|"),
            seller_siret: shop.siret,
            seller_vat_number: shop.vat_number,
        }
    }
}

impl SellerConfig {
    pub fn details(&self) -> app::state::SellerDetails {
        let lines: Vec<&str> = self
            .seller_address
            .split(['|', '\n'])
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        app::state::SellerDetails {
            name: self.seller_name.trim().to_owned(),
            address: lines.join("\n"),
            siret: self.seller_siret.trim().to_owned(),
            vat_number: self.seller_vat_number.trim().to_owned(),
        }
    }
}

/// How mail leaves the shop.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// The SMTP server mail is sent through, as a URL:
    /// `smtps://user:password@host:465` (TLS),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS),
    /// `smtp://host:25` (no encryption: a relay on the same host only).
    /// Without it, mail stays in the local mailbox (back office → Mail).
    #[arg(long, env = "WONDERMARKET_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SmtpUrl>,
    /// The sender of the shop's mail.
    #[arg(
        long,
        env = "WONDERMARKET_MAIL_FROM",
        default_value = "WonderMarket <no-reply@wondermarket.localhost>"
    )]
    pub mail_from: String,
    /// How often each instance looks for mail to send, in milliseconds.
    #[arg(long, env = "WONDERMARKET_MAIL_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(50..=60_000))]
    pub mail_poll_ms: u64,
    /// Delivery attempts before a mail is marked failed (the back office can resend it).
    #[arg(long, env = "WONDERMARKET_MAIL_MAX_ATTEMPTS", default_value_t = 5, value_parser = clap::value_parser!(i32).range(1..=50))]
    pub mail_max_attempts: i32,
    /// The wait after a first failed attempt, in milliseconds; it doubles
    /// after each further one, up to an hour.
    #[arg(long, env = "WONDERMARKET_MAIL_RETRY_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub mail_retry_ms: u64,
    /// Mails a visitor can make the shop write (alert confirmations, reset
    /// and verification links, sign-up mails), per client address in an hour.
    #[arg(long, env = "WONDERMARKET_MAILS_PER_CLIENT_PER_HOUR", default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub mails_per_client_per_hour: i64,
    /// The same mails per recipient address in an hour.
    #[arg(long, env = "WONDERMARKET_MAILS_PER_RECIPIENT_PER_HOUR", default_value_t = 5, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub mails_per_recipient_per_hour: i64,
    /// Changes of an account's e-mail address in an hour.
    #[arg(long, env = "WONDERMARKET_EMAIL_CHANGES_PER_HOUR", default_value_t = 3, value_parser = clap::value_parser!(i64).range(1..=1_000))]
    pub email_changes_per_hour: i64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_from: "WonderMarket <no-reply@wondermarket.localhost>".into(),
            mail_poll_ms: 1000,
            mail_max_attempts: 5,
            mail_retry_ms: 30_000,
            mails_per_client_per_hour: 20,
            mails_per_recipient_per_hour: 5,
            email_changes_per_hour: 3,
        }
    }
}

/// An SMTP URL, which may carry a password: never printed.
#[derive(Clone)]
pub struct SmtpUrl(pub String);

impl std::str::FromStr for SmtpUrl {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if !(raw.starts_with("smtp://") || raw.starts_with("smtps://")) {
            return Err("the SMTP URL starts with smtp:// or smtps://".into());
        }
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpUrl(<set>)")
    }
}

/// A secret that never shows in logs or `Debug` output.
#[derive(Clone)]
pub struct MetricsToken(pub String);

impl std::str::FromStr for MetricsToken {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if raw.len() < 16 {
            return Err("the metrics token needs at least 16 characters".into());
        }
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<set>)")
    }
}

impl WebConfig {
    /// The defaults, listening on `site_addr` (tests, benchmarks).
    pub fn local(site_addr: std::net::SocketAddr) -> Self {
        Self {
            site_addr,
            site_root: "target/site".into(),
            output_name: "wondermarket".into(),
            public_url: None,
            login_max_failures: 5,
            login_max_successes: 10,
            login_alert_failures: 100,
            login_window_minutes: 15,
            sign_ups_per_hour: 20,
            session_idle_days: 7,
            session_max_days: 30,
            guest_session_hours: 48,
            guest_baskets_per_hour: 30,
            header_timeout_seconds: 30,
            body_timeout_seconds: 30,
            max_connections: 20_000,
            max_live_pages: 15_000,
            trust_forwarded_for: false,
            secure_cookies: false,
            payment_window_seconds: 600,
            charge_timeout_seconds: 30,
            test_payment_latency_ms: 0,
            page_cache_ms: 1000,
            metrics_token: None,
            api_requests_per_token: 600,
            api_requests_per_address: 1200,
            mail: MailConfig::default(),
            seller: SellerConfig::default(),
            webhooks: WebhookConfig::default(),
        }
    }

    pub fn checkout_settings(&self) -> app::state::CheckoutSettings {
        app::state::CheckoutSettings {
            payment_window: chrono::Duration::seconds(self.payment_window_seconds),
            charge_timeout: std::time::Duration::from_secs(self.charge_timeout_seconds),
        }
    }

    pub fn auth_settings(&self) -> app::state::AuthSettings {
        app::state::AuthSettings {
            max_failures: self.login_max_failures,
            max_successes: self.login_max_successes,
            alert_after_failures: self.login_alert_failures,
            failure_window: chrono::Duration::minutes(self.login_window_minutes),
            session_max_age: chrono::Duration::days(self.session_max_days),
            trust_forwarded_for: self.trust_forwarded_for,
            max_sign_ups: self.sign_ups_per_hour,
            max_guest_baskets: self.guest_baskets_per_hour,
            guest_session_life: chrono::Duration::hours(self.guest_session_hours),
            session_idle_life: chrono::Duration::days(self.session_idle_days),
            mail_limits: app::state::MailLimits {
                per_client: self.mail.mails_per_client_per_hour,
                per_recipient: self.mail.mails_per_recipient_per_hour,
                email_changes: self.mail.email_changes_per_hour,
            },
        }
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.site_addr))
            .trim_end_matches('/')
            .to_owned()
    }
}

/// Where the data lives.
#[derive(Clone, Args)]
pub struct DatabaseConfig {
    /// An existing PostgreSQL server. Without it the server starts its own
    /// private cluster in the data folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Folder of the embedded PostgreSQL cluster.
    #[arg(long, env = "WONDERMARKET_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Folder of the PostgreSQL programs (initdb, pg_ctl); found on PATH or
    /// under /usr/lib/postgresql/*/bin when not given.
    #[arg(long, env = "WONDERMARKET_PG_BIN")]
    pub pg_bin: Option<PathBuf>,
    /// Maximum connections in the pool of each server process.
    #[arg(long, env = "WONDERMARKET_DB_POOL_SIZE", default_value_t = 20)]
    pub pool_size: u32,
}

// The URL may carry a password: never print it.
impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field("data_dir", &self.data_dir)
            .field("pg_bin", &self.pg_bin)
            .field("pool_size", &self.pool_size)
            .finish()
    }
}
