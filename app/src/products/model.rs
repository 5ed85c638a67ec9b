//! Product types shared by browser and server, and their validation.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Products shown per listing page.
pub const PAGE_SIZE: u32 = 24;
/// Deepest page a listing serves; deeper offsets are refused, not scanned.
pub const MAX_PAGE: u32 = 5_000;
/// At or below this stock a product shows "only N left".
pub const LOW_STOCK_THRESHOLD: i32 = 5;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    #[default]
    Newest,
    PriceAsc,
    PriceDesc,
    Name,
}

impl ProductSort {
    pub const ALL: [ProductSort; 4] = [Self::Newest, Self::PriceAsc, Self::PriceDesc, Self::Name];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Name => "name",
        }
    }

    /// Reads the `sort` URL parameter; absent or empty means the default.
    pub fn parse(value: Option<&str>) -> Result<Self, AppError> {
        match value.map(str::trim).unwrap_or_default() {
            "" => Ok(Self::default()),
            value => Self::ALL
                .into_iter()
                .find(|sort| sort.as_str() == value)
                .ok_or_else(|| AppError::validation("sort", format!("unknown sort order \"{value}\""))),
        }
    }
}

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
                format!("page must be between 1 and {MAX_PAGE}"),
            ))
        }
    }

    /// Reads the `page` URL parameter; absent or empty means the first page.
    pub fn parse(value: Option<&str>) -> Result<Self, AppError> {
        match value.map(str::trim).unwrap_or_default() {
            "" => Ok(Self::FIRST),
            value => value
                .parse::<u32>()
                .map_err(|_| AppError::validation("page", format!("\"{value}\" is not a page number")))
                .and_then(Self::new),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn offset(self) -> i64 {
        i64::from(self.0 - 1) * i64::from(PAGE_SIZE)
    }
}

/// What a product card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub price_cents: i64,
    pub stock: i32,
    pub image_path: String,
}

/// One page of a product listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub items: Vec<ProductSummary>,
    pub page: u32,
    pub has_next: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockLevel {
    InStock,
    Low(i32),
    SoldOut,
}

impl StockLevel {
    pub fn of(stock: i32) -> Self {
        match stock {
            ..=0 => Self::SoldOut,
            n if n <= LOW_STOCK_THRESHOLD => Self::Low(n),
            _ => Self::InStock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parses_known_values_and_defaults_when_absent() {
        assert_eq!(ProductSort::parse(None), Ok(ProductSort::Newest));
        assert_eq!(ProductSort::parse(Some("")), Ok(ProductSort::Newest));
        assert_eq!(ProductSort::parse(Some("price_desc")), Ok(ProductSort::PriceDesc));
        assert!(matches!(
            ProductSort::parse(Some("price; DROP TABLE products")),
            Err(AppError::Validation { field, .. }) if field == "sort"
        ));
    }

    #[test]
    fn page_numbers_are_bounded() {
        assert_eq!(PageNumber::parse(None).map(PageNumber::get), Ok(1));
        assert_eq!(PageNumber::parse(Some("3")).map(PageNumber::offset), Ok(48));
        assert!(PageNumber::parse(Some("0")).is_err());
        assert!(PageNumber::parse(Some("-1")).is_err());
        assert!(PageNumber::parse(Some("two")).is_err());
        assert!(PageNumber::new(MAX_PAGE + 1).is_err());
        assert!(PageNumber::new(MAX_PAGE).is_ok());
    }

    #[test]
    fn stock_levels_follow_the_threshold() {
        assert_eq!(StockLevel::of(0), StockLevel::SoldOut);
        assert_eq!(StockLevel::of(1), StockLevel::Low(1));
        assert_eq!(
            StockLevel::of(LOW_STOCK_THRESHOLD),
            StockLevel::Low(LOW_STOCK_THRESHOLD)
        );
        assert_eq!(StockLevel::of(LOW_STOCK_THRESHOLD + 1), StockLevel::InStock);
    }
}
