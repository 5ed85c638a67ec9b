//! The back office's view of products and categories: what an operator
//! types, checked the same way in the browser and on the server.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, Rule};
use crate::inventory::MAX_STOCK;
use crate::operator::forms::optional_number;
use crate::pricing::parse_euros;
use crate::pricing::VatRate;
use crate::products::slug::Slug;

/// Products per page of the back-office table.
pub const ADMIN_PRODUCTS_PER_PAGE: i64 = 25;

/// A product as the operator fills it in; `parse` checks every field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    pub name: String,
    pub slug: Slug,
    pub description: String,
    /// English name and description; empty: English pages show the French.
    pub name_en: String,
    pub description_en: String,
    pub category_id: i64,
    pub price_cents: i64,
    pub max_per_order: i32,
    /// Units one customer may buy across all their orders; `None`: no limit.
    pub max_per_customer: Option<i32>,
    /// Minutes a basket holds the units put in it (a drop); `None`: no hold.
    pub hold_minutes: Option<i32>,
    /// Its own VAT rate; `None`: its category's.
    pub vat_rate: Option<VatRate>,
    /// Its shipping weight; `None`: unchanged (500 g for a new product).
    pub weight_grams: Option<i32>,
}

impl ProductDraft {
    /// An empty `slug` is made from the name.
    pub fn parse(
        name: &str,
        slug: &str,
        description: &str,
        category_id: i64,
        price: &str,
        max_per_order: i32,
    ) -> Result<Self, AppError> {
        let name = check_name("name", name)?;
        if name.is_empty() {
            return Err(AppError::validation("name", Rule::Length { min: 1, max: 200 }));
        }
        let slug = Slug::given_or_from_name(slug, name)
            .ok_or_else(|| AppError::validation("slug", Rule::Format(Format::Slug)))?;
        let description = check_description("description", description)?;
        if !(1..=100).contains(&max_per_order) {
            return Err(AppError::validation(
                "max_per_order",
                Rule::OutOfRange { min: 1, max: 100 },
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            slug,
            description: description.to_owned(),
            name_en: String::new(),
            description_en: String::new(),
            category_id,
            price_cents: parse_price(price)?,
            max_per_order,
            max_per_customer: None,
            hold_minutes: None,
            vat_rate: None,
            weight_grams: None,
        })
    }
}

impl ProductDraft {
    /// The draft with its English name and description (either may be empty).
    pub fn with_english(mut self, name_en: &str, description_en: &str) -> Result<Self, AppError> {
        self.name_en = check_name("name_en", name_en)?.to_owned();
        self.description_en = check_description("description_en", description_en)?.to_owned();
        Ok(self)
    }
}

/// A product name, trimmed: at most 200 characters, no control character.
fn check_name<'a>(field: &str, name: &'a str) -> Result<&'a str, AppError> {
    let name = name.trim();
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::validation(field, Rule::Length { min: 1, max: 200 }));
    }
    Ok(name)
}

/// A description, trimmed: at most 5 000 characters, lines and tabs allowed.
fn check_description<'a>(field: &str, text: &'a str) -> Result<&'a str, AppError> {
    let text = text.trim();
    if text.chars().count() > 5_000
        || text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::validation(field, Rule::TooLong { max: 5000 }));
    }
    Ok(text)
}

impl AdminProduct {
    /// The name, with the variant's values when it has some: "PlayStation 5 — Digital".
    pub fn title(&self) -> String {
        if self.variant.is_empty() {
            self.name.clone()
        } else {
            format!("{} — {}", self.name, self.variant)
        }
    }
}

/// The limit per customer typed by the operator: empty for none, else 1 to 100.
pub fn parse_customer_limit(raw: Option<&str>) -> Result<Option<i32>, AppError> {
    optional_number("max_per_customer", raw, 1, 100)
}

/// The basket hold typed by the operator, in minutes: empty for none, else
/// 1 to 120.
pub fn parse_hold_minutes(raw: Option<&str>) -> Result<Option<i32>, AppError> {
    optional_number("hold_minutes", raw, 1, 120)
}

/// The VAT rate chosen, in basis points: empty for the category's, else
/// one of the four French rates.
pub fn parse_vat_rate(raw: Option<&str>) -> Result<Option<VatRate>, AppError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(None),
        Some(raw) => raw
            .parse()
            .ok()
            .and_then(VatRate::from_basis_points)
            .map(Some)
            .ok_or_else(|| AppError::validation("vat_rate", Rule::UnknownChoice)),
    }
}

/// A stock quantity typed by the operator: 0 to [`MAX_STOCK`].
pub fn parse_stock(stock: i32) -> Result<i32, AppError> {
    if (0..=MAX_STOCK).contains(&stock) {
        Ok(stock)
    } else {
        Err(AppError::validation(
            "stock",
            Rule::OutOfRange {
                min: 0,
                max: MAX_STOCK.into(),
            },
        ))
    }
}

