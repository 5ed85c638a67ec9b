//! The shop's HTTP and server tests, one module per concern.
//!
//! They form a single test binary on purpose: each file under `tests/` would
//! otherwise be its own binary linking the whole shop again (about 1.5 GB
//! each with debug information), which filled the CI machine's disk.

mod common;

mod accounts;
mod addresses;
mod api;
mod api_authorization;
mod attacks;
mod authorization;
mod back_office;
mod basket;
mod buyer_states;
mod catalogue;
mod catalogue_csv;
mod checkout;
mod delivery;
mod drop_friction;
mod drop_report;
mod drops;
mod embedded_cluster;
mod filters;
mod form_fuzz;
mod invoices;
mod languages;
mod live;
mod mail;
mod mail_limits;
mod operations;
mod orders;
mod page_cache;
mod payment_recovery;
mod photos;
mod products;
mod promotions;
mod variants;
mod vat;
mod webhooks;
