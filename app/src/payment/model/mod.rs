//! The payment's types, for both targets, one file a job: card details
//! and their checks (`card`), and orders with their address and status
//! (`order`).

mod card;
mod order;

pub use card::*;
pub use order::*;
