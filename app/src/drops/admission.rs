//! Signed proofs: an admission to a drop (the `wm_admission` cookie) and
//! a ticket that names one place in a room (what the waiting page polls
//! its position with, so a poll needs no session).
//!
//! Both are HMAC-SHA256 over what they bind, with a key every instance
//! reads from the database (`shop_secrets`). An admission binds the drop,
//! its expiry, the session (the visitor key the session keeps) and the
//! account: copied into another session, for another account, altered or
//! run out, it proves nothing.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::{DropId, UserId};

type HmacSha256 = Hmac<Sha256>;

/// The cookie that carries the caller's admission.
pub const COOKIE: &str = "wm_admission";

/// The `wm_admission` cookie of a request, read by the server's first
/// layer with every other cookie (`server::visitor`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionCookie(pub String);

fn mac(key: &[u8], message: &str) -> String {
    // Any key length is valid for HMAC.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn admission_message(drop: DropId, expires: i64, visitor: &str, user: Option<UserId>) -> String {
    format!(
        "admission|{drop}|{expires}|{visitor}|{}",
        user.map_or(0, |user| user.0)
    )
}

/// An admission to `drop` until `expires`, for this session and account.
pub fn sign(key: &[u8], drop: DropId, expires: DateTime<Utc>, visitor: &str, user: Option<UserId>) -> String {
    let expires = expires.timestamp();
    let signature = mac(key, &admission_message(drop, expires, visitor, user));
    format!("{drop}.{expires}.{signature}")
}

/// Whether `token` admits this session and account to `drop` at `now`.
pub fn admits(
    key: &[u8],
    token: &str,
    drop: DropId,
    visitor: &str,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> bool {
    let mut parts = token.splitn(3, '.');
    let (Some(token_drop), Some(expires), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(token_drop), Ok(expires)) = (token_drop.parse::<i64>(), expires.parse::<i64>()) else {
        return false;
    };
    token_drop == drop.0
        && now.timestamp() < expires
        && constant_time_eq(
            signature.as_bytes(),
            mac(key, &admission_message(drop, expires, visitor, user)).as_bytes(),
        )
}

/// A ticket for place `queue_id`: what the waiting page polls with.
pub fn ticket(key: &[u8], queue_id: i64) -> String {
    let signature = mac(key, &format!("ticket|{queue_id}"));
    format!("{queue_id}.{}", &signature[..32.min(signature.len())])
}

/// The place a ticket names, if its signature holds.
pub fn read_ticket(key: &[u8], ticket: &str) -> Option<i64> {
    let (id, signature) = ticket.split_once('.')?;
    let id = id.parse::<i64>().ok()?;
    let expected = mac(key, &format!("ticket|{id}"));
    (signature.len() == 32 && constant_time_eq(signature.as_bytes(), &expected.as_bytes()[..32]))
        .then_some(id)
}

/// Compares without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const VISITOR: &str = "aa";

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, 20, minute, 0)
            .single()
            .expect("a time")
    }

    #[test]
    fn an_admission_admits_its_session_and_account_until_it_runs_out() {
        let token = sign(KEY, DropId(7), at(30), VISITOR, Some(UserId(3)));
        assert!(admits(KEY, &token, DropId(7), VISITOR, Some(UserId(3)), at(10)));
        assert!(
            !admits(KEY, &token, DropId(7), VISITOR, Some(UserId(3)), at(30)),
            "expired"
        );
        assert!(
            !admits(KEY, &token, DropId(8), VISITOR, Some(UserId(3)), at(10)),
            "another drop"
        );
        assert!(
            !admits(KEY, &token, DropId(7), "bb", Some(UserId(3)), at(10)),
            "another session"
        );
        assert!(
            !admits(KEY, &token, DropId(7), VISITOR, Some(UserId(4)), at(10)),
            "another account"
        );
        assert!(
            !admits(KEY, &token, DropId(7), VISITOR, None, at(10)),
            "logged out"
        );
        assert!(!admits(
            b"another key, another shop........",
            &token,
            DropId(7),
            VISITOR,
            Some(UserId(3)),
            at(10)
        ));
    }

    #[test]
    fn an_altered_admission_admits_nobody() {
        let token = sign(KEY, DropId(7), at(30), VISITOR, None);
        let later = token.replacen(
            &at(30).timestamp().to_string(),
            &at(59).timestamp().to_string(),
            1,
        );
        assert!(
            !admits(KEY, &later, DropId(7), VISITOR, None, at(10)),
            "a later expiry"
        );
        let mut flipped = token.clone();
        let last = flipped.pop().map_or('0', |c| if c == '0' { '1' } else { '0' });
        flipped.push(last);
        assert!(!admits(KEY, &flipped, DropId(7), VISITOR, None, at(10)));
        for junk in ["", "7", "7.1", "x.y.z", "7..", &format!("{token}.")] {
            assert!(!admits(KEY, junk, DropId(7), VISITOR, None, at(10)), "{junk:?}");
        }
    }

    #[test]
    fn a_ticket_names_its_place_and_nothing_else() {
        let ticket = ticket(KEY, 42);
        assert_eq!(read_ticket(KEY, &ticket), Some(42));
        let other = ticket.replacen("42.", "43.", 1);
        assert_eq!(read_ticket(KEY, &other), None);
        assert_eq!(read_ticket(KEY, "42"), None);
        assert_eq!(read_ticket(KEY, "42.00"), None);
    }
}
