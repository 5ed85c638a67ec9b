//! SQL of accounts (`accounts`) and of login and sign-up throttling
//! (`attempts`).

mod accounts;
mod attempts;

pub use accounts::*;
pub use attempts::*;
