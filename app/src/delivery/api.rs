//! The delivery concern's server functions: the back office's methods.
// A server function takes its form's fields one by one.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::DeliveryMethod;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{db, model::MethodForm};
    pub use crate::auth::audience;
    pub use crate::operator::audit;
}

/// Every delivery method, withdrawn ones included (administrators).
#[server(endpoint = "delivery/admin/methods")]
pub async fn admin_delivery_methods() -> Result<Vec<DeliveryMethod>, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move { Ok(db::list_methods(&state.pool, true).await?) }).await
}

/// Creates a delivery method (without `id`) or changes one (administrators).
/// An order keeps the name and cost it was placed with.
#[server(endpoint = "delivery/admin/save-method")]
pub async fn save_delivery_method(
    id: Option<i64>,
    name_fr: String,
    name_en: String,
    price: String,
    free_from: Option<String>,
    days_min: String,
    days_max: String,
    countries: String,
    bands: Option<String>,
    active: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let form = MethodForm {
            name_fr: &name_fr,
            name_en: &name_en,
            price: &price,
            free_from: free_from.as_deref().unwrap_or_default(),
            days_min: &days_min,
            days_max: &days_max,
            countries: &countries,
            bands: bands.as_deref().unwrap_or_default(),
            active: active.is_some(),
        };
        let method = form.parse(id.unwrap_or_default().max(0))?;
        let mut tx = state.pool.begin().await?;
        let Some(saved) = db::save_method(&mut tx, &method).await? else {
            return Err(AppError::NotFound);
        };
        let detail = format!(
            "{} — {} cents{}",
            method.name_fr,
            method.price_cents,
            if method.active { "" } else { " (withdrawn)" }
        );
        audit::record(
            &mut *tx,
            admin.id,
            "delivery.save",
            &format!("delivery method {saved}"),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
