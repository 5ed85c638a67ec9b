//! The option counts of a listing without filters, kept a minute per
//! category in each instance (`AppState::facets`). They are the same for
//! every visitor of a category page and cost a read of every product with
//! options there (tens of milliseconds in a large category), while the
//! products listed are one indexed page; a minute-old count is harmless
//! (the products on the page, their prices and stock, are read fresh).

use std::sync::Arc;

use super::model::OptionFacet;
use crate::state::AppState;

/// How long counts are kept.
pub const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// The counts of `category` (all products: `None`), if fresh.
pub fn get(state: &AppState, category: Option<i64>) -> Option<Vec<OptionFacet>> {
    let value = state.facets.get(&category)?;
    value.downcast_ref::<Vec<OptionFacet>>().cloned()
}

pub fn put(state: &AppState, category: Option<i64>, facets: Vec<OptionFacet>) {
    state.facets.put(category, Arc::new(facets));
}
