//! Checks and paging shared by every back-office form and list.

use crate::error::{AppError, Format, Rule};

/// A query typed in a back-office search box: at most 100 characters.
pub fn parse_admin_query(query: &str) -> Result<&str, AppError> {
    if query.chars().count() > 100 || query.chars().any(char::is_control) {
        return Err(AppError::validation("query", Rule::TooLong { max: 100 }));
    }
    Ok(query.trim())
}

/// A destructive back-office action (delete, cancel) goes ahead only when its
/// "I confirm" box was ticked: the browser requires it, the server checks it.
pub fn require_confirmation(confirm: Option<&str>) -> Result<(), AppError> {
    match confirm {
        Some("yes") => Ok(()),
        _ => Err(AppError::validation("confirm", Rule::Unconfirmed)),
    }
}

/// A whole number an operator typed in `field`, from `min` to `max`;
/// empty (or absent) is `None`.
pub fn optional_number(field: &str, raw: Option<&str>, min: i32, max: i32) -> Result<Option<i32>, AppError> {
    match raw.map(str::trim).unwrap_or_default() {
        "" => Ok(None),
        raw => match raw.parse::<i32>() {
            Ok(value) if (min..=max).contains(&value) => Ok(Some(value)),
            _ => Err(AppError::validation(
                field,
                Rule::OutOfRange {
                    min: min.into(),
                    max: max.into(),
                },
            )),
        },
    }
}

/// A moment an operator typed, in the shop's zone: `2026-12-05T20:00`
/// (what a `datetime-local` field sends) or `2026-12-05 20:00`.
pub fn parse_shop_time(field: &str, raw: &str) -> Result<chrono::NaiveDateTime, AppError> {
    let raw = raw.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(raw, format).ok())
        .ok_or_else(|| AppError::validation(field, Rule::Format(Format::DateTime)))
}

/// How many pages `total` rows make, `per_page` to a page.
pub fn page_count(total: i64, per_page: i64) -> u32 {
    u32::try_from((total + per_page - 1) / per_page).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_up() {
        assert_eq!(page_count(0, 25), 0);
        assert_eq!(page_count(25, 25), 1);
        assert_eq!(page_count(26, 25), 2);
    }

    #[test]
    fn destructive_actions_need_the_box_ticked() {
        assert_eq!(require_confirmation(Some("yes")), Ok(()));
        for refused in [None, Some(""), Some("no"), Some("YES ")] {
            let error = require_confirmation(refused).expect_err("not confirmed");
            assert_eq!(error.field(), Some("confirm"));
        }
    }

    #[test]
    fn admin_queries_are_bounded() {
        assert_eq!(parse_admin_query(" ada "), Ok("ada"));
        assert!(parse_admin_query(&"x".repeat(101)).is_err());
        assert!(parse_admin_query("a\u{0}b").is_err());
    }
}
