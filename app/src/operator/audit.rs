//! The audit log: what administrators did, append-only.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ids::UserId;
#[cfg(feature = "ssr")]
use sqlx::PgExecutor;

/// One line of the log, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub created_at: String,
}

#[cfg(feature = "ssr")]
/// Writes one line: `actor` did `action` to `target` (e.g. "product 12").
pub async fn record(
    db: impl PgExecutor<'_>,
    actor_id: UserId,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, target, detail) VALUES ($1, $2, $3, left($4, 500))",
        actor_id as UserId,
        action,
        target,
        detail,
    )
    .execute(db)
    .await
    .map(drop)
}

#[cfg(feature = "ssr")]
/// The latest entries, newest first.
pub async fn recent(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT u.username, a.action, a.target, a.detail,
                  a.created_at AS "created_at: chrono::DateTime<chrono::Utc>"
           FROM audit_log a JOIN users u ON u.id = a.actor_id
           ORDER BY a.created_at DESC, a.id DESC LIMIT $1"#,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            actor: row.username,
            action: row.action,
            target: row.target,
            detail: row.detail,
            created_at: row.created_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect())
}
