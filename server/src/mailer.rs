//! Sends the outbox's mail: every instance runs one [`Mailer`], which
//! claims due mails (`app::mail::outbox::claim`, SKIP LOCKED with a lease,
//! committed before any server is asked), writes each one, hands it to the
//! SMTP server (or, without one, to the local mailbox), and records how it
//! went: sent, retried later with back-off, or failed for good.
//!
//! A mail is sent at least once and, but for one case, exactly once: an
//! instance that dies after the SMTP server took the mail and before it
//! recorded so lets the lease run out, and another instance sends it again.
//! Its Message-ID stays the same (`<outbox-{id}@…>`), so a mail system can
//! tell the copies apart.

use std::time::Duration;

use anyhow::Context;
use app::mail::outbox::{self, Claimed, DeliveredBy, Rendered};
use app::mail::{model::MailStatus, templates};
use app::state::AppState;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;

/// Mails claimed at once by one instance.
const BATCH: i64 = 20;
/// How long the SMTP server may take over one mail.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// A claim outlives the slowest delivery of a whole batch.
const LEASE: Duration = Duration::from_secs(30 * BATCH as u64 + 60);

enum Delivery {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Mailbox,
}

pub struct Mailer {
    state: AppState,
    delivery: Delivery,
    from: Mailbox,
    poll: Duration,
    max_attempts: i32,
    retry_after: Duration,
}

impl Mailer {
    pub fn new(state: AppState, config: &MailConfig) -> anyhow::Result<Self> {
        let from: Mailbox = config.mail_from.parse().with_context(|| {
            format!(
                "WONDERMARKET_MAIL_FROM is not a mail address: {}",
                config.mail_from
            )
        })?;
        let delivery = match &config.smtp_url {
            Some(url) => Delivery::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
                    .context("WONDERMARKET_SMTP_URL could not be read")?
                    .timeout(Some(SEND_TIMEOUT))
                    .build(),
            ),
            None => Delivery::Mailbox,
        };
        Ok(Self {
            state,
            delivery,
            from,
            poll: Duration::from_millis(config.mail_poll_ms),
            max_attempts: config.mail_max_attempts,
            retry_after: Duration::from_millis(config.mail_retry_ms),
        })
    }

    /// Sends what is due every poll interval, for ever.
    pub async fn run(self) {
        match &self.delivery {
            Delivery::Smtp(_) => tracing::info!(from = %self.from, "mail goes to the SMTP server"),
            Delivery::Mailbox => {
                tracing::info!("no SMTP server configured: mail stays in the local mailbox (/admin/mail)")
            }
        }
        let mut tick = tokio::time::interval(self.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = self.send_due().await {
                tracing::error!(%error, "sending mail failed");
            }
        }
    }

    /// Sends the mails due now (a batch at a time); returns how many went.
    pub async fn send_due(&self) -> Result<usize, sqlx::Error> {
        let mut sent = 0;
        loop {
            let claimed = outbox::claim(&self.state.pool, BATCH, LEASE).await?;
            if claimed.is_empty() {
                return Ok(sent);
            }
            for mail in &claimed {
                if self.send(mail).await? {
                    sent += 1;
                }
            }
        }
    }

    async fn send(&self, mail: &Claimed) -> Result<bool, sqlx::Error> {
        let pool = &self.state.pool;
        let outcome = match templates::render(pool, &self.state.public_url, mail).await {
            Ok(rendered) => self.deliver(mail, &rendered).await.map(|by| (rendered, by)),
            Err(error) => Err(error),
        };
        match outcome {
            Ok((rendered, by)) => {
                outbox::mark_sent(pool, mail, &rendered, by).await?;
                metrics::counter!("wm_mail_sent_total", "kind" => mail.kind.as_str()).increment(1);
                tracing::info!(mail_id = mail.id, kind = mail.kind.as_str(), "mail sent");
                Ok(true)
            }
            Err(error) => {
                let status =
                    outbox::mark_attempt_failed(pool, mail, &error, self.max_attempts, self.retry_after)
                        .await?;
                if status == MailStatus::Failed {
                    metrics::counter!("wm_mail_failed_total", "kind" => mail.kind.as_str()).increment(1);
                    tracing::error!(mail_id = mail.id, attempt = mail.attempt, %error, "mail failed for good");
                } else {
                    tracing::warn!(mail_id = mail.id, attempt = mail.attempt, %error, "mail not sent; it will be retried");
                }
                Ok(false)
            }
        }
    }

    async fn deliver(&self, mail: &Claimed, rendered: &Rendered) -> Result<DeliveredBy, String> {
        let transport = match &self.delivery {
            Delivery::Mailbox => return Ok(DeliveredBy::Mailbox),
            Delivery::Smtp(transport) => transport,
        };
        let message = self.message(mail, rendered)?;
        match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
            Ok(Ok(_)) => Ok(DeliveredBy::Smtp),
            Ok(Err(error)) => Err(format!("SMTP: {error}")),
            Err(_) => Err("SMTP: no answer in time".to_owned()),
        }
    }

    fn message(&self, mail: &Claimed, rendered: &Rendered) -> Result<Message, String> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|error| format!("recipient {}: {error}", mail.recipient))?;
        let domain = self.from.email.domain().to_owned();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(format!("<outbox-{}@{domain}>", mail.id)))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Content-Language"),
                mail.language.code().to_owned(),
            ));
        if let Some(href) = &rendered.unsubscribe {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{href}>"),
            ));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|error| format!("message: {error}"))
    }
}
