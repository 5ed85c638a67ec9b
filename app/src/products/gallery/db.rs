//! The gallery's SQL. Every change locks the product's row first, so two
//! administrators editing one gallery take turns, and ends by pointing the
//! product's card at its first photo.

use sqlx::{PgExecutor, Postgres, Transaction};

use crate::ids::UserId;

use super::model::{photo_url, photos_for, Photo, CARD_WIDTH, PHOTO_PREFIX, PLACEHOLDER};

/// One resized copy of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// The product whose gallery `id` (a product or one of its variants) shows.
pub async fn gallery_product(db: impl PgExecutor<'_>, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT coalesce(variant_of, id) AS \"id!\" FROM products WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// The product whose gallery `id` (a product or one of its variants)
/// shows, locked for the change; `None` if there is no such product.
pub async fn lock_gallery(tx: &mut Transaction<'_, Postgres>, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT p.id FROM products p
           WHERE p.id = (SELECT coalesce(variant_of, id) FROM products WHERE id = $1)
           FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The product a photo belongs to, locked for the change.
pub async fn lock_photo_gallery(
    tx: &mut Transaction<'_, Postgres>,
    photo_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT p.id FROM products p
           WHERE p.id = (SELECT product_id FROM product_photos WHERE id = $1)
           FOR UPDATE"#,
        photo_id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The option values (French) of a product's variants, in their order.
pub async fn option_values(db: impl PgExecutor<'_>, product_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT value AS "value!" FROM (
               SELECT v.value, min(p.id) AS first, min(v.n) AS n
               FROM products p, unnest(p.option_values) WITH ORDINALITY AS v(value, n)
               WHERE p.id = $1 OR p.variant_of = $1
               GROUP BY v.value
           ) option_values ORDER BY n, first, value"#,
        product_id
    )
    .fetch_all(db)
    .await
}

pub async fn photo_count(tx: &mut Transaction<'_, Postgres>, product_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM product_photos WHERE product_id = $1"#,
        product_id
    )
    .fetch_one(&mut **tx)
    .await
}

/// Adds a photo at the end of a locked gallery.
pub async fn insert_photo(
    tx: &mut Transaction<'_, Postgres>,
    product_id: i64,
    hash: &str,
    (alt, alt_en): (&str, &str),
    values: &[String],
    renditions: &[Rendition],
    uploaded_by: Option<UserId>,
) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "INSERT INTO product_photos (product_id, position, hash, alt, alt_en, option_values, uploaded_by)
         VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM product_photos WHERE product_id = $1),
                 $2, $3, $4, $5, $6)
         RETURNING id",
        product_id,
        hash,
        alt,
        alt_en,
        values,
        uploaded_by as Option<UserId>,
    )
    .fetch_one(&mut **tx)
    .await?;
    for rendition in renditions {
        sqlx::query!(
            "INSERT INTO photo_renditions (photo_id, width, height, bytes) VALUES ($1, $2, $3, $4)",
            id,
            rendition.width as i32,
            rendition.height as i32,
            rendition.bytes,
        )
        .execute(&mut **tx)
        .await?;
    }
    refresh_card_image(tx, product_id).await?;
    Ok(id)
}

struct PhotoRow {
    id: i64,
    hash: String,
    alt: String,
    alt_en: String,
    option_values: Vec<String>,
    widths: Vec<i32>,
    heights: Vec<i32>,
}

impl From<PhotoRow> for Photo {
    fn from(row: PhotoRow) -> Self {
        Self {
            id: row.id,
            hash: row.hash,
            alt: row.alt,
            alt_en: row.alt_en,
            values: row.option_values,
            sizes: row
                .widths
                .into_iter()
                .zip(row.heights)
                .map(|(w, h)| (w.unsigned_abs(), h.unsigned_abs()))
                .collect(),
        }
    }
}

