//! The back office's operations: orders and their status, stock, users.
//! An administrator's token with the admin scope only.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::api_tokens::model::Scope;
use app::drops::api as drops;
use app::ids::OrderId;
use app::payment::api as payment;
use app::products::back_office::api as back_office;
use app::users::api as users;

use super::account::Account;
use super::call::Call;
use super::http::{cursor_after, json_body, page_of, private, ApiPath, ApiQuery};
use super::idempotency;
use super::orders::OrderRef;
use super::problem::{ApiError, Problem, TokenRefusals};
use crate::state::ServerState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminOrderQuery {
    /// Only orders with this status.
    pub status: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AdminOrder {
    #[serde(flatten)]
    pub order: OrderRef,
    /// The customer's username.
    pub customer: String,
    pub item_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AdminOrderList {
    pub items: Vec<AdminOrder>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct StatusChange {
    /// shipped, delivered or cancelled.
    pub status: String,
    /// Needed to cancel (the stock goes back, the charge is refunded).
    #[serde(default)]
    pub confirm: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct StockChange {
    /// Units to add (negative: to remove); not zero.
    pub delta: i32,
    /// Why, for the stock ledger.
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct StockLevel {
    pub product_id: i64,
    pub stock: i32,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a name or an e-mail address.
    pub q: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<Account>,
    pub next_cursor: Option<String>,
}

/// Every order, newest first, optionally of one status.
#[utoipa::path(
    get,
    path = "/api/v1/admin/orders",
    operation_id = "admin_list_orders",
    tag = "admin",
    params(AdminOrderQuery),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "A page of orders", body = AdminOrderList),
        (status = 400, description = "A parameter is refused", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn list_orders(
    State(state): State<ServerState>,
    call: Call,
    ApiQuery(query): ApiQuery<AdminOrderQuery>,
) -> Result<Response, ApiError> {
    call.require(Scope::Admin)?;
    let page = page_of(query.cursor.as_deref())?;
    let found = call
        .run(&state.app, || {
            payment::list_orders(query.status, None, Some(page))
        })
        .await?;
    let list = AdminOrderList {
        next_cursor: cursor_after(page, found.page < found.page_count),
        items: found
            .orders
            .into_iter()
            .map(|item| AdminOrder {
                order: item.summary.into(),
                customer: item.customer,
                item_count: item.item_count,
            })
            .collect(),
    };
    Ok(private(StatusCode::OK, &list))
}

/// Ships, delivers or cancels an order (cancelling returns its stock and
/// refunds it, once).
#[utoipa::path(
    post,
    path = "/api/v1/admin/orders/{id}/status",
    operation_id = "admin_set_order_status",
    tag = "admin",
    request_body = StatusChange,
    params(("id" = i64, Path, description = "The order's number")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "A field is refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order cannot move to that status", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn set_order_status(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    call.require(Scope::Admin)?;
    let change: StatusChange = json_body(&body)?;
    let confirm = change.confirm.then(|| "on".to_owned());
    call.run(&state.app, || {
        payment::set_order_status(OrderId(id), change.status, confirm)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds or removes units of a product, with a reason for the stock ledger.
#[utoipa::path(
    post,
    path = "/api/v1/admin/products/{id}/stock",
    operation_id = "admin_adjust_stock",
    tag = "admin",
    request_body = StockChange,
    params(("id" = i64, Path, description = "The product (or variant)")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The stock now", body = StockLevel),
        (status = 400, description = "A field is refused (stock below zero among them)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn adjust_stock(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    call.require(Scope::Admin)?;
    let change: StockChange = json_body(&body)?;
    let stock = call
        .run(&state.app, || {
            back_office::adjust_stock(id, change.delta, change.reason)
        })
        .await?;
    Ok(private(
        StatusCode::OK,
        &StockLevel {
            product_id: id,
            stock,
        },
    ))
}

/// The shop's accounts, newest first, optionally matching a name or e-mail.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users",
    operation_id = "admin_list_users",
    tag = "admin",
    params(UserQuery),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "A page of accounts", body = UserList),
        (status = 400, description = "A parameter is refused", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn list_users(
    State(state): State<ServerState>,
    call: Call,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<Response, ApiError> {
    call.require(Scope::Admin)?;
    let page = page_of(query.cursor.as_deref())?;
    let found = call
        .run(&state.app, || {
            users::list_users(query.q.unwrap_or_default(), page)
        })
        .await?;
    let list = UserList {
        next_cursor: cursor_after(page, found.has_next),
        items: found.items.into_iter().map(Account::from).collect(),
    };
    Ok(private(StatusCode::OK, &list))
}

/// A product as the back office writes it. Prices in cents TTC.
#[derive(Deserialize, ToSchema)]
pub struct ProductFields {
    pub name: String,
    /// Lowercase letters, digits and single hyphens.
    pub slug: String,
    pub description: String,
    pub category_id: i64,
    #[schema(minimum = 0)]
    pub price_cents: i64,
    /// Most units one order may take.
    pub max_per_order: i32,
    /// Most units one customer may buy across orders (1 to 100).
    pub max_per_customer: Option<i32>,
    /// Minutes a basket holds the units put in it, for a drop (1 to 120).
    pub hold_minutes: Option<i32>,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_en: String,
    /// In basis points (2000, 1000, 550, 210); the category's when absent.
    pub vat_rate_bp: Option<i32>,
    pub weight_grams: Option<i32>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewProduct {
    #[serde(flatten)]
    pub fields: ProductFields,
    /// Opening stock.
    pub stock: i32,
}

/// What a creation made: its id.
#[derive(Serialize, ToSchema)]
pub struct CreatedProduct {
    pub id: i64,
}

/// Euros as the back office's form writes them ("12,90"), for its server
/// functions; a negative amount stays negative, for them to refuse.
fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{},{:02}",
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

fn optional(number: Option<i32>) -> Option<String> {
    number.map(|number| number.to_string())
}

/// Creates a product (one without options; a product's variants come from
/// the catalogue import).
#[utoipa::path(
    post,
    path = "/api/v1/admin/products",
    operation_id = "admin_create_product",
    tag = "admin",
    request_body = NewProduct,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "The new product", body = CreatedProduct),
        (status = 400, description = "A field is refused (a slug taken among them)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key was used for another request", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn create_product(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let admin = call.require(Scope::Admin)?;
    let key = idempotency::key_of(&headers)?;
    let work = async {
        let new: NewProduct = json_body(&body)?;
        let f = new.fields;
        let id = call
            .run(&state.app, || {
                back_office::create_product(
                    f.name,
                    f.slug,
                    f.description,
                    f.category_id,
                    euros(f.price_cents),
                    new.stock,
                    f.max_per_order,
                    optional(f.max_per_customer),
                    optional(f.hold_minutes),
                    f.name_en,
                    f.description_en,
                    optional(f.vat_rate_bp),
                    optional(f.weight_grams),
                )
            })
            .await?;
        Ok((StatusCode::CREATED, CreatedProduct { id }))
    };
    Ok(idempotency::once(&state.app.pool, admin.id, key, "products.create", &body, work).await)
}

/// Changes a product's details (its stock changes by adjustments only).
#[utoipa::path(
    put,
    path = "/api/v1/admin/products/{id}",
    operation_id = "admin_update_product",
    tag = "admin",
    request_body = ProductFields,
    params(("id" = i64, Path, description = "The product (or variant)")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "A field is refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn update_product(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    call.require(Scope::Admin)?;
    let f: ProductFields = json_body(&body)?;
    call.run(&state.app, || {
        back_office::update_product(
            id,
            f.name,
            f.slug,
            f.description,
            f.category_id,
            euros(f.price_cents),
            f.max_per_order,
            optional(f.max_per_customer),
            optional(f.hold_minutes),
            f.name_en,
            f.description_en,
            optional(f.vat_rate_bp),
            optional(f.weight_grams),
        )
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ApiDrop {
    pub id: i64,
    pub name: String,
    /// RFC 3339.
    pub opens_at: String,
    pub sold_out: bool,
    /// Visitors waiting in its room, and admitted so far.
    pub in_room: i64,
    pub admitted: i64,
}

/// The drops, with their rooms' figures.
#[utoipa::path(
    get,
    path = "/api/v1/admin/drops",
    operation_id = "admin_list_drops",
    tag = "admin",
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The drops", body = [ApiDrop]),
        TokenRefusals,
    )
)]
pub async fn list_drops(State(state): State<ServerState>, call: Call) -> Result<Response, ApiError> {
    call.require(Scope::Admin)?;
    let found = call.run(&state.app, drops::admin_drops).await?;
    let list: Vec<ApiDrop> = found
        .into_iter()
        .map(|drop| ApiDrop {
            id: drop.card.id,
            name: drop.card.name,
            opens_at: drop.card.opens_at.to_rfc3339(),
            sold_out: drop.card.sold_out,
            in_room: drop.in_room,
            admitted: drop.admitted,
        })
        .collect();
    Ok(private(StatusCode::OK, &list))
}

#[derive(Deserialize, ToSchema)]
pub struct NewDrop {
    pub name: String,
    /// The opening at the shop (Europe/Paris), "2026-12-24T20:00".
    pub opens_at: String,
    /// The SKUs of the variants it sells.
    pub skus: Vec<String>,
    /// Minutes the waiting room opens before the drop; none: no room.
    pub room_minutes: Option<i32>,
    pub admit_per_tick: Option<i32>,
    pub tick_seconds: Option<i32>,
    pub admission_minutes: Option<i32>,
    /// Becomes the variants' own per-customer limit.
    pub max_per_customer: Option<i32>,
    /// Becomes the variants' own basket hold, in minutes.
    pub hold_minutes: Option<i32>,
    /// anyone (the default), accounts, or verified.
    pub audience: Option<String>,
}

/// Schedules a drop of some variants.
#[utoipa::path(
    post,
    path = "/api/v1/admin/drops",
    operation_id = "admin_create_drop",
    tag = "admin",
    request_body = NewDrop,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "The new drop", body = CreatedProduct),
        (status = 400, description = "A field is refused (an unknown SKU among them)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A variant is in another drop, or the key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key was used for another request", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn create_drop(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let admin = call.require(Scope::Admin)?;
    let key = idempotency::key_of(&headers)?;
    let work = async {
        let new: NewDrop = json_body(&body)?;
        let text = |number: Option<i32>| optional(number).unwrap_or_default();
        let id = call
            .run(&state.app, || {
                drops::create_drop(
                    new.name,
                    new.opens_at,
                    new.skus.join(" "),
                    text(new.room_minutes),
                    text(new.admit_per_tick),
                    text(new.tick_seconds),
                    text(new.admission_minutes),
                    text(new.max_per_customer),
                    text(new.hold_minutes),
                    new.audience.unwrap_or_default(),
                )
            })
            .await?;
        Ok((StatusCode::CREATED, CreatedProduct { id }))
    };
    Ok(idempotency::once(&state.app.pool, admin.id, key, "drops.create", &body, work).await)
}

#[cfg(test)]
mod tests {
    use super::euros;

    #[test]
    fn cents_become_the_forms_euros() {
        assert_eq!(euros(1290), "12,90");
        assert_eq!(euros(5), "0,05");
        assert_eq!(euros(0), "0,00");
        assert_eq!(euros(-150), "-1,50");
    }
}
