//! SQL of the address book. Every statement names the owner, so a number
//! of someone else's address finds nothing.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{SavedAddress, ShippingAddress};
use crate::ids::UserId;

/// The customer's addresses, the default first, then the oldest.
pub async fn list(db: impl PgExecutor<'_>, user_id: UserId) -> Result<Vec<SavedAddress>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name, street, postcode, city, country, is_default FROM addresses
         WHERE user_id = $1 ORDER BY is_default DESC, id",
        user_id as UserId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SavedAddress {
            id: row.id,
            address: ShippingAddress {
                name: row.name,
                street: row.street,
                postcode: row.postcode,
                city: row.city,
                country: row.country,
            },
            is_default: row.is_default,
        })
        .collect())
}

/// The customer's address `id`, if it is theirs.
pub async fn find(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    id: i64,
) -> Result<Option<ShippingAddress>, sqlx::Error> {
    sqlx::query_as!(
        ShippingAddress,
        "SELECT name, street, postcode, city, country FROM addresses WHERE id = $1 AND user_id = $2",
        id,
        user_id as UserId,
    )
    .fetch_optional(db)
    .await
}

/// Serialises the changes of one customer's book (two tabs adding at once
/// count each other's address).
pub async fn lock_book(tx: &mut Transaction<'_, Postgres>, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('addresses:' || $1::text, 0))",
        user_id as UserId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn count(tx: &mut Transaction<'_, Postgres>, user_id: UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM addresses WHERE user_id = $1"#,
        user_id as UserId
    )
    .fetch_one(&mut **tx)
    .await
}

/// Saves `address` (the same address twice is one entry); returns its id.
pub async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    user_id: UserId,
    address: &ShippingAddress,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO addresses (user_id, name, street, postcode, city, country)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, name, street, postcode, city, country) DO UPDATE SET name = EXCLUDED.name
         RETURNING id",
        user_id as UserId,
        address.name,
        address.street,
        address.postcode,
        address.city,
        address.country,
    )
    .fetch_one(&mut **tx)
    .await
}

/// Whether the address is in the book already.
pub async fn exists(
    tx: &mut Transaction<'_, Postgres>,
    user_id: UserId,
    address: &ShippingAddress,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM addresses WHERE user_id = $1 AND name = $2 AND street = $3
                          AND postcode = $4 AND city = $5 AND country = $6) AS "exists!""#,
        user_id as UserId,
        address.name,
        address.street,
        address.postcode,
        address.city,
        address.country,
    )
    .fetch_one(&mut **tx)
    .await
}

/// Makes `id` the default, if it is the customer's; `false` otherwise.
/// Two statements: the old default is cleared before the new one is set,
/// so the one-default index never sees two.
pub async fn set_default(
    tx: &mut Transaction<'_, Postgres>,
    user_id: UserId,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let theirs = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM addresses WHERE id = $1 AND user_id = $2) AS "exists!""#,
        id,
        user_id as UserId,
    )
    .fetch_one(&mut **tx)
    .await?;
    if !theirs {
        return Ok(false);
    }
    sqlx::query!(
        "UPDATE addresses SET is_default = false WHERE user_id = $1 AND is_default AND id <> $2",
        user_id as UserId,
        id,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE addresses SET is_default = true WHERE id = $1 AND user_id = $2",
        id,
        user_id as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Deletes the customer's address `id`; a default deleted passes to the
/// oldest left. `false` when it is not theirs.
pub async fn delete(
    tx: &mut Transaction<'_, Postgres>,
    user_id: UserId,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let Some(was_default) = sqlx::query_scalar!(
        "DELETE FROM addresses WHERE id = $1 AND user_id = $2 RETURNING is_default",
        id,
        user_id as UserId,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    if was_default {
        sqlx::query!(
            "UPDATE addresses SET is_default = true
             WHERE id = (SELECT id FROM addresses WHERE user_id = $1 ORDER BY id LIMIT 1)",
            user_id as UserId,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}