/// A stock adjustment: a non-zero change and why.
pub fn parse_adjustment(delta: i32, reason: &str) -> Result<(i32, String), AppError> {
    if delta == 0 || !(-MAX_STOCK..=MAX_STOCK).contains(&delta) {
        return Err(AppError::validation("delta", Rule::NotZero));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 150 || reason.chars().any(char::is_control) {
        return Err(AppError::validation("reason", Rule::Length { min: 1, max: 150 }));
    }
    Ok((delta, reason.to_owned()))
}

/// "12,90", "12.90", "12" or "1 299,00" euros as cents.
pub fn parse_price(raw: &str) -> Result<i64, AppError> {
    parse_euros(raw).ok_or_else(|| AppError::validation("price", Rule::Format(Format::Price)))
}

/// Cents as the operator types them back: "12,90".
pub fn price_input(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

/// A category as the operator names it.
pub fn parse_category_names(name_fr: &str, name_en: &str) -> Result<(String, String), AppError> {
    let check = |field: &str, value: &str| {
        let value = value.trim();
        if value.is_empty() || value.chars().count() > 80 || value.chars().any(char::is_control) {
            Err(AppError::validation(field, Rule::Length { min: 1, max: 80 }))
        } else {
            Ok(value.to_owned())
        }
    };
    Ok((check("name_fr", name_fr)?, check("name_en", name_en)?))
}

/// A row of the back-office product table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProduct {
    pub id: i64,
    pub slug: String,
    pub sku: String,
    pub name: String,
    /// The variant's values ("Digital", "Bleu, 512 Go"); empty without options.
    pub variant: String,
    pub description: String,
    pub name_en: String,
    pub description_en: String,
    pub category_id: i64,
    pub category_name: String,
    pub price_cents: i64,
    pub stock: i32,
    pub max_per_order: i32,
    pub max_per_customer: Option<i32>,
    pub hold_minutes: Option<i32>,
    /// Its own VAT rate in basis points; `None`: its category's.
    pub vat_rate_bp: Option<i32>,
    pub weight_grams: i32,
    /// Units held in baskets now; `stock` is what is on the shelf.
    pub held: i32,
    /// Shoppers waiting to be told when it is back ("Prévenez-moi").
    pub alerts_waiting: i64,
    pub image_path: String,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductPage {
    pub items: Vec<AdminProduct>,
    pub total: i64,
    pub page: u32,
    pub page_count: u32,
}

/// One line of a product's stock ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    pub delta: i32,
    pub reason: String,
    pub actor: Option<String>,
    pub order_id: Option<i64>,
    pub created_at: String,
}

/// A product with its latest stock movements, for the edit page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditing {
    pub product: AdminProduct,
    pub movements: Vec<StockMovement>,
}

/// What deleting a product did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Removal {
    Deleted,
    /// It appears in orders: hidden from the shop, kept for their history.
    Archived,
}

/// A category with how many products it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCategory {
    pub id: i64,
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
    pub product_count: i64,
    /// The VAT rate of its products that have none of their own.
    pub vat_rate_bp: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_the_french_or_english_way() {
        assert_eq!(parse_price("12,90"), Ok(1290));
        assert_eq!(parse_price("12.9"), Ok(1290));
        assert_eq!(parse_price("12"), Ok(1200));
        assert_eq!(parse_price("1 299,00 €"), Ok(129_900));
        for bad in ["", "-3", "12,345", "abc", "1e3", ",50", "12,"] {
            assert!(parse_price(bad).is_err(), "{bad}");
        }
        assert_eq!(price_input(129_905), "1299,05");
    }

    #[test]
    fn drafts_check_every_field() {
        let ok = ProductDraft::parse("Console X", "", "Nice.", 1, "499,99", 1).expect("valid");
        assert_eq!((ok.slug.as_str(), ok.price_cents), ("console-x", 49_999));
        assert!(ProductDraft::parse("", "", "", 1, "1", 1).is_err());
        assert!(ProductDraft::parse("X", "Bad Slug", "", 1, "1", 1).is_err());
        assert!(ProductDraft::parse("X", "", "", 1, "1", 0).is_err());
        assert_eq!(parse_customer_limit(Some(" 1 ")), Ok(Some(1)), "one per customer");
        assert_eq!(parse_customer_limit(Some("")), Ok(None), "empty: no limit");
        assert_eq!(parse_customer_limit(None), Ok(None));
        assert_eq!(parse_hold_minutes(Some("15")), Ok(Some(15)));
        assert_eq!(parse_hold_minutes(Some(" ")), Ok(None));
        for bad in ["0", "121", "-5", "quinze"] {
            let error = parse_hold_minutes(Some(bad)).expect_err(bad);
            assert_eq!(error.field(), Some("hold_minutes"), "{bad}");
        }
        for bad in ["0", "101", "one"] {
            let error = parse_customer_limit(Some(bad)).expect_err(bad);
            assert_eq!(error.field(), Some("max_per_customer"), "{bad}");
        }
        assert!(parse_stock(-1).is_err());
        assert!(parse_adjustment(0, "recount").is_err());
        assert!(parse_adjustment(3, " ").is_err());
        assert_eq!(parse_adjustment(-2, " broken "), Ok((-2, "broken".to_owned())));
        assert!(parse_adjustment(i32::MIN, "overflow").is_err());
        assert!(
            ProductDraft::parse("X", "", "a\0b", 1, "1", 1).is_err(),
            "no NUL in text"
        );
    }
}
