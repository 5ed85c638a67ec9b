//! Basket rules: what fits in a line, whose basket a request works on
//! (the account's, or the guest's whose key is in the session), and the
//! merge at login.

use tower_sessions::Session;

use super::db::{self, BasketKey};
use super::model::{
    capped_line_limit, AddOutcome, Basket, CustomerLimit, HeldUnits, MergeChange, MergeNotice, Quantity,
    QuantityOutcome,
};
use crate::auth::guard;
use crate::auth::model::User;
use crate::drops::friction::Act;
use crate::error::{AppError, Conflict};
use crate::ids::{ProductId, UserId};
use crate::inventory::db::{self as inventory, ProductLimits};
use crate::state::AppState;

/// The session remembers the key of the guest's basket, never its lines.
const GUEST_BASKET_KEY: &str = "guest_basket_id";
const MERGE_NOTICE_KEY: &str = "basket_merge_notice";

/// Whose basket a request works on.
pub enum BasketOwner {
    Account(UserId),
    Guest(Session),
}

impl BasketOwner {
    /// The account, for a logged-in shopper.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Self::Account(user_id) => Some(*user_id),
            Self::Guest(_) => None,
        }
    }

    /// The basket's key; a guest without a basket yet has none.
    async fn key(&self) -> Result<Option<BasketKey>, AppError> {
        Ok(match self {
            Self::Account(user_id) => Some(BasketKey::Account(*user_id)),
            Self::Guest(session) => guest_id(session).await?.map(BasketKey::Guest),
        })
    }

    /// The basket's key, giving a guest a basket on their first add, within
    /// the number of new guest baskets a client address may open in an hour
    /// (a script without cookies would open a session and a basket on every
    /// request).
    async fn key_or_new(&self, state: &AppState) -> Result<BasketKey, AppError> {
        match self {
            Self::Account(user_id) => Ok(BasketKey::Account(*user_id)),
            Self::Guest(session) => match guest_id(session).await? {
                Some(id) => Ok(BasketKey::Guest(id)),
                None => {
                    let id = new_guest_id();
                    let client_ip = guard::client_ip(state).await;
                    if !db::open_guest_basket(&state.pool, id, &client_ip, state.auth.max_guest_baskets)
                        .await?
                    {
                        tracing::info!(%client_ip, "new guest baskets throttled");
                        return Err(AppError::too_many(3600));
                    }
                    session.insert(GUEST_BASKET_KEY, id).await?;
                    Ok(BasketKey::Guest(id))
                }
            },
        }
    }
}

impl BasketOwner {
    /// The account whose basket it is; none for a guest's.
    pub fn account(&self) -> Option<UserId> {
        match self {
            Self::Account(user_id) => Some(*user_id),
            Self::Guest(_) => None,
        }
    }

    /// The account's basket for a logged-in `user`, else the session's.
    pub fn of(user: Option<&User>, session: Session) -> Self {
        match user {
            Some(user) => Self::Account(user.id),
            None => Self::Guest(session),
        }
    }
}

/// The caller's basket: the account's when logged in, else the session's.
pub async fn owner() -> Result<BasketOwner, AppError> {
    // An API call has no session: only an account has a basket there.
    if let Some(guard::ApiCall(caller)) = guard::api_call() {
        return caller
            .map(|user| BasketOwner::Account(user.id))
            .ok_or(AppError::Unauthorized);
    }
    let session = guard::session().await?;
    let state = AppState::from_context()?;
    let user = crate::auth::service::session_user(&state, &session).await?;
    Ok(BasketOwner::of(user.as_ref(), session))
}

pub async fn load(state: &AppState, owner: &BasketOwner) -> Result<Basket, AppError> {
    let lines = match owner.key().await? {
        Some(key) => db::find_lines(&state.pool, key).await?,
        None => Vec::new(),
    };
    Ok(Basket { lines })
}

/// What the header's corner shows of the owner's basket: its units, and
/// whether it holds any of `products` (one light query; none for a guest
/// without a basket).
pub async fn corner(
    state: &AppState,
    owner: &BasketOwner,
    products: &[i64],
) -> Result<(i32, bool), AppError> {
    match owner.key().await? {
        Some(key) => Ok(db::corner(&state.pool, key, products).await?),
        None => Ok((0, false)),
    }
}

