//! The products service's server functions: who may call (everyone: the
//! catalogue is public), what they ask for (validated), then the SQL.

use leptos::prelude::*;

use super::model::{
    Category, CategoryPage, FilterRequest, ProductDetail, ProductPage, ProductSort, ProductSummary,
    SearchResults, Suggestion, VariantRequest,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{
        db,
        model::{ListingFilter, PageNumber, SearchQuery},
        slug::Slug,
    };
    pub use crate::auth::audience;
    use crate::products::facet_cache;
    use crate::products::model::{ListingFilter as Filter, OptionFacet};
    use crate::state::AppState;

    /// The option counts of a listing; without a filter, from the cache
    /// when fresh.
    pub async fn facets_of(
        state: &AppState,
        category_id: Option<i64>,
        filter: &Filter,
    ) -> Result<Vec<OptionFacet>, sqlx::Error> {
        if !filter.is_empty() {
            return db::option_facets(&state.pool, category_id, filter).await;
        }
        if let Some(facets) = facet_cache::get(state, category_id) {
            return Ok(facets);
        }
        let facets = db::option_facets(&state.pool, category_id, filter).await?;
        facet_cache::put(state, category_id, facets.clone());
        Ok(facets)
    }
}

/// One page of the whole catalogue, in the requested order.
#[server(endpoint = "products/list")]
pub async fn list_products(page: u32, sort: ProductSort) -> Result<ProductPage, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let page = PageNumber::new(page)?;
        Ok(db::list_products(&state.pool, None, page, sort).await?)
    })
    .await
}

/// A product with its variants (the one `variant` asks for chosen), its
/// category and related products; unknown slug: NotFound.
#[server(endpoint = "products/get")]
pub async fn get_product(
    slug: String,
    #[server(default)] variant: VariantRequest,
) -> Result<ProductDetail, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let slug = Slug::parse(&slug).ok_or(AppError::NotFound)?;
        let mut tx = state.pool.begin().await?;
        let product = db::find_product_by_slug(&mut tx, slug.as_str(), &variant).await?;
        tx.commit().await?;
        product.ok_or(AppError::NotFound)
    })
    .await
}

/// The categories, in menu order.
#[server(endpoint = "products/categories")]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    use ssr::*;
    audience::public(|state| async move { Ok(db::list_categories(&state.pool).await?) }).await
}

/// One page of a category, filtered by option values and price, with the
/// counts of each value; unknown category: NotFound.
#[server(endpoint = "products/by-category")]
pub async fn products_by_category(
    slug: String,
    page: u32,
    sort: ProductSort,
    #[server(default)] filter: FilterRequest,
) -> Result<CategoryPage, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let slug = Slug::parse(&slug).ok_or(AppError::NotFound)?;
        let page = PageNumber::new(page)?;
        let filter = ListingFilter::parse(&filter)?;
        let category = db::find_category_by_slug(&state.pool, slug.as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        let products = async {
            if filter.is_empty() {
                db::list_products(&state.pool, Some(category.id), page, sort).await
            } else {
                db::list_filtered_products(&state.pool, Some(category.id), &filter, page, sort).await
            }
        };
        let facets = facets_of(&state, Some(category.id), &filter);
        let (products, facets) = tokio::try_join!(products, facets)?;
        Ok(CategoryPage {
            category,
            products,
            filter,
            facets,
        })
    })
    .await
}

/// Ranked, typo-tolerant search with category and option facets, filtered
/// like a category. A blank query is not an error: it answers the listing.
#[server(endpoint = "products/search")]
pub async fn search_products(
    q: String,
    category: Option<String>,
    sort: ProductSort,
    page: u32,
    #[server(default)] filter: FilterRequest,
) -> Result<SearchResults, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let page = PageNumber::new(page)?;
        let query = SearchQuery::parse(&q)?;
        let filter = ListingFilter::parse(&filter)?;
        let category = match category.as_deref().filter(|c| !c.is_empty()) {
            Some(slug) => {
                let unknown = || AppError::validation("category", crate::error::Rule::UnknownChoice);
                let slug = Slug::parse(slug).ok_or_else(unknown)?;
                let found = db::find_category_by_slug(&state.pool, slug.as_str()).await?;
                Some(found.ok_or_else(unknown)?)
            }
            None => None,
        };
        let category_id = category.as_ref().map(|c| c.id);
        let Some(query) = query else {
            let products = async {
                if filter.is_empty() {
                    db::list_products(&state.pool, category_id, page, sort).await
                } else {
                    db::list_filtered_products(&state.pool, category_id, &filter, page, sort).await
                }
            };
            let facets = facets_of(&state, category_id, &filter);
            let (products, facets) = tokio::try_join!(products, facets)?;
            return Ok(SearchResults::listing(products, filter, facets));
        };
        let mut tx = state.pool.begin().await?;
        let results = db::search_products(&mut tx, &query, category_id, &filter, sort, page).await?;
        tx.commit().await?;
        Ok(results)
    })
    .await
}

/// Up to eight product names for the search box while typing.
#[server(endpoint = "products/suggest")]
pub async fn suggest_products(prefix: String) -> Result<Vec<Suggestion>, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let Some(query) = SearchQuery::parse(&prefix)? else {
            return Ok(Vec::new());
        };
        let mut tx = state.pool.begin().await?;
        let suggestions = db::suggest_products(&mut tx, &query).await?;
        tx.commit().await?;
        Ok(suggestions)
    })
    .await
}

/// The scarce products for the home page's hero: in stock, but barely.
#[server(endpoint = "products/drops")]
pub async fn list_drops() -> Result<Vec<ProductSummary>, AppError> {
    use ssr::*;
    audience::public(|state| async move { Ok(db::list_drops(&state.pool).await?) }).await
}
