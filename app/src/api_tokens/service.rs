//! Making, checking and revoking tokens. A secret is `wm_` and 43
//! characters of base64url (256 random bits); the database keeps its
//! SHA-256 only, so a leaked table names no usable token.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::db::{self, NewToken, TokenKind};
use super::model::{Scope, Scopes, MAX_TOKENS};
use crate::auth::model::User;
use crate::error::{AppError, Conflict};
use crate::ids::UserId;
use crate::state::AppState;

const PREFIX: &str = "wm_";
/// How long a token exchanged for a login and password lives.
pub const LOGIN_TOKEN_MINUTES: i64 = 60;

/// A token just made: its id and its secret, shown this once.
pub struct Made {
    pub id: i64,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
    pub scopes: Scopes,
}

/// The caller a bearer token names: its account (as it is now, role
/// included) and what the token may do.
#[derive(Debug, Clone)]
pub struct TokenCaller {
    pub token_id: i64,
    pub user: User,
    pub scopes: Scopes,
}

impl TokenCaller {
    /// Whether the token allows `scope`. Admin needs the account to still be
    /// an administrator as well.
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(scope) && (scope != Scope::Admin || self.user.is_admin())
    }
}

fn fresh_secret() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", base64url(&bytes))
}

/// Base64url without padding (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether `raw` has a token's shape: checked before any query, so junk
/// costs nothing.
fn well_formed(raw: &str) -> bool {
    raw.len() == PREFIX.len() + 43
        && raw.starts_with(PREFIX)
        && raw[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Makes a personal token for `user`, living `days` days.
pub async fn create(
    state: &AppState,
    user: &User,
    name: &str,
    scopes: &Scopes,
    days: i64,
) -> Result<Made, AppError> {
    make(
        state,
        user.id,
        TokenKind::Personal,
        name,
        scopes,
        Duration::days(days),
    )
    .await
}

/// Makes the short-lived token of a login: its user's scopes (admin for an
/// administrator), an hour long.
pub async fn for_login(state: &AppState, user: &User) -> Result<Made, AppError> {
    let mut scopes = vec![Scope::Read, Scope::Write];
    if user.is_admin() {
        scopes.push(Scope::Admin);
    }
    make(
        state,
        user.id,
        TokenKind::Login,
        "login",
        &Scopes::of(scopes)?,
        Duration::minutes(LOGIN_TOKEN_MINUTES),
    )
    .await
}

async fn make(
    state: &AppState,
    user_id: UserId,
    kind: TokenKind,
    name: &str,
    scopes: &Scopes,
    lifetime: Duration,
) -> Result<Made, AppError> {
    let secret = fresh_secret();
    let prefix: String = secret.chars().take(9).collect();
    let token = NewToken {
        user_id,
        kind,
        name,
        secret_hash: &hash(&secret),
        prefix: &prefix,
        scopes,
        lifetime_seconds: lifetime.num_seconds(),
    };
    let (id, expires_at) = db::insert(&state.pool, &token, MAX_TOKENS)
        .await?
        .ok_or(AppError::Conflict(Conflict::TooManyTokens { max: MAX_TOKENS }))?;
    tracing::info!(user_id = user_id.0, token_id = id, kind = ?kind, "API token made");
    Ok(Made {
        id,
        secret,
        expires_at,
        scopes: scopes.clone(),
    })
}

/// The caller of a bearer `secret`: a live token of a live account, or
/// `Unauthorized` (unknown, revoked, expired and malformed alike).
pub async fn authenticate(state: &AppState, secret: &str) -> Result<TokenCaller, AppError> {
    if !well_formed(secret) {
        return Err(AppError::Unauthorized);
    }
    let bearer = db::find_live(&state.pool, &hash(secret))
        .await?
        .ok_or(AppError::Unauthorized)?;
    let scopes = Scopes::of(
        bearer
            .scopes
            .iter()
            .filter_map(|scope| Scope::parse(scope))
            .collect(),
    )
    .map_err(|_| AppError::Unauthorized)?;
    Ok(TokenCaller {
        token_id: bearer.token_id,
        user: bearer.user,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_well_formed() {
        let one = fresh_secret();
        let two = fresh_secret();
        assert_ne!(one, two);
        assert!(well_formed(&one), "{one}");
        assert_eq!(one.len(), 46);
        assert!(!well_formed(&one[..45]));
        assert!(!well_formed(&format!("xx_{}", &one[3..])));
        assert!(!well_formed(&format!("{}=", &one[..45])));
        assert!(!well_formed(""));
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
