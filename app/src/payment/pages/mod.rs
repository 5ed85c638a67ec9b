//! The payment pages: checkout, and an order's own page.

mod checkout;
mod order;

pub use checkout::CheckoutPage;
pub use order::{OrderPage, OrderStatusBadge, RefundState};
