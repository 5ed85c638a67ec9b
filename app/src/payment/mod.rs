//! PAYMENT: card checks and the payment gateway. Checkout and orders build
//! on these (issue #5).

#[cfg(feature = "ssr")]
pub mod gateway;
pub mod model;
