//! The caller's account and address book.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::addresses::api as addresses;
use app::addresses::model::SavedAddress;
use app::api_tokens::model::Scope;
use app::users::api as users;

use super::call::Call;
use super::http::{json_body, private, ApiPath};
use super::idempotency;
use super::orders::Address;
use super::problem::{ApiError, Problem, TokenRefusals};
use crate::state::ServerState;

#[derive(Serialize, ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub first_name: String,
    pub last_name: String,
    /// customer or admin.
    pub role: String,
    pub member_since: String,
}

impl From<app::auth::model::User> for Account {
    fn from(user: app::auth::model::User) -> Self {
        Self {
            id: user.id.0,
            role: user.role.as_str().to_owned(),
            username: user.username,
            email: user.email,
            email_verified: user.email_verified,
            first_name: user.first_name,
            last_name: user.last_name,
            member_since: user.member_since,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiSavedAddress {
    /// Pass as `saved_address_id` at checkout.
    pub id: i64,
    pub is_default: bool,
    pub address: Address,
}

impl From<SavedAddress> for ApiSavedAddress {
    fn from(saved: SavedAddress) -> Self {
        Self {
            id: saved.id,
            is_default: saved.is_default,
            address: Address {
                name: saved.address.name,
                street: saved.address.street,
                postcode: saved.address.postcode,
                city: saved.address.city,
                country: saved.address.country,
            },
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewAddress {
    #[serde(flatten)]
    pub address: Address,
    /// Make it the one the checkout picks first.
    #[serde(default)]
    pub make_default: bool,
}

/// The caller's account.
#[utoipa::path(
    get,
    path = "/api/v1/account",
    tag = "account",
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The account", body = Account),
        TokenRefusals,
    )
)]
pub async fn get_account(State(state): State<ServerState>, call: Call) -> Result<Response, ApiError> {
    call.require(Scope::Read)?;
    let user = call.run(&state.app, users::get_profile).await?;
    Ok(private(StatusCode::OK, &Account::from(user)))
}

/// The caller's saved addresses, the default first.
#[utoipa::path(
    get,
    path = "/api/v1/account/addresses",
    tag = "account",
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The address book", body = [ApiSavedAddress]),
        TokenRefusals,
    )
)]
pub async fn list_addresses(State(state): State<ServerState>, call: Call) -> Result<Response, ApiError> {
    call.require(Scope::Read)?;
    let book = call.run(&state.app, addresses::my_addresses).await?;
    let book: Vec<ApiSavedAddress> = book.into_iter().map(ApiSavedAddress::from).collect();
    Ok(private(StatusCode::OK, &book))
}

/// Saves an address in the caller's book (the same address twice is one).
#[utoipa::path(
    post,
    path = "/api/v1/account/addresses",
    tag = "account",
    request_body = NewAddress,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer")),
    security(("bearer" = ["write"])),
    responses(
        (status = 201, description = "The address book now", body = [ApiSavedAddress]),
        (status = 400, description = "A field is refused", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The book is full, or the key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key was used for another request", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn add_address(
    State(state): State<ServerState>,
    call: Call,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = call.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?;
    let work = async {
        let new: NewAddress = json_body(&body)?;
        let book = call
            .run(&state.app, || async {
                let address = new.address;
                addresses::add_address(
                    address.name,
                    address.street,
                    address.postcode,
                    address.city,
                    address.country,
                    new.make_default.then(|| "on".to_owned()),
                )
                .await?;
                addresses::my_addresses().await
            })
            .await?;
        let book: Vec<ApiSavedAddress> = book.into_iter().map(ApiSavedAddress::from).collect();
        Ok((StatusCode::CREATED, book))
    };
    Ok(idempotency::once(&state.app.pool, user.id, key, "addresses.add", &body, work).await)
}

/// Deletes one of the caller's addresses (orders keep their own copy).
#[utoipa::path(
    delete,
    path = "/api/v1/account/addresses/{id}",
    tag = "account",
    params(("id" = i64, Path, description = "The saved address")),
    security(("bearer" = ["write"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such address of the caller's", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn delete_address(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    call.require(Scope::Write)?;
    call.run(&state.app, || addresses::delete_address(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes one of the caller's addresses the one the checkout picks first.
#[utoipa::path(
    put,
    path = "/api/v1/account/addresses/{id}/default",
    tag = "account",
    params(("id" = i64, Path, description = "The saved address")),
    security(("bearer" = ["write"])),
    responses(
        (status = 204, description = "It is the default"),
        (status = 404, description = "No such address of the caller's", body = Problem, content_type = "application/problem+json"),
        TokenRefusals,
    )
)]
pub async fn set_default_address(
    State(state): State<ServerState>,
    call: Call,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    call.require(Scope::Write)?;
    call.run(&state.app, || addresses::set_default_address(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
