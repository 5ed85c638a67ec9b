//! The catalogue as a CSV file, in the back office: export every product
//! and variant; import a file to create or update them by SKU, after a dry
//! run that shows what each row would do and every bad row's error. The
//! upload and the download are plain HTTP routes (`server::catalogue_csv`);
//! the report and its confirmation are server functions and a page.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;

#[cfg(feature = "ssr")]
pub use service::{dry_run, export};

#[cfg(feature = "ssr")]
mod service {
    use super::{db, model};
    use crate::error::AppError;
    use crate::ids::UserId;
    use crate::state::AppState;

    /// The catalogue as a CSV file.
    pub async fn export(state: &AppState) -> Result<Vec<u8>, AppError> {
        let rows = db::export_rows(&state.pool).await?;
        model::write_file(rows).map_err(|error| {
            tracing::error!(%error, "catalogue export: CSV");
            AppError::Internal
        })
    }

    /// Reads and checks an uploaded file against the shop, writes nothing
    /// to the catalogue, keeps the file and its report; returns the
    /// import's id (its page shows the report).
    pub async fn dry_run(
        state: &AppState,
        admin: UserId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<i64, AppError> {
        let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
        let (rows, errors) = match model::read_file(bytes) {
            Ok(rows) => {
                // Read in a transaction that is rolled back: a dry run changes nothing.
                let mut tx = state.pool.begin().await?;
                let (rows, _, errors) = db::plan(&mut tx, rows).await?;
                tx.rollback().await?;
                (rows, errors)
            }
            Err(errors) => (Vec::new(), errors),
        };
        let report = model::ImportReport {
            id: 0,
            file_name: file_name.clone(),
            rows,
            errors,
            applied: false,
            run: None,
        };
        Ok(db::store_import(&state.pool, admin, &file_name, bytes, &report).await?)
    }
}
