//! INVENTORY: the one owner of stock. Every statement that changes a
//! product's stock, holds or reserves its units, or counts what can be
//! bought lives here; basket, checkout and the back office call it and
//! write no such SQL themselves. Callers label a change with `ledger`
//! before making it, in the same transaction, and keep to the lock order
//! `db` states.
//!
//! What can be bought now is defined once, in the database: the views
//! `held_units` (units held in baskets) and `listed_products` (shelf stock
//! less holds), migration 0015; the catalogue's listings read those views.
//!
//! - `db`: availability for a basket line, the product row locks, taking
//!   units at checkout and giving them back with their holds, the
//!   per-customer count, and the back office's adjustments.
//! - `ledger`: why the stock changes (the labels a database trigger writes
//!   to `stock_movements`), and the check that stock equals its movements.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod ledger;

/// Most units a product can have in stock (the back office checks what an
/// operator types against it in the browser too).
pub const MAX_STOCK: i32 = 1_000_000;
