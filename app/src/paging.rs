//! Page numbers of every listing (catalogue, search, the back office's
//! tables): 1-based and bounded, so a deep offset is refused, not scanned.
//! A leaf every concern may use.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Rule};

/// Deepest page a listing serves; deeper offsets are refused, not scanned.
pub const MAX_PAGE: u32 = 5_000;

/// A listing page number, 1-based and bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageNumber(u32);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(1);

    pub fn new(page: u32) -> Result<Self, AppError> {
        if (1..=MAX_PAGE).contains(&page) {
            Ok(Self(page))
        } else {
            Err(AppError::validation(
                "page",
                Rule::OutOfRange {
                    min: 1,
                    max: MAX_PAGE.into(),
                },
            ))
        }
    }

    /// Reads the `page` URL parameter; absent or empty means the first page.
    pub fn parse(value: Option<&str>) -> Result<Self, AppError> {
        match value.map(str::trim).unwrap_or_default() {
            "" => Ok(Self::FIRST),
            value => value
                .parse::<u32>()
                .map_err(|_| AppError::validation("page", Rule::Unreadable))
                .and_then(Self::new),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// Rows before this page in a listing of `per_page` rows a page.
    pub fn offset(self, per_page: u32) -> i64 {
        i64::from(self.0 - 1) * i64::from(per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_bounded() {
        assert_eq!(PageNumber::parse(None).map(PageNumber::get), Ok(1));
        assert_eq!(PageNumber::parse(Some("3")).map(|page| page.offset(24)), Ok(48));
        assert!(PageNumber::parse(Some("0")).is_err());
        assert!(PageNumber::parse(Some("-1")).is_err());
        assert!(PageNumber::parse(Some("two")).is_err());
        assert!(PageNumber::new(MAX_PAGE + 1).is_err());
        assert!(PageNumber::new(MAX_PAGE).is_ok());
    }
}
