//! Invoices and credit notes: written in the transaction of their cause
//! (an order paid, a paid order cancelled), numbered afterwards in one
//! unbroken sequence per kind shared by every instance, and downloaded as
//! PDF by the order's owner and the back office. The accountant's monthly
//! sales report reads them.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod report;
#[cfg(feature = "ssr")]
pub mod service;
