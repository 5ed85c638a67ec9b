#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The server binary with no DATABASE_URL: it runs its own PostgreSQL,
//! stops it on SIGTERM and finds its data again on the next start.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::common::process::{free_port, url_of, wait_healthy, SERVER};

fn temp_data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("data dir");
    dir
}

fn start_server(data_dir: &Path, port: u16) -> Child {
    Command::new(SERVER)
        .env_remove("DATABASE_URL")
        .env("WONDERMARKET_DATA_DIR", data_dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn server")
}

fn terminate(child: Child) -> Output {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    child.wait_with_output().expect("wait")
}

async fn home_page(port: u16) -> String {
    reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .expect("home")
        .text()
        .await
        .expect("body")
}

fn cluster_is_running(data_dir: &Path) -> bool {
    data_dir.join("postgres/postmaster.pid").exists()
}

#[tokio::test]
async fn embedded_cluster_survives_a_restart_and_stops_with_the_server() {
    let data_dir = temp_data_dir("restart");
    let port = free_port();

    let server = start_server(&data_dir, port);
    wait_healthy(port).await;
    let home = home_page(port).await;
    assert!(
        home.contains("PlayStation 5 Slim"),
        "first start seeds the demo catalogue"
    );

    let output = terminate(server);
    assert!(output.status.success(), "clean exit on SIGTERM: {output:?}");
    assert!(
        !cluster_is_running(&data_dir),
        "the cluster stopped with the server"
    );

    let server = start_server(&data_dir, port);
    wait_healthy(port).await;
    let home = home_page(port).await;
    assert!(home.contains("PlayStation 5 Slim"), "the data is still there");
    let output = terminate(server);
    assert!(output.status.success());
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn without_postgres_or_database_url_the_server_explains_what_to_do() {
    let data_dir = temp_data_dir("nopg");
    let output = Command::new(SERVER)
        .env_remove("DATABASE_URL")
        .env("WONDERMARKET_DATA_DIR", &data_dir)
        .env("WONDERMARKET_PG_BIN", "/nonexistent")
        .output()
        .expect("run server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("install PostgreSQL"), "{stderr}");
    assert!(stderr.contains("DATABASE_URL="), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn create_admin_makes_an_administrator_with_a_password_from_the_environment(pool: sqlx::PgPool) {
    let run = |password: &str| {
        Command::new(SERVER)
            .args([
                "create-admin",
                "--username",
                "boss",
                "--email",
                "boss@example.com",
            ])
            .env("DATABASE_URL", url_of(&pool))
            .env("WONDERMARKET_ADMIN_PASSWORD", password)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run server")
    };
    let weak = run("short");
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 10 characters"));

    let output = run("a long admin password");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE username = 'boss'")
        .fetch_one(&pool)
        .await
        .expect("admin row");
    assert_eq!(role, "admin");
}
