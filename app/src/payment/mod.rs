//! PAYMENT: card checks, the payment gateway, checkout and orders
//! (order detail pages and the back-office side are still to come, #5/#6).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod gateway;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
