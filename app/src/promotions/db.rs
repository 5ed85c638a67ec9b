//! SQL of promo codes: a code read by its text, what the basket's products
//! are to a code, a use taken with a conditional statement from one of the
//! code's rows (no row a concurrent checkout holds), given back, counted
//! per customer, and the back office's list.

use chrono::NaiveDateTime;
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{AdminPromoCode, PromoCode, PromoKind};
use crate::ids::{OrderId, UserId};

struct CodeRow {
    id: i64,
    code: String,
    kind: String,
    value: i64,
    min_basket_cents: Option<i64>,
    starts_ms: Option<i64>,
    ends_ms: Option<i64>,
    max_uses: Option<i32>,
    max_per_customer: Option<i32>,
    category_ids: Vec<i64>,
    product_ids: Vec<i64>,
    includes_drops: bool,
    active: bool,
}

impl From<CodeRow> for PromoCode {
    fn from(row: CodeRow) -> Self {
        Self {
            id: row.id,
            code: row.code,
            kind: PromoKind::from_column(&row.kind, row.value),
            min_basket_cents: row.min_basket_cents,
            starts_ms: row.starts_ms,
            ends_ms: row.ends_ms,
            max_uses: row.max_uses,
            max_per_customer: row.max_per_customer,
            category_ids: row.category_ids,
            product_ids: row.product_ids,
            includes_drops: row.includes_drops,
            active: row.active,
        }
    }
}

/// The code written `code` (upper case), if any.
pub async fn find_code(db: impl PgExecutor<'_>, code: &str) -> Result<Option<PromoCode>, sqlx::Error> {
    let row = sqlx::query_as!(
        CodeRow,
        r#"SELECT id, code, kind, value, min_basket_cents,
                  (extract(epoch FROM starts_at) * 1000)::BIGINT AS starts_ms,
                  (extract(epoch FROM ends_at) * 1000)::BIGINT AS ends_ms,
                  max_uses, max_per_customer, category_ids, product_ids, includes_drops, active
           FROM promo_codes WHERE code = $1"#,
        code,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(PromoCode::from))
}

/// What a code needs to know of each product: the product it is a variant
/// of, its category, and whether a drop sells it. `(id, variant_of,
/// category_id, in_drop)`, in no particular order.
pub async fn products(
    db: impl PgExecutor<'_>,
    product_ids: &[i64],
) -> Result<Vec<(i64, Option<i64>, i64, bool)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.variant_of, p.category_id,
                  EXISTS (SELECT 1 FROM drop_variants dv WHERE dv.product_id = p.id) AS "in_drop!"
           FROM products p WHERE p.id = ANY($1)"#,
        product_ids,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.variant_of, row.category_id, row.in_drop))
        .collect())
}

