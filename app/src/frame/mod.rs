//! The page frame: the header and layout around every page, where the
//! concerns' components (account menu, basket link, search box, category
//! menu) come together. Only `lib.rs` uses it, and the server's page cache
//! its personal corner; no concern imports it.

mod header;
mod language;
mod layout;

#[cfg(feature = "ssr")]
pub use header::{personal_corner_html, personal_corner_of};
pub use layout::Layout;
