//! A private PostgreSQL cluster started from the binaries installed on the
//! machine, so that `make run` needs no database set-up.
//!
//! It listens on a Unix socket inside its own folder only (no TCP port, no
//! clash with another PostgreSQL). initdb and postgres refuse to run as root,
//! so when the server runs as root they run as the `postgres` system user.
//! The cluster runs in its own process group: Ctrl-C reaches the server,
//! which then stops the cluster itself, cleanly.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tokio::process::Command;

const DATABASE_NAME: &str = "wondermarket";
const SUPERUSER: &str = "postgres";
/// Unix socket paths are limited to 107 bytes.
const MAX_SOCKET_DIR_LEN: usize = 90;

const HOW_TO_GET_POSTGRES: &str = "\
WonderMarket keeps its data in PostgreSQL and found neither a DATABASE_URL nor \
the PostgreSQL programs (initdb, pg_ctl) to start a private database of its own. \
Either install PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; the \
programs are then found under /usr/lib/postgresql/*/bin, or set \
WONDERMARKET_PG_BIN to their folder), or point the server at an existing \
database with DATABASE_URL=postgres://user:password@host:5432/wondermarket.";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("{HOW_TO_GET_POSTGRES}")]
    BinariesNotFound,
    #[error("could not prepare the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(
        "the data folder {0} is too deep for PostgreSQL's socket path; \
         set WONDERMARKET_DATA_DIR to a shorter folder"
    )]
    PathTooLong(PathBuf),
    #[error(
        "the `postgres` system user cannot write to {0}: when the server runs as root, \
         the data folder and its parents must be reachable by that user \
         (set WONDERMARKET_DATA_DIR to e.g. /var/lib/wondermarket)"
    )]
    NotReachableByPostgres(PathBuf),
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
    #[error("could not create the {DATABASE_NAME} database: {0}")]
    CreateDatabase(sqlx::Error),
}

pub struct EmbeddedCluster {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    as_postgres_user: bool,
}