/// Takes one use of a limited code: from a row with uses left that no
/// concurrent checkout holds, else (all held) waiting for one. `None`: no
/// use left. The row stays locked until the transaction ends; it cannot go
/// below zero (the statement's condition and the table's CHECK).
pub async fn take_use(tx: &mut Transaction<'_, Postgres>, code_id: i64) -> Result<Option<i16>, sqlx::Error> {
    // Each attempt either takes a use, or finds the rows it waited for
    // emptied meanwhile; a few attempts settle it either way.
    for _ in 0..32 {
        let free = sqlx::query_scalar!(
            "UPDATE promo_code_slots SET uses_left = uses_left - 1
             WHERE code_id = $1 AND uses_left > 0
               AND slot = (SELECT slot FROM promo_code_slots
                           WHERE code_id = $1 AND uses_left > 0
                           ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING slot",
            code_id,
        )
        .fetch_optional(&mut **tx)
        .await?;
        if free.is_some() {
            return Ok(free);
        }
        let left: i64 = sqlx::query_scalar!(
            r#"SELECT coalesce(sum(uses_left), 0)::BIGINT AS "left!" FROM promo_code_slots WHERE code_id = $1"#,
            code_id,
        )
        .fetch_one(&mut **tx)
        .await?;
        if left == 0 {
            return Ok(None);
        }
        // Every row with uses left is held by a checkout: wait for one.
        let waited = sqlx::query_scalar!(
            "UPDATE promo_code_slots SET uses_left = uses_left - 1
             WHERE code_id = $1 AND uses_left > 0
               AND slot = (SELECT slot FROM promo_code_slots
                           WHERE code_id = $1 AND uses_left > 0
                           ORDER BY slot LIMIT 1 FOR UPDATE)
             RETURNING slot",
            code_id,
        )
        .fetch_optional(&mut **tx)
        .await?;
        if waited.is_some() {
            return Ok(waited);
        }
    }
    Ok(None)
}

/// Serialises the checkouts that count one code's uses by one shipping
/// address (accounts are serialised already, by their checkout lock).
pub async fn lock_customer(
    tx: &mut Transaction<'_, Postgres>,
    code_id: i64,
    street: &str,
    postcode: &str,
    country: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended(
                    'promo:' || $1::BIGINT::text || ':' || customer_address_key($2, $3, $4), 0))",
        code_id,
        street,
        postcode,
        country,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Uses of the code kept by this customer: by the account, its e-mail or
/// the shipping address.
pub async fn customer_uses(
    tx: &mut Transaction<'_, Postgres>,
    code_id: i64,
    user_id: UserId,
    street: &str,
    postcode: &str,
    country: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "uses!" FROM promo_uses
           WHERE code_id = $1 AND given_back_at IS NULL
             AND (user_id = $2
                  OR email_key = (SELECT customer_email_key(email) FROM users WHERE id = $2)
                  OR address_key = customer_address_key($3, $4, $5))"#,
        code_id,
        user_id as UserId,
        street,
        postcode,
        country,
    )
    .fetch_one(&mut **tx)
    .await
}

/// The use an order made: who, where to, from which row, how much off.
pub struct NewUse<'a> {
    pub order_id: OrderId,
    pub code_id: i64,
    pub slot: Option<i16>,
    pub user_id: UserId,
    pub street: &'a str,
    pub postcode: &'a str,
    pub country: &'a str,
    pub discount_cents: i64,
}