/// A product's photos in the gallery's order.
pub async fn photos_of(db: impl PgExecutor<'_>, product_id: i64) -> Result<Vec<Photo>, sqlx::Error> {
    let rows = sqlx::query_as!(
        PhotoRow,
        r#"SELECT ph.id, ph.hash, ph.alt, ph.alt_en, ph.option_values,
                  array_agg(r.width ORDER BY r.width) AS "widths!",
                  array_agg(r.height ORDER BY r.width) AS "heights!"
           FROM product_photos ph JOIN photo_renditions r ON r.photo_id = ph.id
           WHERE ph.product_id = $1
           GROUP BY ph.id
           ORDER BY ph.position, ph.id"#,
        product_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Photo::from).collect())
}

/// Changes a photo's alt texts and the values it is tied to.
pub async fn update_photo(
    tx: &mut Transaction<'_, Postgres>,
    photo_id: i64,
    (alt, alt_en): (&str, &str),
    values: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE product_photos SET alt = $2, alt_en = $3, option_values = $4 WHERE id = $1",
        photo_id,
        alt,
        alt_en,
        values,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves a photo one place earlier or later in its locked gallery (the
/// first stays first when moved earlier), and numbers the gallery 1, 2, 3…
pub async fn move_photo(
    tx: &mut Transaction<'_, Postgres>,
    product_id: i64,
    photo_id: i64,
    earlier: bool,
) -> Result<(), sqlx::Error> {
    let mut order = sqlx::query_scalar!(
        "SELECT id FROM product_photos WHERE product_id = $1 ORDER BY position, id",
        product_id
    )
    .fetch_all(&mut **tx)
    .await?;
    if let Some(at) = order.iter().position(|&id| id == photo_id) {
        let to = if earlier { at.checked_sub(1) } else { Some(at + 1) };
        if let Some(to) = to.filter(|&to| to < order.len()) {
            order.swap(at, to);
        }
    }
    sqlx::query!(
        "UPDATE product_photos SET position = t.n
         FROM unnest($1::BIGINT[]) WITH ORDINALITY AS t(id, n)
         WHERE product_photos.id = t.id",
        &order,
    )
    .execute(&mut **tx)
    .await?;
    refresh_card_image(tx, product_id).await
}

/// Deletes a photo and its renditions.
pub async fn delete_photo(
    tx: &mut Transaction<'_, Postgres>,
    product_id: i64,
    photo_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM product_photos WHERE id = $1", photo_id)
        .execute(&mut **tx)
        .await?;
    refresh_card_image(tx, product_id).await
}

/// Points the product's card (`image_path`) at its gallery's first photo,
/// and each variant's (its basket line, its order line) at the first photo
/// it shows; with none, a photo that was shown gives way to the placeholder
/// and a drawing stays.
async fn refresh_card_image(tx: &mut Transaction<'_, Postgres>, product_id: i64) -> Result<(), sqlx::Error> {
    let photos = photos_of(&mut **tx, product_id).await?;
    let rows = sqlx::query!(
        "SELECT id, variant_of, option_values, image_path FROM products WHERE id = $1 OR variant_of = $1",
        product_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let (mut ids, mut paths) = (Vec::new(), Vec::new());
    for row in rows {
        let first = if row.variant_of.is_none() {
            photos.first().cloned()
        } else {
            photos_for(photos.clone(), &row.option_values).into_iter().next()
        };
        let path = match first {
            Some(photo) => photo_url(&photo.hash, CARD_WIDTH),
            None if row.image_path.starts_with(PHOTO_PREFIX) => PLACEHOLDER.to_owned(),
            None => continue,
        };
        if path != row.image_path {
            ids.push(row.id);
            paths.push(path);
        }
    }
    if !ids.is_empty() {
        sqlx::query!(
            "UPDATE products SET image_path = t.path
             FROM unnest($1::BIGINT[], $2::TEXT[]) AS t(id, path)
             WHERE products.id = t.id",
            &ids,
            &paths,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A rendition's bytes.
pub async fn find_rendition(
    db: impl PgExecutor<'_>,
    hash: &str,
    width: u32,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT r.bytes FROM product_photos ph JOIN photo_renditions r ON r.photo_id = ph.id
         WHERE ph.hash = $1 AND r.width = $2
         LIMIT 1",
        hash,
        width as i32,
    )
    .fetch_optional(db)
    .await
}
