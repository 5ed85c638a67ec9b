//! PRODUCTS: the catalogue, its categories, listing and search, and
//! their management in the back office.

pub mod admin_api;
#[cfg(feature = "ssr")]
pub mod admin_db;
pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod editing;
pub mod model;
pub mod pages;
pub mod search_box;
#[cfg(feature = "ssr")]
pub mod stock;
