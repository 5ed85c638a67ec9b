//! PAYMENT: card checks, the payment gateway, checkout and orders
//! (the order pages and the back-office side are still to come, issue #5/#6).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod gateway;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
