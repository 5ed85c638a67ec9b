//! SQL of the dashboard.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::model::{Dashboard, LOW_STOCK};
use crate::auth::db::UserRow;
use crate::operator::audit;
use crate::products::model::ProductSummary;

pub async fn dashboard(pool: &PgPool, auth: &crate::state::AuthSettings) -> Result<Dashboard, sqlx::Error> {
    // "Today" is the shop's day in Paris.
    let today = sqlx::query!(
        r#"SELECT count(*) AS "orders_today!", coalesce(sum(total_cents), 0)::bigint AS "revenue_today_cents!"
           FROM orders
           WHERE status IN ('paid', 'shipped', 'delivered')
             AND created_at >= date_trunc('day', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris'"#,
    )
    .fetch_one(pool)
    .await?;
    let low_stock = sqlx::query_as!(
        ProductSummary,
        r#"SELECT id AS "id!", slug AS "slug!", variant_name(name, option_values) AS "name!",
                  coalesce(variant_name(nullif(name_en, ''), option_values_en), '') AS "name_en!",
                  price_cents AS "price_cents!", false AS "from_price!", false AS "has_variants!", stock AS "stock!", image_path AS "image_path!"
           FROM listed_products
           WHERE stock BETWEEN 1 AND $1 ORDER BY stock, name LIMIT 20"#,
        LOW_STOCK,
    )
    .fetch_all(pool)
    .await?;
    let sold_out = sqlx::query_as!(
        ProductSummary,
        r#"SELECT id AS "id!", slug AS "slug!", variant_name(name, option_values) AS "name!",
                  coalesce(variant_name(nullif(name_en, ''), option_values_en), '') AS "name_en!",
                  price_cents AS "price_cents!", false AS "from_price!", false AS "has_variants!", stock AS "stock!", image_path AS "image_path!"
           FROM listed_products
           WHERE stock = 0 AND $1 > 0 ORDER BY stock, name LIMIT 20"#,
        LOW_STOCK,
    )
    .fetch_all(pool)
    .await?;
    let newest_users = sqlx::query_as!(
        UserRow,
        r#"SELECT id, username, email, first_name, last_name, role,
                  created_at AS "created_at: DateTime<Utc>",
                  email_verified_at AS "email_verified_at: DateTime<Utc>"
           FROM users WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 5"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Into::into)
    .collect();
    let since = Utc::now() - auth.failure_window;
    let accounts_under_attack =
        crate::auth::db::accounts_under_attack(pool, since, auth.alert_after_failures).await?;
    Ok(Dashboard {
        accounts_under_attack,
        orders_today: today.orders_today,
        revenue_today_cents: today.revenue_today_cents,
        low_stock,
        sold_out,
        newest_users,
        audit: audit::recent(pool, 15).await?,
    })
}
