//! Order rules, one file a job: checkout in three steps and the sweep that
//! settles the orders it left awaiting payment (`checkout`), the back
//! office's status changes (`status`), and the refunds of cancelled orders
//! with their retries (`refunds`).

mod checkout;
mod refunds;
mod status;

pub use checkout::*;
pub use refunds::*;
pub use status::*;
