//! SQL of baskets: an account's lines in `basket_lines`, a guest's in
//! `guest_basket_lines`; each statement is written once for each table.

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{BasketLine, CustomerLimit, HeldUnits, Hold};
use crate::ids::{OrderId, ProductId, UserId};
use crate::pricing::VatRate;

/// Whose basket: an account's, or a guest's (by the key in the session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasketKey {
    Account(UserId),
    Guest(i64),
}

/// A basket line as the statement reads it: the hold comes as two columns,
/// both set or both NULL.
struct BasketLineRow {
    product_id: i64,
    slug: String,
    name: String,
    name_en: String,
    image_path: String,
    unit_price_cents: i64,
    price_seen_cents: i64,
    quantity: i32,
    stock: i32,
    max_per_order: i32,
    held_until_ms: Option<i64>,
    held_until_clock: Option<String>,
    max_per_customer: Option<i32>,
    bought: i32,
    paying_order: Option<i64>,
    vat_rate_bp: i32,
    weight_grams: i32,
}

impl From<BasketLineRow> for BasketLine {
    fn from(row: BasketLineRow) -> Self {
        Self {
            product_id: row.product_id,
            slug: row.slug,
            name: row.name,
            name_en: row.name_en,
            image_path: row.image_path,
            unit_price_cents: row.unit_price_cents,
            price_seen_cents: row.price_seen_cents,
            quantity: row.quantity,
            stock: row.stock,
            max_per_order: row.max_per_order,
            hold: row
                .held_until_ms
                .zip(row.held_until_clock)
                .map(|(until_ms, clock)| Hold { until_ms, clock }),
            customer: row.max_per_customer.map(|limit| CustomerLimit {
                limit,
                bought: row.bought,
            }),
            paying_order: row.paying_order,
            vat_rate: VatRate::from_column(row.vat_rate_bp),
            weight_grams: row.weight_grams,
        }
    }
}

/// The basket with today's prices and stock, in product order (archived
/// products drop out). A line's stock counts the units it holds.
/// What the header's corner shows of a basket, in one light query: the
/// units it holds, and whether it holds (reserves) any of `products`.
pub async fn corner(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    products: &[i64],
) -> Result<(i32, bool), sqlx::Error> {
    let row = match key {
        BasketKey::Account(user_id) => {
            sqlx::query!(
                r#"SELECT coalesce(sum(b.quantity), 0)::INTEGER AS "units!",
                          coalesce(bool_or(b.held_until > now() AND b.product_id = ANY($2)), false) AS "holds!"
                   FROM basket_lines b JOIN listed_products p ON p.id = b.product_id
                   WHERE b.user_id = $1"#,
                user_id as UserId,
                products,
            )
            .fetch_one(db)
            .await
            .map(|row| (row.units, row.holds))?
        }
        BasketKey::Guest(guest_id) => sqlx::query!(
            r#"SELECT coalesce(sum(b.quantity), 0)::INTEGER AS "units!",
                      coalesce(bool_or(b.held_until > now() AND b.product_id = ANY($2)), false) AS "holds!"
               FROM guest_basket_lines b JOIN listed_products p ON p.id = b.product_id
               WHERE b.guest_id = $1"#,
            guest_id,
            products,
        )
        .fetch_one(db)
        .await
        .map(|row| (row.units, row.holds))?,
    };
    Ok(row)
}