impl EmbeddedCluster {
    /// Initialises the cluster on first use, starts it (or reuses one still
    /// running from this folder) and makes sure the shop's database exists.
    pub async fn start(data_dir: &Path, bin_override: Option<&Path>) -> Result<Self, EmbeddedError> {
        let bin_dir = find_bin_dir(bin_override).ok_or(EmbeddedError::BinariesNotFound)?;
        let cluster_dir = prepare_cluster_dir(data_dir)?;
        let cluster = Self {
            bin_dir,
            cluster_dir,
            as_postgres_user: running_as_root(),
        };
        if cluster.as_postgres_user {
            cluster.hand_folder_to_postgres().await?;
        }
        if !cluster.cluster_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %cluster.cluster_dir.display(), "creating the embedded PostgreSQL cluster");
            cluster.initdb().await?;
        }
        if cluster.is_running().await {
            tracing::info!("reusing the embedded PostgreSQL cluster already running");
        } else {
            cluster.pg_ctl_start().await?;
        }
        cluster.create_database_if_missing().await?;
        tracing::info!(dir = %cluster.cluster_dir.display(), "embedded PostgreSQL is up");
        Ok(cluster)
    }

    pub fn connect_options(&self) -> PgConnectOptions {
        self.superuser_options().database(DATABASE_NAME)
    }

    fn superuser_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.cluster_dir)
            .username(SUPERUSER)
            .database("postgres")
            .disable_statement_logging()
    }

    /// Stops the cluster with a fast shutdown: open transactions roll back,
    /// committed data is safe on disk.
    pub async fn stop(self) {
        match self
            .run("pg_ctl", &["stop", "-D", &self.dir_arg(), "-m", "fast", "-w"])
            .await
        {
            Ok(_) => tracing::info!("embedded PostgreSQL stopped"),
            Err(error) => tracing::error!(%error, "could not stop the embedded PostgreSQL"),
        }
    }

    fn dir_arg(&self) -> String {
        self.cluster_dir.display().to_string()
    }

    async fn hand_folder_to_postgres(&self) -> Result<(), EmbeddedError> {
        let owner = format!("{SUPERUSER}:{SUPERUSER}");
        run_command(
            Command::new("chown").args(["-R", &owner]).arg(&self.cluster_dir),
            "chown",
        )
        .await?;
        let writable = Command::new("runuser")
            .args(["-u", SUPERUSER, "--", "test", "-w"])
            .arg(&self.cluster_dir)
            .status()
            .await
            .is_ok_and(|status| status.success());
        if writable {
            Ok(())
        } else {
            Err(EmbeddedError::NotReachableByPostgres(self.cluster_dir.clone()))
        }
    }

    async fn initdb(&self) -> Result<(), EmbeddedError> {
        let dir = self.dir_arg();
        self.run(
            "initdb",
            &[
                "-D",
                &dir,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
        )
        .await
        .map(drop)
    }

    async fn is_running(&self) -> bool {
        self.run("pg_ctl", &["status", "-D", &self.dir_arg()])
            .await
            .is_ok()
    }

    async fn pg_ctl_start(&self) -> Result<(), EmbeddedError> {
        let dir = self.dir_arg();
        let log = self.cluster_dir.join("server.log").display().to_string();
        // Socket only, in the cluster's own folder.
        let postgres_options = format!("-h '' -k '{dir}'");
        self.run(
            "pg_ctl",
            &[
                "start",
                "-D",
                &dir,
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "-o",
                &postgres_options,
            ],
        )
        .await
        .map(drop)
    }

    async fn create_database_if_missing(&self) -> Result<(), EmbeddedError> {
        let mut conn = self
            .superuser_options()
            .connect()
            .await
            .map_err(EmbeddedError::CreateDatabase)?;
        let exists: bool = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
            DATABASE_NAME,
        )
        .fetch_one(&mut conn)
        .await
        .map_err(EmbeddedError::CreateDatabase)?;
        if !exists {
            // Built at run time: a database name is an identifier, which cannot be a bind
            // parameter; it comes from DATABASE_NAME, as the connection options' does.
            sqlx::query(&format!("CREATE DATABASE {DATABASE_NAME}"))
                .execute(&mut conn)
                .await
                .map_err(EmbeddedError::CreateDatabase)?;
        }
        conn.close().await.map_err(EmbeddedError::CreateDatabase)
    }

    /// Runs one PostgreSQL program, as the `postgres` user when we are root,
    /// in its own process group so a terminal's Ctrl-C does not reach it.
    async fn run(&self, program: &str, args: &[&str]) -> Result<String, EmbeddedError> {
        let path = self.bin_dir.join(program);
        let mut command = if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", SUPERUSER, "--"]).arg(&path);
            command
        } else {
            Command::new(&path)
        };
        command.args(args).current_dir("/").process_group(0);
        run_command(&mut command, program).await
    }
}

async fn run_command(command: &mut Command, name: &str) -> Result<String, EmbeddedError> {
    let output = command.output().await.map_err(|error| EmbeddedError::Command {
        command: name.to_owned(),
        detail: error.to_string(),
    })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let detail = [stderr.trim(), stdout.trim()]
            .into_iter()
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        Err(EmbeddedError::Command {
            command: name.to_owned(),
            detail: format!("{} ({})", detail, output.status),
        })
    }
}

fn prepare_cluster_dir(data_dir: &Path) -> Result<PathBuf, EmbeddedError> {
    let io_error = |source| EmbeddedError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(io_error)?;
    let data_dir = data_dir.canonicalize().map_err(io_error)?;
    let cluster_dir = data_dir.join("postgres");
    if cluster_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
        return Err(EmbeddedError::PathTooLong(cluster_dir));
    }
    std::fs::create_dir_all(&cluster_dir).map_err(io_error)?;
    // PostgreSQL insists that only its owner can read the cluster.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cluster_dir, std::fs::Permissions::from_mode(0o700)).map_err(io_error)?;
    Ok(cluster_dir)
}

fn running_as_root() -> bool {
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// The folder holding initdb and pg_ctl: the override, else PATH, else the
/// newest /usr/lib/postgresql/<version>/bin.
fn find_bin_dir(bin_override: Option<&Path>) -> Option<PathBuf> {
    let has_programs = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = bin_override {
        return has_programs(dir).then(|| dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| has_programs(dir))
    {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_programs(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}
