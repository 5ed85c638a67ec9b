//! Server state shared by every server function, reached through context.

use leptos::prelude::use_context;
use std::sync::Arc;

use sqlx::PgPool;

use crate::payment::gateway::{PaymentGateway, TestCardProcessor};

use crate::error::AppError;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// The payment provider; the built-in test card processor by default.
    pub payments: Arc<dyn PaymentGateway>,
    /// Scheme and host the shop is reached at, for canonical URLs and the sitemap.
    pub public_url: String,
    pub auth: AuthSettings,
    pub checkout: CheckoutSettings,
    pub mail: MailSettings,
    /// The option counts of unfiltered listings by category, a minute old
    /// at most (written and read by `products::facet_cache`).
    pub facets: crate::ttl_cache::TtlCache<Option<i64>>,
    /// The key that signs drop admissions, read once from the database
    /// (every instance shares it: `drops::admission`).
    pub admission_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// Counts per caller and address of what costs no query to count
    /// (drop polls, adds and checkouts: `drops::friction`).
    pub throttle: crate::throttle::Throttle,
    /// Refusals on drops by (drop, reason), added to the drop report by
    /// the room tick (`drops::service::run_rooms`).
    pub drop_refusals: crate::tally::Tally<(i64, &'static str)>,
    /// Who sells, as invoices state it.
    pub seller: Arc<SellerDetails>,
    /// Webhooks may go to private and loopback addresses (a shop whose
    /// receivers sit in its own network); off, only public ones.
    pub webhooks_allow_private: bool,
}

/// The seller's details every invoice and credit note states (kept on each
/// document as they were when it was written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SellerDetails {
    pub name: String,
    /// Street, postcode and town, one line each.
    pub address: String,
    /// The French company number (14 digits).
    pub siret: String,
    /// The intra-community VAT number.
    pub vat_number: String,
}

impl Default for SellerDetails {
    /// The demo shop's (invented) details.
    fn default() -> Self {
        Self {
            name: "WonderMarket SAS".into(),
            address: "1 rue de la Démo\n75001 Paris\nFrance".into(),
            siret: "000 000 000 00000".into(),
            vat_number: "FR00 000000000".into(),
        }
    }
}

/// What server functions need to know of mail delivery (the worker that
/// sends it lives in the server).
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// Mail goes to an SMTP server; without one it stays in the local
    /// mailbox (the back office's mail page).
    pub smtp: bool,
    /// Password-reset and verification mails allowed per address, and per
    /// account, in an hour.
    pub max_links_per_hour: i64,
}

impl MailSettings {
    pub fn new(smtp: bool) -> Self {
        Self {
            smtp,
            max_links_per_hour: 5,
        }
    }
}

/// How long a checkout may wait for its payment.
#[derive(Clone, Debug)]
pub struct CheckoutSettings {
    /// An order awaiting payment keeps its units this long; then any
    /// instance asks the provider and settles it.
    pub payment_window: chrono::Duration,
    /// How long the checkout waits for the provider's answer before it
    /// asks the provider what became of the charge.
    pub charge_timeout: std::time::Duration,
}

impl Default for CheckoutSettings {
    fn default() -> Self {
        Self {
            payment_window: chrono::Duration::minutes(10),
            charge_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// Login throttling and session lifetime. Password attempts (logins,
/// password changes) in the window: an address that failed `max_failures`
/// times waits, whatever the account (the storm's sources wait, not the
/// owner logging in from elsewhere); an account that succeeded
/// `max_successes` times waits, and an address that succeeded ten times
/// that (a correct password in a loop cannot monopolise hashing); an
/// account that failed `alert_after_failures` times from anywhere is shown
/// on the back-office dashboard, but its right password still works.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Failed password attempts allowed per client address in the window.
    pub max_failures: i64,
    /// Successful password attempts allowed per account in the window.
    pub max_successes: i64,
    /// An account's failures from anywhere that raise the alert.
    pub alert_after_failures: i64,
    pub failure_window: chrono::Duration,
    /// A login ends this long after it began, however active the session.
    pub session_max_age: chrono::Duration,
    /// Take the client address from X-Forwarded-For (behind a trusted proxy only).
    pub trust_forwarded_for: bool,
    /// Sign-ups allowed per client address in an hour.
    pub max_sign_ups: i64,
    /// New guest baskets allowed per client address in an hour.
    pub max_guest_baskets: i64,
    /// A guest's session ends after this long without a change.
    pub guest_session_life: chrono::Duration,
    /// A logged-in session ends after this long without a request.
    pub session_idle_life: chrono::Duration,
    /// What a visitor can make the shop mail (see `MailLimits`).
    pub mail_limits: MailLimits,
}

/// Mail a visitor's request makes the shop write to an address (alert
/// confirmations, reset and verification links, sign-up mails, changes of
/// address), counted in PostgreSQL over the last hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailLimits {
    /// Such mails per client address (an IPv6 client's /64).
    pub per_client: i64,
    /// Such mails per recipient address.
    pub per_recipient: i64,
    /// Changes of an account's e-mail address.
    pub email_changes: i64,
}

impl Default for MailLimits {
    fn default() -> Self {
        Self {
            per_client: 20,
            per_recipient: 5,
            email_changes: 3,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            max_failures: 5,
            max_successes: 10,
            alert_after_failures: 100,
            failure_window: chrono::Duration::minutes(15),
            session_max_age: chrono::Duration::days(30),
            trust_forwarded_for: false,
            max_sign_ups: 20,
            max_guest_baskets: 30,
            guest_session_life: chrono::Duration::hours(48),
            session_idle_life: chrono::Duration::days(7),
            mail_limits: MailLimits::default(),
        }
    }
}

impl AppState {
    /// The state with the test card processor answering at once (its
    /// records kept through `pool`) and the default checkout settings.
    pub fn new(pool: PgPool, public_url: impl Into<String>, auth: AuthSettings) -> Self {
        let payments = Arc::new(TestCardProcessor::new(pool.clone(), std::time::Duration::ZERO));
        Self {
            pool,
            payments,
            public_url: public_url.into(),
            auth,
            checkout: CheckoutSettings::default(),
            mail: MailSettings::new(false),
            facets: crate::ttl_cache::TtlCache::new(std::time::Duration::from_secs(60)),
            admission_key: Arc::default(),
            throttle: crate::throttle::Throttle::default(),
            drop_refusals: crate::tally::Tally::default(),
            seller: Arc::default(),
            webhooks_allow_private: false,
        }
    }

    /// The state the server provided to this request's reactive owner.
    ///
    /// Without it, there are two cases. If the request itself is also out of
    /// reach, the component that asked was dropped while its page rendered
    /// (leptos polls a few back-office resources once more after dropping
    /// their component) and nobody reads the result. Otherwise the server
    /// was set up without its state, a real fault.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            if use_context::<http::request::Parts>().is_some() {
                tracing::error!("AppState missing from the server function context");
            } else {
                tracing::debug!("a server function ran for a dropped component");
            }
            AppError::Internal
        })
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("public_url", &self.public_url)
            .field("auth", &self.auth)
            .field("checkout", &self.checkout)
            .field("mail", &self.mail)
            .finish_non_exhaustive()
    }
}
