//! INVENTORY: the one owner of stock. Every statement that changes a
//! product's stock, or counts what can be bought, lives here; basket,
//! checkout and the back office call it and write no such SQL themselves.
//!
//! - `ledger`: why the stock changes (the labels a database trigger writes
//!   to `stock_movements`), and the check that stock equals its movements.

#[cfg(feature = "ssr")]
pub mod ledger;
