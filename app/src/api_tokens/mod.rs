//! API TOKENS: the personal tokens a customer or an administrator makes on
//! the account page to call the public API (`/api/v1`), and the
//! short-lived ones exchanged for a login and password. Shown once, kept
//! hashed, each with a name, scopes, an expiry and a last-used time.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
