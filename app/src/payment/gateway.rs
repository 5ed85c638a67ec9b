//! The payment provider behind a trait, and the built-in test processor
//! (like a provider's test mode): documented card numbers that succeed, are
//! declined, lack funds, or charge and then lose the answer. A real
//! provider plugs in behind the same trait.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use sqlx::PgPool;

use super::model::Card;

/// Test cards of the built-in processor (any future expiry, any CVC).
pub const TEST_CARD_SUCCEEDS: &str = "4242 4242 4242 4242";
pub const TEST_CARD_DECLINED: &str = "4000 0000 0000 0002";
pub const TEST_CARD_INSUFFICIENT_FUNDS: &str = "4000 0000 0000 9995";
/// Charged, then the answer never comes (the shop's wait times out).
pub const TEST_CARD_CHARGED_THEN_TIMEOUT: &str = "4000 0000 0000 0259";
/// Charged, then the connection drops before the answer.
pub const TEST_CARD_CHARGED_THEN_CONNECTION_LOST: &str = "4000 0000 0000 0341";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReceipt {
    /// The provider's reference of the charge.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("the card was declined")]
    Declined,
    #[error("insufficient funds")]
    InsufficientFunds,
    /// The provider answered that it did not charge (it is down, or the
    /// key was voided).
    #[error("the payment provider did not charge")]
    Unavailable,
    /// No answer came back: the card may or may not have been charged. Ask
    /// [`PaymentGateway::find_or_void`].
    #[error("the payment provider's answer was lost")]
    AnswerLost,
}

pub type PaymentFuture<'a> = Pin<Box<dyn Future<Output = Result<PaymentReceipt, PaymentError>> + Send + 'a>>;

/// What became of a charge: `Some` when the key was charged, `None` when
/// it was not (and now never will be).
pub type LookupFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<PaymentReceipt>, PaymentError>> + Send + 'a>>;

/// A refund's reference at the provider, or why it failed.
pub type RefundFuture<'a> = Pin<Box<dyn Future<Output = Result<String, PaymentError>> + Send + 'a>>;

pub trait PaymentGateway: Send + Sync {
    /// Charges `amount_cents` euro cents. The same `idempotency_key` always
    /// names the same charge: a retry never charges twice.
    fn charge<'a>(&'a self, amount_cents: i64, card: &'a Card, idempotency_key: &'a str)
        -> PaymentFuture<'a>;

    /// The charge made under `idempotency_key`, if any; when there is none,
    /// the key is voided so that a charge still on its way is refused. The
    /// shop asks this when it lost a charge's answer (a time-out, a crash).
    fn find_or_void<'a>(&'a self, idempotency_key: &'a str) -> LookupFuture<'a>;

    /// Pays back `amount_cents` of the charge `reference` (a cancelled
    /// order). `idempotency_key` is the same for every try of one refund:
    /// a provider answers a repeated key with the first refund, never a
    /// second one, which lets the shop retry a refund whose answer it lost.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount_cents: i64,
        idempotency_key: &'a str,
    ) -> RefundFuture<'a>;
}

/// The test processor: charges nothing real, but keeps its record of
/// charges in its own schema (`test_provider`), apart from the shop's
/// tables, so that what it charged outlives the shop's process.
#[derive(Debug, Clone)]
pub struct TestCardProcessor {
    records: PgPool,
    latency: Duration,
}

impl TestCardProcessor {
    /// A processor keeping its records through `records` (a pool of its
    /// own in the server) and answering every call after `latency`.
    pub fn new(records: PgPool, latency: Duration) -> Self {
        Self { records, latency }
    }

    fn outcome_for(card: &Card) -> &'static str {
        let digits = card.number.digits();
        if digits == TEST_CARD_DECLINED.replace(' ', "") {
            "declined"
        } else if digits == TEST_CARD_INSUFFICIENT_FUNDS.replace(' ', "") {
            "insufficient_funds"
        } else {
            "succeeded"
        }
    }

    /// Writes the key's record unless it exists; returns the record.
    async fn record(
        &self,
        key: &str,
        outcome: &str,
        amount_cents: i64,
    ) -> Result<(String, Option<String>), sqlx::Error> {
        let reference = (outcome == "succeeded").then(|| format!("test_{key}_{amount_cents}"));
        let row = sqlx::query!(
            "INSERT INTO test_provider.charges (idempotency_key, outcome, amount_cents, reference)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (idempotency_key) DO UPDATE SET outcome = test_provider.charges.outcome
             RETURNING outcome, reference",
            key,
            outcome,
            amount_cents,
            reference,
        )
        .fetch_one(&self.records)
        .await?;
        Ok((row.outcome, row.reference))
    }
}

