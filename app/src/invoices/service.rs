//! Issuing documents with their cause, numbering them, and handing one to
//! the order's owner or an administrator.

use super::db::{self, Found, Turn};
use super::model::{Document, DocumentKind};
use super::pdf;
use super::report::{self, Month, SalesReport};
use crate::auth::model::User;
use crate::error::AppError;
use crate::ids::OrderId;
use crate::pricing::Breakdown;
use crate::state::{AppState, SellerDetails};

/// Writes the invoice of an order being paid, in the payment's transaction
/// (so a payment that rolls back leaves no invoice), from the amounts the
/// order keeps; its number comes after the commit.
pub async fn issue_invoice(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    seller: &SellerDetails,
    order_id: OrderId,
) -> Result<(), AppError> {
    let (lines, delivery_cents) = db::order_amounts(tx, order_id).await?;
    let breakdown = Breakdown::of(lines.iter().map(|(rate, incl, _)| (*rate, *incl)), delivery_cents);
    let discounts: Vec<_> = lines
        .iter()
        .map(|(rate, _, discount)| (*rate, *discount))
        .collect();
    db::insert_document(
        tx,
        DocumentKind::Invoice,
        order_id,
        seller,
        &breakdown,
        &discounts,
    )
    .await?;
    Ok(())
}

/// Writes the credit note of a paid order being cancelled, in the
/// cancellation's transaction; an order never paid has no invoice to take
/// back, and gets none.
pub async fn issue_credit_note(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    seller: &SellerDetails,
    order_id: OrderId,
) -> Result<(), AppError> {
    db::insert_credit_note(tx, order_id, seller).await?;
    Ok(())
}

/// Writes the invoices that paid orders lack (paid before invoices existed,
/// or by an instance of an older version during a deploy), a hundred at a
/// time; returns how many. Run hourly by every instance (an order invoiced
/// twice at once keeps one invoice: the second write does nothing).
pub async fn issue_missing(state: &AppState) -> Result<usize, AppError> {
    let orders = db::orders_without_invoice(&state.pool, 100).await?;
    for order_id in &orders {
        let mut tx = state.pool.begin().await?;
        issue_invoice(&mut tx, &state.seller, *order_id).await?;
        tx.commit().await?;
    }
    Ok(orders.len())
}

/// Numbers the documents of `kind` waiting, unless a numbering is under
/// way elsewhere (it, or the next, numbers them): called after a payment
/// (invoices) or a cancellation (credit notes) commits, so that its
/// document has a number at once in the usual case, without queueing every
/// checkout on the counter. A failure is logged: the periodic numbering
/// catches up.
pub async fn number_soon(state: &AppState, kind: DocumentKind) {
    // A credit note waits for its invoice's number: invoices first.
    let kinds: &[DocumentKind] = match kind {
        DocumentKind::Invoice => &[DocumentKind::Invoice],
        DocumentKind::CreditNote => &DocumentKind::ALL,
    };
    for kind in kinds {
        if let Err(error) = db::number_waiting(&state.pool, *kind, Turn::Skip).await {
            tracing::error!(%error, kind = kind.as_str(), "numbering documents failed; it will be retried");
        }
    }
}

/// Numbers every document waiting, waiting for its turn; returns how many.
/// Every instance runs it every few seconds.
pub async fn number_all(state: &AppState) -> Result<u64, AppError> {
    let mut numbered = 0;
    for kind in DocumentKind::ALL {
        loop {
            let batch = db::number_waiting(&state.pool, kind, Turn::Wait).await?;
            numbered += batch;
            if batch == 0 {
                break;
            }
        }
    }
    Ok(numbered)
}

/// An order's document of `kind`, for its owner or an administrator;
/// anyone else is told there is none. One still waiting for its number is
/// numbered now.
pub async fn document(
    state: &AppState,
    caller: &User,
    order_id: OrderId,
    kind: DocumentKind,
) -> Result<Document, AppError> {
    let may_see = |owner| owner == caller.id || caller.is_admin();
    match db::find_document(&state.pool, order_id, kind).await? {
        Found::Numbered(owner, document) if may_see(owner) => Ok(*document),
        Found::Waiting(owner) if may_see(owner) => {
            number_all(state).await?;
            match db::find_document(&state.pool, order_id, kind).await? {
                Found::Numbered(_, document) => Ok(*document),
                _ => Err(AppError::Internal),
            }
        }
        _ => Err(AppError::NotFound),
    }
}

/// The PDF of an order's document, and its file name.
pub async fn pdf_of(
    state: &AppState,
    caller: &User,
    order_id: OrderId,
    kind: DocumentKind,
) -> Result<(String, Vec<u8>), AppError> {
    let document = document(state, caller, order_id, kind).await?;
    Ok((document.file_name(), pdf::render(&document)))
}

/// The sales report over the months `from` to `to` ("2026-01", both
/// included; blank: the twelve months to this one).
pub async fn sales(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<SalesReport, AppError> {
    fn blank(raw: Option<&str>) -> Option<&str> {
        raw.map(str::trim).filter(|raw| !raw.is_empty())
    }
    let this_month = Month::of(crate::i18n::shop_today());
    let to = match blank(to) {
        Some(raw) => Month::parse("to", raw)?,
        None => this_month,
    };
    let from = match blank(from) {
        Some(raw) => Month::parse("from", raw)?,
        None => to.year_before(),
    };
    let months = report::check_range(from, to)?;
    let start = paris_midnight(from.first_day());
    let end = paris_midnight(to.next().first_day());
    let rows = db::sales(&state.pool, start, end).await?;
    Ok(SalesReport {
        from: from.to_string(),
        to: to.to_string(),
        months: report::month_totals(&months, &rows),
        rows,
    })
}

/// The instant a day starts at the shop (Europe/Paris).
fn paris_midnight(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    crate::i18n::shop_midnight(day)
}
