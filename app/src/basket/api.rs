//! The basket service's server functions. Guests and logged-in shoppers
//! alike: every basket lives in PostgreSQL; a guest's session keeps only
//! its key.

use leptos::prelude::*;

use super::model::{AddOutcome, Basket, BasketExtras, HeldUnits, MergeNotice, QuantityOutcome};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{model::Quantity, service};
    pub use crate::auth::{audience, guard};
    pub use crate::ids::ProductId;
    pub use crate::promotions;
    pub use crate::ui::notice::{self, Notice};

    /// The basket's lines as a promo code reads them.
    pub fn goods_of(basket: &super::Basket) -> Vec<promotions::service::Goods> {
        basket
            .lines
            .iter()
            .map(|line| promotions::service::Goods {
                product_id: line.product_id,
                vat_rate: line.vat_rate,
                total_cents: line.line_total_cents(),
            })
            .collect()
    }
}

/// The caller's basket with today's prices and stock.
#[server(endpoint = "basket/get")]
pub async fn get_basket() -> Result<Basket, AppError> {
    use ssr::*;
    audience::public(|state| async move { service::load(&state, &service::owner().await?).await }).await
}

/// What the basket and checkout pages show beside the basket, from one
/// read of it: the delivery methods that can carry it, priced for it, with
/// the caller's country; and, given a `code`, what it takes off (nothing is
/// taken: the checkout takes a use) or why not. The methods are priced
/// after a valid code's discount (free with a free-delivery code).
#[server(endpoint = "basket/extras")]
pub async fn load_basket_extras(code: Option<String>) -> Result<BasketExtras, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let owner = service::owner().await?;
        let basket = service::load(&state, &owner).await?;
        let user_id = owner.user_id();
        let code = match code.as_deref().filter(|code| !code.trim().is_empty()) {
            Some(_) if basket.lines.is_empty() => Some(Err(AppError::validation(
                "basket",
                crate::error::Rule::EmptyBasket,
            ))),
            Some(code) => Some(promotions::service::preview(&state, code, &goods_of(&basket), user_id).await),
            None => None,
        };
        let applied = code.as_ref().and_then(|outcome| outcome.as_ref().ok());
        let discount = applied.map_or(0, |applied| applied.discount.goods_cents);
        let mut choice = crate::delivery::service::choice(
            &state,
            user_id,
            basket.subtotal_cents() - discount,
            basket.weight_grams(),
        )
        .await?;
        if applied.is_some_and(|applied| applied.discount.free_delivery) {
            choice.quotes.iter_mut().for_each(|quote| quote.cost_cents = 0);
        }
        Ok(BasketExtras { choice, code })
    })
    .await
}

/// Adds what fits (stock, per-order limit) and says how much that was;
/// a sold-out product adds nothing, which is not an error.
#[server(endpoint = "basket/add")]
pub async fn add_to_basket(product_id: i64, quantity: i32) -> Result<AddOutcome, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let quantity = Quantity::new(quantity)?;
        let outcome = service::add(&state, &service::owner().await?, ProductId(product_id), quantity).await?;
        notice::leave(Notice::Added {
            requested: outcome.requested,
            added: outcome.added,
            in_basket: outcome.in_basket,
            per_customer: outcome.per_customer,
        })
        .await?;
        Ok(outcome)
    })
    .await
}

/// Sets a line's quantity, capped at what is allowed.
#[server(endpoint = "basket/set-quantity")]
pub async fn set_quantity(product_id: i64, quantity: i32) -> Result<QuantityOutcome, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let quantity = Quantity::new(quantity)?;
        let outcome =
            service::set_quantity(&state, &service::owner().await?, ProductId(product_id), quantity).await?;
        if outcome.in_basket < outcome.requested || outcome.per_customer.is_some() {
            notice::leave(Notice::QuantityCapped {
                in_basket: outcome.in_basket,
                per_customer: outcome.per_customer,
            })
            .await?;
        }
        Ok(outcome)
    })
    .await
}

/// The units of a product the caller's basket holds now, if any: what its
/// page says instead of "Épuisé" to the shopper holding the last unit.
#[server(endpoint = "basket/own-hold")]
pub async fn own_hold(product_id: i64) -> Result<Option<HeldUnits>, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        service::own_hold(&state, &service::owner().await?, ProductId(product_id)).await
    })
    .await
}

#[server(endpoint = "basket/remove")]
pub async fn remove_from_basket(product_id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        service::remove(&state, &service::owner().await?, ProductId(product_id)).await
    })
    .await
}

#[server(endpoint = "basket/clear")]
pub async fn clear_basket() -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move { service::clear(&state, &service::owner().await?).await }).await
}

/// What merging the guest basket at login changed, once; nothing after.
#[server(endpoint = "basket/merge-notice")]
pub async fn take_merge_notice() -> Result<Option<MergeNotice>, AppError> {
    use ssr::*;
    audience::public(|_| async move { service::take_merge_notice(&guard::session().await?).await }).await
}
