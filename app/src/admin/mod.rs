//! The back office under /admin: dashboard and management pages. The
//! server functions live with their concern (products, users, payment);
//! this module holds the dashboard, the audit log and the pages.

pub mod api;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
mod db;
pub mod model;
pub mod pages;
