//! The payment's types, for both targets, one file a job: card details
//! and their checks (`card`), the checkout form's key (`checkout_key`), and
//! orders with their address and status (`order`).

mod card;
mod checkout_key;
mod order;

pub use card::*;
pub use checkout_key::CheckoutKey;
pub use order::*;
