//! USERS: the shopper's own profile, and the administrators' user tools.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod pages;
