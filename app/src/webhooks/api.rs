//! Server functions of webhooks: the back office's (administrators only).
// The new endpoint's form sends one checkbox per event.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::WebhookBoard;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{db, model, service};
    pub use crate::auth::audience;
    pub use crate::operator::audit;
}

/// The endpoints and the latest 100 deliveries.
#[server(endpoint = "webhooks/board")]
pub async fn load_webhook_board() -> Result<WebhookBoard, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let endpoints = db::list_endpoints(&state.pool).await?;
        let deliveries = db::list_deliveries(&state.pool, 100).await?;
        Ok(WebhookBoard {
            endpoints,
            deliveries,
        })
    })
    .await
}

/// Registers an endpoint for the events ticked: one checkbox per event,
/// named as the event with `_` for `.` (`order_paid`).
#[server(endpoint = "webhooks/create")]
pub async fn create_webhook(
    url: String,
    order_paid: Option<String>,
    order_shipped: Option<String>,
    order_cancelled: Option<String>,
    order_refunded: Option<String>,
    stock_low: Option<String>,
    stock_sold_out: Option<String>,
    stock_back_in_stock: Option<String>,
    drop_opened: Option<String>,
    drop_sold_out: Option<String>,
) -> Result<i64, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let ticked = [
            order_paid,
            order_shipped,
            order_cancelled,
            order_refunded,
            stock_low,
            stock_sold_out,
            stock_back_in_stock,
            drop_opened,
            drop_sold_out,
        ];
        let events = model::parse_events(
            model::EVENTS
                .into_iter()
                .zip(ticked)
                .filter(|(_, value)| value.as_deref().is_some_and(|value| !value.trim().is_empty()))
                .map(|(event, _)| event),
        )?;
        let id = service::register(&state, &url, &events, admin.id).await?;
        audit::record(
            &state.pool,
            admin.id,
            "webhook.create",
            &format!("endpoint {id}"),
            &events.join(" "),
        )
        .await?;
        Ok(id)
    })
    .await
}

/// Deletes an endpoint and its deliveries.
#[server(endpoint = "webhooks/delete")]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        if !db::delete_endpoint(&state.pool, id).await? {
            return Err(AppError::NotFound);
        }
        audit::record(
            &state.pool,
            admin.id,
            "webhook.delete",
            &format!("endpoint {id}"),
            "",
        )
        .await?;
        Ok(())
    })
    .await
}

/// Sends a delivery again, its attempts counted afresh.
#[server(endpoint = "webhooks/resend")]
pub async fn resend_webhook(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        if db::resend(&state.pool, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    })
    .await
}