/// Adds what fits under the stock, the per-order limit and what the
/// per-customer limit leaves, counting what the line already holds; a
/// sold-out product adds nothing (not an error).
pub async fn add(
    state: &AppState,
    owner: &BasketOwner,
    product_id: ProductId,
    quantity: Quantity,
) -> Result<AddOutcome, AppError> {
    let requested = quantity.get();
    crate::drops::service::gate(state, &state.pool, Act::Add, &[product_id], owner.account()).await?;
    let key = owner.key().await?;
    let product = find_product(&state.pool, product_id, key).await?;
    let key = match key {
        Some(key) => key,
        None if limit_of(&product).0 == 0 => {
            return Ok(AddOutcome {
                requested,
                added: 0,
                in_basket: 0,
                per_customer: limit_of(&product).1,
            })
        }
        None => owner.key_or_new(state).await?,
    };
    let mut tx = state.pool.begin().await?;
    let (limit, per_customer) = limit_under_lock(&mut tx, &product, product_id, key).await?;
    let current = db::line_quantity(&mut tx, key, product_id).await?.unwrap_or(0);
    // Guests hold nothing: a script opening sessions could hold a drop.
    let hold_minutes = match key {
        BasketKey::Account(_) => product.hold_minutes,
        BasketKey::Guest(_) => None,
    };
    let in_basket = if addable(current, requested, limit) > 0 {
        db::add_units(
            &mut *tx,
            key,
            product_id,
            requested,
            limit,
            product.price_cents,
            hold_minutes,
        )
        .await?
    } else {
        current
    };
    tx.commit().await?;
    let added = (in_basket - current).max(0);
    let per_customer = per_customer.filter(|_| added < requested);
    if per_customer.is_some() {
        crate::drops::service::note_limit_refusal(state, product_id).await;
    }
    Ok(AddOutcome {
        requested,
        added,
        in_basket,
        per_customer,
    })
}

/// Sets a line to `quantity`, or to what is allowed when that is less. A
/// line of a sold-out product can only be removed.
pub async fn set_quantity(
    state: &AppState,
    owner: &BasketOwner,
    product_id: ProductId,
    quantity: Quantity,
) -> Result<QuantityOutcome, AppError> {
    let requested = quantity.get();
    crate::drops::service::gate(state, &state.pool, Act::Add, &[product_id], owner.account()).await?;
    let key = owner.key().await?.ok_or(AppError::NotFound)?;
    let product = find_product(&state.pool, product_id, Some(key)).await?;
    let mut tx = state.pool.begin().await?;
    let (limit, per_customer) = limit_under_lock(&mut tx, &product, product_id, key).await?;
    if limit == 0 && per_customer.is_none() {
        return Err(AppError::Conflict(Conflict::SoldOut {
            product_id: product_id.0,
        }));
    }
    // At a per-customer limit already reached, the line stays as it is
    // (it can only be removed) and the shopper is told why.
    if limit == 0 {
        return Ok(QuantityOutcome {
            requested,
            in_basket: db::line_quantity(&mut tx, key, product_id).await?.unwrap_or(0),
            per_customer,
        });
    }
    let in_basket = requested.min(limit);
    if !db::set_line(&mut *tx, key, product_id, in_basket).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(QuantityOutcome {
        requested,
        in_basket,
        per_customer: per_customer.filter(|_| in_basket < requested),
    })
}

/// What the owner's basket holds of a product now (only an account's
/// basket holds units).
pub async fn own_hold(
    state: &AppState,
    owner: &BasketOwner,
    product_id: ProductId,
) -> Result<Option<HeldUnits>, AppError> {
    match owner.account() {
        Some(user_id) => Ok(db::own_hold(&state.pool, user_id, product_id).await?),
        None => Ok(None),
    }
}

/// Removes a line; removing a line that is not there changes nothing.
pub async fn remove(state: &AppState, owner: &BasketOwner, product_id: ProductId) -> Result<(), AppError> {
    if let Some(key) = owner.key().await? {
        db::remove_line(&state.pool, key, product_id).await?;
    }
    Ok(())
}

pub async fn clear(state: &AppState, owner: &BasketOwner) -> Result<(), AppError> {
    if let Some(key) = owner.key().await? {
        db::clear(&state.pool, key).await?;
    }
    Ok(())
}

