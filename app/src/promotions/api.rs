//! The promo codes' server functions for the back office: list with their
//! uses, create, withdraw or offer again.
// A server function takes its form's fields one by one.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::AdminPromoCode;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{
        db::{self, NewCode, NotWritten},
        model::CodeForm,
    };
    pub use crate::auth::audience;
    pub use crate::error::{Format, Rule};
    pub use crate::operator::{audit, forms::parse_shop_time};
}

/// Every code with its uses (administrators).
#[server(endpoint = "promotions/admin/codes")]
pub async fn admin_promo_codes() -> Result<Vec<AdminPromoCode>, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move { Ok(db::list_codes(&state.pool).await?) }).await
}

/// Creates a code (administrators). Categories are given by their slugs,
/// products by theirs (a product covers its variants).
#[server(endpoint = "promotions/admin/create")]
pub async fn create_promo_code(
    code: String,
    kind: String,
    #[server(default)] value: String,
    #[server(default)] min_basket: String,
    #[server(default)] starts_at: String,
    #[server(default)] ends_at: String,
    #[server(default)] max_uses: String,
    #[server(default)] max_per_customer: String,
    #[server(default)] categories: String,
    #[server(default)] products: String,
    includes_drops: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let promo = CodeForm {
            code: &code,
            kind: &kind,
            value: &value,
            min_basket: &min_basket,
            max_uses: &max_uses,
            max_per_customer: &max_per_customer,
            includes_drops: includes_drops.is_some(),
        }
        .parse()?;
        let optional_time = |field: &str, raw: &str| match raw.trim() {
            "" => Ok(None),
            raw => parse_shop_time(field, raw).map(Some),
        };
        let starts_at = optional_time("starts_at", &starts_at)?;
        let ends_at = optional_time("ends_at", &ends_at)?;
        if let (Some(starts), Some(ends)) = (starts_at, ends_at) {
            if ends <= starts {
                return Err(AppError::validation("ends_at", Rule::Format(Format::DateTime)));
            }
        }
        let slugs = |raw: &str| -> Vec<String> {
            let mut slugs: Vec<String> = raw
                .split([',', ' ', '\n', ';'])
                .map(|slug| slug.trim().to_lowercase())
                .filter(|slug| !slug.is_empty())
                .collect();
            slugs.sort();
            slugs.dedup();
            slugs
        };
        let (category_slugs, product_slugs) = (slugs(&categories), slugs(&products));
        if category_slugs.len() > 50 || product_slugs.len() > 200 {
            return Err(AppError::validation("products", Rule::TooLong { max: 200 }));
        }
        let mut tx = state.pool.begin().await?;
        let new = NewCode {
            code: &promo,
            starts_at,
            ends_at,
            category_slugs: &category_slugs,
            product_slugs: &product_slugs,
        };
        let id = match db::insert_code(&mut tx, &new).await? {
            Ok(id) => id,
            Err(NotWritten::CodeTaken) => return Err(AppError::validation("code", Rule::AlreadyUsed)),
            Err(NotWritten::UnknownCategory) => {
                return Err(AppError::validation("categories", Rule::UnknownChoice))
            }
            Err(NotWritten::UnknownProduct) => {
                return Err(AppError::validation("products", Rule::UnknownChoice))
            }
        };
        audit::record(
            &mut *tx,
            admin.id,
            "promo.create",
            &format!("promo code {id}"),
            &promo.code,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Withdraws a code (`active` absent) or offers it again (administrators).
/// A withdrawn code is refused as unknown; its past orders keep their
/// discount.
#[server(endpoint = "promotions/admin/set-active")]
pub async fn set_promo_code_active(id: i64, active: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let active = active.is_some();
        let mut tx = state.pool.begin().await?;
        if !db::set_active(&mut *tx, id, active).await? {
            return Err(AppError::NotFound);
        }
        let detail = if active { "offered" } else { "withdrawn" };
        audit::record(
            &mut *tx,
            admin.id,
            "promo.active",
            &format!("promo code {id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
