//! SQL of stock: what can be bought, the row locks that serialise holds
//! and checkouts of one product, taking units at checkout and giving them
//! back, and what a customer already bought.
//!
//! Lock order: product rows are locked in id order (a checkout's lines come
//! in product order, a return and the login merge lock theirs sorted), so
//! checkouts, returns and holds cannot deadlock one another.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::MAX_STOCK;
use crate::ids::{OrderId, ProductId, UserId};

/// What a basket needs to know of a product to cap a line.
#[derive(Debug)]
pub struct ProductLimits {
    pub name: String,
    /// What the basket's owner can have: the stock others can buy, plus
    /// what the owner's line holds.
    pub stock: i32,
    pub max_per_order: i32,
    pub price_cents: i64,
    /// Minutes an account's basket holds the units of this product (a drop).
    pub hold_minutes: Option<i32>,
    /// The owner's line holds units now.
    pub held_by_owner: bool,
    /// Most units one customer may buy, and what the account already has
    /// in orders (none for a guest's basket).
    pub max_per_customer: Option<i32>,
    pub bought: i32,
}

/// The limits of `product_id` for the basket of the account `account`
/// (`None` for a guest's basket: only an account's line holds units).
pub async fn product_limits(
    db: impl PgExecutor<'_>,
    product_id: ProductId,
    account: Option<UserId>,
) -> Result<Option<ProductLimits>, sqlx::Error> {
    // The view's columns read as nullable; those of a listed product are not.
    sqlx::query_as!(
        ProductLimits,
        r#"SELECT variant_name(p.name, p.option_values) AS "name!", p.max_per_order AS "max_per_order!", p.price_cents AS "price_cents!",
                  p.hold_minutes,
                  p.stock + coalesce(own.quantity, 0) AS "stock!",
                  own.quantity IS NOT NULL AS "held_by_owner!",
                  p.max_per_customer,
                  CASE WHEN p.max_per_customer IS NOT NULL AND $2::BIGINT IS NOT NULL
                       THEN account_bought(p.id, $2) ELSE 0 END AS "bought!"
           FROM listed_products p
           LEFT JOIN basket_lines own
                  ON own.user_id = $2 AND own.product_id = p.id AND own.held_until > now()
           WHERE p.id = $1"#,
        product_id as ProductId,
        account as Option<UserId>,
    )
    .fetch_optional(db)
    .await
}

/// The units on the shelf of a product on sale (holds included), or `None`
/// for an unknown or archived product.
pub async fn shelf_stock(db: impl PgExecutor<'_>, product_id: ProductId) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT stock FROM products WHERE id = $1 AND archived_at IS NULL",
        product_id as ProductId,
    )
    .fetch_optional(db)
    .await
}

/// What others can buy now of each of these products (an archived one
/// reads 0): what live pages show as "Plus que 3" or "Épuisé".
pub async fn buyable(
    db: impl PgExecutor<'_>,
    products: &[ProductId],
) -> Result<Vec<(ProductId, i32)>, sqlx::Error> {
    let ids: Vec<i64> = products.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT p.id, coalesce(l.stock, 0) AS "stock!"
           FROM products p LEFT JOIN listed_products l ON l.id = p.id
           WHERE p.id = ANY($1)"#,
        &ids,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (ProductId(row.id), row.stock))
        .collect())
}

/// The products whose basket holds ran out in the last `seconds` seconds:
/// a hold's end writes nothing, so live pages learn of it by asking.
pub async fn holds_ended(db: impl PgExecutor<'_>, seconds: f64) -> Result<Vec<ProductId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT product_id AS "product_id: ProductId" FROM basket_lines
           WHERE held_until > now() - make_interval(secs => $1) AND held_until <= now()"#,
        seconds,
    )
    .fetch_all(db)
    .await
}

/// Locks the rows of the products in a guest's basket, in id order (as
/// every product lock is taken), before the login merge moves its lines
/// into an account's basket, whose held lines may grow.
pub async fn lock_products_of_guest_basket(
    tx: &mut Transaction<'_, Postgres>,
    guest_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT p.id FROM products p JOIN guest_basket_lines g ON g.product_id = p.id
         WHERE g.guest_id = $1 ORDER BY p.id FOR UPDATE OF p",
        guest_id,
    )
    .fetch_all(&mut **tx)
    .await
    .map(drop)
}

/// Locks the product's row until the transaction ends: holds of one
/// product are placed one at a time, so they never promise more than the
/// shelf has.
pub async fn lock_product(
    tx: &mut Transaction<'_, Postgres>,
    product_id: ProductId,
) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT 1 FROM products WHERE id = $1 FOR UPDATE",
        product_id as ProductId
    )
    .fetch_all(&mut **tx)
    .await
    .map(drop)
}

/// What a checkout took of one product, read from its locked row.
#[derive(Debug, PartialEq, Eq)]
pub struct Taken {
    pub name: String,
    pub price_cents: i64,
    pub max_per_customer: Option<i32>,
    /// The VAT rate the units are sold at, in basis points.
    pub vat_rate_bp: i32,
    /// The shipping weight of one unit.
    pub weight_grams: i32,
    /// The buyer's hold on these units, still running, that the order
    /// took over (given back if the payment fails).
    pub held_until: Option<DateTime<Utc>>,
}

