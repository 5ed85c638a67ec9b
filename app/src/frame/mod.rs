//! The page frame: the header and layout around every page, where the
//! concerns' components (account menu, basket link, search box, category
//! menu) come together. Only `lib.rs` uses it; no concern imports it.

mod header;
mod layout;

pub use layout::Layout;
