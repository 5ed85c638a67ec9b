//! AUTHENTICATION: registration, login, logout, sessions and roles.

pub mod api;
#[cfg(feature = "ssr")]
pub mod audience;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod service;
