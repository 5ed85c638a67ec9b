//! How much mail a visitor's requests can make the shop write: per client
//! address and per recipient, over the last hour, counted in PostgreSQL so
//! every instance agrees (migration 0020). Whatever a stranger can make
//! the shop send passes here first, in the transaction that writes the mail.

use sqlx::{Postgres, Transaction};

use crate::state::MailLimits;

/// Why a visitor asked for a mail (kept with the count, for the logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailRequest {
    AlertConfirmation,
    PasswordReset,
    Verification,
    SignUp,
    EmailChange,
}

impl MailRequest {
    fn as_str(self) -> &'static str {
        match self {
            MailRequest::AlertConfirmation => "alert_confirmation",
            MailRequest::PasswordReset => "password_reset",
            MailRequest::Verification => "verification",
            MailRequest::SignUp => "sign_up",
            MailRequest::EmailChange => "email_change",
        }
    }
}

/// Counts a mail to `recipient` asked from `client_ip`, unless the client
/// or the recipient already reached its limit in the last hour: then
/// `false` and nothing is counted. Advisory locks (the client's, then the
/// recipient's, always in that order) make parallel requests count one
/// after the other, until the caller's transaction ends.
pub async fn admit(
    tx: &mut Transaction<'_, Postgres>,
    request: MailRequest,
    client_ip: &str,
    recipient: &str,
    limits: &MailLimits,
) -> Result<bool, sqlx::Error> {
    let recipient = recipient.trim().to_lowercase();
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('mail-client:' || $1, 0))",
        client_ip,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('mail-recipient:' || $1, 0))",
        recipient,
    )
    .execute(&mut **tx)
    .await?;
    let counts = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE client_ip = $1) AS "from_client!",
                  count(*) FILTER (WHERE recipient = $2) AS "to_recipient!"
             FROM mail_requests
            WHERE requested_at > now() - interval '1 hour' AND (client_ip = $1 OR recipient = $2)"#,
        client_ip,
        recipient,
    )
    .fetch_one(&mut **tx)
    .await?;
    let (from_client, to_recipient) = (counts.from_client, counts.to_recipient);
    if from_client >= limits.per_client || to_recipient >= limits.per_recipient {
        tracing::info!(
            request = request.as_str(),
            from_client,
            to_recipient,
            "mail refused: the client's or the recipient's hourly limit"
        );
        return Ok(false);
    }
    sqlx::query!(
        "INSERT INTO mail_requests (kind, client_ip, recipient) VALUES ($1, $2, $3)",
        request.as_str(),
        client_ip,
        recipient,
    )
    .execute(&mut **tx)
    .await?;
    Ok(true)
}
