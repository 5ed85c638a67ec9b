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
/// reach the ledger as "import", and the audit log records the import. A
/// file of more than [`BACKGROUND_ROWS`](super::model::BACKGROUND_ROWS)
/// rows is applied in the background: the administrator is sent to its
/// page, which shows the progress and then the outcome.
#[server(endpoint = "products/admin/import/apply")]
pub async fn apply_import(id: i64) -> Result<(), AppError> {
    use super::{db, model};
    use crate::auth::audience;
    use crate::error::Conflict;
    audience::admin(|state, admin| async move {
        let report = db::find_import(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if report.applied {
            return Err(AppError::Conflict(Conflict::ImportApplied));
        }
        let page = format!("/admin/catalogue/imports/{id}");
        if report.rows.len() <= model::BACKGROUND_ROWS {
            ssr::run(&state, admin.id, id, None).await?;
            leptos_axum::redirect(&format!("{page}?applied=1"));
            return Ok(());
        }
        let total = i32::try_from(report.rows.len()).unwrap_or(i32::MAX);
        // A second click while it runs: the page shows the progress.
        if db::claim_run(&state.pool, id, total).await? {
            let admin_id = admin.id;
            tokio::spawn(async move {
                let outcome = ssr::run(&state, admin_id, id, Some(&state.pool)).await;
                let ended = match outcome {
                    Ok(()) => model::RunState::Applied,
                    Err(AppError::Conflict(Conflict::ImportOutdated)) => model::RunState::Outdated,
                    Err(AppError::Conflict(Conflict::ImportApplied)) => model::RunState::Applied,
                    Err(error) => {
                        tracing::error!(?error, import = id, "catalogue import failed");
                        model::RunState::Failed
                    }
                };
                if let Err(error) = db::finish_run(&state.pool, id, ended).await {
                    tracing::error!(%error, import = id, "catalogue import: its outcome was not recorded");
                }
            });
        }
        leptos_axum::redirect(&page);
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::{db, model};
    use crate::error::{AppError, Conflict, Format, Rule};
    use crate::ids::UserId;
    use crate::inventory::ledger::{self, StockChange};
    use crate::operator::audit;
    use crate::state::AppState;

    /// Applies import `id` in one transaction; a background run reports its
    /// progress through `progress`.
    pub async fn run(
        state: &AppState,
        admin: UserId,
        id: i64,
        progress: Option<&sqlx::PgPool>,
    ) -> Result<(), AppError> {
        let mut tx = state.pool.begin().await?;
        let Some(file) = db::take_import(&mut tx, id).await? else {
            // Unknown, or applied already (a second click, another tab).
            return match db::find_import(&state.pool, id).await? {
                Some(_) => Err(AppError::Conflict(Conflict::ImportApplied)),
                None => Err(AppError::NotFound),
            };
        };
        let rows = model::read_file(&file)
            .map_err(|_| AppError::validation("file", Rule::Format(Format::PlainText)))?;
        let (outcomes, steps, errors) = db::plan(&mut tx, rows).await?;
        if !errors.is_empty() {
            // The shop changed since the dry run: nothing is written.
            return Err(AppError::Conflict(Conflict::ImportOutdated));
        }
        ledger::describe(&mut tx, StockChange::new("import").by(admin)).await?;
        db::apply(&mut tx, &steps, progress.map(|pool| (pool, id))).await?;
        let (created, updated, unchanged) = model::tally(&outcomes);
        audit::record(
            &mut *tx,
            admin,
            "catalogue.import",
            &format!("import {id}"),
            &format!("{created} created, {updated} updated, {unchanged} unchanged"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
