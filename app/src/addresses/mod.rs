//! The address book: a customer's saved addresses on the account page, one
//! of them the default, picked at checkout (or a new one typed and
//! saved there). An order keeps its own copy of the address.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
