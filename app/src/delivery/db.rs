//! SQL of delivery: the methods with their weight bands, read for a
//! checkout or the back office, and written by the back office.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{Country, DeliveryMethod, WeightBand};
use crate::ids::UserId;

struct MethodRow {
    id: i64,
    name_fr: String,
    name_en: String,
    price_cents: i64,
    free_from_cents: Option<i64>,
    days_min: i32,
    days_max: i32,
    countries: Vec<String>,
    active: bool,
    band_weights: Vec<i32>,
    band_prices: Vec<i64>,
}

impl From<MethodRow> for DeliveryMethod {
    fn from(row: MethodRow) -> Self {
        Self {
            id: row.id,
            name_fr: row.name_fr,
            name_en: row.name_en,
            price_cents: row.price_cents,
            free_from_cents: row.free_from_cents,
            days_min: row.days_min,
            days_max: row.days_max,
            countries: row
                .countries
                .iter()
                .filter_map(|code| Country::parse(code))
                .collect(),
            active: row.active,
            bands: row
                .band_weights
                .into_iter()
                .zip(row.band_prices)
                .map(|(up_to_grams, price_cents)| WeightBand {
                    up_to_grams,
                    price_cents,
                })
                .collect(),
        }
    }
}

/// The methods in the back office's order; only those offered to shoppers
/// unless `with_inactive`.
pub async fn list_methods(
    db: impl PgExecutor<'_>,
    with_inactive: bool,
) -> Result<Vec<DeliveryMethod>, sqlx::Error> {
    methods(db, None, with_inactive).await
}

/// One method offered to shoppers, or `None` (unknown or withdrawn).
pub async fn find_active_method(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<DeliveryMethod>, sqlx::Error> {
    Ok(methods(db, Some(id), false).await?.into_iter().next())
}

/// The methods (only `id`, when given), with their weight bands, in the
/// back office's order; withdrawn ones only `with_inactive`.
async fn methods(
    db: impl PgExecutor<'_>,
    id: Option<i64>,
    with_inactive: bool,
) -> Result<Vec<DeliveryMethod>, sqlx::Error> {
    let rows = sqlx::query_as!(
        MethodRow,
        r#"SELECT m.id, m.name_fr, m.name_en, m.price_cents, m.free_from_cents, m.days_min, m.days_max,
                  m.countries, m.active,
                  coalesce(array_agg(b.up_to_grams ORDER BY b.up_to_grams) FILTER (WHERE b.method_id IS NOT NULL),
                           '{}') AS "band_weights!",
                  coalesce(array_agg(b.price_cents ORDER BY b.up_to_grams) FILTER (WHERE b.method_id IS NOT NULL),
                           '{}') AS "band_prices!"
           FROM delivery_methods m LEFT JOIN delivery_weight_bands b ON b.method_id = m.id
           WHERE ($1::bigint IS NULL OR m.id = $1) AND ($2 OR m.active)
           GROUP BY m.id ORDER BY m.position, m.id"#,
        id,
        with_inactive,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(DeliveryMethod::from).collect())
}

/// Writes a method (a new one when `method.id` is 0) and replaces its
/// bands; returns its id, or `None` when the method to update is gone.
pub async fn save_method(
    tx: &mut Transaction<'_, Postgres>,
    method: &DeliveryMethod,
) -> Result<Option<i64>, sqlx::Error> {
    let countries: Vec<String> = method
        .countries
        .iter()
        .map(|country| country.code().to_owned())
        .collect();
    let id = if method.id == 0 {
        Some(
            sqlx::query_scalar!(
                "INSERT INTO delivery_methods (name_fr, name_en, price_cents, free_from_cents, days_min, days_max,
                                               countries, active, position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                         (SELECT coalesce(max(position), 0) + 1 FROM delivery_methods))
                 RETURNING id",
                method.name_fr,
                method.name_en,
                method.price_cents,
                method.free_from_cents,
                method.days_min,
                method.days_max,
                &countries,
                method.active,
            )
            .fetch_one(&mut **tx)
            .await?,
        )
    } else {
        sqlx::query_scalar!(
            "UPDATE delivery_methods SET name_fr = $2, name_en = $3, price_cents = $4, free_from_cents = $5,
                    days_min = $6, days_max = $7, countries = $8, active = $9
             WHERE id = $1 RETURNING id",
            method.id,
            method.name_fr,
            method.name_en,
            method.price_cents,
            method.free_from_cents,
            method.days_min,
            method.days_max,
            &countries,
            method.active,
        )
        .fetch_optional(&mut **tx)
        .await?
    };
    let Some(id) = id else {
        return Ok(None);
    };
    sqlx::query!("DELETE FROM delivery_weight_bands WHERE method_id = $1", id)
        .execute(&mut **tx)
        .await?;
    let weights: Vec<i32> = method.bands.iter().map(|band| band.up_to_grams).collect();
    let prices: Vec<i64> = method.bands.iter().map(|band| band.price_cents).collect();
    sqlx::query!(
        "INSERT INTO delivery_weight_bands (method_id, up_to_grams, price_cents)
         SELECT $1, * FROM unnest($2::INTEGER[], $3::BIGINT[])",
        id,
        &weights,
        &prices,
    )
    .execute(&mut **tx)
    .await?;
    Ok(Some(id))
}

/// The country the account's latest order was sent to, if it is one the
/// shop knows.
pub async fn customer_country(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<Option<Country>, sqlx::Error> {
    let country = sqlx::query_scalar!(
        "SELECT ship_country FROM orders WHERE user_id = $1 AND status <> 'payment_failed'
         ORDER BY id DESC LIMIT 1",
        user_id as UserId,
    )
    .fetch_optional(db)
    .await?;
    Ok(country.as_deref().and_then(Country::parse))
}
