//! The `server` command line: serve (default), migrate, seed, precompress.

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{DatabaseConfig, WebConfig};
use crate::database::Database;
use crate::{seed, startup::Application};

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "WonderMarket, the online shop")]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub web: WebConfig,
    /// Seed the demo catalogue into an empty database when serving.
    /// Defaults to on for the embedded cluster and off with DATABASE_URL.
    #[arg(long, env = "WONDERMARKET_SEED_DEMO")]
    pub seed_demo: Option<bool>,
    /// Log lines as text (default) or JSON, one object per line.
    #[arg(long, env = "WONDERMARKET_LOG_FORMAT", value_enum, default_value_t)]
    pub log_format: crate::telemetry::LogFormat,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the shop (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Create an administrator account. The password comes from
    /// WONDERMARKET_ADMIN_PASSWORD or is asked for (never a flag).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Admin")]
        first_name: String,
        #[arg(long, default_value = "WonderMarket")]
        last_name: String,
    },
    /// Write the brotli and gzip variants of the built site's files (the
    /// site root, LEPTOS_SITE_ROOT) and exit. Needs no database.
    Precompress,
    /// Load the demo catalogue (products already there are kept) and exit.
    Seed {
        /// Also generate this many products (deterministic), for benchmarks.
        #[arg(long)]
        products: Option<u32>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Precompress) = cli.command {
        let root = std::path::Path::new(&cli.web.site_root);
        let written = tokio::task::spawn_blocking({
            let root = root.to_path_buf();
            move || crate::static_files::precompress(&root)
        })
        .await??;
        for file in &written {
            tracing::debug!(
                file = %file.path.display(),
                bytes = file.size,
                brotli = file.brotli,
                gzip = file.gzip,
                "precompressed"
            );
        }
        let (size, brotli) = written.iter().fold((0, 0), |(size, brotli), file| {
            (size + file.size, brotli + file.brotli)
        });
        tracing::info!(files = written.len(), bytes = size, brotli, root = %root.display(), "site files precompressed");
        return Ok(());
    }
    let database = Database::open(&cli.database).await?;
    let result = run_command(&cli, &database).await;
    database.close().await;
    result
}

async fn run_command(cli: &Cli, database: &Database) -> anyhow::Result<()> {
    database.migrate().await?;
    match cli.command.clone().unwrap_or(Command::Serve) {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin {
            username,
            email,
            first_name,
            last_name,
        } => {
            let password = admin_password()?;
            let form = app::auth::service::Registration {
                username,
                email,
                password_confirmation: password.clone(),
                password,
                first_name,
                last_name,
            };
            let admin = app::auth::service::register(&database.pool, form, app::auth::model::Role::Admin)
                .await
                .map_err(|error| anyhow::anyhow!("could not create the administrator: {error}"))?;
            tracing::info!(username = %admin.username, "administrator created");
            Ok(())
        }
        Command::Precompress => Ok(()),
        Command::Seed { products } => {
            let report = seed::seed_demo(&database.pool).await?;
            let photos = seed::seed_demo_photos(&database.pool).await?;
            tracing::info!(?report, photos, "demo catalogue loaded");
            if let Some(count) = products {
                let started = std::time::Instant::now();
                let inserted = seed::seed_generated(&database.pool, count).await?;
                tracing::info!(inserted, elapsed = ?started.elapsed(), "generated products loaded");
            }
            Ok(())
        }
        Command::Serve => {
            if cli.seed_demo.unwrap_or(database.is_embedded()) {
                let with_admin = database.is_embedded();
                if let Some(report) = seed::seed_demo_if_empty(&database.pool, with_admin).await? {
                    tracing::info!(?report, "first start: demo catalogue seeded");
                }
            }
            let app = Application::build(&cli.web, database.pool.clone())
                .await
                .context("could not start the web server")?;
            tracing::info!("WonderMarket is open at http://{}", app.local_addr());
            app.run_until(crate::startup::shutdown_signal()).await
        }
    }
}

/// The new administrator's password: from the environment, else typed
/// twice at a prompt that does not echo.
fn admin_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("WONDERMARKET_ADMIN_PASSWORD") {
        return Ok(password);
    }
    let password = rpassword::prompt_password("Password for the new administrator: ")?;
    let again = rpassword::prompt_password("Same password again: ")?;
    anyhow::ensure!(password == again, "the two passwords differ");
    Ok(password)
}
