//! The outbox's SQL: writing mail inside the cause's transaction, and the
//! worker's claim, delivery and retry. A claim is its own short statement,
//! committed before any SMTP server is asked (never a slow call under a
//! row lock); its lease lets another instance take the mail over if this
//! one dies before it says how the delivery went.

use std::time::Duration;

use serde_json::Value;
use sqlx::{PgExecutor, PgPool};

use super::model::{MailDetail, MailKind, MailPage, MailStatus, MailSummary};
use crate::i18n::Locale;

/// Writes a mail to send; part of the caller's transaction when given one.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    kind: MailKind,
    recipient: &str,
    language: Locale,
    payload: Value,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO mail_outbox (kind, recipient, language, payload) VALUES ($1, $2, $3, $4) RETURNING id",
        kind.as_str(),
        recipient,
        language.code(),
        // JSONB named here (and `payload: Value` in `claim`): only the server's
        // dependencies turn sqlx's `json` feature on, not the app's own build.
        payload as Value,
    )
    .fetch_one(db)
    .await
}

/// Writes an order's mail to its customer, in the order's language; none
/// for a deleted account (its address is gone).
pub async fn enqueue_order_mail(
    db: impl PgExecutor<'_>,
    order_id: i64,
    kind: MailKind,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO mail_outbox (kind, recipient, language, payload)
         SELECT $2, u.email, o.language, jsonb_build_object('order_id', o.id)
           FROM orders o JOIN users u ON u.id = o.user_id
          WHERE o.id = $1 AND u.deleted_at IS NULL",
        order_id,
        kind.as_str(),
    )
    .execute(db)
    .await
    .map(drop)
}

/// A mail a worker claimed, to render and deliver.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub language: Locale,
    pub payload: Value,
    /// This delivery attempt's number, from 1.
    pub attempt: i32,
}

struct ClaimedRow {
    id: i64,
    kind: String,
    recipient: String,
    language: String,
    payload: Value,
    attempts: i32,
}

/// Claims up to `batch` due mails for `lease`, oldest first. Rows another
/// worker is claiming are skipped, not waited for, and a claimed row is not
/// due again until its lease ends: two workers never hold one mail.
pub async fn claim(pool: &PgPool, batch: i64, lease: Duration) -> Result<Vec<Claimed>, sqlx::Error> {
    let rows = sqlx::query_as!(
        ClaimedRow,
        r#"UPDATE mail_outbox
            SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
          WHERE id IN (SELECT id FROM mail_outbox
                        WHERE status = 'pending' AND next_attempt_at <= now()
                          AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY next_attempt_at, id
                        LIMIT $1
                        FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, recipient, language, payload AS "payload: Value", attempts"#,
        batch,
        lease.as_secs_f64(),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let kind = MailKind::parse(&row.kind)?;
            Some(Claimed {
                id: row.id,
                kind,
                recipient: row.recipient,
                language: Locale::parse(&row.language).unwrap_or_default(),
                payload: row.payload,
                attempt: row.attempts,
            })
        })
        .collect())
}

/// A mail as it was written for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Where a reader stops mails like this one (back-in-stock alerts).
    pub unsubscribe: Option<String>,
}

/// How a mail left the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveredBy {
    Smtp,
    /// No SMTP server configured: the mail stays in the local mailbox.
    Mailbox,
}

/// Marks a claimed mail sent. Delivered to a real mailbox, a mail whose
/// link grants access keeps no text here (nor its token).
pub async fn mark_sent(
    pool: &PgPool,
    mail: &Claimed,
    rendered: &Rendered,
    by: DeliveredBy,
) -> Result<(), sqlx::Error> {
    let keep_text = by == DeliveredBy::Mailbox || !mail.kind.carries_a_secret();
    sqlx::query!(
        "UPDATE mail_outbox
            SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL,
                subject = $2, delivered_by = $3,
                text_body = CASE WHEN $4 THEN $5 END,
                html_body = CASE WHEN $4 THEN $6 END,
                payload = CASE WHEN $4 THEN payload ELSE '{}' END
          WHERE id = $1 AND status = 'pending'",
        mail.id,
        rendered.subject,
        match by {
            DeliveredBy::Smtp => "smtp",
            DeliveredBy::Mailbox => "mailbox",
        },
        keep_text,
        rendered.text,
        rendered.html,
    )
    .execute(pool)
    .await
    .map(drop)
}

