//! /admin/catalogue: the catalogue's CSV export and the import's upload;
//! /admin/catalogue/imports/{id}: an import's dry run (the effect of every
//! row, or every refused row with its line, column and reason) and its
//! confirmation. Plain forms: the back office works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::AdminGate;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::products::back_office::catalogue_csv::api::{get_import, ApplyImport};
use crate::products::back_office::catalogue_csv::model::{Change, ImportReport, RunState};
use crate::ui::forms::{use_form_error, FormAlert};
use crate::ui::{error::ErrorMessage, not_found::NotFound};

#[component]
pub fn AdminCataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_catalogue.to_owned()>
            <h1>{move || i18n.t().admin_catalogue}</h1>
            <section class="panel">
                <p>{move || i18n.t().admin_export_help}</p>
                <a class="button button--secondary" href="/admin/catalogue.csv" download="catalogue.csv">
                    {move || i18n.t().admin_export_csv}
                </a>
            </section>
            <form
                class="form panel"
                method="post"
                action="/admin/catalogue/import"
                enctype="multipart/form-data"
            >
                <h2>{move || i18n.t().admin_import_heading}</h2>
                <p>{move || i18n.t().admin_import_help}</p>
                <div class="field">
                    <label for="catalogue-file">{move || i18n.t().admin_import_file}</label>
                    <input id="catalogue-file" type="file" name="file" accept=".csv,text/csv" required />
                </div>
                <button type="submit" class="button">{move || i18n.t().admin_import_dry_run}</button>
            </form>
        </AdminGate>
    }
}

#[component]
pub fn AdminImportPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_catalogue.to_owned()>
            <Import />
        </AdminGate>
    }
}

#[component]
fn Import() -> impl IntoView {
    // Read once: the back office renders on the server only.
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let report = OnceResource::new(async move {
        match id {
            Some(id) => get_import(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let t = i18n.t();
    let just_applied = use_query_map().with_untracked(|q| q.get("applied").is_some());
    let apply = ServerAction::<ApplyImport>::new();
    let error = use_form_error(apply);
    let (created, updated, unchanged) = report.tally();
    let run = report.run.filter(|_| !report.applied);
    let running = run.is_some_and(|run| run.state == RunState::Running);
    let refused = !report.errors.is_empty();
    let errors = report
        .errors
        .iter()
        .map(|error| {
            view! {
                <tr>
                    <td>{error.line}</td>
                    <td><code>{error.column.clone()}</code></td>
                    <td>{error.problem.describe(t)}</td>
                </tr>
            }
        })
        .collect_view();
    let rows = report
        .rows
        .iter()
        .map(|row| {
            let change = match &row.change {
                Change::Created => t.import_created.to_owned(),
                Change::Updated(columns) => format!("{} ({})", t.import_updated, columns.join(", ")),
                Change::Unchanged => t.import_unchanged.to_owned(),
            };
            view! {
                <tr>
                    <td>{row.line}</td>
                    <td><code>{row.sku.clone()}</code></td>
                    <td>{change}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>{(t.import_title)(&report.file_name)}</h1>
        {(just_applied || report.applied)
            .then(|| view! { <p class="alert alert--success" role="status" data-testid="import-applied">{t.import_applied}</p> })}
        <FormAlert error fields=&[] />
        {run.map(|run| match run.state {
            RunState::Running => view! {
                // Without JavaScript: the page reloads itself until the run ends.
                <Meta http_equiv="refresh" content="2" />
                <div class="panel" role="status" data-testid="import-progress">
                    <p>{(t.import_running)(run.done, run.total)}</p>
                    <progress max=run.total value=run.done>{format!("{} / {}", run.done, run.total)}</progress>
                </div>
            }
                .into_any(),
            RunState::Outdated => view! { <p class="alert alert--error" role="alert" data-testid="import-outcome">{t.import_outdated}</p> }.into_any(),
            RunState::Failed => view! { <p class="alert alert--error" role="alert" data-testid="import-outcome">{t.import_failed}</p> }.into_any(),
            RunState::Applied => ().into_any(),
        })}
        <p data-testid="import-summary">{(t.import_summary)(created, updated, unchanged)}</p>
        {if refused {
            view! {
                <p class="alert alert--error" role="alert">{t.import_refused}</p>
                <h2>{t.import_errors_heading}</h2>
                <table class="admin__table" data-testid="import-errors">
                    <thead>
                        <tr><th scope="col">{t.import_line}</th><th scope="col">{t.import_column}</th><th scope="col">{t.import_reason}</th></tr>
                    </thead>
                    <tbody>{errors}</tbody>
                </table>
            }
                .into_any()
        } else {
            view! {
                {(!report.applied && !running).then(|| view! {
                    <p>{t.import_ready}</p>
                    <ActionForm action=apply attr:class="inline-form">
                        <input type="hidden" name="id" value=report.id />
                        <button type="submit" class="button">{t.import_apply}</button>
                    </ActionForm>
                })}
                <h2>{t.import_rows_heading}</h2>
                <table class="admin__table" data-testid="import-rows">
                    <thead>
                        <tr><th scope="col">{t.import_line}</th><th scope="col">{t.import_sku}</th><th scope="col">{t.import_change}</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
                .into_any()
        }}
    }
}
