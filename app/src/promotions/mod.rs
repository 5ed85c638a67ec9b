//! Promo codes: a percentage or an amount off some goods, or free delivery,
//! within a window, a minimum basket, and limits in all and per customer.
//! A code with uses left is a race like the last unit of stock: each use
//! is taken by a conditional statement on one of a few rows, inside the
//! checkout's transaction, and given back when the payment fails or the
//! order is cancelled before shipping.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
