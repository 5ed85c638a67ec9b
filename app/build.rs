//! sqlx's query macros are checked against `.sqlx/` (or a live database when
//! `scripts/sql-data.sh` asks): re-expand them when a migration or that
//! choice changes, which cargo cannot see on its own.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    println!("cargo:rerun-if-changed=../.sqlx");
    println!("cargo:rerun-if-env-changed=SQLX_OFFLINE");
    println!("cargo:rerun-if-env-changed=SQLX_OFFLINE_DIR");
}
