//! SQL of API tokens and of the API's idempotency keys.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use super::model::{Scope, Scopes, TokenSummary};
use crate::auth::db::UserRow;
use crate::auth::model::User;
use crate::ids::UserId;

/// Whether a token was made on the account page or exchanged for a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Personal,
    Login,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "personal",
            TokenKind::Login => "login",
        }
    }
}

pub struct NewToken<'a> {
    pub user_id: UserId,
    pub kind: TokenKind,
    pub name: &'a str,
    pub secret_hash: &'a [u8],
    pub prefix: &'a str,
    pub scopes: &'a Scopes,
    pub lifetime_seconds: i64,
}

/// Stores a token, unless the account holds `max` live personal tokens
/// already: counted under the account row's lock, so two made at once
/// cannot both pass. Its id and expiry; `None` when refused.
pub async fn insert(
    pool: &PgPool,
    token: &NewToken<'_>,
    max: i64,
) -> Result<Option<(i64, DateTime<Utc>)>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        token.user_id as UserId
    )
    .fetch_optional(&mut *tx)
    .await?;
    let row = sqlx::query!(
        r#"INSERT INTO api_tokens (user_id, kind, name, secret_hash, prefix, scopes, expires_at)
           SELECT $1, $2, $3, $4, $5, $6, now() + $7 * interval '1 second'
           WHERE $2 = 'login'
              OR (SELECT count(*) FROM api_tokens
                  WHERE user_id = $1 AND kind = 'personal' AND revoked_at IS NULL AND expires_at > now()) < $8
           RETURNING id, expires_at AS "expires_at: DateTime<Utc>""#,
        token.user_id as UserId,
        token.kind.as_str(),
        token.name,
        token.secret_hash,
        token.prefix,
        &token.scopes.names(),
        token.lifetime_seconds as f64,
        max,
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|row| (row.id, row.expires_at)))
}

struct SummaryRow {
    id: i64,
    name: String,
    prefix: String,
    scopes: Vec<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    owner: String,
}

impl From<SummaryRow> for TokenSummary {
    fn from(row: SummaryRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            scopes: row
                .scopes
                .iter()
                .filter_map(|scope| Scope::parse(scope))
                .collect(),
            created_at: row.created_at.to_rfc3339(),
            expired: row.expires_at <= Utc::now(),
            expires_at: row.expires_at.to_rfc3339(),
            last_used_at: row.last_used_at.map(|at| at.to_rfc3339()),
            revoked: row.revoked_at.is_some(),
            owner: row.owner,
        }
    }
}

/// Tokens, newest first, `limit` at most: with an `owner`, their personal
/// tokens (revoked ones a day longer); without, every live token of the
/// shop, personal and login (the back office).
pub async fn list(
    db: impl PgExecutor<'_>,
    owner: Option<UserId>,
    limit: i64,
) -> Result<Vec<TokenSummary>, sqlx::Error> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT t.id, t.name, t.prefix, t.scopes,
                  t.created_at AS "created_at: DateTime<Utc>",
                  t.expires_at AS "expires_at: DateTime<Utc>",
                  t.last_used_at AS "last_used_at: DateTime<Utc>",
                  t.revoked_at AS "revoked_at: DateTime<Utc>",
                  u.username AS owner
           FROM api_tokens t JOIN users u ON u.id = t.user_id
           WHERE CASE WHEN $1::BIGINT IS NULL THEN t.revoked_at IS NULL AND t.expires_at > now()
                      ELSE t.user_id = $1 AND t.kind = 'personal'
                           AND (t.revoked_at IS NULL OR t.revoked_at > now() - interval '1 day')
                 END
           ORDER BY t.created_at DESC, t.id DESC
           LIMIT $2"#,
        owner.map(|owner| owner.0),
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(TokenSummary::from).collect())
}

/// Revokes token `id`, the owner's own when `owner` is given. False when
/// there was no such live token.
pub async fn revoke(db: impl PgExecutor<'_>, id: i64, owner: Option<UserId>) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE id = $1 AND revoked_at IS NULL AND ($2::BIGINT IS NULL OR user_id = $2)",
        id,
        owner.map(|owner| owner.0),
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A live token's account and scopes, by the secret's hash; its last use
/// is written at most once a minute (a token used in a loop writes little).
pub struct Bearer {
    pub token_id: i64,
    pub user: User,
    pub scopes: Vec<String>,
}

pub async fn find_live(db: impl PgExecutor<'_>, secret_hash: &[u8]) -> Result<Option<Bearer>, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH token AS (
               SELECT id, user_id, scopes FROM api_tokens
               WHERE secret_hash = $1 AND revoked_at IS NULL AND expires_at > now()
           ), touched AS (
               UPDATE api_tokens t SET last_used_at = now()
               FROM token
               WHERE t.id = token.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute')
           )
           SELECT token.id AS token_id, token.scopes,
                  u.id, u.username, u.email, u.first_name, u.last_name, u.role,
                  u.created_at AS "created_at: DateTime<Utc>",
                  u.email_verified_at AS "email_verified_at: DateTime<Utc>"
           FROM token JOIN users u ON u.id = token.user_id AND u.deleted_at IS NULL"#,
        secret_hash,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Bearer {
        token_id: row.token_id,
        scopes: row.scopes,
        user: User::from(UserRow {
            id: row.id,
            username: row.username,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            role: row.role,
            created_at: row.created_at,
            email_verified_at: row.email_verified_at,
        }),
    }))
}

/// Deletes tokens expired or revoked more than a week ago, and idempotency
/// keys older than a day.
pub async fn forget_old(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "WITH keys AS (DELETE FROM api_idempotency_keys WHERE created_at < now() - interval '1 day')
         DELETE FROM api_tokens
         WHERE coalesce(revoked_at, expires_at) < now() - interval '7 days'",
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
