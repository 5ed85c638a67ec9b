//! A token as its owner (or the back office) sees it, its scopes, and the
//! form that makes one.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Rule};

/// What a token may do. `Read` calls the GET operations, `Write` the
/// mutations of the caller's own basket, orders, account and addresses,
/// `Admin` the back office's operations (an administrator's token only,
/// and only while the account stays one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == raw)
    }
}

/// A token's scopes: at least one, each once, in the order of [`Scope::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// The scopes ticked on a form (`read`, `write`, `admin`), refusing
    /// none and unknown ones; `admin` only for an administrator.
    pub fn parse<'a>(raw: impl IntoIterator<Item = &'a str>, is_admin: bool) -> Result<Self, AppError> {
        let mut scopes = Vec::new();
        for value in raw {
            let scope = Scope::parse(value.trim())
                .ok_or_else(|| AppError::validation("scopes", Rule::UnknownChoice))?;
            if scope == Scope::Admin && !is_admin {
                return Err(AppError::validation("scopes", Rule::UnknownChoice));
            }
            scopes.push(scope);
        }
        Self::of(scopes)
    }

    /// The scopes in `scopes`, sorted, each once; none is refused.
    pub fn of(mut scopes: Vec<Scope>) -> Result<Self, AppError> {
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            return Err(AppError::validation("scopes", Rule::Required));
        }
        Ok(Self(scopes))
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|scope| scope.as_str().to_owned()).collect()
    }
}

/// A token's name: 1 to 60 characters of plain text.
pub fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let count = name.chars().count();
    if count == 0 || count > 60 || name.chars().any(char::is_control) {
        return Err(AppError::validation("name", Rule::Length { min: 1, max: 60 }));
    }
    Ok(name.to_owned())
}

/// The lifetimes a personal token may be given, in days.
pub const LIFETIMES_DAYS: [i64; 4] = [7, 30, 90, 365];

/// A lifetime picked on the form: one of [`LIFETIMES_DAYS`].
pub fn parse_lifetime(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|days| LIFETIMES_DAYS.contains(days))
        .ok_or_else(|| AppError::validation("expires_in_days", Rule::UnknownChoice))
}

/// At most this many live personal tokens per account.
pub const MAX_TOKENS: i64 = 20;

/// A token as lists show it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    /// The secret's first characters, to tell tokens apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// RFC 3339 times.
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    pub expired: bool,
    /// Whose it is (the back office's list).
    pub owner: String,
}

impl TokenSummary {
    pub fn live(&self) -> bool {
        !self.revoked && !self.expired
    }
}

/// The account page's list, with the secret of a token just made, shown
/// this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnTokens {
    pub tokens: Vec<TokenSummary>,
    pub fresh_secret: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_known_sorted_once_and_admin_only_for_administrators() {
        let scopes = Scopes::parse(["write", "read", "write"], false).expect("valid");
        assert_eq!(scopes.names(), ["read", "write"]);
        assert!(Scopes::parse(["admin"], false).is_err());
        assert!(Scopes::parse(["admin"], true)
            .expect("admin")
            .contains(Scope::Admin));
        assert!(Scopes::parse(["root"], true).is_err());
        assert!(Scopes::parse(["READ"], true).is_err());
        assert_eq!(
            Scopes::parse(std::iter::empty(), true),
            Err(AppError::validation("scopes", Rule::Required))
        );
    }

    #[test]
    fn names_and_lifetimes_are_bounded() {
        assert_eq!(parse_name("  CI sync "), Ok("CI sync".to_owned()));
        assert!(parse_name("").is_err());
        assert!(parse_name("a\u{0}b").is_err());
        assert!(parse_name(&"é".repeat(61)).is_err());
        assert_eq!(parse_lifetime("30"), Ok(30));
        assert!(parse_lifetime("31").is_err());
        assert!(parse_lifetime("-7").is_err());
    }
}
