//! The caller's basket: read it (with the delivery methods that can carry
//! it), add a product, set a line's quantity, remove a line. The same
//! server functions as the basket page, under the same rules (stock,
//! per-order and per-customer limits, drops).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::api_tokens::model::Scope;
use app::basket::api as basket;
use app::basket::model::{AddOutcome, Basket, BasketExtras, QuantityOutcome};

use super::call::Call;
use super::http::{json_body, private, ApiPath};
use super::idempotency;
use super::problem::{ApiError, Problem, TokenRefusals};
use crate::state::ServerState;

#[derive(Serialize, ToSchema)]
pub struct BasketLine {
    /// The product (or variant) id.
    pub product_id: i64,
    pub slug: String,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub line_total_cents: i64,
    /// Units left to buy now.
    pub stock: i32,
    pub max_per_order: i32,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryOption {
    /// Pass as `delivery_method_id` at checkout.
    pub method_id: i64,
    pub name_fr: String,
    pub name_en: String,
    /// For this basket, in cents TTC.
    pub cost_cents: i64,
    pub days_min: i32,
    pub days_max: i32,
    /// ISO codes of the countries it delivers to.
    pub countries: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiBasket {
    pub lines: Vec<BasketLine>,
    pub item_count: i32,
    /// The goods, in cents TTC.
    pub subtotal_cents: i64,
    pub weight_grams: i64,
    /// The methods that can carry this basket.
    pub delivery_options: Vec<DeliveryOption>,
}

impl ApiBasket {
    fn of(basket: Basket, extras: BasketExtras) -> Self {
        Self {
            item_count: basket.item_count(),
            subtotal_cents: basket.subtotal_cents(),
            weight_grams: basket.weight_grams(),
            lines: basket
                .lines
                .into_iter()
                .map(|line| BasketLine {
                    line_total_cents: line.line_total_cents(),
                    product_id: line.product_id,
                    slug: line.slug,
                    name: line.name,
                    unit_price_cents: line.unit_price_cents,
                    quantity: line.quantity,
                    stock: line.stock,
                    max_per_order: line.max_per_order,
                })
                .collect(),
            delivery_options: extras
                .choice
                .quotes
                .into_iter()
                .map(|quote| DeliveryOption {
                    method_id: quote.method_id,
                    name_fr: quote.name_fr,
                    name_en: quote.name_en,
                    cost_cents: quote.cost_cents,
                    days_min: quote.days_min,
                    days_max: quote.days_max,
                    countries: quote
                        .countries
                        .iter()
                        .map(|country| country.code().to_owned())
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewItem {
    pub product_id: i64,
    #[schema(minimum = 1, maximum = 100)]
    pub quantity: i32,
}

/// What adding did: `added` of the `requested` fit (stock, limits).
#[derive(Serialize, ToSchema)]
pub struct Added {
    pub requested: i32,
    pub added: i32,
    /// The line's quantity now.
    pub in_basket: i32,
    /// The per-customer limit that stopped it, if one did.
    pub per_customer: Option<i32>,
}

impl From<AddOutcome> for Added {
    fn from(outcome: AddOutcome) -> Self {
        Self {
            requested: outcome.requested,
            added: outcome.added,
            in_basket: outcome.in_basket,
            per_customer: outcome.per_customer,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewQuantity {
    #[schema(minimum = 1, maximum = 100)]
    pub quantity: i32,
}

#[derive(Serialize, ToSchema)]
pub struct QuantitySet {
    pub requested: i32,
    pub in_basket: i32,
    pub per_customer: Option<i32>,
}

impl From<QuantityOutcome> for QuantitySet {
    fn from(outcome: QuantityOutcome) -> Self {
        Self {
            requested: outcome.requested,
            in_basket: outcome.in_basket,
            per_customer: outcome.per_customer,
        }
    }
}

/// The caller's basket, priced now, with its delivery options.
#[utoipa::path(
    get,
    path = "/api/v1/basket",
    tag = "basket",
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The basket", body = ApiBasket),
        TokenRefusals,
    )
)]
pub async fn get_basket(State(state): State<ServerState>, call: Call) -> Result<Response, ApiError> {
    call.require(Scope::Read)?;
    let (basket, extras) = call
        .run(&state.app, || async {
            let basket = basket::get_basket().await?;
            let extras = basket::load_basket_extras(None).await?;
            Ok((basket, extras))
        })
        .await?;
    Ok(private(StatusCode::OK, &ApiBasket::of(basket, extras)))
}

/// Adds units of a product: what fits under its stock and limits.
#[utoipa::path(
    post,
    path = "/api/v1/basket/items",
    tag = "basket",
    request_body = NewItem,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer")),
    security(("bearer" = ["write"])),
    responses(
        (status = 200, description = "What was added", body = Added),
        (status = 400, description = "A field is refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sold out, not open, or the key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key was used for another request", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn add_item(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = call.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?;
    let work = async {
        let item: NewItem = json_body(&body)?;
        let added = call
            .run(&state.app, || {
                basket::add_to_basket(item.product_id, item.quantity)
            })
            .await?;
        Ok((StatusCode::OK, Added::from(added)))
    };
    Ok(idempotency::once(&state.app.pool, user.id, key, "basket.add", &body, work).await)
}

/// Sets a line's quantity (to what is allowed, when that is less).
#[utoipa::path(
    put,
    path = "/api/v1/basket/items/{product_id}",
    tag = "basket",
    request_body = NewQuantity,
    params(("product_id" = i64, Path, description = "The line's product")),
    security(("bearer" = ["write"])),
    responses(
        (status = 200, description = "The line now", body = QuantitySet),
        (status = 400, description = "A field is refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such line", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sold out", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn set_item(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(product_id): ApiPath<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    call.require(Scope::Write)?;
    let change: NewQuantity = json_body(&body)?;
    let set = call
        .run(&state.app, || basket::set_quantity(product_id, change.quantity))
        .await?;
    Ok(private(StatusCode::OK, &QuantitySet::from(set)))
}

/// Removes a line (removing one that is not there changes nothing).
#[utoipa::path(
    delete,
    path = "/api/v1/basket/items/{product_id}",
    tag = "basket",
    params(("product_id" = i64, Path, description = "The line's product")),
    security(("bearer" = ["write"])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Not a product id", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn remove_item(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(product_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    call.require(Scope::Write)?;
    call.run(&state.app, || basket::remove_from_basket(product_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