/// Notes a failed delivery: the mail waits `retry_after` × 2^(attempt − 1)
/// (an hour at most) and is tried again, or after `max_attempts` is failed
/// for good, for the back office to resend. Returns the mail's status now.
pub async fn mark_attempt_failed(
    pool: &PgPool,
    mail: &Claimed,
    error: &str,
    max_attempts: i32,
    retry_after: Duration,
) -> Result<MailStatus, sqlx::Error> {
    let status = sqlx::query_scalar!(
        "UPDATE mail_outbox
            SET claimed_until = NULL, last_error = left($2, 500),
                status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + make_interval(secs => least($4 * power(2, attempts - 1), 3600))
          WHERE id = $1
        RETURNING status",
        mail.id,
        error,
        max_attempts,
        retry_after.as_secs_f64(),
    )
    .fetch_one(pool)
    .await?;
    Ok(MailStatus::parse(&status).unwrap_or(MailStatus::Pending))
}

/// Puts a failed mail back in the queue, its attempts counted afresh;
/// `false` if it was not failed (sent, or already resent).
pub async fn resend(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE mail_outbox
            SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, claimed_until = NULL
          WHERE id = $1 AND status = 'failed'",
        id,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

struct SummaryRow {
    id: i64,
    kind: String,
    recipient: String,
    subject: Option<String>,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    delivered_by: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    text_body: Option<String>,
}

impl SummaryRow {
    fn summary(self) -> (MailSummary, Option<String>) {
        let summary = MailSummary {
            id: self.id,
            kind: MailKind::parse(&self.kind).unwrap_or(MailKind::OrderPaid),
            recipient: self.recipient,
            subject: self.subject,
            status: MailStatus::parse(&self.status).unwrap_or(MailStatus::Pending),
            attempts: self.attempts,
            last_error: self.last_error,
            delivered_by: self.delivered_by,
            created_at: self.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        };
        (summary, self.text_body)
    }
}

/// The newest mails (of one status, when given) and the queue's counts.
pub async fn list(pool: &PgPool, status: Option<MailStatus>, limit: i64) -> Result<MailPage, sqlx::Error> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT id, kind, recipient, subject, status, attempts, last_error, delivered_by,
                  created_at AS "created_at: chrono::DateTime<chrono::Utc>", text_body
             FROM mail_outbox
            WHERE $1::text IS NULL OR status = $1
            ORDER BY id DESC LIMIT $2"#,
        status.map(MailStatus::as_str),
        limit,
    )
    .fetch_all(pool)
    .await?;
    let (pending, failed) = backlog(pool).await?;
    Ok(MailPage {
        items: rows.into_iter().map(|row| row.summary().0).collect(),
        failed,
        pending,
        smtp: false,
    })
}

/// One mail with its text (none once a secret-bearing mail was delivered).
pub async fn find(pool: &PgPool, id: i64, site: &str) -> Result<Option<MailDetail>, sqlx::Error> {
    let row = sqlx::query_as!(
        SummaryRow,
        r#"SELECT id, kind, recipient, subject, status, attempts, last_error, delivered_by,
                  created_at AS "created_at: chrono::DateTime<chrono::Utc>", text_body
             FROM mail_outbox WHERE id = $1"#,
        id,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| {
        let (summary, text_body) = row.summary();
        let links = text_body
            .as_deref()
            .map(|text| super::model::links_in(text, site))
            .unwrap_or_default();
        MailDetail {
            summary,
            text_body,
            links,
        }
    }))
}

/// Mail waiting to be sent and mail failed for good.
pub async fn backlog(pool: &PgPool) -> Result<(i64, i64), sqlx::Error> {
    let counts = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE status = 'pending') AS "pending!",
                  count(*) FILTER (WHERE status = 'failed') AS "failed!"
             FROM mail_outbox WHERE status <> 'sent'"#,
    )
    .fetch_one(pool)
    .await?;
    Ok((counts.pending, counts.failed))
}
