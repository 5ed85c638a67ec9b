//! SQL of the dashboard.

use sqlx::PgPool;

use super::model::{Dashboard, LOW_STOCK};
use crate::auth::db::{UserRow, USER_COLUMNS};
use crate::operator::audit;
use crate::products::model::ProductSummary;

pub async fn dashboard(pool: &PgPool, auth: &crate::state::AuthSettings) -> Result<Dashboard, sqlx::Error> {
    // "Today" is the shop's day in Paris.
    let (orders_today, revenue_today_cents): (i64, i64) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(total_cents), 0)::bigint FROM orders
         WHERE status IN ('paid', 'shipped', 'delivered')
           AND created_at >= date_trunc('day', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris'",
    )
    .fetch_one(pool)
    .await?;
    let stock_list = |condition: &'static str| async move {
        sqlx::query_as::<_, (i64, String, String, i64, i32, String)>(&format!(
            "SELECT id, slug, name, price_cents, stock, image_path FROM listed_products
             WHERE {condition} ORDER BY stock, name LIMIT 20"
        ))
        .bind(LOW_STOCK)
        .fetch_all(pool)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(
                    |(id, slug, name, price_cents, stock, image_path)| ProductSummary {
                        id,
                        slug,
                        name,
                        price_cents,
                        stock,
                        image_path,
                    },
                )
                .collect::<Vec<_>>()
        })
    };
    let low_stock = stock_list("stock BETWEEN 1 AND $1").await?;
    let sold_out = stock_list("stock = 0 AND $1 > 0").await?;
    let newest_users = sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 5"
    ))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Into::into)
    .collect();
    let since = chrono::Utc::now() - auth.failure_window;
    let accounts_under_attack =
        crate::auth::db::accounts_under_attack(pool, since, auth.alert_after_failures).await?;
    Ok(Dashboard {
        accounts_under_attack,
        orders_today,
        revenue_today_cents,
        low_stock,
        sold_out,
        newest_users,
        audit: audit::recent(pool, 15).await?,
    })
}
