//! The arithmetic of what an order costs, shared by the basket, the
//! checkout, the order pages, the mails and the invoices: VAT rates and the
//! breakdown of a total into HT, VAT per rate and TTC. Integer cents only;
//! a leaf module (it imports nothing of the shop).

pub mod breakdown;
pub mod money;
pub mod vat;

pub use breakdown::{split_pro_rata, Breakdown, RateTotal};
pub use money::{euros_input, parse_euros};
pub use vat::VatRate;
