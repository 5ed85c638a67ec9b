//! PRODUCTS: the catalogue, its categories, listing and search, and
//! their management in the back office.

pub mod alerts;
pub mod api;
pub mod back_office;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod facet_cache;
pub mod filter_form;
pub mod gallery;
pub mod model;
pub mod pages;
pub mod search_box;
pub mod slug;
pub mod variant_picker;
