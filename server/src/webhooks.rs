//! The webhook worker: every instance claims due deliveries (`SKIP
//! LOCKED`, so no two hold one), POSTs each to its endpoint, signed, and
//! records the answer; a failure waits and is tried again, doubling, until
//! it is marked failed for the back office to resend.
//!
//! No SSRF: the sender never follows a redirect, goes through no proxy,
//! and sends only to public addresses unless the operator allows private
//! ones. An address written in the URL (in any spelling: the URL is read
//! as the client reads it) is checked before sending; a name is resolved
//! by the sender's own resolver, which drops private addresses, so a name
//! that resolves to one at sending time (DNS rebinding) is refused too.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use app::state::AppState;
use app::webhooks::db::{self, Claimed};
use app::webhooks::model::is_public;
use app::webhooks::service::{sign, WebhookUrl, SIGNATURE_HEADER};

use crate::config::WebhookConfig;

/// Deliveries one worker takes at a time.
const BATCH: i64 = 20;

pub struct Sender {
    state: AppState,
    client: reqwest::Client,
    allow_private: bool,
    max_attempts: i32,
    retry: Duration,
    timeout: Duration,
}

/// Resolves names to public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|address| is_public(address.ip())).collect();
            if public.is_empty() {
                return Err("the name resolves to no public address".into());
            }
            let addresses: Addrs = Box::new(public.into_iter());
            Ok(addresses)
        })
    }
}

impl Sender {
    pub fn new(state: AppState, config: &WebhookConfig) -> anyhow::Result<Self> {
        let timeout = Duration::from_secs(config.webhook_timeout_seconds);
        let mut client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the names itself, past the check below.
            .no_proxy()
            .timeout(timeout)
            .user_agent("WonderMarket-Webhooks/1");
        if !config.webhooks_allow_private {
            client = client.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            state,
            client: client.build().context("building the webhook client")?,
            allow_private: config.webhooks_allow_private,
            max_attempts: config.webhook_max_attempts,
            retry: Duration::from_millis(config.webhook_retry_ms),
            timeout,
        })
    }

    /// Sends what is due, every half second, for ever.
    pub async fn run(self) {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let lease = (self.timeout + Duration::from_secs(5)).as_secs_f64();
            let claimed = match db::claim(&self.state.pool, BATCH, lease).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::error!(%error, "claiming webhook deliveries failed");
                    continue;
                }
            };
            futures::future::join_all(claimed.iter().map(|delivery| self.deliver(delivery))).await;
        }
    }

    async fn deliver(&self, delivery: &Claimed) {
        let outcome = self.send(delivery).await;
        let recorded = match &outcome {
            Ok(status) => db::mark_delivered(&self.state.pool, delivery.id, *status)
                .await
                .map(|()| Some("delivered".to_owned())),
            Err((status, error)) => {
                db::mark_attempt_failed(
                    &self.state.pool,
                    delivery.id,
                    *status,
                    error,
                    self.max_attempts,
                    self.retry.as_secs_f64(),
                )
                .await
            }
        };
        match (recorded, outcome) {
            (Ok(None), _) => {
                tracing::info!(delivery = delivery.id, "webhook's endpoint deleted while sending")
            }
            (Ok(Some(state)), Ok(_)) => {
                tracing::info!(delivery = delivery.id, event = %delivery.event, state, "webhook delivered");
                metrics::counter!("wm_webhooks_total", "result" => "delivered").increment(1);
            }
            (Ok(Some(state)), Err((status, error))) => {
                // The receiver's trouble, not the shop's: a warning, not an error.
                tracing::warn!(delivery = delivery.id, event = %delivery.event, ?status, %error, attempt = delivery.attempt, state, "webhook not delivered");
                metrics::counter!("wm_webhooks_total", "result" => "failed_attempt").increment(1);
            }
            (Err(error), _) => {
                tracing::error!(%error, delivery = delivery.id, "recording a webhook delivery failed")
            }
        }
    }

    /// POSTs the delivery: the receiver's 2xx status, or its status (if it
    /// answered) and what went wrong.
    async fn send(&self, delivery: &Claimed) -> Result<i32, (Option<i32>, String)> {
        let url = WebhookUrl::parse(&delivery.url).map_err(|_| (None, "not a valid URL".to_owned()))?;
        if let Some(address) = url.literal_address() {
            if !self.allow_private && !is_public(address) {
                return Err((None, "a private or loopback address is refused".to_owned()));
            }
        }
        let mut payload = delivery.payload.clone();
        if let Some(object) = payload.as_object_mut() {
            object.insert("delivery_id".into(), delivery.id.into());
        }
        let body = serde_json::to_vec(&payload).map_err(|error| (None, error.to_string()))?;
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .client
            .post(&url.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, sign(&delivery.secret, timestamp, &body))
            .header("WonderMarket-Event", &delivery.event)
            .header("WonderMarket-Delivery", delivery.id.to_string())
            .body(body)
            .send()
            .await
            .map_err(|error| (None, describe(&error)))?;
        let status = i32::from(response.status().as_u16());
        if response.status().is_success() {
            Ok(status)
        } else if response.status().is_redirection() {
            Err((Some(status), "redirects are not followed".to_owned()))
        } else {
            Err((Some(status), "the receiver refused it".to_owned()))
        }
    }
}

/// What went wrong, in a line (the error's chain, without the URL).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "no answer in time".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
