//! Getting back into an account and proving its address: the password
//! reset mailed on request, and the e-mail verification link sent at
//! sign-up and after a change of address.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
