//! The catalogue: products (with their variants), categories, and search
//! with the listing's filters. Public: no token needed (a token, if sent,
//! must be valid). Answers carry an `ETag`.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::products::api as products;
use app::products::model::{Category, FilterRequest, ProductDetail, ProductSort, ProductSummary};

use super::call::Call;
use super::http::{cursor_after, page_of, tagged, ApiPath, ApiQuery};
use super::problem::{ApiError, Problem, PublicRefusals};
use crate::state::ServerState;

#[derive(Serialize, ToSchema)]
pub struct ApiCategory {
    pub id: i64,
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
}

impl From<Category> for ApiCategory {
    fn from(category: Category) -> Self {
        Self {
            id: category.id,
            slug: category.slug,
            name_fr: category.name_fr,
            name_en: category.name_en,
        }
    }
}

/// A product as a listing shows it.
#[derive(Serialize, ToSchema)]
pub struct ProductCard {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Empty where no English name was written.
    pub name_en: String,
    /// The lowest price of its variants, in cents TTC.
    pub price_cents: i64,
    /// Its variants' prices differ.
    pub from_price: bool,
    pub has_variants: bool,
    /// Units of all its variants that can be bought now.
    pub stock: i32,
    pub image_url: String,
}

impl From<ProductSummary> for ProductCard {
    fn from(product: ProductSummary) -> Self {
        Self {
            id: product.id,
            slug: product.slug,
            name: product.name,
            name_en: product.name_en,
            price_cents: product.price_cents,
            from_price: product.from_price,
            has_variants: product.has_variants,
            stock: product.stock,
            image_url: product.image_path,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductCard>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiOption {
    pub name: Text,
    pub values: Vec<Text>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiVariant {
    /// The id to put in a basket.
    pub id: i64,
    pub sku: String,
    /// Its value of each option, in the options' order (French).
    pub values: Vec<String>,
    pub price_cents: i64,
    pub stock: i32,
}

/// A product with its variants.
#[derive(Serialize, ToSchema)]
pub struct Product {
    /// The product's own id (its first variant's, for a product with options).
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub description_en: String,
    pub price_cents: i64,
    pub stock: i32,
    pub max_per_order: i32,
    pub max_per_customer: Option<i32>,
    pub category: ApiCategory,
    pub options: Vec<ApiOption>,
    pub variants: Vec<ApiVariant>,
    pub image_url: String,
}

impl From<ProductDetail> for Product {
    fn from(product: ProductDetail) -> Self {
        let text = |t: app::products::model::Translated| Text { fr: t.fr, en: t.en };
        Self {
            id: product.id,
            slug: product.slug,
            name: product.name,
            name_en: product.name_en,
            description: product.description,
            description_en: product.description_en,
            price_cents: product.price_cents,
            stock: product.stock,
            max_per_order: product.max_per_order,
            max_per_customer: product.max_per_customer,
            category: product.category.into(),
            options: product
                .options
                .into_iter()
                .map(|option| ApiOption {
                    name: text(option.name),
                    values: option.values.into_iter().map(text).collect(),
                })
                .collect(),
            variants: product
                .variants
                .into_iter()
                .map(|variant| ApiVariant {
                    id: variant.id,
                    sku: variant.sku,
                    values: variant.values,
                    price_cents: variant.price_cents,
                    stock: variant.stock,
                })
                .collect(),
            image_url: product.image_path,
        }
    }
}

/// What a listing or a search is asked for.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Words to search for; none lists the catalogue.
    pub q: Option<String>,
    /// A category's slug.
    pub category: Option<String>,
    /// `relevance` (a search's default), `newest` (a listing's), `price_asc`, `price_desc`, `name`.
    pub sort: Option<String>,
    /// An option value, `Option:Value` (e.g. `Couleur:Noir`); repeat for more.
    pub f: Option<Vec<String>>,
    /// Lowest price in euros (`99,90`).
    pub min: Option<String>,
    /// Highest price in euros.
    pub max: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The pairs of a query string, read by hand: `f` may come many times.
fn product_query(pairs: Vec<(String, String)>) -> ProductQuery {
    let mut query = ProductQuery {
        q: None,
        category: None,
        sort: None,
        f: None,
        min: None,
        max: None,
        cursor: None,
    };
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "q" => &mut query.q,
            "category" => &mut query.category,
            "sort" => &mut query.sort,
            "min" => &mut query.min,
            "max" => &mut query.max,
            "cursor" => &mut query.cursor,
            "f" => {
                query.f.get_or_insert_with(Vec::new).push(value);
                continue;
            }
            _ => continue,
        };
        // The first of a name counts, as the pages read their queries.
        slot.get_or_insert(value);
    }
    query
}

/// Lists or searches products.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalogue",
    params(ProductQuery),
    security((), ("bearer" = ["read"])),
    responses(
        (status = 200, description = "A page of products", body = ProductList,
         headers(("ETag" = String, description = "Send back as If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 400, description = "A parameter is refused", body = Problem, content_type = "application/problem+json"),
        PublicRefusals,
    )
)]
pub async fn list_products(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    call.reader()?;
    let query = product_query(pairs);
    let page = page_of(query.cursor.as_deref())?;
    let sort = ProductSort::parse(query.sort.as_deref())?;
    let filter = FilterRequest {
        f: query.f.unwrap_or_default(),
        min: query.min,
        max: query.max,
    };
    let q = query.q.unwrap_or_default();
    let results = call
        .run(&state.app, || {
            products::search_products(q, query.category, sort, page, filter)
        })
        .await?;
    let list = ProductList {
        next_cursor: cursor_after(page, results.products.has_next),
        items: results
            .products
            .items
            .into_iter()
            .map(ProductCard::from)
            .collect(),
    };
    Ok(tagged(&headers, &list))
}

/// One product with its variants, by its slug.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}",
    tag = "catalogue",
    params(("slug" = String, Path, description = "The product's slug")),
    security((), ("bearer" = ["read"])),
    responses(
        (status = 200, description = "The product", body = Product,
         headers(("ETag" = String, description = "Send back as If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        PublicRefusals,
    )
)]
pub async fn get_product(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, ApiError> {
    call.reader()?;
    let product = call
        .run(&state.app, || products::get_product(slug, Default::default()))
        .await?;
    Ok(tagged(&headers, &Product::from(product)))
}

/// The categories, in menu order.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "catalogue",
    security((), ("bearer" = ["read"])),
    responses(
        (status = 200, description = "The categories", body = [ApiCategory],
         headers(("ETag" = String, description = "Send back as If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        PublicRefusals,
    )
)]
pub async fn list_categories(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    call.reader()?;
    let categories = call.run(&state.app, products::list_categories).await?;
    let categories: Vec<ApiCategory> = categories.into_iter().map(ApiCategory::from).collect();
    Ok(tagged(&headers, &categories))
}
