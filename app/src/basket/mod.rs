//! BASKET: what a logged-in shopper is about to buy (guest baskets in the
//! session and the merge at login are still to come, issue #5).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod pages;