pub async fn find_lines(db: impl PgExecutor<'_>, key: BasketKey) -> Result<Vec<BasketLine>, sqlx::Error> {
    // The view's columns read as nullable; those of a listed product are not.
    let rows = match key {
        BasketKey::Account(user_id) => {
            sqlx::query_as!(
                BasketLineRow,
                r#"SELECT p.id AS "product_id!", p.slug AS "slug!", variant_name(p.name, p.option_values) AS "name!",
                          coalesce(variant_name(nullif(p.name_en, ''), p.option_values_en), '') AS "name_en!",
                          p.image_path AS "image_path!", p.price_cents AS "unit_price_cents!",
                          b.price_seen_cents, b.quantity, p.max_per_order AS "max_per_order!",
                          p.stock + CASE WHEN b.held_until > now() THEN b.quantity ELSE 0 END AS "stock!",
                          CASE WHEN b.held_until > now()
                               THEN (extract(epoch FROM b.held_until) * 1000)::BIGINT END AS held_until_ms,
                          CASE WHEN b.held_until > now()
                               THEN to_char(b.held_until AT TIME ZONE 'Europe/Paris', 'HH24:MI') END AS held_until_clock,
                          p.max_per_customer,
                          CASE WHEN p.max_per_customer IS NOT NULL THEN account_bought(p.id, b.user_id) ELSE 0 END AS "bought!",
                          order_paying(p.id, b.user_id) AS paying_order,
                          product_vat_rate(p.id) AS "vat_rate_bp!", p.weight_grams AS "weight_grams!"
                   FROM basket_lines b JOIN listed_products p ON p.id = b.product_id
                   WHERE b.user_id = $1 ORDER BY p.id"#,
                user_id as UserId,
            )
            .fetch_all(db)
            .await?
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query_as!(
                BasketLineRow,
                r#"SELECT p.id AS "product_id!", p.slug AS "slug!", variant_name(p.name, p.option_values) AS "name!",
                          coalesce(variant_name(nullif(p.name_en, ''), p.option_values_en), '') AS "name_en!",
                          p.image_path AS "image_path!", p.price_cents AS "unit_price_cents!",
                          b.price_seen_cents, b.quantity, p.max_per_order AS "max_per_order!",
                          p.stock + CASE WHEN b.held_until > now() THEN b.quantity ELSE 0 END AS "stock!",
                          CASE WHEN b.held_until > now()
                               THEN (extract(epoch FROM b.held_until) * 1000)::BIGINT END AS held_until_ms,
                          CASE WHEN b.held_until > now()
                               THEN to_char(b.held_until AT TIME ZONE 'Europe/Paris', 'HH24:MI') END AS held_until_clock,
                          p.max_per_customer, 0 AS "bought!", NULL::BIGINT AS paying_order,
                          product_vat_rate(p.id) AS "vat_rate_bp!", p.weight_grams AS "weight_grams!"
                   FROM guest_basket_lines b JOIN listed_products p ON p.id = b.product_id
                   WHERE b.guest_id = $1 ORDER BY p.id"#,
                guest_id,
            )
            .fetch_all(db)
            .await?
        }
    };
    Ok(rows.into_iter().map(BasketLine::from).collect())
}

/// The units of `product_id` the account's basket holds now, if any.
pub async fn own_hold(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    product_id: ProductId,
) -> Result<Option<HeldUnits>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT quantity, (extract(epoch FROM held_until) * 1000)::BIGINT AS "until_ms!",
                  to_char(held_until AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS "clock!"
           FROM basket_lines WHERE user_id = $1 AND product_id = $2 AND held_until > now()"#,
        user_id as UserId,
        product_id as ProductId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| HeldUnits {
        quantity: row.quantity,
        hold: Hold {
            until_ms: row.until_ms,
            clock: row.clock,
        },
    }))
}

/// The line's quantity, locked until the transaction ends.
pub async fn line_quantity(
    tx: &mut Transaction<'_, Postgres>,
    key: BasketKey,
    product_id: ProductId,
) -> Result<Option<i32>, sqlx::Error> {
    match key {
        BasketKey::Account(user_id) => {
            sqlx::query_scalar!(
                "SELECT quantity FROM basket_lines WHERE user_id = $1 AND product_id = $2 FOR UPDATE",
                user_id as UserId,
                product_id as ProductId,
            )
            .fetch_optional(&mut **tx)
            .await
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query_scalar!(
                "SELECT quantity FROM guest_basket_lines WHERE guest_id = $1 AND product_id = $2 FOR UPDATE",
                guest_id,
                product_id as ProductId,
            )
            .fetch_optional(&mut **tx)
            .await
        }
    }
}

