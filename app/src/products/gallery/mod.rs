//! A product's gallery: ordered photos, each with its alt text in both
//! languages and optionally tied to option values, served in a few widths
//! (the upload and its resizing are the server's, `server/src/media`; the
//! back office's editor is `admin/pages/photos.rs`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod view;
