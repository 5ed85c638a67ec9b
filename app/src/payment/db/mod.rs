//! SQL of orders and payments, one file a job: checkout's reservation,
//! payment and settling (`checkout`), reading orders (`orders`), changing
//! their status (`status`), and refunds (`refunds`).

mod checkout;
mod orders;
mod refunds;
mod status;

pub use checkout::*;
pub use orders::*;
pub use refunds::*;
pub use status::*;