/// Adds `units` to a line in one statement, never past `limit` (≥ 1), so
/// that concurrent adds add up instead of overwriting each other; a new
/// line remembers `price_seen_cents`. With `hold_minutes`, the line holds
/// its units that long from now, or until its running hold ends (adding
/// again does not extend a hold). Returns the line's quantity.
pub async fn add_units(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    product_id: ProductId,
    units: i32,
    limit: i32,
    price_seen_cents: i64,
    hold_minutes: Option<i32>,
) -> Result<i32, sqlx::Error> {
    // `LEAST($3::integer, $4::integer)`: the values are bound as INTEGER;
    // the casts tell PostgreSQL so when the statement is described without
    // them (it would read two untyped parameters as text).
    match key {
        BasketKey::Account(user_id) => {
            sqlx::query_scalar!(
                "INSERT INTO basket_lines (user_id, product_id, quantity, price_seen_cents, held_until)
                 VALUES ($1, $2, LEAST($3::integer, $4::integer), $5, now() + make_interval(mins => $6))
                 ON CONFLICT (user_id, product_id) DO UPDATE
                     SET quantity = GREATEST(basket_lines.quantity,
                                             LEAST(basket_lines.quantity + EXCLUDED.quantity, $4)),
                         held_until = CASE WHEN basket_lines.held_until > now() THEN basket_lines.held_until
                                           ELSE EXCLUDED.held_until END
                 RETURNING quantity",
                user_id as UserId,
                product_id as ProductId,
                units,
                limit,
                price_seen_cents,
                hold_minutes,
            )
            .fetch_one(db)
            .await
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query_scalar!(
                "INSERT INTO guest_basket_lines (guest_id, product_id, quantity, price_seen_cents, held_until)
                 VALUES ($1, $2, LEAST($3::integer, $4::integer), $5, now() + make_interval(mins => $6))
                 ON CONFLICT (guest_id, product_id) DO UPDATE
                     SET quantity = GREATEST(guest_basket_lines.quantity,
                                             LEAST(guest_basket_lines.quantity + EXCLUDED.quantity, $4)),
                         held_until = CASE WHEN guest_basket_lines.held_until > now()
                                           THEN guest_basket_lines.held_until
                                           ELSE EXCLUDED.held_until END
                 RETURNING quantity",
                guest_id,
                product_id as ProductId,
                units,
                limit,
                price_seen_cents,
                hold_minutes,
            )
            .fetch_one(db)
            .await
        }
    }
}

