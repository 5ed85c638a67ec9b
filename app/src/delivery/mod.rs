//! Delivery: the methods a parcel can go by (name, price, free threshold,
//! estimate, countries, weight bands), what one costs for a basket, and the
//! back office's configuration. The checkout quotes and snapshots them; the
//! basket shows the cheapest.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