/// Takes `quantity` units for `user_id` if that many are left besides what
/// other baskets hold and the product is still on sale, or returns `None`
/// (and takes nothing) when stock is short or the product was archived
/// meanwhile. What the buyer's own line held becomes the order's. The row
/// stays locked until the transaction ends, so checkouts of one product
/// count its buyers in turn.
pub async fn take_stock(
    tx: &mut Transaction<'_, Postgres>,
    product_id: ProductId,
    quantity: i32,
    user_id: UserId,
) -> Result<Option<Taken>, sqlx::Error> {
    // A sold-out product is refused without waiting for its row: in a drop
    // most buyers come after the last unit, and would otherwise queue for
    // the lock one by one. (Reading a unit as gone a moment before it came
    // back is the same as arriving a moment earlier.)
    let available: Option<i32> = sqlx::query_scalar!(
        r#"SELECT p.stock + coalesce((SELECT quantity FROM basket_lines
                                      WHERE user_id = $2 AND product_id = $1 AND held_until > now()), 0)
                  AS "available!"
           FROM listed_products p WHERE p.id = $1"#,
        product_id as ProductId,
        user_id as UserId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if available.is_none_or(|available| available == 0) {
        return Ok(None);
    }
    // Lock first: the next statement's snapshot then sees every hold placed
    // before this checkout (holds are placed under the same lock).
    lock_product(tx, product_id).await?;
    let taken = sqlx::query!(
        r#"UPDATE products p SET stock = p.stock - $2
         WHERE p.id = $1 AND p.archived_at IS NULL
           AND p.stock - coalesce((SELECT held FROM held_units WHERE product_id = $1), 0)
               + coalesce((SELECT quantity FROM basket_lines
                           WHERE user_id = $3 AND product_id = $1 AND held_until > now()), 0) >= $2
         RETURNING variant_name(p.name, p.option_values) AS "name!", p.price_cents, p.max_per_customer,
                   product_vat_rate(p.id) AS "vat_rate_bp!", p.weight_grams"#,
        product_id as ProductId,
        quantity,
        user_id as UserId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(taken) = taken else {
        return Ok(None);
    };
    let held_until: Option<Option<DateTime<Utc>>> = sqlx::query_scalar!(
        r#"WITH running AS (SELECT held_until FROM basket_lines
                          WHERE user_id = $1 AND product_id = $2 AND held_until > now())
         UPDATE basket_lines SET held_until = NULL WHERE user_id = $1 AND product_id = $2
         RETURNING (SELECT held_until FROM running) AS "held_until: DateTime<Utc>""#,
        user_id as UserId,
        product_id as ProductId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(Some(Taken {
        name: taken.name,
        price_cents: taken.price_cents,
        max_per_customer: taken.max_per_customer,
        vat_rate_bp: taken.vat_rate_bp,
        weight_grams: taken.weight_grams,
        held_until: held_until.flatten(),
    }))
}

/// Gives the buyer back the holds of a released order that are still
/// running (the product rows are locked by [`return_stock`]).
pub async fn restore_holds(tx: &mut Transaction<'_, Postgres>, order_id: OrderId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE basket_lines b SET held_until = l.held_until
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.order_id = $1 AND b.user_id = o.user_id AND b.product_id = l.product_id
           AND l.held_until > now()",
        order_id as OrderId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The parts of a shipping address that tell one customer from another
/// (`customer_address_key` in the database).
#[derive(Debug, Clone, Copy)]
pub struct CustomerAddress<'a> {
    pub street: &'a str,
    pub postcode: &'a str,
    pub country: &'a str,
}

/// Units of `product_id` that the buyer already has in orders that are not
/// cancelled or failed (orders awaiting payment count): by this account, by any account of the same e-mail address
/// (without its "+tag"), or shipped to the same address.
pub async fn bought_by_customer(
    tx: &mut Transaction<'_, Postgres>,
    product_id: ProductId,
    user_id: UserId,
    address: CustomerAddress<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(SUM(l.quantity), 0)::BIGINT AS "bought!"
           FROM order_lines l
         JOIN orders o ON o.id = l.order_id
         JOIN users u ON u.id = o.user_id
         WHERE l.product_id = $1 AND o.status NOT IN ('cancelled', 'payment_failed')
           AND (o.user_id = $2
                OR customer_email_key(u.email) = (SELECT customer_email_key(email) FROM users WHERE id = $2)
                OR customer_address_key(o.ship_street, o.ship_postcode, o.ship_country)
                   = customer_address_key($3, $4, $5))"#,
        product_id as ProductId,
        user_id as UserId,
        address.street,
        address.postcode,
        address.country,
    )
    .fetch_one(&mut **tx)
    .await
}

/// Puts the order's units back on the shelf, locking the products in id
/// order as checkout does, so the two cannot deadlock.
pub async fn return_stock(tx: &mut Transaction<'_, Postgres>, order_id: OrderId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT p.id FROM products p JOIN order_lines l ON l.product_id = p.id
         WHERE l.order_id = $1 ORDER BY p.id FOR UPDATE OF p",
        order_id as OrderId,
    )
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE products p SET stock = p.stock + l.quantity
         FROM order_lines l WHERE l.order_id = $1 AND p.id = l.product_id",
        order_id as OrderId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Adds `delta` units (negative to remove) unless that would leave the
/// stock outside 0 to [`MAX_STOCK`]; the new stock, or `None` when refused
/// or unknown.
pub async fn adjust_stock(
    tx: &mut Transaction<'_, Postgres>,
    id: ProductId,
    delta: i32,
) -> Result<Option<i32>, sqlx::Error> {
    // PostgreSQL reads $2 and $3 as BIGINT (next to `stock::bigint`): the
    // bounds are checked without overflow, and the new stock fits INTEGER.
    sqlx::query_scalar!(
        "UPDATE products SET stock = stock + $2 WHERE id = $1 AND stock::bigint + $2 BETWEEN 0 AND $3 RETURNING stock",
        id as ProductId,
        i64::from(delta),
        i64::from(MAX_STOCK),
    )
    .fetch_optional(&mut **tx)
    .await
}
