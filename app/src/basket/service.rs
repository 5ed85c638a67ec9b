//! Basket rules: what fits in a line, where a basket lives (the account's
//! rows in PostgreSQL, or a guest's session), and the merge at login.

use tower_sessions::Session;

use super::db::{self, ProductLimits};
use super::model::{AddOutcome, Basket, GuestLine, MergeChange, MergeNotice, Quantity, QuantityOutcome};
use crate::auth::guard;
use crate::error::{internal, AppError};
use crate::state::AppState;

const GUEST_BASKET_KEY: &str = "guest_basket";
const MERGE_NOTICE_KEY: &str = "basket_merge_notice";

/// Whose basket a request works on.
pub enum BasketOwner {
    Account(i64),
    Guest(Session),
}

/// The caller's basket: the account's when logged in, else the session's.
pub async fn owner() -> Result<BasketOwner, AppError> {
    let session = guard::session().await?;
    let state = AppState::from_context()?;
    Ok(
        match crate::auth::service::session_user(&state, &session).await? {
            Some(user) => BasketOwner::Account(user.id),
            None => BasketOwner::Guest(session),
        },
    )
}

pub async fn load(state: &AppState, owner: &BasketOwner) -> Result<Basket, AppError> {
    let lines = match owner {
        BasketOwner::Account(user_id) => db::find_lines(&state.pool, *user_id).await?,
        BasketOwner::Guest(session) => {
            db::find_guest_lines(&state.pool, &guest_lines(session).await?).await?
        }
    };
    Ok(Basket { lines })
}