impl PaymentGateway for TestCardProcessor {
    fn charge<'a>(
        &'a self,
        amount_cents: i64,
        card: &'a Card,
        idempotency_key: &'a str,
    ) -> PaymentFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            let (outcome, reference) = self
                .record(idempotency_key, Self::outcome_for(card), amount_cents)
                .await
                .map_err(|error| {
                    tracing::warn!(%error, "test processor could not record a charge");
                    PaymentError::AnswerLost
                })?;
            match (outcome.as_str(), reference) {
                ("succeeded", Some(reference)) => {
                    let digits = card.number.digits();
                    if digits == TEST_CARD_CHARGED_THEN_TIMEOUT.replace(' ', "") {
                        std::future::pending::<()>().await;
                    }
                    if digits == TEST_CARD_CHARGED_THEN_CONNECTION_LOST.replace(' ', "") {
                        return Err(PaymentError::AnswerLost);
                    }
                    Ok(PaymentReceipt { reference })
                }
                ("declined", _) => Err(PaymentError::Declined),
                ("insufficient_funds", _) => Err(PaymentError::InsufficientFunds),
                _ => Err(PaymentError::Unavailable),
            }
        })
    }

    fn find_or_void<'a>(&'a self, idempotency_key: &'a str) -> LookupFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            let (outcome, reference) = self.record(idempotency_key, "voided", 0).await.map_err(|error| {
                tracing::warn!(%error, "test processor could not look a charge up");
                PaymentError::Unavailable
            })?;
            Ok(reference
                .filter(|_| outcome == "succeeded")
                .map(|reference| PaymentReceipt { reference }))
        })
    }

    /// Refunds a charge it made, once: the same charge always gets the same
    /// refund.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount_cents: i64,
        _idempotency_key: &'a str,
    ) -> RefundFuture<'a> {
        Box::pin(async move {
            // Never NULL once set: `reference` matched, so the new value is text.
            let refunded: Option<String> = sqlx::query_scalar!(
                r#"UPDATE test_provider.charges
                   SET refund_reference = coalesce(refund_reference, 'refund_' || reference || '_' || $2::text)
                   WHERE reference = $1 AND outcome = 'succeeded' AND amount_cents >= $2
                   RETURNING refund_reference AS "refund_reference!""#,
                reference,
                amount_cents,
            )
            .fetch_optional(&self.records)
            .await
            .map_err(|_| PaymentError::Unavailable)?;
            refunded.ok_or(PaymentError::Declined)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: &str) -> Card {
        Card::parse(number, "12/30", "123", (2026, 11)).expect("valid card")
    }

    fn processor(pool: &PgPool) -> TestCardProcessor {
        TestCardProcessor::new(pool.clone(), Duration::ZERO)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_documented_test_cards_behave_as_documented(pool: PgPool) {
        let gateway = processor(&pool);
        let receipt = gateway
            .charge(54_999, &card(TEST_CARD_SUCCEEDS), "key-1")
            .await
            .expect("paid");
        assert_eq!(receipt.reference, "test_key-1_54999");
        assert_eq!(
            gateway.charge(100, &card(TEST_CARD_DECLINED), "key-2").await,
            Err(PaymentError::Declined)
        );
        assert_eq!(
            gateway
                .charge(100, &card(TEST_CARD_INSUFFICIENT_FUNDS), "key-3")
                .await,
            Err(PaymentError::InsufficientFunds)
        );
        assert_eq!(
            gateway
                .charge(100, &card(TEST_CARD_CHARGED_THEN_CONNECTION_LOST), "key-4")
                .await,
            Err(PaymentError::AnswerLost)
        );
        let timed_out = tokio::time::timeout(
            Duration::from_millis(200),
            gateway.charge(100, &card(TEST_CARD_CHARGED_THEN_TIMEOUT), "key-5"),
        )
        .await;
        assert!(timed_out.is_err(), "no answer comes");
        for (key, charged) in [
            ("key-2", false),
            ("key-3", false),
            ("key-4", true),
            ("key-5", true),
        ] {
            let found = gateway.find_or_void(key).await.expect("lookup");
            assert_eq!(found.is_some(), charged, "{key}");
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_key_is_one_charge_and_a_voided_key_charges_nothing(pool: PgPool) {
        let gateway = processor(&pool);
        let first = gateway.charge(500, &card(TEST_CARD_SUCCEEDS), "k-1").await;
        let again = gateway.charge(500, &card(TEST_CARD_SUCCEEDS), "k-1").await;
        assert_eq!(first, again, "the same key is the same charge");
        assert_eq!(
            gateway.find_or_void("k-1").await.expect("lookup"),
            first.clone().ok()
        );

        assert_eq!(gateway.find_or_void("k-2").await.expect("lookup"), None);
        assert_eq!(
            gateway.charge(500, &card(TEST_CARD_SUCCEEDS), "k-2").await,
            Err(PaymentError::Unavailable),
            "a charge arriving after the shop gave up is refused"
        );
        let reference = first.expect("charged").reference;
        let refund = gateway.refund(&reference, 500, "r-1").await.expect("refund");
        assert_eq!(
            gateway.refund(&reference, 500, "r-1").await,
            Ok(refund),
            "refunded once"
        );
        assert_eq!(
            gateway.refund("unknown", 500, "r-2").await,
            Err(PaymentError::Declined)
        );
        let charges: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM test_provider.charges"#)
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(charges, 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_gateway_works_behind_a_trait_object(pool: PgPool) {
        let gateway: Box<dyn PaymentGateway> = Box::new(processor(&pool));
        assert!(gateway.charge(1, &card("5555 5555 5555 4444"), "k").await.is_ok());
    }
}
