//! Server functions of the catalogue's CSV import (administrators only):
//! an import's report, and its confirmation.

use leptos::prelude::*;

use super::model::ImportReport;
use crate::error::AppError;

/// The dry run's report of an uploaded file.
#[server(endpoint = "products/admin/import")]
pub async fn get_import(id: i64) -> Result<ImportReport, AppError> {
    use crate::auth::audience;
    audience::admin(|state, _admin| async move {
        super::db::find_import(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// Applies a checked file: all its rows in one transaction, or none. The
/// file is checked again against the shop as it is now; stock changes
/// reach the ledger as "import", and the audit log records the import.
#[server(endpoint = "products/admin/import/apply")]
pub async fn apply_import(id: i64) -> Result<(), AppError> {
    use super::{db, model};
    use crate::auth::audience;
    use crate::error::{Conflict, Rule};
    use crate::inventory::ledger::{self, StockChange};
    use crate::operator::audit;
    audience::admin(|state, admin| async move {
        let mut tx = state.pool.begin().await?;
        let Some(file) = db::take_import(&mut tx, id).await? else {
            // Unknown, or applied already (a second click, another tab).
            return match db::find_import(&state.pool, id).await? {
                Some(_) => Err(AppError::Conflict(Conflict::ImportApplied)),
                None => Err(AppError::NotFound),
            };
        };
        let rows = model::read_file(&file)
            .map_err(|_| AppError::validation("file", Rule::Format(crate::error::Format::PlainText)))?;
        let (outcomes, steps, errors) = db::plan(&mut tx, rows).await?;
        if !errors.is_empty() {
            // The shop changed since the dry run: nothing is written.
            return Err(AppError::Conflict(Conflict::ImportOutdated));
        }
        ledger::describe(&mut tx, StockChange::new("import").by(admin.id)).await?;
        db::apply(&mut tx, &steps).await?;
        let count =
            |wanted: fn(&model::Change) -> bool| outcomes.iter().filter(|row| wanted(&row.change)).count();
        audit::record(
            &mut *tx,
            admin.id,
            "catalogue.import",
            &format!("import {id}"),
            &format!(
                "{} created, {} updated, {} unchanged",
                count(|c| matches!(c, model::Change::Created)),
                count(|c| matches!(c, model::Change::Updated(_))),
                count(|c| matches!(c, model::Change::Unchanged)),
            ),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/catalogue/imports/{id}?applied=1"));
        Ok(())
    })
    .await
}
