//! Components shared by every concern.

pub mod error;
pub mod forms;
pub mod header;
pub mod layout;
pub mod not_found;
pub mod price;
pub mod seo;
pub mod url;
