//! Components shared by every concern. Nothing here imports a concern.

pub mod chart;
pub mod error;
pub mod forms;
pub mod not_found;
pub mod notice;
pub mod price;
pub mod seo;
pub mod stock;
pub mod url;
pub mod vat;