pub async fn record_use(tx: &mut Transaction<'_, Postgres>, new: &NewUse<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO promo_uses (order_id, code_id, slot, user_id, email_key, address_key, discount_cents)
         SELECT $1, $2, $3, $4, customer_email_key(u.email), customer_address_key($5, $6, $7), $8
         FROM users u WHERE u.id = $4",
        new.order_id as OrderId,
        new.code_id,
        new.slot,
        new.user_id as UserId,
        new.street,
        new.postcode,
        new.country,
        new.discount_cents,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Gives the order's use back, once: its row gets the use again and the
/// customer may use the code again. Returns whether there was one.
pub async fn give_back(tx: &mut Transaction<'_, Postgres>, order_id: OrderId) -> Result<bool, sqlx::Error> {
    let given = sqlx::query!(
        "UPDATE promo_uses SET given_back_at = now()
         WHERE order_id = $1 AND given_back_at IS NULL
         RETURNING code_id, slot",
        order_id as OrderId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(given) = given else {
        return Ok(false);
    };
    if let Some(slot) = given.slot {
        sqlx::query!(
            "UPDATE promo_code_slots SET uses_left = uses_left + 1 WHERE code_id = $1 AND slot = $2",
            given.code_id,
            slot,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

/// Uses left of a limited code (`None` when it has no limit).
pub async fn uses_left(db: impl PgExecutor<'_>, code_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT sum(uses_left)::BIGINT FROM promo_code_slots WHERE code_id = $1",
        code_id,
    )
    .fetch_one(db)
    .await
}

/// A code as the back office writes it.
pub struct NewCode<'a> {
    pub code: &'a PromoCode,
    /// In the shop's zone.
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub category_slugs: &'a [String],
    pub product_slugs: &'a [String],
}

/// Why a code could not be written.
pub enum NotWritten {
    CodeTaken,
    UnknownCategory,
    UnknownProduct,
}

/// Writes a code and spreads its uses over its rows.
pub async fn insert_code(
    tx: &mut Transaction<'_, Postgres>,
    new: &NewCode<'_>,
) -> Result<Result<i64, NotWritten>, sqlx::Error> {
    let categories: Vec<i64> = sqlx::query_scalar!(
        "SELECT id FROM categories WHERE slug = ANY($1)",
        new.category_slugs,
    )
    .fetch_all(&mut **tx)
    .await?;
    if categories.len() != new.category_slugs.len() {
        return Ok(Err(NotWritten::UnknownCategory));
    }
    let products: Vec<i64> =
        sqlx::query_scalar!("SELECT id FROM products WHERE slug = ANY($1)", new.product_slugs)
            .fetch_all(&mut **tx)
            .await?;
    if products.len() != new.product_slugs.len() {
        return Ok(Err(NotWritten::UnknownProduct));
    }
    let (kind, value) = new.code.kind.column();
    let id = sqlx::query_scalar!(
        "INSERT INTO promo_codes (code, kind, value, min_basket_cents, starts_at, ends_at, max_uses,
                                  max_per_customer, category_ids, product_ids, includes_drops)
         VALUES ($1, $2, $3, $4, $5::text::timestamp AT TIME ZONE 'Europe/Paris',
                 $6::text::timestamp AT TIME ZONE 'Europe/Paris', $7, $8, $9, $10, $11)
         ON CONFLICT (code) DO NOTHING RETURNING id",
        new.code.code,
        kind,
        value,
        new.code.min_basket_cents,
        new.starts_at.map(|at| at.to_string()),
        new.ends_at.map(|at| at.to_string()),
        new.code.max_uses,
        new.code.max_per_customer,
        &categories,
        &products,
        new.code.includes_drops,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else {
        return Ok(Err(NotWritten::CodeTaken));
    };
    if let Some(max_uses) = new.code.max_uses {
        let shares = super::model::slots(max_uses);
        let slots: Vec<i16> = (0..).take(shares.len()).collect();
        sqlx::query!(
            "INSERT INTO promo_code_slots (code_id, slot, uses_left)
             SELECT $1, * FROM unnest($2::SMALLINT[], $3::INTEGER[])",
            id,
            &slots,
            &shares,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(Ok(id))
}

/// Offers or withdraws a code; `false` when there is no such code.
pub async fn set_active(db: impl PgExecutor<'_>, id: i64, active: bool) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("UPDATE promo_codes SET active = $2 WHERE id = $1", id, active)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Every code, newest first, with its uses.
pub async fn list_codes(db: impl PgExecutor<'_>) -> Result<Vec<AdminPromoCode>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.code, c.kind, c.value, c.min_basket_cents,
                  (extract(epoch FROM c.starts_at) * 1000)::BIGINT AS starts_ms,
                  (extract(epoch FROM c.ends_at) * 1000)::BIGINT AS ends_ms,
                  c.max_uses, c.max_per_customer, c.category_ids, c.product_ids, c.includes_drops, c.active,
                  (SELECT count(*) FROM promo_uses u WHERE u.code_id = c.id AND u.given_back_at IS NULL) AS "used!",
                  (SELECT sum(uses_left)::BIGINT FROM promo_code_slots s WHERE s.code_id = c.id) AS left,
                  coalesce((SELECT array_agg(name_fr ORDER BY name_fr) FROM categories WHERE id = ANY(c.category_ids)),
                           '{}') AS "categories!",
                  coalesce((SELECT array_agg(slug ORDER BY slug) FROM products WHERE id = ANY(c.product_ids)),
                           '{}') AS "products!"
           FROM promo_codes c ORDER BY c.created_at DESC, c.id DESC LIMIT 500"#,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AdminPromoCode {
            code: PromoCode {
                id: row.id,
                code: row.code,
                kind: PromoKind::from_column(&row.kind, row.value),
                min_basket_cents: row.min_basket_cents,
                starts_ms: row.starts_ms,
                ends_ms: row.ends_ms,
                max_uses: row.max_uses,
                max_per_customer: row.max_per_customer,
                category_ids: row.category_ids,
                product_ids: row.product_ids,
                includes_drops: row.includes_drops,
                active: row.active,
            },
            used: row.used,
            left: row.left,
            categories: row.categories,
            products: row.products,
        })
        .collect())
}
