//! The drops' server functions: the home page's drops, a room and joining
//! it, and the back office's list and creation form.
// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{AdminDrop, DropCard, Room};
use super::report::DropReport;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::db::{self, NewDrop};
    pub use super::super::model::{parse_opening, parse_skus, Audience, MAX_NAME};
    pub use super::super::service;
    pub use crate::auth::{audience, guard};
    pub use crate::error::Rule;
    pub use crate::ids::DropId;
    pub use crate::operator::audit;
    pub use crate::operator::forms::optional_number;

    /// A whole number typed in `field`, `min` to `max`; empty is `None`.
    pub fn parse_optional(
        field: &str,
        raw: &str,
        min: i32,
        max: i32,
    ) -> Result<Option<i32>, crate::error::AppError> {
        optional_number(field, Some(raw), min, max)
    }
}

/// The drops to come and on sale, for the home page.
#[server(endpoint = "drops/current")]
pub async fn current_drops() -> Result<Vec<DropCard>, AppError> {
    use ssr::*;
    audience::public(|state| async move { Ok(db::current_drops(&state.pool).await?) }).await
}

/// The drop that sells product `product_id` (a variant), if any.
#[server(endpoint = "drops/of-product")]
pub async fn product_drop(product_id: i64) -> Result<Option<DropCard>, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        match db::drop_of_product(&state.pool, crate::ids::ProductId(product_id)).await? {
            Some(drop) => Ok(db::find_drop(&state.pool, drop).await?),
            None => Ok(None),
        }
    })
    .await
}

/// Drop `id` and where the caller stands in its room.
#[server(endpoint = "drops/room")]
pub async fn drop_room(id: i64) -> Result<Room, AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let session = guard::session().await?;
        let user = guard::current_user().await?;
        let client = guard::client_ip(&state).await;
        service::room(&state, DropId(id), &session, user.map(|user| user.id), &client).await
    })
    .await
}

/// Takes a place in drop `id`'s room: one per session and per account, a
/// few per client address; joining twice keeps the first place.
#[server(endpoint = "drops/join")]
pub async fn join_drop(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let session = guard::session().await?;
        let user = guard::current_user().await?;
        let client = guard::client_ip(&state).await;
        service::join(&state, DropId(id), &session, user.map(|user| user.id), &client).await
    })
    .await
}

/// Every drop with its room's figures, for the back office.
#[server(endpoint = "drops/admin/list")]
pub async fn admin_drops() -> Result<Vec<AdminDrop>, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move { Ok(db::admin_drops(&state.pool).await?) }).await
}

/// How drop `id` went (during and after it), for the back office.
#[server(endpoint = "drops/admin/report")]
pub async fn admin_drop_report(id: i64) -> Result<DropReport, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move { service::report(&state, DropId(id)).await }).await
}

/// Creates a drop of the variants `skus` opening at `opens_at` (the shop's
/// time), with a waiting room from `room_minutes` before when given. The
/// per-customer limit and the basket hold become the variants' own.
#[server(endpoint = "drops/admin/create")]
pub async fn create_drop(
    name: String,
    opens_at: String,
    skus: String,
    #[server(default)] room_minutes: String,
    #[server(default)] admit_per_tick: String,
    #[server(default)] tick_seconds: String,
    #[server(default)] admission_minutes: String,
    #[server(default)] max_per_customer: String,
    #[server(default)] hold_minutes: String,
    #[server(default)] audience: String,
) -> Result<i64, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(AppError::validation(
                "name",
                Rule::Length {
                    min: 1,
                    max: MAX_NAME as u32,
                },
            ));
        }
        let drop = NewDrop {
            name,
            opens_local: parse_opening(&opens_at)?,
            room_minutes: parse_optional("room_minutes", &room_minutes, 1, 24 * 60)?,
            admit_per_tick: parse_optional("admit_per_tick", &admit_per_tick, 1, 10_000)?.unwrap_or(50),
            tick_seconds: parse_optional("tick_seconds", &tick_seconds, 1, 3600)?.unwrap_or(10),
            admission_minutes: parse_optional("admission_minutes", &admission_minutes, 1, 240)?.unwrap_or(15),
            audience: match audience.trim() {
                "" => Audience::Anyone,
                raw => Audience::parse(raw)
                    .ok_or_else(|| AppError::validation("audience", Rule::UnknownChoice))?,
            },
        };
        let max_per_customer = parse_optional("max_per_customer", &max_per_customer, 1, 100)?;
        let hold_minutes = parse_optional("hold_minutes", &hold_minutes, 1, 120)?;
        let skus = parse_skus(&skus)?;
        let found = db::products_of_skus(&state.pool, &skus).await?;
        if found.len() != skus.len() {
            return Err(AppError::validation("skus", Rule::UnknownChoice));
        }
        let products: Vec<_> = found.iter().map(|(_, id)| *id).collect();
        let mut tx = state.pool.begin().await?;
        let id = db::insert_drop(&mut tx, &drop).await?;
        if !db::insert_variants(&mut tx, id, &products).await? {
            return Err(AppError::validation("skus", Rule::AlreadyUsed));
        }
        db::set_variant_rules(&mut tx, id, max_per_customer, hold_minutes).await?;
        audit::record(&mut *tx, admin.id, "drop.create", &format!("drop {id}"), name).await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/drops?created={id}"));
        Ok(id.0)
    })
    .await
}
