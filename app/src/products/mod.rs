//! PRODUCTS: the catalogue, its categories, listing and (later) search.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod pages;
pub mod search_box;
#[cfg(feature = "ssr")]
pub mod stock;
