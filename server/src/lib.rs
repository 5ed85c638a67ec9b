//! The WonderMarket server: configuration, database, HTTP stack and CLI.

pub mod api;
pub mod back_office;
pub mod catalogue_csv;
pub mod cli;
pub mod config;
pub mod database;
pub mod drop_report;
pub mod invoices;
pub mod live;
pub mod mailer;
pub mod media;
pub mod metrics;
pub mod operational;
pub mod page_cache;
pub mod rooms;
pub mod security;
pub mod seed;
pub mod server_fn_status;
pub mod spliced_gzip;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod telemetry;
pub mod tidy;
pub mod visitor;
pub mod webhooks;
