//! What a parcel may go by, for a basket page or a checkout.

use super::db;
use super::model::{Country, DeliveryChoice};
use crate::ids::UserId;
use crate::state::AppState;

/// The methods that can carry goods worth `goods_cents` weighing
/// `weight_grams`, priced for them, and the shopper's country: where the
/// account last had an order sent, France otherwise.
pub async fn choice(
    state: &AppState,
    user_id: Option<UserId>,
    goods_cents: i64,
    weight_grams: i64,
) -> Result<DeliveryChoice, sqlx::Error> {
    let methods = db::list_methods(&state.pool, false).await?;
    let country = match user_id {
        Some(user_id) => db::customer_country(&state.pool, user_id).await?,
        None => None,
    };
    Ok(DeliveryChoice::new(
        &methods,
        goods_cents,
        weight_grams,
        country.unwrap_or(Country::France),
    ))
}