/// Adds what fits under the stock and the per-order limit, counting what
/// the line already holds; a sold-out product adds nothing (not an error).
pub async fn add(
    state: &AppState,
    owner: &BasketOwner,
    product_id: i64,
    quantity: Quantity,
) -> Result<AddOutcome, AppError> {
    let requested = quantity.get();
    match owner {
        BasketOwner::Account(user_id) => {
            let mut tx = state.pool.begin().await?;
            let product = find_product(&mut *tx, product_id).await?;
            let current = db::line_quantity(&mut tx, *user_id, product_id)
                .await?
                .unwrap_or(0);
            let added = addable(current, requested, product.line_limit());
            if added > 0 {
                db::put_line(
                    &mut tx,
                    *user_id,
                    product_id,
                    current + added,
                    product.price_cents,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(AddOutcome {
                requested,
                added,
                in_basket: current + added,
            })
        }
        BasketOwner::Guest(session) => {
            let product = find_product(&state.pool, product_id).await?;
            let mut lines = guest_lines(session).await?;
            let current = lines
                .iter()
                .find(|line| line.product_id == product_id)
                .map_or(0, |line| line.quantity);
            let added = addable(current, requested, product.line_limit());
            if added > 0 {
                match lines.iter_mut().find(|line| line.product_id == product_id) {
                    Some(line) => line.quantity += added,
                    None => lines.push(GuestLine {
                        product_id,
                        quantity: added,
                        price_seen_cents: product.price_cents,
                    }),
                }
                save_guest_lines(session, lines).await?;
            }
            Ok(AddOutcome {
                requested,
                added,
                in_basket: current + added,
            })
        }
    }
}

/// Sets a line to `quantity`, or to what is allowed when that is less. A
/// line of a sold-out product can only be removed.
pub async fn set_quantity(
    state: &AppState,
    owner: &BasketOwner,
    product_id: i64,
    quantity: Quantity,
) -> Result<QuantityOutcome, AppError> {
    let requested = quantity.get();
    let product = find_product(&state.pool, product_id).await?;
    let limit = product.line_limit();
    if limit == 0 {
        return Err(AppError::Conflict(format!("{} is sold out", product.name)));
    }
    let in_basket = requested.min(limit);
    match owner {
        BasketOwner::Account(user_id) => {
            let mut tx = state.pool.begin().await?;
            db::line_quantity(&mut tx, *user_id, product_id)
                .await?
                .ok_or(AppError::NotFound)?;
            db::put_line(&mut tx, *user_id, product_id, in_basket, product.price_cents).await?;
            tx.commit().await?;
        }
        BasketOwner::Guest(session) => {
            let mut lines = guest_lines(session).await?;
            let line = lines
                .iter_mut()
                .find(|line| line.product_id == product_id)
                .ok_or(AppError::NotFound)?;
            line.quantity = in_basket;
            save_guest_lines(session, lines).await?;
        }
    }
    Ok(QuantityOutcome { requested, in_basket })
}

/// Removes a line; removing a line that is not there changes nothing.
pub async fn remove(state: &AppState, owner: &BasketOwner, product_id: i64) -> Result<(), AppError> {
    match owner {
        BasketOwner::Account(user_id) => Ok(db::remove_line(&state.pool, *user_id, product_id).await?),
        BasketOwner::Guest(session) => {
            let mut lines = guest_lines(session).await?;
            lines.retain(|line| line.product_id != product_id);
            save_guest_lines(session, lines).await
        }
    }
}

pub async fn clear(state: &AppState, owner: &BasketOwner) -> Result<(), AppError> {
    match owner {
        BasketOwner::Account(user_id) => Ok(db::clear(&state.pool, *user_id).await?),
        BasketOwner::Guest(session) => save_guest_lines(session, Vec::new()).await,
    }
}

/// Moves a guest basket into the account that just logged in on this
/// session: quantities add up, each line capped at today's stock and the
/// per-order limit. What changed is kept in the session for the basket
/// page to show once. `true` when there was a guest basket.
pub async fn merge_guest_basket(state: &AppState, session: &Session, user_id: i64) -> Result<bool, AppError> {
    let mut guest = guest_lines(session).await?;
    if guest.is_empty() {
        return Ok(false);
    }
    guest.sort_by_key(|line| line.product_id);
    let mut notice = MergeNotice::default();
    let mut tx = state.pool.begin().await?;
    for line in &guest {
        let Some(product) = db::product_limits(&mut *tx, line.product_id).await? else {
            continue;
        };
        let current = db::line_quantity(&mut tx, user_id, line.product_id)
            .await?
            .unwrap_or(0);
        let wanted = current + line.quantity;
        let kept = merged_quantity(current, line.quantity, product.line_limit());
        if kept > current {
            db::put_line(&mut tx, user_id, line.product_id, kept, line.price_seen_cents).await?;
        }
        notice.added += kept - current;
        if kept < wanted {
            notice.changes.push(MergeChange {
                name: product.name,
                wanted,
                kept,
            });
        }
    }
    tx.commit().await?;
    session
        .remove::<Vec<GuestLine>>(GUEST_BASKET_KEY)
        .await
        .map_err(|error| internal("session store", error))?;
    session
        .insert(MERGE_NOTICE_KEY, notice)
        .await
        .map_err(|error| internal("session store", error))?;
    Ok(true)
}

/// The merge notice of this session, once: reading it removes it.
pub async fn take_merge_notice(session: &Session) -> Result<Option<MergeNotice>, AppError> {
    // `remove` marks the session changed even when there is nothing to
    // remove; a plain read does not, so most page views write nothing.
    let pending = session
        .get::<MergeNotice>(MERGE_NOTICE_KEY)
        .await
        .map_err(|error| internal("session store", error))?;
    if pending.is_none() {
        return Ok(None);
    }
    session
        .remove::<MergeNotice>(MERGE_NOTICE_KEY)
        .await
        .map_err(|error| internal("session store", error))
}

/// Units that can still be added to a line holding `current`.
fn addable(current: i32, requested: i32, limit: i32) -> i32 {
    requested.min((limit - current).max(0))
}

/// A merged line: the sum, capped at the limit, but never less than what
/// the account's line already held (that line is flagged, not shrunk).
fn merged_quantity(current: i32, from_guest: i32, limit: i32) -> i32 {
    (current + from_guest).min(limit).max(current)
}

async fn find_product(db: impl sqlx::PgExecutor<'_>, product_id: i64) -> Result<ProductLimits, AppError> {
    db::product_limits(db, product_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn guest_lines(session: &Session) -> Result<Vec<GuestLine>, AppError> {
    match session.get::<Vec<GuestLine>>(GUEST_BASKET_KEY).await {
        Ok(lines) => Ok(lines.unwrap_or_default()),
        // A basket written by an older version is dropped, not an error page.
        Err(error) => {
            tracing::warn!(%error, "unreadable guest basket, starting a new one");
            Ok(Vec::new())
        }
    }
}

async fn save_guest_lines(session: &Session, lines: Vec<GuestLine>) -> Result<(), AppError> {
    let result = if lines.is_empty() {
        session.remove::<Vec<GuestLine>>(GUEST_BASKET_KEY).await.map(drop)
    } else {
        session.insert(GUEST_BASKET_KEY, lines).await
    };
    result.map_err(|error| internal("session store", error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_never_passes_the_limit() {
        assert_eq!(addable(0, 3, 10), 3);
        assert_eq!(addable(8, 3, 10), 2);
        assert_eq!(addable(10, 1, 10), 0);
        assert_eq!(addable(0, 5, 0), 0);
        // A line already above the limit (stock fell) gets nothing more.
        assert_eq!(addable(4, 1, 2), 0);
    }

    #[test]
    fn merging_adds_up_then_caps_without_shrinking_the_account_line() {
        assert_eq!(merged_quantity(1, 2, 10), 3);
        assert_eq!(merged_quantity(1, 2, 1), 1);
        assert_eq!(merged_quantity(0, 3, 1), 1);
        assert_eq!(merged_quantity(0, 2, 0), 0);
        assert_eq!(merged_quantity(5, 1, 3), 5);
    }
}
