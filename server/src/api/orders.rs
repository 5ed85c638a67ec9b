//! Checkout and the caller's orders. Checkout is the checkout page's
//! server function: one order and one charge per `Idempotency-Key`
//! (required here), prices, stock and ownership read on the server.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use app::api_tokens::model::Scope;
use app::error::{AppError, Rule};
use app::ids::OrderId;
use app::invoices::model::DocumentKind;
use app::payment::api as payment;
use app::payment::model::{OrderDetail, OrderSummary};

use super::call::Call;
use super::http::{cursor_after, json_body, page_of, private, ApiPath, ApiQuery};
use super::idempotency;
use super::problem::{ApiError, Problem, TokenRefusals};
use crate::state::ServerState;

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct Address {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    /// ISO code: FR, BE, LU, MC, CH, DE, ES, IT, GB.
    pub country: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CardDetails {
    pub number: String,
    /// MM/YY.
    pub expiry: String,
    pub cvc: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CheckoutRequest {
    /// Where it goes; or `saved_address_id`, one of the caller's addresses.
    pub address: Option<Address>,
    pub saved_address_id: Option<i64>,
    /// One of the basket's `delivery_options`.
    pub delivery_method_id: i64,
    pub promo_code: Option<String>,
    pub card: CardDetails,
}

/// An order in a list, or as a checkout places it.
#[derive(Serialize, ToSchema)]
pub struct OrderRef {
    pub id: i64,
    /// awaiting_payment, paid, shipped, delivered, cancelled, payment_failed.
    pub status: String,
    pub total_cents: i64,
    /// RFC 3339.
    pub created_at: String,
}

impl From<OrderSummary> for OrderRef {
    fn from(order: OrderSummary) -> Self {
        Self {
            id: order.id,
            status: order.status.as_str().to_owned(),
            total_cents: order.total_cents,
            created_at: order.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrderList {
    pub items: Vec<OrderRef>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrderLine {
    pub product_slug: String,
    pub product_name: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    /// In basis points: 2000 is 20 %.
    pub vat_rate_bp: i32,
    pub discount_cents: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OrderDelivery {
    pub name_fr: String,
    pub name_en: String,
    pub cost_cents: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Order {
    pub id: i64,
    pub status: String,
    pub total_cents: i64,
    pub created_at: String,
    pub address: Address,
    pub lines: Vec<OrderLine>,
    pub delivery: Option<OrderDelivery>,
    pub promo_code: Option<String>,
    /// The invoice's PDF once numbered (a browser session's link).
    pub invoice_url: Option<String>,
}

impl From<OrderDetail> for Order {
    fn from(order: OrderDetail) -> Self {
        let id = order.summary.id;
        let invoice = order
            .documents
            .iter()
            .any(|document| document.kind == DocumentKind::Invoice && document.number.is_some());
        Self {
            id,
            status: order.summary.status.as_str().to_owned(),
            total_cents: order.summary.total_cents,
            created_at: order.summary.created_at,
            address: Address {
                name: order.address.name,
                street: order.address.street,
                postcode: order.address.postcode,
                city: order.address.city,
                country: order.address.country,
            },
            lines: order
                .lines
                .into_iter()
                .map(|line| OrderLine {
                    product_slug: line.product_slug,
                    product_name: line.product_name,
                    unit_price_cents: line.unit_price_cents,
                    quantity: line.quantity,
                    vat_rate_bp: line.vat_rate_bp,
                    discount_cents: line.discount_cents,
                })
                .collect(),
            delivery: order.delivery.map(|delivery| OrderDelivery {
                name_fr: delivery.name_fr,
                name_en: delivery.name_en,
                cost_cents: delivery.cost_cents,
            }),
            promo_code: order.promo.map(|(code, _)| code),
            invoice_url: invoice.then(|| format!("/orders/{id}/invoice.pdf")),
        }
    }
}

/// The checkout key the payment service keys its one order by: the
/// account and its `Idempotency-Key`, hashed (so any key the API takes
/// becomes one the service takes, and two accounts' keys never meet).
fn checkout_key(user_id: i64, key: &str) -> String {
    let digest = Sha256::new()
        .chain_update(user_id.to_be_bytes())
        .chain_update(key.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Pays for the basket: one order per `Idempotency-Key`, charged once.
#[utoipa::path(
    post,
    path = "/api/v1/checkout",
    tag = "orders",
    request_body = CheckoutRequest,
    params(("Idempotency-Key" = String, Header, description = "Required: a retry with the same key and body returns the same order")),
    security(("bearer" = ["write"])),
    responses(
        (status = 201, description = "The order, paid", body = OrderRef),
        (status = 400, description = "A field is refused (the card among them)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such saved address", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stock, a limit or a drop refuses it, or the key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key was used for another request", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn checkout(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = call.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?
        .ok_or_else(|| ApiError::from(AppError::validation("Idempotency-Key", Rule::Required)))?;
    let checkout_key = checkout_key(user.id.0, &key);
    let work = async {
        let request: CheckoutRequest = json_body(&body)?;
        let address = request.address.clone();
        let field = |pick: fn(&Address) -> &String| address.as_ref().map(pick).cloned().unwrap_or_default();
        let order = call
            .run(&state.app, || {
                payment::checkout(
                    field(|a| &a.name),
                    field(|a| &a.street),
                    field(|a| &a.postcode),
                    field(|a| &a.city),
                    field(|a| &a.country),
                    request.card.number,
                    request.card.expiry,
                    request.card.cvc,
                    checkout_key,
                    Some(request.delivery_method_id.to_string()),
                    request.promo_code,
                    request.saved_address_id.map(|id| id.to_string()),
                    None,
                )
            })
            .await?;
        Ok((StatusCode::CREATED, OrderRef::from(order)))
    };
    Ok(idempotency::once(&state.app.pool, user.id, Some(key), "checkout", &body, work).await)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

const ORDERS_PER_PAGE: usize = 50;

/// The caller's orders, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "orders",
    params(ListQuery),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "A page of orders", body = OrderList),
        (status = 400, description = "A parameter is refused", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn list_orders(
    State(state): State<ServerState>,
    call: Call,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    call.require(Scope::Read)?;
    let page = page_of(query.cursor.as_deref())?;
    let orders = call.run(&state.app, payment::list_my_orders).await?;
    let skip = (page as usize - 1) * ORDERS_PER_PAGE;
    let has_next = orders.len() > skip + ORDERS_PER_PAGE;
    let items = orders
        .into_iter()
        .skip(skip)
        .take(ORDERS_PER_PAGE)
        .map(OrderRef::from)
        .collect();
    Ok(private(
        StatusCode::OK,
        &OrderList {
            items,
            next_cursor: cursor_after(page, has_next),
        },
    ))
}

/// One of the caller's orders (any order, for an administrator's token
/// with the read scope).
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}",
    tag = "orders",
    params(("id" = i64, Path, description = "The order's number")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 404, description = "No such order of the caller's", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn get_order(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    call.require(Scope::Read)?;
    let order = call.run(&state.app, || payment::get_order(OrderId(id))).await?;
    Ok(private(StatusCode::OK, &Order::from(order)))
}
