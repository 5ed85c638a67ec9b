//! PAYMENT: card checks, the payment gateway, checkout, orders and their
//! lifecycle (the back office changes their status).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod gateway;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