/// Moves a guest basket into the account that just logged in on this
/// session: quantities add up, each line capped at today's stock and the
/// per-order limit. What changed is kept in the session for the basket
/// page to show once. `true` when there was a guest basket.
pub async fn merge_guest_basket(
    state: &AppState,
    session: &Session,
    user_id: UserId,
) -> Result<bool, AppError> {
    let Some(guest) = guest_id(session).await? else {
        return Ok(false);
    };
    let account = BasketKey::Account(user_id);
    let mut notice = MergeNotice::default();
    let mut tx = state.pool.begin().await?;
    inventory::lock_products_of_guest_basket(&mut tx, guest).await?;
    let lines = db::take_guest_lines(&mut tx, guest).await?;
    for line in &lines {
        let (product_id, quantity) = (line.product_id, line.quantity);
        let Some(product) = inventory::product_limits(&mut *tx, product_id, Some(user_id)).await? else {
            continue;
        };
        let current = db::line_quantity(&mut tx, account, product_id)
            .await?
            .unwrap_or(0);
        let wanted = current + quantity;
        let kept = merged_quantity(current, quantity, limit_of(&product).0);
        if kept > current {
            db::put_line(&mut tx, account, line, kept).await?;
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
    session.remove::<i64>(GUEST_BASKET_KEY).await?;
    if lines.is_empty() {
        return Ok(false);
    }
    session.insert(MERGE_NOTICE_KEY, notice).await?;
    Ok(true)
}

/// The merge notice of this session, once: reading it removes it.
pub async fn take_merge_notice(session: &Session) -> Result<Option<MergeNotice>, AppError> {
    // `remove` marks the session changed even when there is nothing to
    // remove; a plain read does not, so most page views write nothing.
    let pending = session.get::<MergeNotice>(MERGE_NOTICE_KEY).await?;
    if pending.is_none() {
        return Ok(None);
    }
    Ok(session.remove::<MergeNotice>(MERGE_NOTICE_KEY).await?)
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

/// The account whose held line counts as the basket owner's stock; a
/// guest's basket holds nothing.
fn account_of(key: Option<BasketKey>) -> Option<UserId> {
    match key {
        Some(BasketKey::Account(user_id)) => Some(user_id),
        _ => None,
    }
}

/// The most a line of this product may hold, and the per-customer limit
/// when it is what bounds it.
fn limit_of(product: &ProductLimits) -> (i32, Option<i32>) {
    let customer = product.max_per_customer.map(|limit| CustomerLimit {
        limit,
        bought: product.bought,
    });
    capped_line_limit(product.stock, product.max_per_order, customer)
}

async fn find_product(
    db: impl sqlx::PgExecutor<'_>,
    product_id: ProductId,
    key: Option<BasketKey>,
) -> Result<ProductLimits, AppError> {
    inventory::product_limits(db, product_id, account_of(key))
        .await?
        .ok_or(AppError::NotFound)
}

/// The most the line may hold. For a product whose baskets hold units, or
/// a line that holds some, the product row is locked first and its limits
/// read again, so that two shoppers cannot both be promised the last unit.
async fn limit_under_lock(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    product: &ProductLimits,
    product_id: ProductId,
    key: BasketKey,
) -> Result<(i32, Option<i32>), AppError> {
    if product.hold_minutes.is_none() && !product.held_by_owner {
        return Ok(limit_of(product));
    }
    inventory::lock_product(tx, product_id).await?;
    Ok(limit_of(&find_product(&mut **tx, product_id, Some(key)).await?))
}

async fn guest_id(session: &Session) -> Result<Option<i64>, AppError> {
    match session.get::<i64>(GUEST_BASKET_KEY).await {
        Ok(id) => Ok(id),
        // A basket written by an older version is dropped, not an error page.
        Err(error) => {
            tracing::warn!(%error, "unreadable guest basket key, starting a new basket");
            Ok(None)
        }
    }
}

/// A random key for a new guest basket. It stays on the server (in the
/// session record), so it only has to be unique.
fn new_guest_id() -> i64 {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    i64::try_from(OsRng.next_u64() >> 1).unwrap_or(i64::MAX)
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
