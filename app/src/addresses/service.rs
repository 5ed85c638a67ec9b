//! The address book's rules: at most [`MAX_ADDRESSES`] per customer, one
//! default (the first address saved is it), the same address once.

use super::db;
use super::model::{ShippingAddress, MAX_ADDRESSES};
use crate::error::{AppError, Conflict};
use crate::ids::UserId;
use crate::state::AppState;

/// Saves `address` in the customer's book, as the default if asked or if
/// it is the first; the same address again is the entry it already is.
pub async fn save(
    state: &AppState,
    user_id: UserId,
    address: &ShippingAddress,
    make_default: bool,
) -> Result<i64, AppError> {
    let mut tx = state.pool.begin().await?;
    db::lock_book(&mut tx, user_id).await?;
    let count = db::count(&mut tx, user_id).await?;
    if count >= MAX_ADDRESSES && !db::exists(&mut tx, user_id, address).await? {
        return Err(AppError::Conflict(Conflict::AddressBookFull {
            max: MAX_ADDRESSES,
        }));
    }
    let id = db::insert(&mut tx, user_id, address).await?;
    if make_default || count == 0 {
        db::set_default(&mut tx, user_id, id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Saves the address an order was just sent to, when the shopper asked:
/// the order is placed whatever happens here (a full book is logged, not
/// refused).
pub async fn remember(state: &AppState, user_id: UserId, address: &ShippingAddress) {
    match save(state, user_id, address, false).await {
        Ok(_) => {}
        Err(AppError::Conflict(_)) => {
            tracing::info!(
                user_id = user_id.0,
                "address book full; the order's address was not saved"
            );
        }
        Err(error) => tracing::error!(?error, user_id = user_id.0, "could not save the order's address"),
    }
}

/// The customer's address `id` for a checkout; someone else's or a deleted
/// one is refused as an unknown choice.
pub async fn pick(state: &AppState, user_id: UserId, id: i64) -> Result<ShippingAddress, AppError> {
    db::find(&state.pool, user_id, id)
        .await?
        .ok_or_else(|| AppError::validation("saved_address", crate::error::Rule::UnknownChoice))
}

pub async fn set_default(state: &AppState, user_id: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    db::lock_book(&mut tx, user_id).await?;
    if !db::set_default(&mut tx, user_id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub async fn delete(state: &AppState, user_id: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    db::lock_book(&mut tx, user_id).await?;
    if !db::delete(&mut tx, user_id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
