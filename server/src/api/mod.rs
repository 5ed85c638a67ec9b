//! The public API, `/api/v1`: the shop's server functions behind bearer
//! tokens, in JSON, described by an OpenAPI 3.1 document generated from
//! the handlers (`/api/v1/openapi.json`) and read at `/api/docs`.
//!
//! An operation's `security` says whom it admits: none listed (`{}`) is
//! public; a scope (`read`, `write`, `admin`) needs a token with it, of a
//! customer for read and write, of an administrator for admin. Each
//! handler checks the same with [`call::Call::require`], then calls the
//! pages' own server function (so their audiences and rules apply as
//! they do to a page) in [`call::Call::run`]. The authorization matrix
//! test reads the document, so an operation cannot be left out of it.
//!
//! The API lives beside the pages, not inside their layers: no session is
//! read or made for it, and the cross-site check does not apply (a bearer
//! token is never sent by a browser on its own).

pub mod account;
pub mod admin;
pub mod auth;
pub mod basket;
pub mod call;
pub mod catalogue;
pub mod http;
pub mod idempotency;
pub mod orders;
pub mod problem;
pub mod reference;

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::ServerState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WonderMarket API",
        version = "1.0.0",
        description = "The shop's catalogue, basket, checkout, orders and account, and its back office, for programs. \
                       Send `Authorization: Bearer <token>`: make a token on your account page, or exchange a login \
                       and password at `POST /api/v1/auth/token`. Errors are RFC 9457 problem details."
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "catalogue", description = "Products, variants, categories and search: public"),
        (name = "basket", description = "The caller's basket"),
        (name = "orders", description = "Checkout and the caller's orders"),
        (name = "account", description = "The caller's account and addresses"),
        (name = "admin", description = "The back office: an administrator's token with the admin scope"),
        (name = "auth", description = "Tokens"),
    )
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal token (account page) or a login's (POST /api/v1/auth/token)",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's operations and their document.
pub fn operations() -> (Router<ServerState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(catalogue::list_products))
        .routes(routes!(catalogue::get_product))
        .routes(routes!(catalogue::list_categories))
        .routes(routes!(basket::get_basket))
        .routes(routes!(basket::add_item))
        .routes(routes!(basket::set_item, basket::remove_item))
        .routes(routes!(orders::checkout))
        .routes(routes!(orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(account::get_account))
        .routes(routes!(account::list_addresses, account::add_address))
        .routes(routes!(account::delete_address))
        .routes(routes!(account::set_default_address))
        .routes(routes!(admin::list_orders))
        .routes(routes!(admin::set_order_status))
        .routes(routes!(admin::adjust_stock))
        .routes(routes!(admin::create_product))
        .routes(routes!(admin::update_product))
        .routes(routes!(admin::list_drops, admin::create_drop))
        .routes(routes!(admin::list_users))
        .routes(routes!(auth::issue_token, auth::revoke_token))
        .split_for_parts()
}

/// The API's routes: its operations, its document and its reference page.
pub fn routes() -> Router<ServerState> {
    let (router, document) = operations();
    let json: Arc<str> = match serde_json::to_string_pretty(&document) {
        Ok(json) => json.into(),
        Err(error) => {
            tracing::error!(%error, "the OpenAPI document did not serialise");
            "{}".into()
        }
    };
    let page: Arc<str> = reference::page(&document).into();
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { document_response("application/json", json) }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let page = page.clone();
                async move { document_response("text/html; charset=utf-8", page) }
            }),
        )
        // An unknown API path answers as the API does, not with the shop's page.
        .route("/api/v1/{*rest}", axum::routing::any(not_found))
        .layer(axum::middleware::map_response(unrendered))
}

/// The API renders nothing for a session (it reads none): the security
/// layer leaves its own `Cache-Control` (public catalogue, private else).
async fn unrendered(mut response: Response) -> Response {
    response
        .extensions_mut()
        .insert(crate::visitor::Rendered { with_session: false });
    response
}

fn document_response(content_type: &'static str, body: Arc<str>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn not_found() -> Response {
    problem::ApiError::App(app::error::AppError::NotFound).into_response()
}
