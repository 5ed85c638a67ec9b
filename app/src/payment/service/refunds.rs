//! Paying back cancelled orders, once each: the provider is asked outside
//! any transaction, and a refund it did not confirm is owed and retried.

use crate::error::AppError;
use crate::ids::OrderId;
use crate::mail::{model::MailKind, outbox};
use crate::payment::db;
use crate::state::AppState;

/// Pays back a cancelled order, once: `Ok(true)` when this call refunded
/// it. Safe to call again and concurrently (the cancel itself, the retry
/// loop on every instance): the provider refunds a charge at most once
/// (see `PaymentGateway::refund`), and the payment row records one refund.
pub async fn refund_cancelled_order(state: &AppState, order_id: OrderId) -> Result<bool, AppError> {
    let Some((reference, amount_cents)) = db::find_owed_refund(&state.pool, order_id).await? else {
        return Ok(false);
    };
    let key = format!("refund-order-{order_id}");
    let asked = tokio::time::timeout(
        REFUND_TIMEOUT,
        state.payments.refund(&reference, amount_cents, &key),
    )
    .await;
    let refund = match asked {
        Ok(Ok(refund)) => refund,
        Ok(Err(error)) => return Err(refund_failed(state, order_id, error.to_string()).await),
        Err(elapsed) => return Err(refund_failed(state, order_id, elapsed.to_string()).await),
    };
    let mut tx = state.pool.begin().await?;
    let recorded = db::record_refund(&mut *tx, order_id, &refund).await?;
    if recorded {
        outbox::enqueue_order_mail(&mut *tx, order_id.0, MailKind::OrderRefunded).await?;
    }
    tx.commit().await?;
    if recorded {
        tracing::info!(order_id = order_id.0, "payment refunded");
    }
    Ok(recorded)
}

/// How long the provider may take to answer a refund before the try counts
/// as failed (and is retried later).
const REFUND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

async fn refund_failed(state: &AppState, order_id: OrderId, error: String) -> AppError {
    tracing::error!(%error, order_id = order_id.0, "refund failed; it will be retried");
    if let Err(error) = db::record_refund_failure(&state.pool, order_id).await {
        tracing::error!(%error, order_id = order_id.0, "could not note the failed refund");
    }
    AppError::Internal
}