/// Sets the quantity of an existing line; `false` when there is no such line.
pub async fn set_line(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    product_id: ProductId,
    quantity: i32,
) -> Result<bool, sqlx::Error> {
    let result = match key {
        BasketKey::Account(user_id) => {
            sqlx::query!(
                "UPDATE basket_lines SET quantity = $3 WHERE user_id = $1 AND product_id = $2",
                user_id as UserId,
                product_id as ProductId,
                quantity,
            )
            .execute(db)
            .await?
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query!(
                "UPDATE guest_basket_lines SET quantity = $3 WHERE guest_id = $1 AND product_id = $2",
                guest_id,
                product_id as ProductId,
                quantity,
            )
            .execute(db)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// A guest's line as the login merge moves it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MovedLine {
    pub product_id: ProductId,
    pub quantity: i32,
    pub price_seen_cents: i64,
}

/// Sets a line's quantity, creating it if needed (the login merge); a hold
/// the line has keeps running.
pub async fn put_line(
    tx: &mut Transaction<'_, Postgres>,
    key: BasketKey,
    line: &MovedLine,
    quantity: i32,
) -> Result<(), sqlx::Error> {
    match key {
        BasketKey::Account(user_id) => {
            sqlx::query!(
                "INSERT INTO basket_lines (user_id, product_id, quantity, price_seen_cents) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity",
                user_id as UserId,
                line.product_id as ProductId,
                quantity,
                line.price_seen_cents,
            )
            .execute(&mut **tx)
            .await
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query!(
                "INSERT INTO guest_basket_lines (guest_id, product_id, quantity, price_seen_cents)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (guest_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity",
                guest_id,
                line.product_id as ProductId,
                quantity,
                line.price_seen_cents,
            )
            .execute(&mut **tx)
            .await
        }
    }
    .map(drop)
}

pub async fn remove_line(
    db: impl PgExecutor<'_>,
    key: BasketKey,
    product_id: ProductId,
) -> Result<(), sqlx::Error> {
    match key {
        BasketKey::Account(user_id) => {
            sqlx::query!(
                "DELETE FROM basket_lines WHERE user_id = $1 AND product_id = $2",
                user_id as UserId,
                product_id as ProductId,
            )
            .execute(db)
            .await
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query!(
                "DELETE FROM guest_basket_lines WHERE guest_id = $1 AND product_id = $2",
                guest_id,
                product_id as ProductId,
            )
            .execute(db)
            .await
        }
    }
    .map(drop)
}

pub async fn clear(db: impl PgExecutor<'_>, key: BasketKey) -> Result<(), sqlx::Error> {
    match key {
        BasketKey::Account(user_id) => {
            sqlx::query!("DELETE FROM basket_lines WHERE user_id = $1", user_id as UserId)
                .execute(db)
                .await
        }
        BasketKey::Guest(guest_id) => {
            sqlx::query!("DELETE FROM guest_basket_lines WHERE guest_id = $1", guest_id)
                .execute(db)
                .await
        }
    }
    .map(drop)
}

/// Takes out of the account's basket the lines of the products of its
/// order just paid (lines of other products added meanwhile stay).
pub async fn clear_ordered(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    order_id: OrderId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM basket_lines
         WHERE user_id = $1 AND product_id IN (SELECT product_id FROM order_lines WHERE order_id = $2)",
        user_id as UserId,
        order_id as OrderId,
    )
    .execute(db)
    .await
    .map(drop)
}

/// A guest basket's raw lines, in product order, removed from the guest
/// table as they are read (the login merge moves them).
pub async fn take_guest_lines(
    tx: &mut Transaction<'_, Postgres>,
    guest_id: i64,
) -> Result<Vec<MovedLine>, sqlx::Error> {
    let mut lines = sqlx::query_as!(
        MovedLine,
        r#"DELETE FROM guest_basket_lines WHERE guest_id = $1
         RETURNING product_id AS "product_id: ProductId", quantity, price_seen_cents"#,
        guest_id,
    )
    .fetch_all(&mut **tx)
    .await?;
    lines.sort_unstable();
    Ok(lines)
}

/// Opens a guest basket for `client_ip` unless the address opened `max` in
/// the last hour: `false` then. Counted under a lock per address, so that
/// concurrent requests never open more.
pub async fn open_guest_basket(
    pool: &sqlx::PgPool,
    guest_id: i64,
    client_ip: &str,
    max: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('guest-basket:' || $1, 0))",
        client_ip,
    )
    .execute(&mut *tx)
    .await?;
    let opened = sqlx::query!(
        "INSERT INTO guest_baskets (guest_id, client_ip)
         SELECT $1, $2
         WHERE (SELECT count(*) FROM guest_baskets
                WHERE client_ip = $2 AND opened_at > now() - interval '1 hour') < $3",
        guest_id,
        client_ip,
        max,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(opened)
}

/// Guest basket lines older than a guest's session (whose key to them is
/// gone), and the counts of guest baskets older than their hour.
pub async fn delete_abandoned_guest_lines(
    pool: &sqlx::PgPool,
    guest_life: chrono::Duration,
) -> Result<u64, sqlx::Error> {
    sqlx::query!("DELETE FROM guest_baskets WHERE opened_at <= now() - interval '1 hour'")
        .execute(pool)
        .await?;
    let guest_life_secs = guest_life.num_seconds() as f64;
    sqlx::query!(
        "DELETE FROM guest_basket_lines WHERE added_at < now() - make_interval(secs => $1)",
        guest_life_secs,
    )
    .execute(pool)
    .await
    .map(|result| result.rows_affected())
}
