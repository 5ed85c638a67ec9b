//! Product types shared by browser and server, and their validation.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, Rule};
use crate::pricing::{euros_input, parse_euros};
use crate::products::gallery::model::Photo;

/// Products shown per listing page.
pub const PAGE_SIZE: u32 = 24;

pub use crate::paging::PageNumber;

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
    /// Its English name; empty where none was written.
    pub name_en: String,
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

impl ProductSummary {
    /// The name in `locale`, French where no English was written.
    pub fn name(&self, locale: crate::i18n::Locale) -> &str {
        locale.pick(&self.name, &self.name_en)
    }
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
        locale.pick(&self.fr, &self.en)
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
    /// English name and description; empty where none was written.
    pub name_en: String,
    pub sku: String,
    pub description: String,
    pub description_en: String,
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
    /// The drawing shown when the product has no photo.
    pub image_path: String,
    /// The chosen variant's photos, its own first.
    pub photos: Vec<Photo>,
    pub category: Category,
    pub related: Vec<ProductSummary>,
}

impl ProductDetail {
    /// The product with its name and description in `locale` (the English
    /// texts where written), as its page shows them.
    pub fn in_locale(mut self, locale: crate::i18n::Locale) -> Self {
        self.name = locale.pick(&self.name, &self.name_en).to_owned();
        self.description = locale.pick(&self.description, &self.description_en).to_owned();
        self
    }
}

/// A category's listing page, with the filters that narrow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub category: Category,
    pub products: ProductPage,
    pub filter: ListingFilter,
    pub facets: Vec<OptionFacet>,
}

/// Most option values one listing may be filtered by.
pub const MAX_FILTERS: usize = 20;
/// Longest `option:value` pair accepted, in characters.
const MAX_FILTER_CHARS: usize = 120;

/// A listing's filters as the URL carries them: `f=Couleur:Noir` (any
/// number), `min` and `max` in euros ("100", "99,90"). Parsed on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterRequest {
    pub f: Vec<String>,
    pub min: Option<String>,
    pub max: Option<String>,
}

/// What a listing is narrowed to: option values (of one option, any of
/// those chosen; every option chosen applies) and a price range in cents,
/// matched by one variant of the product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingFilter {
    /// (option, value) in French, as the products name them; sorted, no duplicate.
    pub options: Vec<(String, String)>,
    pub min_cents: Option<i64>,
    pub max_cents: Option<i64>,
}

impl ListingFilter {
    pub fn parse(request: &FilterRequest) -> Result<Self, AppError> {
        if request.f.len() > MAX_FILTERS {
            return Err(AppError::validation(
                "f",
                Rule::TooLong {
                    max: MAX_FILTERS as u32,
                },
            ));
        }
        let mut options = Vec::with_capacity(request.f.len());
        for raw in &request.f {
            let invalid = || AppError::validation("f", Rule::Format(Format::PlainText));
            if raw.chars().count() > MAX_FILTER_CHARS || raw.chars().any(char::is_control) {
                return Err(invalid());
            }
            let (name, value) = raw.split_once(':').ok_or_else(invalid)?;
            let (name, value) = (name.trim(), value.trim());
            if name.is_empty() || value.is_empty() {
                return Err(invalid());
            }
            options.push((name.to_owned(), value.to_owned()));
        }
        options.sort();
        options.dedup();
        let price = |field: &'static str, raw: &Option<String>| match raw.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => parse_euros(raw)
                .map(Some)
                .ok_or_else(|| AppError::validation(field, Rule::Format(Format::Price))),
        };
        let (mut min_cents, mut max_cents) = (price("min", &request.min)?, price("max", &request.max)?);
        // "500 to 100" means 100 to 500.
        if let (Some(min), Some(max)) = (min_cents, max_cents) {
            if min > max {
                (min_cents, max_cents) = (Some(max), Some(min));
            }
        }
        Ok(Self {
            options,
            min_cents,
            max_cents,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.options.is_empty() && self.min_cents.is_none() && self.max_cents.is_none()
    }

    pub fn has(&self, option: &str, value: &str) -> bool {
        self.options
            .iter()
            .any(|(name, chosen)| name == option && chosen == value)
    }

    /// The option names and values as two parallel arrays, for the SQL.
    pub fn columns(&self) -> (Vec<String>, Vec<String>) {
        self.options.iter().cloned().unzip()
    }

    /// The URL parameters that give this filter back (the pages' links keep it).
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = self
            .options
            .iter()
            .map(|(name, value)| ("f", format!("{name}:{value}")))
            .collect();
        if let Some(min) = self.min_cents {
            pairs.push(("min", euros_input(min)));
        }
        if let Some(max) = self.max_cents {
            pairs.push(("max", euros_input(max)));
        }
        pairs
    }
}

