//! WEBHOOKS: the endpoints an administrator registers (a URL, the events
//! it hears, the secret its deliveries are signed with) and the deliveries
//! to them, listed in the back office with their last answer and a resend
//! button.
//!
//! A delivery is written by a trigger (migration `…_webhooks.sql`) in the
//! transaction of its cause: an order paid, shipped, cancelled or refunded,
//! a product's stock low, sold out or back, a drop opened or sold out. A
//! rolled-back cause writes none; a committed one is never lost. The
//! server's worker (`server::webhooks`) sends them, signed, with retries,
//! to public addresses only unless the operator allows private ones.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