/// Retries the refunds the provider has not confirmed yet; returns how
/// many were paid back. Run every few minutes by the server.
pub async fn retry_owed_refunds(state: &AppState) -> Result<usize, AppError> {
    let mut refunded = 0;
    for order_id in db::orders_owed_a_refund(&state.pool, 100).await? {
        if refund_cancelled_order(state, order_id).await.unwrap_or(false) {
            refunded += 1;
        }
    }
    Ok(refunded)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use sqlx::PgPool;

    use super::*;
    use crate::ids::{ProductId, UserId};
    use crate::inventory::db as inventory;
    use crate::payment::gateway::{
        LookupFuture, PaymentError, PaymentFuture, PaymentGateway, RefundFuture, TestCardProcessor,
    };
    use crate::payment::model::{Card, OrderStatus, Refund};
    use crate::payment::service::set_order_status;
    use crate::state::AuthSettings;

    /// A provider that is down for its first `outages` refund calls.
    struct ProviderDown {
        cards: TestCardProcessor,
        outages: usize,
        refund_calls: AtomicUsize,
        keys: std::sync::Mutex<Vec<String>>,
    }

    impl PaymentGateway for ProviderDown {
        fn charge<'a>(&'a self, amount_cents: i64, card: &'a Card, key: &'a str) -> PaymentFuture<'a> {
            self.cards.charge(amount_cents, card, key)
        }

        fn find_or_void<'a>(&'a self, key: &'a str) -> LookupFuture<'a> {
            self.cards.find_or_void(key)
        }

        fn refund<'a>(&'a self, reference: &'a str, amount_cents: i64, key: &'a str) -> RefundFuture<'a> {
            self.keys.lock().expect("keys").push(key.to_owned());
            let call = self.refund_calls.fetch_add(1, Ordering::SeqCst);
            if call < self.outages {
                Box::pin(async { Err(PaymentError::Unavailable) })
            } else {
                self.cards.refund(reference, amount_cents, key)
            }
        }
    }

    /// An admin, and a paid order of 2 units of a product left with 3.
    async fn paid_order(pool: &PgPool) -> (i64, i64, i64) {
        let row = sqlx::query!(
            r#"WITH admin AS (
                 INSERT INTO users (username, email, password_hash, first_name, last_name, role)
                 VALUES ('boss', 'boss@example.com', 'x', 'B', 'Oss', 'admin') RETURNING id),
             category AS (
                 INSERT INTO categories (slug, name_fr, name_en) VALUES ('consoles', 'Consoles', 'Consoles')
                 RETURNING id),
             product AS (
                 INSERT INTO products (slug, name, category_id, price_cents, stock, image_path)
                 SELECT 'console', 'Console', id, 50000, 3, '/p.svg' FROM category RETURNING id),
             placed AS (
                 INSERT INTO orders (user_id, idempotency_key, total_cents, ship_name, ship_street,
                                     ship_postcode, ship_city, ship_country, card_brand, card_last4)
                 SELECT id, 'order-key-1', 100000, 'Ada', '1 rue', '75001', 'Paris', 'France', 'Visa', '4242'
                 FROM admin RETURNING id)
             SELECT (SELECT id FROM admin) AS "admin!", (SELECT id FROM product) AS "product!",
                    (SELECT id FROM placed) AS "order!""#,
        )
        .fetch_one(pool)
        .await
        .expect("order");
        let (admin, product, order) = (row.admin, row.product, row.order);
        sqlx::query!(
            "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity)
             VALUES ($1, $2, 'Console', 50000, 2)",
            order,
            product,
        )
        .execute(pool)
        .await
        .expect("line");
        sqlx::query!(
            "INSERT INTO payments (order_id, amount_cents, provider_reference) VALUES ($1, 100000, 'ch_1')",
            order,
        )
        .execute(pool)
        .await
        .expect("payment");
        sqlx::query!(
            "INSERT INTO test_provider.charges (idempotency_key, outcome, amount_cents, reference)
             VALUES ('wm-checkout-1', 'succeeded', 100000, 'ch_1')",
        )
        .execute(pool)
        .await
        .expect("the provider's record");
        (admin, product, order)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_archived_product_cannot_be_taken(pool: PgPool) {
        let (admin, product, _) = paid_order(&pool).await;
        sqlx::query!("UPDATE products SET archived_at = now() WHERE id = $1", product)
            .execute(&pool)
            .await
            .expect("archive");
        let mut tx = pool.begin().await.expect("tx");
        assert_eq!(
            inventory::take_stock(&mut tx, ProductId(product), 1, UserId(admin))
                .await
                .expect("take"),
            None
        );
        tx.commit().await.expect("commit");
        let stock: i32 = sqlx::query_scalar!("SELECT stock FROM products WHERE id = $1", product)
            .fetch_one(&pool)
            .await
            .expect("stock");
        assert_eq!(stock, 3, "nothing was taken");
    }

    async fn refund_of(pool: &PgPool, order: i64) -> Option<Refund> {
        db::find_order(pool, OrderId(order))
            .await
            .expect("order")
            .expect("exists")
            .1
            .refund
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_refund_the_provider_could_not_make_is_owed_then_paid_once(pool: PgPool) {
        let (admin, product, order) = paid_order(&pool).await;
        assert_eq!(refund_of(&pool, order).await, None, "a paid order owes nothing");
        let gateway = Arc::new(ProviderDown {
            cards: TestCardProcessor::new(pool.clone(), std::time::Duration::ZERO),
            outages: 2,
            refund_calls: AtomicUsize::new(0),
            keys: std::sync::Mutex::new(Vec::new()),
        });
        let mut state = AppState::new(pool.clone(), "http://shop.test", AuthSettings::default());
        state.payments = gateway.clone();

        set_order_status(&state, UserId(admin), OrderId(order), OrderStatus::Cancelled)
            .await
            .expect("the cancellation stands while the provider is down");
        let stock: i32 = sqlx::query_scalar!("SELECT stock FROM products WHERE id = $1", product)
            .fetch_one(&pool)
            .await
            .expect("stock");
        assert_eq!(stock, 5, "the 2 units are back on sale");
        assert_eq!(refund_of(&pool, order).await, Some(Refund::Pending));

        assert_eq!(retry_owed_refunds(&state).await.expect("retry"), 0, "still down");
        assert_eq!(refund_of(&pool, order).await, Some(Refund::Pending));
        let attempts: i32 =
            sqlx::query_scalar!("SELECT refund_attempts FROM payments WHERE order_id = $1", order)
                .fetch_one(&pool)
                .await
                .expect("attempts");
        assert_eq!(attempts, 2, "both failed tries are noted");
        assert_eq!(retry_owed_refunds(&state).await.expect("retry"), 1);
        assert_eq!(refund_of(&pool, order).await, Some(Refund::Done));
        assert_eq!(
            retry_owed_refunds(&state).await.expect("retry"),
            0,
            "nothing left owed"
        );
        assert!(!refund_cancelled_order(&state, OrderId(order))
            .await
            .expect("again"));
        assert_eq!(
            gateway.refund_calls.load(Ordering::SeqCst),
            3,
            "no call once refunded"
        );
        let key = format!("refund-order-{order}");
        assert_eq!(
            *gateway.keys.lock().expect("keys"),
            [key.clone(), key.clone(), key],
            "one key for every try"
        );
        let reference: Option<String> =
            sqlx::query_scalar!("SELECT refund_reference FROM payments WHERE order_id = $1", order)
                .fetch_one(&pool)
                .await
                .expect("payment");
        assert_eq!(reference.as_deref(), Some("refund_ch_1_100000"));
    }
}
