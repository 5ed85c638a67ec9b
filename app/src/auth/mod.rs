//! AUTHENTICATION: accounts, their validation and their SQL. Registration,
//! login, sessions and the account pages build on these (issue #4).

#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
