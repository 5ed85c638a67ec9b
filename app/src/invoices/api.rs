//! Server functions of invoices: the accountant's sales report. The PDF
//! documents are plain downloads (`server/src/invoices.rs`).

use leptos::prelude::*;

use super::report::SalesReport;
use crate::error::AppError;

/// Sales per month and VAT rate from `from` to `to` ("2026-01", both
/// included; by default the last twelve months), for administrators.
#[server(endpoint = "invoices/admin/sales")]
pub async fn admin_sales(from: Option<String>, to: Option<String>) -> Result<SalesReport, AppError> {
    use crate::auth::audience;
    audience::admin(
        |state, _| async move { super::service::sales(&state, from.as_deref(), to.as_deref()).await },
    )
    .await
}
