//! Account types shared by browser and server, and their validation.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, Rule};
use crate::ids::UserId;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Result<Self, AppError> {
        match value {
            "customer" => Ok(Role::Customer),
            "admin" => Ok(Role::Admin),
            _ => Err(AppError::validation("role", Rule::UnknownChoice)),
        }
    }
}

/// A signed-in person as the interface sees them: never a password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    /// RFC 3339 date of registration.
    pub member_since: String,
    /// Whether the owner opened the link mailed to the current address.
    pub email_verified: bool,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Whom an operation needs as its caller (a public one needs nobody): the
/// pages' server functions say it with the functions below, the public
/// API's operations with their scope (see `server::api`); both let a
/// caller in by [`Audience::admit`]. (Here, beside [`User`], so that
/// `guard` and `audience` both read it and neither imports the other.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Any logged-in account, administrators included.
    Customer,
    Admin,
}

impl Audience {
    /// The caller, if this audience lets them in: 401 for nobody where an
    /// account is needed, 403 for a customer where an administrator is.
    pub fn admit(self, caller: Option<User>) -> Result<User, AppError> {
        match (self, caller) {
            (_, None) => Err(AppError::Unauthorized),
            (Audience::Admin, Some(user)) if !user.is_admin() => Err(AppError::Forbidden),
            (_, Some(user)) => Ok(user),
        }
    }
}

/// 3 to 32 letters, digits, `.`, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let value = raw.trim();
        let valid_chars = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        // "deleted-<id>" names the tombstones of deleted accounts.
        let reserved = value.to_ascii_lowercase().starts_with("deleted-");
        if !(3..=32).contains(&value.len()) || !valid_chars || reserved {
            return Err(AppError::validation("username", Rule::Format(Format::Username)));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address of a plausible shape, stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let value = raw.trim().to_lowercase();
        let invalid = || AppError::validation("email", Rule::Format(Format::Email));
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        // ".invalid" (RFC 2606) is where deleted accounts' addresses point.
        let domain_ok = domain.contains('.')
            && !domain.ends_with(".invalid")
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A first or last name: 1 to 100 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let value = raw.trim();
        let count = value.chars().count();
        if count == 0 || count > 100 || value.chars().any(char::is_control) {
            return Err(AppError::validation(field, Rule::Length { min: 1, max: 100 }));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: long enough, bounded, and not the username or e-mail.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(
        field: &str,
        password: &str,
        confirmation: &str,
        username: &str,
        email: &str,
    ) -> Result<Self, AppError> {
        let count = password.chars().count();
        if count < MIN_PASSWORD_CHARS {
            return Err(AppError::validation(
                field,
                Rule::TooShort {
                    min: MIN_PASSWORD_CHARS as u32,
                },
            ));
        }
        if count > MAX_PASSWORD_CHARS {
            return Err(AppError::validation(
                field,
                Rule::TooLong {
                    max: MAX_PASSWORD_CHARS as u32,
                },
            ));
        }
        let lower = password.to_lowercase();
        if lower == username.trim().to_lowercase() || lower == email.trim().to_lowercase() {
            return Err(AppError::validation(field, Rule::PasswordLikeIdentity));
        }
        if password != confirmation {
            return Err(AppError::validation(
                "password_confirmation",
                Rule::PasswordsDiffer,
            ));
        }
        Ok(Self(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never print a password, even in a debug log.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<hidden>)")
    }
}

/// Where to go after logging in: a path on this site only, never another host.
pub fn safe_return_path(raw: Option<&str>) -> String {
    match raw.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && !path.starts_with("/login")
                && !path.starts_with("/register") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: AppError) -> String {
        match error {
            AppError::Validation { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn usernames_are_3_to_32_safe_characters() {
        assert!(Username::parse("alice").is_ok());
        assert!(Username::parse("a.b_c-9").is_ok());
        assert_eq!(
            Username::parse("  bob  ").map(|u| u.as_str().to_owned()),
            Ok("bob".into())
        );
        for bad in [
            "ab",
            &"x".repeat(33),
            "with space",
            "émile",
            "a/b",
            "",
            "Deleted-42",
        ] {
            assert_eq!(field_of(Username::parse(bad).unwrap_err()), "username", "{bad:?}");
        }
    }

    #[test]
    fn emails_need_a_plausible_shape_and_are_lowercased() {
        assert_eq!(
            Email::parse(" Alice@Example.FR ").map(|e| e.as_str().to_owned()),
            Ok("alice@example.fr".into())
        );
        for bad in [
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "a b@example.com",
            "a@b..com",
            "a@.com",
            "deleted-4@deleted.invalid",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_long_bounded_confirmed_and_not_the_identity() {
        let ok = NewPassword::parse("password", "correct horse", "correct horse", "alice", "a@b.fr");
        assert!(ok.is_ok());
        let short = NewPassword::parse("password", "short", "short", "alice", "a@b.fr");
        assert_eq!(field_of(short.unwrap_err()), "password");
        let long = "x".repeat(MAX_PASSWORD_CHARS + 1);
        assert!(NewPassword::parse("password", &long, &long, "alice", "a@b.fr").is_err());
        let same = NewPassword::parse("password", "AliceAlice1", "AliceAlice1", "alicealice1", "a@b.fr");
        assert_eq!(field_of(same.unwrap_err()), "password");
        let email = NewPassword::parse(
            "password",
            "alice@mail.fr",
            "alice@mail.fr",
            "alice",
            "Alice@mail.fr",
        );
        assert_eq!(field_of(email.unwrap_err()), "password");
        let differ = NewPassword::parse("password", "correct horse", "correct h0rse", "alice", "a@b.fr");
        assert_eq!(field_of(differ.unwrap_err()), "password_confirmation");
        assert_eq!(format!("{:?}", ok.unwrap()), "NewPassword(<hidden>)");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse("first_name", " Zoé ").map(|n| n.as_str().to_owned()),
            Ok("Zoé".into())
        );
        assert!(PersonName::parse("first_name", "   ").is_err());
        assert!(PersonName::parse("last_name", &"é".repeat(101)).is_err());
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/p/ps5?x=1")), "/p/ps5?x=1");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "/login",
        ] {
            assert_eq!(safe_return_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
