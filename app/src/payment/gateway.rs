//! The payment provider behind a trait, and the built-in test processor
//! (like a provider's test mode): documented card numbers that succeed, are
//! declined, or lack funds. A real provider plugs in behind the same trait.

use std::future::Future;
use std::pin::Pin;

use super::model::{Card, CardBrand};

/// Test cards of the built-in processor (any future expiry, any CVC).
pub const TEST_CARD_SUCCEEDS: &str = "4242 4242 4242 4242";
pub const TEST_CARD_DECLINED: &str = "4000 0000 0000 0002";
pub const TEST_CARD_INSUFFICIENT_FUNDS: &str = "4000 0000 0000 9995";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReceipt {
    /// The provider's reference of the charge.
    pub reference: String,
    pub brand: CardBrand,
    pub last4: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("the card was declined")]
    Declined,
    #[error("insufficient funds")]
    InsufficientFunds,
    #[error("the payment provider is unavailable")]
    Unavailable,
}

pub type PaymentFuture<'a> = Pin<Box<dyn Future<Output = Result<PaymentReceipt, PaymentError>> + Send + 'a>>;

/// A refund's reference at the provider, or why it failed.
pub type RefundFuture<'a> = Pin<Box<dyn Future<Output = Result<String, PaymentError>> + Send + 'a>>;

pub trait PaymentGateway: Send + Sync {
    /// Charges `amount_cents` euro cents. `idempotency_key` lets a provider
    /// recognise a retried charge.
    fn charge<'a>(&'a self, amount_cents: i64, card: &'a Card, idempotency_key: &'a str)
        -> PaymentFuture<'a>;

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

/// The test processor: charges nothing real.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestCardProcessor;

impl PaymentGateway for TestCardProcessor {
    fn charge<'a>(
        &'a self,
        amount_cents: i64,
        card: &'a Card,
        idempotency_key: &'a str,
    ) -> PaymentFuture<'a> {
        Box::pin(async move {
            let digits = card.number.digits();
            if digits == TEST_CARD_DECLINED.replace(' ', "") {
                return Err(PaymentError::Declined);
            }
            if digits == TEST_CARD_INSUFFICIENT_FUNDS.replace(' ', "") {
                return Err(PaymentError::InsufficientFunds);
            }
            Ok(PaymentReceipt {
                reference: format!("test_{idempotency_key}_{amount_cents}"),
                brand: card.number.brand(),
                last4: card.number.last4().to_owned(),
            })
        })
    }

    /// Always succeeds; the same charge always gets the same refund.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount_cents: i64,
        _idempotency_key: &'a str,
    ) -> RefundFuture<'a> {
        Box::pin(async move { Ok(format!("refund_{reference}_{amount_cents}")) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: &str) -> Card {
        Card::parse(number, "12/30", "123", (2026, 11)).expect("valid card")
    }

    #[tokio::test]
    async fn the_documented_test_cards_behave_as_documented() {
        let gateway = TestCardProcessor;
        let receipt = gateway
            .charge(54_999, &card(TEST_CARD_SUCCEEDS), "key-1")
            .await
            .expect("paid");
        assert_eq!((receipt.brand, receipt.last4.as_str()), (CardBrand::Visa, "4242"));
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
    }

    #[tokio::test]
    async fn the_gateway_works_behind_a_trait_object() {
        let gateway: Box<dyn PaymentGateway> = Box::new(TestCardProcessor);
        assert!(gateway.charge(1, &card("5555 5555 5555 4444"), "k").await.is_ok());
    }
}
