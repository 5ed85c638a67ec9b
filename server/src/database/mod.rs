//! The connection pool, migrations and the embedded PostgreSQL default.

mod embedded;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

pub use embedded::{EmbeddedCluster, EmbeddedError};

use crate::config::DatabaseConfig;

/// The shop's database: a pool, and the private cluster behind it when the
/// server started one.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<EmbeddedCluster>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster.
    pub async fn open(config: &DatabaseConfig) -> anyhow::Result<Self> {
        let (options, cluster) = match &config.database_url {
            Some(url) => {
                let options: PgConnectOptions = url
                    .parse()
                    .context("DATABASE_URL is not a valid PostgreSQL URL")?;
                (options, None)
            }
            None => {
                let cluster = EmbeddedCluster::start(&config.data_dir, config.pg_bin.as_deref()).await?;
                (cluster.connect_options(), Some(cluster))
            }
        };
        let pool = match pool_options(config.pool_size).connect_with(options).await {
            Ok(pool) => pool,
            Err(error) => {
                if let Some(cluster) = cluster {
                    cluster.stop().await;
                }
                return Err(error).context("could not connect to PostgreSQL");
            }
        };
        Ok(Self { pool, cluster })
    }

    pub fn is_embedded(&self) -> bool {
        self.cluster.is_some()
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        migrate(&self.pool).await
    }

    /// Closes the pool, then stops the embedded cluster cleanly.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            cluster.stop().await;
        }
    }
}

pub fn pool_options(size: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(5))
        // A connection back in the pool less than a second ago is alive:
        // pinging it doubled the round trips of every query under load. One
        // idle longer (across a PostgreSQL restart, say) is pinged first,
        // and a dead one is dropped for another.
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= Duration::from_secs(1) {
                    sqlx::Connection::ping(connection).await?;
                }
                Ok(true)
            })
        })
}

/// Applies the shop's migrations and the session store's table.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .context("could not apply the database migrations")?;
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await
        .context("could not create the session table")?;
    Ok(())
}