/// An option a listing can be filtered by, with its values' counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionFacet {
    pub name: Translated,
    pub values: Vec<ValueFacet>,
}

/// One value of an option: how many products of the listing choosing it
/// would show (the other options' choices and the price range kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueFacet {
    pub value: Translated,
    pub count: i64,
}

/// Facets from (option, value, count) rows that come option by option.
pub fn group_facets(rows: impl IntoIterator<Item = (Translated, Translated, i64)>) -> Vec<OptionFacet> {
    let mut facets: Vec<OptionFacet> = Vec::new();
    for (name, value, count) in rows {
        let value = ValueFacet { value, count };
        match facets.last_mut() {
            Some(facet) if facet.name.fr == name.fr => facet.values.push(value),
            _ => facets.push(OptionFacet {
                name,
                values: vec![value],
            }),
        }
    }
    facets
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
    /// The options of the matches, with counts, and the filter applied.
    pub option_facets: Vec<OptionFacet>,
    pub filter: ListingFilter,
}

impl SearchResults {
    /// A blank search shows the listing: no ranking, no category facets.
    pub fn listing(products: ProductPage, filter: ListingFilter, option_facets: Vec<OptionFacet>) -> Self {
        Self {
            products,
            total: 0,
            filtered_total: 0,
            capped: false,
            facets: Vec::new(),
            did_you_mean: Vec::new(),
            option_facets,
            filter,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(f: &[&str], min: Option<&str>, max: Option<&str>) -> FilterRequest {
        FilterRequest {
            f: f.iter().map(|s| (*s).to_owned()).collect(),
            min: min.map(str::to_owned),
            max: max.map(str::to_owned),
        }
    }

    #[test]
    fn a_filter_reads_option_values_and_a_price_range_in_euros() {
        let filter = ListingFilter::parse(&request(
            &["Taille:M", "Couleur: Noir", "Taille:M"],
            Some("99,9"),
            Some("1 000"),
        ))
        .expect("valid");
        assert_eq!(
            filter.options,
            [
                ("Couleur".to_owned(), "Noir".to_owned()),
                ("Taille".to_owned(), "M".to_owned())
            ],
            "trimmed, sorted, once each"
        );
        assert_eq!((filter.min_cents, filter.max_cents), (Some(9990), Some(100_000)));
        assert!(filter.has("Taille", "M") && !filter.has("Taille", "L"));
        assert_eq!(
            filter.query(),
            [
                ("f", "Couleur:Noir".to_owned()),
                ("f", "Taille:M".to_owned()),
                ("min", "99,90".to_owned()),
                ("max", "1000".to_owned())
            ]
        );
        // A range typed backwards is the same range.
        let swapped = ListingFilter::parse(&request(&[], Some("500"), Some("100"))).expect("valid");
        assert_eq!(
            (swapped.min_cents, swapped.max_cents),
            (Some(10_000), Some(50_000))
        );
        assert!(ListingFilter::parse(&request(&[], Some(""), None))
            .expect("blank")
            .is_empty());
    }

    #[test]
    fn a_malformed_filter_is_refused_with_its_field() {
        let field_of = |request: FilterRequest| match ListingFilter::parse(&request) {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field_of(request(&["Taille"], None, None)), "f");
        assert_eq!(field_of(request(&[":M"], None, None)), "f");
        assert_eq!(field_of(request(&["Taille:\u{0}"], None, None)), "f");
        assert_eq!(field_of(request(&[&"x".repeat(200)], None, None)), "f");
        assert_eq!(field_of(request(&["a:b"; MAX_FILTERS + 1], None, None)), "f");
        assert_eq!(field_of(request(&[], Some("-5"), None)), "min");
        assert_eq!(field_of(request(&[], None, Some("12,345"))), "max");
        assert_eq!(field_of(request(&[], None, Some("1e9"))), "max");
    }

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
}
