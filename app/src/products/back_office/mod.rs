//! The back office of the catalogue: products, categories and stock as
//! administrators manage them (its pages are in `admin::pages`). Unlike the
//! shop's code beside it, it sees archived products too.

pub mod api;
pub mod catalogue_csv;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
