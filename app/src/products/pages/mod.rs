//! The products service's pages, one file each.

mod category;
mod home;
mod product;
mod search;

pub use category::CategoryPage;
pub use home::HomePage;
pub use product::ProductPage;
pub use search::SearchPage;

use leptos_router::params::ParamsMap;

use super::model::{FilterRequest, PageNumber, ProductSort};
use crate::error::AppError;

/// `sort` and `page` of a listing URL; an absent sort means `default_sort`.
fn listing_params(
    query: &ParamsMap,
    default_sort: ProductSort,
) -> Result<(ProductSort, PageNumber), AppError> {
    let sort = match query.get_str("sort") {
        None | Some("") => default_sort,
        value => ProductSort::parse(value)?,
    };
    Ok((sort, PageNumber::parse(query.get_str("page"))?))
}

/// The filters of a listing URL (`f`, `min`, `max`), parsed by the server.
fn filter_request(query: &ParamsMap) -> FilterRequest {
    FilterRequest {
        f: query.get_all("f").unwrap_or_default(),
        min: query.get("min"),
        max: query.get("max"),
    }
}

/// The filters of a listing URL as they came, for a form that keeps them.
fn filter_keep(request: &FilterRequest) -> Vec<(&'static str, String)> {
    let mut keep: Vec<(&'static str, String)> = request.f.iter().map(|f| ("f", f.clone())).collect();
    keep.extend(request.min.clone().map(|min| ("min", min)));
    keep.extend(request.max.clone().map(|max| ("max", max)));
    keep
}
