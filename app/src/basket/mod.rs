//! BASKET: what a shopper is about to buy. A guest's basket lives in
//! PostgreSQL under a key its session keeps, and merges into the account's
//! at login.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
