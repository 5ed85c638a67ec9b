//! The back office's server functions for a product's gallery
//! (administrators only; an upload is the server's multipart route).
//! Every change is written to the audit log.

use leptos::prelude::*;

use super::model::GalleryEditing;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{db, model::parse_alt};
    pub use crate::{auth::audience, error::Rule, operator::audit, operator::forms::require_confirmation};

    /// Each value once, every one an option value of the product.
    pub fn parse_values(
        values: Vec<String>,
        known: &[String],
    ) -> Result<Vec<String>, crate::error::AppError> {
        let mut chosen: Vec<String> = Vec::with_capacity(values.len());
        for value in values {
            if !known.contains(&value) {
                return Err(crate::error::AppError::validation("values", Rule::UnknownChoice));
            }
            if !chosen.contains(&value) {
                chosen.push(value);
            }
        }
        Ok(chosen)
    }

    /// Where the back office shows a gallery once it changed.
    pub fn back_to(product_id: i64, outcome: &str) {
        leptos_axum::redirect(&format!("/admin/products/{product_id}?photos={outcome}#photos"));
    }
}

/// The gallery of a product (or of a variant's product), for its edit page.
#[server(endpoint = "products/admin/photos")]
pub async fn admin_gallery(id: i64) -> Result<GalleryEditing, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let product_id = db::gallery_product(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let photos = db::photos_of(&state.pool, product_id).await?;
        let values = db::option_values(&state.pool, product_id).await?;
        Ok(GalleryEditing {
            product_id,
            photos,
            values,
        })
    })
    .await
}

/// Changes a photo's alt texts and the option values it shows.
#[server(endpoint = "products/admin/photos/update")]
pub async fn update_photo(
    id: i64,
    alt: String,
    #[server(default)] alt_en: String,
    #[server(default)] values: Vec<String>,
) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let (alt, alt_en) = (parse_alt("alt", &alt)?, parse_alt("alt_en", &alt_en)?);
        let mut tx = state.pool.begin().await?;
        let product_id = db::lock_photo_gallery(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let values = parse_values(values, &db::option_values(&mut *tx, product_id).await?)?;
        db::update_photo(&mut tx, id, (&alt, &alt_en), &values).await?;
        audit::record(
            &mut *tx,
            admin.id,
            "product.photo",
            &format!("photo {id}"),
            &format!("alt: {alt}"),
        )
        .await?;
        tx.commit().await?;
        back_to(product_id, "saved");
        Ok(())
    })
    .await
}

/// Moves a photo one place earlier (`earlier`) or later in its gallery.
#[server(endpoint = "products/admin/photos/move")]
pub async fn move_photo(id: i64, earlier: bool) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let mut tx = state.pool.begin().await?;
        let product_id = db::lock_photo_gallery(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        db::move_photo(&mut tx, product_id, id, earlier).await?;
        let way = if earlier { "earlier" } else { "later" };
        audit::record(
            &mut *tx,
            admin.id,
            "product.photo",
            &format!("photo {id}"),
            &format!("moved {way}"),
        )
        .await?;
        tx.commit().await?;
        back_to(product_id, "moved");
        Ok(())
    })
    .await
}

/// Deletes a photo and its renditions.
#[server(endpoint = "products/admin/photos/delete")]
pub async fn delete_photo(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        require_confirmation(confirm.as_deref())?;
        let mut tx = state.pool.begin().await?;
        let product_id = db::lock_photo_gallery(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        db::delete_photo(&mut tx, product_id, id).await?;
        audit::record(
            &mut *tx,
            admin.id,
            "product.photo",
            &format!("photo {id}"),
            "deleted",
        )
        .await?;
        tx.commit().await?;
        back_to(product_id, "deleted");
        Ok(())
    })
    .await
}
