//! The back office's server functions for products and categories
//! (administrators only). Every change is written to the audit log.
// A server function takes its form's fields one by one.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{AdminCategory, AdminProductPage, ProductEditing, Removal};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{
        db,
        model::{
            parse_adjustment, parse_category_names, parse_customer_limit, parse_hold_minutes, parse_stock,
            parse_vat_rate, ProductDraft, ADMIN_PRODUCTS_PER_PAGE,
        },
    };
    pub use crate::inventory::{
        db as inventory,
        ledger::{self, StockChange},
    };
    pub use crate::products::slug::Slug;
    pub use crate::{
        auth::audience,
        operator::audit,
        operator::forms::{optional_number, page_count, parse_admin_query, require_confirmation},
        state::AppState,
    };

    pub async fn check_category(state: &AppState, id: i64) -> Result<(), crate::error::AppError> {
        if db::category_exists(&state.pool, id).await? {
            Ok(())
        } else {
            Err(crate::error::AppError::validation(
                "category_id",
                crate::error::Rule::Required,
            ))
        }
    }

    pub fn slug_taken() -> crate::error::AppError {
        crate::error::AppError::validation("slug", crate::error::Rule::AlreadyUsed)
    }
}

/// Every product, archived ones too, searched by name or slug.
#[server(endpoint = "products/admin/list")]
pub async fn admin_products(query: String, page: Option<u32>) -> Result<AdminProductPage, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let query = parse_admin_query(&query)?;
        let page = page.unwrap_or(1).clamp(1, 10_000);
        let (items, total) = db::list_products(&state.pool, query, page).await?;
        let page_count = page_count(total, ADMIN_PRODUCTS_PER_PAGE);
        Ok(AdminProductPage {
            items,
            total,
            page,
            page_count,
        })
    })
    .await
}

/// One product and its latest stock movements, for the edit page.
#[server(endpoint = "products/admin/get")]
pub async fn admin_product(id: i64) -> Result<ProductEditing, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let product = db::find_product(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let movements = db::movements(&state.pool, id, 20).await?;
        Ok(ProductEditing { product, movements })
    })
    .await
}

/// Creates a product; its opening stock is the ledger's first movement.
/// Goes on to the product's edit page (image upload).
#[server(endpoint = "products/admin/create")]
pub async fn create_product(
    name: String,
    slug: String,
    description: String,
    category_id: i64,
    price: String,
    stock: i32,
    max_per_order: i32,
    max_per_customer: Option<String>,
    hold_minutes: Option<String>,
    #[server(default)] name_en: String,
    #[server(default)] description_en: String,
    #[server(default)] vat_rate: Option<String>,
    #[server(default)] weight_grams: Option<String>,
) -> Result<i64, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let mut draft = ProductDraft::parse(&name, &slug, &description, category_id, &price, max_per_order)?
            .with_english(&name_en, &description_en)?;
        draft.max_per_customer = parse_customer_limit(max_per_customer.as_deref())?;
        draft.hold_minutes = parse_hold_minutes(hold_minutes.as_deref())?;
        draft.vat_rate = parse_vat_rate(vat_rate.as_deref())?;
        draft.weight_grams = optional_number("weight_grams", weight_grams.as_deref(), 0, 1_000_000)?;
        let stock = parse_stock(stock)?;
        check_category(&state, draft.category_id).await?;
        let mut tx = state.pool.begin().await?;
        ledger::describe(&mut tx, StockChange::new("creation").by(admin.id)).await?;
        let id = db::insert_product(
            &mut tx,
            &draft,
            stock,
            crate::products::gallery::model::PLACEHOLDER,
        )
        .await?
        .ok_or_else(slug_taken)?;
        audit::record(
            &mut *tx,
            admin.id,
            "product.create",
            &format!("product {id}"),
            &draft.name,
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?created=1"));
        Ok(id)
    })
    .await
}

/// Changes a product's details; its stock changes only by adjustments.
#[server(endpoint = "products/admin/update")]
pub async fn update_product(
    id: i64,
    name: String,
    slug: String,
    description: String,
    category_id: i64,
    price: String,
    max_per_order: i32,
    max_per_customer: Option<String>,
    hold_minutes: Option<String>,
    #[server(default)] name_en: String,
    #[server(default)] description_en: String,
    #[server(default)] vat_rate: Option<String>,
    #[server(default)] weight_grams: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let mut draft = ProductDraft::parse(&name, &slug, &description, category_id, &price, max_per_order)?
            .with_english(&name_en, &description_en)?;
        draft.max_per_customer = parse_customer_limit(max_per_customer.as_deref())?;
        draft.hold_minutes = parse_hold_minutes(hold_minutes.as_deref())?;
        draft.vat_rate = parse_vat_rate(vat_rate.as_deref())?;
        draft.weight_grams = optional_number("weight_grams", weight_grams.as_deref(), 0, 1_000_000)?;
        check_category(&state, draft.category_id).await?;
        let mut tx = state.pool.begin().await?;
        let updated = db::update_product(&mut *tx, id, &draft)
            .await
            .map_err(|error| match error {
                sqlx::Error::Database(ref e) if e.is_unique_violation() => slug_taken(),
                other => other.into(),
            })?;
        if !updated {
            return Err(AppError::NotFound);
        }
        audit::record(
            &mut *tx,
            admin.id,
            "product.update",
            &format!("product {id}"),
            &draft.name,
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?saved=1"));
        Ok(())
    })
    .await
}

