//! The WonderMarket server: configuration, database, HTTP stack and CLI.

pub mod cli;
pub mod config;
pub mod database;
pub mod mailer;
pub mod media;
pub mod metrics;
pub mod page_cache;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod static_files;
pub mod telemetry;
pub mod visitor;
