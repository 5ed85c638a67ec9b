//! The SQL of the drop report: figures read where they live (the queue,
//! orders, basket holds), the room's samples and the refusals (migration
//! 0033), and their writing by the tick (refusals by
//! [`super::report::Refusal::as_str`]).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use super::report::{DropFigures, Sale, Sample};
use crate::ids::DropId;

/// A drop's report as read in one go.
pub struct ReportRows {
    pub name: String,
    pub opens_at: DateTime<Utc>,
    /// When the timeline starts: the room's opening, else the sale's.
    pub starts_at: DateTime<Utc>,
    pub sold_out_at: Option<DateTime<Utc>>,
    pub figures: DropFigures,
}

pub async fn report(db: impl PgExecutor<'_>, drop: DropId) -> Result<Option<ReportRows>, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH lines AS (
               SELECT o.id, o.status, l.quantity
               FROM drop_variants dv
               JOIN order_lines l ON l.product_id = dv.product_id
               JOIN orders o ON o.id = l.order_id
               WHERE dv.drop_id = $1)
           SELECT d.name, d.opens_at AS "opens_at: DateTime<Utc>",
                  least(coalesce(d.room_opens_at, d.opens_at), d.opens_at) AS "starts_at!: DateTime<Utc>",
                  d.sold_out_at AS "sold_out_at: DateTime<Utc>",
                  (SELECT count(*) FROM drop_queue q WHERE q.drop_id = d.id) AS "joined!",
                  (SELECT count(*) FROM drop_queue q WHERE q.drop_id = d.id AND q.admitted_at IS NOT NULL) AS "admitted!",
                  (SELECT coalesce(max(waiting), 0) FROM drop_samples s WHERE s.drop_id = d.id) AS "peak_waiting!",
                  (SELECT count(DISTINCT id) FROM lines WHERE status IN ('paid', 'shipped', 'delivered')) AS "orders!",
                  (SELECT coalesce(sum(quantity), 0) FROM lines WHERE status IN ('paid', 'shipped', 'delivered'))::BIGINT AS "units_sold!",
                  (SELECT count(DISTINCT id) FROM lines WHERE status = 'payment_failed') AS "failed_payments!",
                  (SELECT count(*) FROM basket_lines b JOIN drop_variants dv ON dv.product_id = b.product_id
                    WHERE dv.drop_id = d.id AND b.held_until <= now()) AS "abandoned_holds!",
                  (SELECT coalesce(sum(refusals), 0) FROM drop_refusals r WHERE r.drop_id = d.id AND r.reason = 'throttled')::BIGINT AS "throttled!",
                  (SELECT coalesce(sum(refusals), 0) FROM drop_refusals r WHERE r.drop_id = d.id AND r.reason = 'not_admitted')::BIGINT AS "not_admitted!",
                  (SELECT coalesce(sum(refusals), 0) FROM drop_refusals r WHERE r.drop_id = d.id AND r.reason = 'customer_limit')::BIGINT AS "customer_limit!"
           FROM drops d WHERE d.id = $1"#,
        drop as DropId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| ReportRows {
        name: row.name,
        opens_at: row.opens_at,
        starts_at: row.starts_at,
        sold_out_at: row.sold_out_at,
        figures: DropFigures {
            joined: row.joined,
            admitted: row.admitted,
            peak_waiting: row.peak_waiting,
            orders: row.orders,
            units_sold: row.units_sold,
            failed_payments: row.failed_payments,
            abandoned_holds: row.abandoned_holds,
            refused: [row.throttled, row.not_admitted, row.customer_limit],
        },
    }))
}

/// The room's samples of drop `drop`, in time order.
pub async fn samples(db: impl PgExecutor<'_>, drop: DropId) -> Result<Vec<Sample>, sqlx::Error> {
    sqlx::query_as!(
        Sample,
        r#"SELECT at AS "at: DateTime<Utc>", waiting, admitted FROM drop_samples WHERE drop_id = $1 ORDER BY at"#,
        drop as DropId,
    )
    .fetch_all(db)
    .await
}

/// The paid orders of the drop's variants: when, and how many units.
pub async fn sales(db: impl PgExecutor<'_>, drop: DropId) -> Result<Vec<Sale>, sqlx::Error> {
    sqlx::query_as!(
        Sale,
        r#"SELECT o.created_at AS "at: DateTime<Utc>", sum(l.quantity)::BIGINT AS "units!"
           FROM drop_variants dv
           JOIN order_lines l ON l.product_id = dv.product_id
           JOIN orders o ON o.id = l.order_id
           WHERE dv.drop_id = $1 AND o.status IN ('paid', 'shipped', 'delivered')
           GROUP BY o.id, o.created_at ORDER BY o.created_at"#,
        drop as DropId,
    )
    .fetch_all(db)
    .await
}

/// Writes this minute's sample of every room between its opening and ten
/// minutes after its drop sold out, unless an instance did already: the
/// counts run only for a room without this minute's sample.
pub async fn sample_rooms(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let written = sqlx::query!(
        "INSERT INTO drop_samples (drop_id, at, waiting, admitted)
         SELECT d.id, date_trunc('minute', now()),
                CASE WHEN d.sold_out_at IS NULL
                     THEN (SELECT count(*) FROM drop_queue q WHERE q.drop_id = d.id AND q.admitted_at IS NULL)
                     ELSE 0 END,
                (SELECT count(*) FROM drop_queue q WHERE q.drop_id = d.id AND q.admitted_at IS NOT NULL)
         FROM drops d
         WHERE least(coalesce(d.room_opens_at, d.opens_at), d.opens_at) <= now()
           AND d.opens_at > now() - interval '7 days'
           AND (d.sold_out_at IS NULL OR d.sold_out_at > now() - interval '10 minutes')
           AND NOT EXISTS (SELECT 1 FROM drop_samples s
                            WHERE s.drop_id = d.id AND s.at = date_trunc('minute', now()))
         ON CONFLICT (drop_id, at) DO NOTHING",
    )
    .execute(db)
    .await?;
    Ok(written.rows_affected())
}

/// Adds refusals counted in memory to this minute's rows (drops deleted
/// meanwhile are left out).
/// `counted`: ((drop, [`Refusal::as_str`]), refusals).
pub async fn add_refusals(
    db: impl PgExecutor<'_>,
    counted: &[((i64, &str), i64)],
) -> Result<(), sqlx::Error> {
    let drops: Vec<i64> = counted.iter().map(|((drop, _), _)| *drop).collect();
    let reasons: Vec<&str> = counted.iter().map(|((_, reason), _)| *reason).collect();
    let counts: Vec<i64> = counted.iter().map(|(_, count)| *count).collect();
    sqlx::query!(
        "INSERT INTO drop_refusals (drop_id, reason, at, refusals)
         SELECT t.drop_id, t.reason, date_trunc('minute', now()), t.refusals
         FROM unnest($1::BIGINT[], $2::TEXT[], $3::BIGINT[]) AS t(drop_id, reason, refusals)
         WHERE EXISTS (SELECT 1 FROM drops d WHERE d.id = t.drop_id)
         ON CONFLICT (drop_id, reason, at) DO UPDATE SET refusals = drop_refusals.refusals + EXCLUDED.refusals",
        &drops,
        &reasons as &[&str],
        &counts,
    )
    .execute(db)
    .await?;
    Ok(())
}
