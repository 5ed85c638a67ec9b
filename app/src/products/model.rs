//! Product types shared by browser and server, and their validation.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, Rule};

/// Products shown per listing page.
pub const PAGE_SIZE: u32 = 24;

pub use crate::paging::PageNumber;
/// At or below this stock a product shows "only N left" (the drops query
/// and its partial index in the migrations repeat the number).
pub const LOW_STOCK_THRESHOLD: i32 = 5;

/// Longest search query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Suggestions shown under the search box.
pub const SUGGESTION_COUNT: i64 = 8;

/// How a listing is ordered. `Relevance` only means something for a search;
/// elsewhere it falls back to the newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    Relevance,
    #[default]
    Newest,
    PriceAsc,
    PriceDesc,
    Name,
}

impl ProductSort {
    /// The orders a plain listing offers.
    pub const LISTING: [ProductSort; 4] = [Self::Newest, Self::PriceAsc, Self::PriceDesc, Self::Name];
    /// The orders a search offers.
    pub const SEARCH: [ProductSort; 5] = [
        Self::Relevance,
        Self::Newest,
        Self::PriceAsc,
        Self::PriceDesc,
        Self::Name,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
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
            value => Self::SEARCH
                .into_iter()
                .find(|sort| sort.as_str() == value)
                .ok_or_else(|| AppError::validation("sort", Rule::UnknownChoice)),
        }
    }
}

/// A search query: trimmed, non-empty, bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery(String);

impl SearchQuery {
    /// `Ok(None)` for an empty or blank query: the caller shows the listing.
    pub fn parse(raw: &str) -> Result<Option<Self>, AppError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::validation(
                "q",
                Rule::TooLong {
                    max: MAX_QUERY_CHARS as u32,
                },
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(AppError::validation("q", Rule::Format(Format::PlainText)));
        }
        Ok((!trimmed.is_empty()).then(|| Self(trimmed.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The words of the query, for a prefix match of each: letters and
    /// digits only, so the result is always a valid tsquery.
    pub fn words(&self) -> Vec<String> {
        self.0
            .split(|c: char| !c.is_alphanumeric() || folds_to_punctuation(c))
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .take(8)
            .collect()
    }
}

/// Letters and digits that PostgreSQL's `unaccent` rewrites into
/// punctuation (ʼ → ', ː → :, ⑴ → (1), ŉ → 'n), which would break a tsquery.
fn folds_to_punctuation(c: char) -> bool {
    matches!(c, '\u{2B0}'..='\u{2FF}' | '\u{2460}'..='\u{24FF}' | 'ŉ')
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
}

impl Category {
    pub fn name(&self, locale: crate::i18n::Locale) -> &str {
        match locale {
            crate::i18n::Locale::Fr => &self.name_fr,
            crate::i18n::Locale::En => &self.name_en,
        }
    }
}

/// What a product card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// The lowest price of the product's variants.
    pub price_cents: i64,
    /// Its variants' prices differ: the card says "from".
    pub from_price: bool,
    /// It has options: the card leads to the page to choose one.
    pub has_variants: bool,
    /// The units of all its variants that can be bought now.
    pub stock: i32,
    pub image_path: String,
}

/// An option of a product (Édition, Taille) in both languages, with the
/// values its variants take, in the order the shop gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: Translated,
    pub values: Vec<Translated>,
}

/// A text of the catalogue in French and, when the shop wrote it, English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translated {
    pub fr: String,
    pub en: String,
}

impl Translated {
    /// The text in `locale`, French where no English was written.
    pub fn get(&self, locale: crate::i18n::Locale) -> &str {
        match locale {
            crate::i18n::Locale::En if !self.en.is_empty() => &self.en,
            _ => &self.fr,
        }
    }
}

/// One variant as the product page's choices see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantChoice {
    pub id: i64,
    pub sku: String,
    /// Its value of each option (French, as the choices send them).
    pub values: Vec<String>,
    pub price_cents: i64,
    /// Units that can be bought now.
    pub stock: i32,
}

/// Which variant a product page shows: the values chosen for each option
/// (the choices' GET form), else a SKU (`?variant=`), else the one whose
/// own URL was opened, else the product's first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantRequest {
    pub sku: Option<String>,
    pub values: Vec<String>,
}

/// Everything the product page shows. The id, price, stock, limits and
/// picture are those of the chosen variant (the product's only one when
/// it has no options).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub sku: String,
    pub description: String,
    pub price_cents: i64,
    pub stock: i32,
    /// The product's options; empty for a product sold in one variant.
    pub options: Vec<ProductOption>,
    pub variants: Vec<VariantChoice>,
    /// The values asked for, one per option; no variant has them when
    /// `missing` (the page says so and offers nothing to add).
    pub chosen: Vec<String>,
    pub missing: bool,
    /// Most units one order may take (1 for some drops).
    pub max_per_order: i32,
    /// Most units one customer may buy across orders, if limited.
    pub max_per_customer: Option<i32>,
    /// Minutes an account's basket holds the units put in it (a drop).
    pub hold_minutes: Option<i32>,
    pub image_path: String,
    pub category: Category,
    pub related: Vec<ProductSummary>,
}

/// A category's listing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub category: Category,
    pub products: ProductPage,
}

/// How many results of a search fall in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFacet {
    pub category: Category,
    pub count: i64,
}

/// A product name offered while typing, or as "did you mean".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub products: ProductPage,
    /// Matches in every category (the facets' sum), before the category filter.
    pub total: i64,
    /// Matches once the category filter applies.
    pub filtered_total: i64,
    /// The search stopped at its candidate limit: there are more matches
    /// than counted, and the shopper should narrow the search.
    pub capped: bool,
    pub facets: Vec<CategoryFacet>,
    /// Close product names, offered when nothing matched.
    pub did_you_mean: Vec<Suggestion>,
}

impl SearchResults {
    /// A blank search shows the listing: no ranking, no facets.
    pub fn listing(products: ProductPage) -> Self {
        Self {
            products,
            total: 0,
            filtered_total: 0,
            capped: false,
            facets: Vec::new(),
            did_you_mean: Vec::new(),
        }
    }
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
    fn search_queries_are_trimmed_bounded_and_split_into_safe_words() {
        assert_eq!(SearchQuery::parse("   "), Ok(None));
        let query = SearchQuery::parse("  Télé 4K: d'occasion!  ")
            .expect("valid")
            .expect("not empty");
        assert_eq!(query.as_str(), "Télé 4K: d'occasion!");
        assert_eq!(query.words(), vec!["télé", "4k", "d", "occasion"]);
        let too_long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert!(
            matches!(SearchQuery::parse(&too_long), Err(AppError::Validation { field, .. }) if field == "q")
        );
        assert!(SearchQuery::parse("ps5\u{0}").is_err());
        let symbols = SearchQuery::parse("&|!:*()").expect("valid").expect("not empty");
        assert!(symbols.words().is_empty());
        let folding = SearchQuery::parse("ʼ ː ⑴ ŉ ps5")
            .expect("valid")
            .expect("not empty");
        assert_eq!(folding.words(), vec!["ps5"]);
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