/// Adds or removes units with a reason, written to the stock ledger; the
/// stock never goes below zero.
#[server(endpoint = "products/admin/adjust-stock")]
pub async fn adjust_stock(id: i64, delta: i32, reason: String) -> Result<i32, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let (delta, reason) = parse_adjustment(delta, &reason)?;
        let mut tx = state.pool.begin().await?;
        let label = format!("adjustment: {reason}");
        ledger::describe(&mut tx, StockChange::new(&label).by(admin.id)).await?;
        let Some(stock) = inventory::adjust_stock(&mut tx, crate::ids::ProductId(id), delta).await? else {
            return match db::find_product(&mut *tx, id).await? {
                None => Err(AppError::NotFound),
                Some(product) => Err(AppError::validation(
                    "delta",
                    crate::error::Rule::StockOutOfRange {
                        stock: product.stock.into(),
                        min: 0,
                        max: crate::inventory::MAX_STOCK.into(),
                    },
                )),
            };
        };
        audit::record(
            &mut *tx,
            admin.id,
            "product.stock",
            &format!("product {id}"),
            &format!("{delta:+} ({reason})"),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?saved=1"));
        Ok(stock)
    })
    .await
}

/// Deletes a product, or archives it when orders name it: order pages
/// keep working either way.
#[server(endpoint = "products/admin/delete")]
pub async fn delete_product(id: i64, confirm: Option<String>) -> Result<Removal, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        require_confirmation(confirm.as_deref())?;
        let mut tx = state.pool.begin().await?;
        ledger::describe(&mut tx, StockChange::new("deletion").by(admin.id)).await?;
        let removal = db::remove_product(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let action = match removal {
            Removal::Deleted => "product.delete",
            Removal::Archived => "product.archive",
        };
        audit::record(&mut *tx, admin.id, action, &format!("product {id}"), "").await?;
        tx.commit().await?;
        let outcome = match removal {
            Removal::Deleted => "deleted",
            Removal::Archived => "archived",
        };
        leptos_axum::redirect(&format!("/admin/products?removed={outcome}"));
        Ok(removal)
    })
    .await
}

#[server(endpoint = "products/admin/categories")]
pub async fn admin_categories() -> Result<Vec<AdminCategory>, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move { Ok(db::list_categories(&state.pool).await?) }).await
}

/// A new category; an empty slug is made from the French name.
#[server(endpoint = "products/admin/create-category")]
pub async fn create_category(slug: String, name_fr: String, name_en: String) -> Result<i64, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let (name_fr, name_en) = parse_category_names(&name_fr, &name_en)?;
        let slug = Slug::given_or_from_name(&slug, &name_fr).ok_or_else(|| {
            AppError::validation("slug", crate::error::Rule::Format(crate::error::Format::Slug))
        })?;
        let mut tx = state.pool.begin().await?;
        let id = db::insert_category(&mut *tx, slug.as_str(), &name_fr, &name_en)
            .await?
            .ok_or_else(|| AppError::validation("slug", crate::error::Rule::AlreadyUsed))?;
        audit::record(
            &mut *tx,
            admin.id,
            "category.create",
            &format!("category {id}"),
            &name_fr,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

#[server(endpoint = "products/admin/rename-category")]
pub async fn rename_category(id: i64, name_fr: String, name_en: String) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let (name_fr, name_en) = parse_category_names(&name_fr, &name_en)?;
        let mut tx = state.pool.begin().await?;
        if !db::rename_category(&mut *tx, id, &name_fr, &name_en).await? {
            return Err(AppError::NotFound);
        }
        audit::record(
            &mut *tx,
            admin.id,
            "category.rename",
            &format!("category {id}"),
            &name_fr,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Sets a category's VAT rate (one of the four French rates).
#[server(endpoint = "products/admin/category-vat")]
pub async fn set_category_vat(id: i64, vat_rate: String) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let rate = parse_vat_rate(Some(&vat_rate))?
            .ok_or_else(|| AppError::validation("vat_rate", crate::error::Rule::UnknownChoice))?;
        let mut tx = state.pool.begin().await?;
        if !db::set_category_vat(&mut *tx, id, rate).await? {
            return Err(AppError::NotFound);
        }
        audit::record(
            &mut *tx,
            admin.id,
            "category.vat",
            &format!("category {id}"),
            &rate.basis_points().to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Deletes a category that holds no product (archived ones included).
#[server(endpoint = "products/admin/delete-category")]
pub async fn delete_category(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        require_confirmation(confirm.as_deref())?;
        let mut tx = state.pool.begin().await?;
        match db::delete_category(&mut tx, id).await? {
            None => return Err(AppError::NotFound),
            Some(false) => {
                return Err(AppError::Conflict(crate::error::Conflict::CategoryNotEmpty));
            }
            Some(true) => {}
        }
        audit::record(
            &mut *tx,
            admin.id,
            "category.delete",
            &format!("category {id}"),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
