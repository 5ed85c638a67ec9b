//! SQL that reads orders: an owner's list, one order in full, the back
//! office's pages, and the backlog the operator's metrics count.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::delivery::model::OrderDelivery;
use crate::ids::{OrderId, UserId};
use crate::payment::model::{
    OrderDetail, OrderLine, OrderListItem, OrderStatus, OrderSummary, Refund, ShippingAddress,
    ORDERS_PER_PAGE,
};

/// An order's summary as the database has it (`query_as!` fills it); the
/// model carries its time as RFC 3339 text. Its time is read as chrono's
/// `DateTime<Utc>` by name (`created_at AS "created_at: DateTime<Utc>"`):
/// the server build also turns on sqlx's `time` feature, with which the
/// query macros would otherwise give `time::OffsetDateTime`.
pub(super) struct OrderSummaryRow {
    pub(super) id: i64,
    pub(super) status: OrderStatus,
    pub(super) total_cents: i64,
    pub(super) created_at: DateTime<Utc>,
}

impl From<OrderSummaryRow> for OrderSummary {
    fn from(row: OrderSummaryRow) -> Self {
        Self {
            id: row.id,
            status: row.status,
            total_cents: row.total_cents,
            created_at: row.created_at.to_rfc3339(),
        }
    }
}

/// The user's orders, newest first; attempts whose payment failed are not
/// orders to the shopper.
pub async fn list_orders_of(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let rows = sqlx::query_as!(
        OrderSummaryRow,
        r#"SELECT id, status AS "status: OrderStatus", total_cents,
                  created_at AS "created_at: DateTime<Utc>" FROM orders
           WHERE user_id = $1 AND status <> 'payment_failed'
           ORDER BY created_at DESC, id DESC LIMIT 100"#,
        user_id as UserId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(OrderSummary::from).collect())
}

/// An order and the id of its owner, or `None` when there is no such order.
pub async fn find_order(
    db: &sqlx::PgPool,
    order_id: OrderId,
) -> Result<Option<(UserId, OrderDetail)>, sqlx::Error> {
    // `refunded`: for a cancelled order whose payment exists, whether it was refunded.
    let Some(row) = sqlx::query!(
        r#"SELECT o.id, o.status AS "status: OrderStatus", o.total_cents,
                  o.created_at AS "created_at: DateTime<Utc>",
                  o.user_id AS "user_id: UserId", u.username AS customer,
                  o.ship_name, o.ship_street, o.ship_postcode, o.ship_city, o.ship_country,
                  o.card_brand, o.card_last4,
                  o.delivery_method_id, o.delivery_name_fr, o.delivery_name_en, o.delivery_cents,
                  o.promo_code, o.discount_cents,
                  CASE WHEN o.status = 'cancelled' THEN p.refunded_at IS NOT NULL END AS refunded
           FROM orders o JOIN users u ON u.id = o.user_id
           LEFT JOIN payments p ON p.order_id = o.id
           WHERE o.id = $1"#,
        order_id as OrderId,
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as!(
        OrderLine,
        "SELECT p.slug AS product_slug, l.product_name, l.unit_price_cents, l.quantity, l.vat_rate_bp, l.discount_cents
         FROM order_lines l JOIN products p ON p.id = l.product_id
         WHERE l.order_id = $1 ORDER BY l.product_id",
        order_id as OrderId,
    )
    .fetch_all(db)
    .await?;
    let documents = crate::invoices::db::documents_of(db, order_id).await?;
    let detail = OrderDetail {
        summary: OrderSummaryRow {
            id: row.id,
            status: row.status,
            total_cents: row.total_cents,
            created_at: row.created_at,
        }
        .into(),
        customer: row.customer,
        address: ShippingAddress {
            name: row.ship_name,
            street: row.ship_street,
            postcode: row.ship_postcode,
            city: row.ship_city,
            country: row.ship_country,
        },
        card_brand: row.card_brand,
        card_last4: row.card_last4,
        lines,
        delivery: row.delivery_method_id.map(|_| OrderDelivery {
            name_fr: row.delivery_name_fr,
            name_en: row.delivery_name_en,
            cost_cents: row.delivery_cents,
        }),
        promo: row.promo_code.map(|code| (code, row.discount_cents)),
        refund: row
            .refunded
            .map(|done| if done { Refund::Done } else { Refund::Pending }),
        documents,
    };
    Ok(Some((row.user_id, detail)))
}

/// One page of every order (or those with `status`), newest first, and how
/// many there are in all.
pub async fn list_orders(
    db: impl PgExecutor<'_>,
    status: Option<OrderStatus>,
    user_id: Option<UserId>,
    page: u32,
) -> Result<(Vec<OrderListItem>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.status AS "status: OrderStatus", o.total_cents,
                  o.created_at AS "created_at: DateTime<Utc>", u.username AS customer,
                  (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS "item_count!",
                  count(*) OVER () AS "total_count!"
           FROM orders o JOIN users u ON u.id = o.user_id
           WHERE ($1::text IS NULL OR o.status = $1) AND ($4::bigint IS NULL OR o.user_id = $4)
           ORDER BY o.created_at DESC, o.id DESC
           LIMIT $2 OFFSET $3"#,
        status as Option<OrderStatus>,
        ORDERS_PER_PAGE,
        i64::from(page.saturating_sub(1)) * ORDERS_PER_PAGE,
        user_id as Option<UserId>,
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total_count);
    let orders = rows
        .into_iter()
        .map(|row| OrderListItem {
            summary: OrderSummaryRow {
                id: row.id,
                status: row.status,
                total_cents: row.total_cents,
                created_at: row.created_at,
            }
            .into(),
            customer: row.customer,
            item_count: row.item_count,
        })
        .collect();
    Ok((orders, total))
}

/// The summary of an order.
pub async fn order_summary(db: impl PgExecutor<'_>, order_id: OrderId) -> Result<OrderSummary, sqlx::Error> {
    sqlx::query_as!(
        OrderSummaryRow,
        r#"SELECT id, status AS "status: OrderStatus", total_cents,
                  created_at AS "created_at: DateTime<Utc>" FROM orders WHERE id = $1"#,
        order_id as OrderId,
    )
    .fetch_one(db)
    .await
    .map(OrderSummary::from)
}

/// How many orders await payment, and how many cancelled orders still owe
/// a refund (for the operator's metrics).
pub async fn backlog(db: &sqlx::PgPool) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM orders WHERE status = 'awaiting_payment') AS "awaiting_payment!",
                  (SELECT count(*) FROM orders o JOIN payments p ON p.order_id = o.id
                   WHERE o.status = 'cancelled' AND p.refunded_at IS NULL) AS "refunds_owed!""#,
    )
    .fetch_one(db)
    .await?;
    Ok((row.awaiting_payment, row.refunds_owed))
}
