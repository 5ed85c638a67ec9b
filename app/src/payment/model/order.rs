//! An order: where it goes, its status read from the shop's words, what
//! its owner and the back office see of it, and the key that makes a
//! checkout form place it once.

use serde::{Deserialize, Serialize};

use crate::delivery::model::OrderDelivery;
use crate::error::{AppError, Rule};
use crate::invoices::model::DocumentRef;
pub use crate::order_status::OrderStatus;
use crate::pricing::{Breakdown, VatRate};

// Where an order goes is the address book's type: an order keeps its own
// copy of the address it was sent to.
pub use crate::addresses::model::ShippingAddress;

/// The delivery method a checkout form picked, by its number.
pub fn parse_delivery_method(raw: Option<&str>) -> Result<i64, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Err(AppError::validation("delivery_method", Rule::Required)),
        Some(raw) => raw
            .parse::<i64>()
            .map_err(|_| AppError::validation("delivery_method", Rule::UnknownChoice)),
    }
}

// `OrderStatus` lives in `crate::order_status`, a leaf that `error` and
// `i18n` import too; reading one with the shop's refusal stays here.
impl OrderStatus {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| AppError::validation("status", Rule::UnknownChoice))
    }
}

/// An order as its owner sees it in a list or after checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: i64,
    pub status: OrderStatus,
    pub total_cents: i64,
    pub created_at: String,
}

/// One line of an order, as it was when bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_slug: String,
    pub product_name: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    /// The VAT rate it was sold at, in basis points (kept on the order).
    pub vat_rate_bp: i32,
    /// What a promo code took off it, TTC.
    pub discount_cents: i64,
}

impl OrderLine {
    pub fn total_cents(&self) -> i64 {
        self.unit_price_cents * i64::from(self.quantity)
    }
}

impl OrderDetail {
    /// HT, VAT per rate and TTC of the order, from the rates its lines
    /// were sold at.
    pub fn breakdown(&self) -> Breakdown {
        Breakdown::of(
            self.lines.iter().map(|line| {
                (
                    VatRate::from_column(line.vat_rate_bp),
                    line.total_cents() - line.discount_cents,
                )
            }),
            self.delivery.as_ref().map_or(0, |delivery| delivery.cost_cents),
        )
    }
}

/// Everything about one order, for its owner and the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub summary: OrderSummary,
    pub customer: String,
    pub address: ShippingAddress,
    pub card_brand: String,
    pub card_last4: String,
    pub lines: Vec<OrderLine>,
    /// How it is sent (orders from before delivery methods have none).
    pub delivery: Option<OrderDelivery>,
    /// The promo code used, and what it took off the goods.
    pub promo: Option<(String, i64)>,
    /// Set once the order is cancelled: where its money is.
    pub refund: Option<Refund>,
    /// Its invoice once paid, and credit note once cancelled.
    pub documents: Vec<DocumentRef>,
}

/// A cancelled order's refund: owed (the provider has not confirmed it
/// yet; it is retried) or paid back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refund {
    Pending,
    Done,
}

/// An order in the back-office list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderListItem {
    pub summary: OrderSummary,
    pub customer: String,
    pub item_count: i64,
}

/// One page of the back-office order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub orders: Vec<OrderListItem>,
    pub total: i64,
    pub page: u32,
    pub page_count: u32,
}

/// Orders per back-office page.
pub const ORDERS_PER_PAGE: i64 = 25;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_move_forward_or_are_cancelled_before_delivery() {
        use OrderStatus::*;
        assert!(Paid.can_become(Shipped));
        assert!(Shipped.can_become(Delivered));
        assert!(Paid.can_become(Cancelled));
        assert!(
            !Shipped.can_become(Cancelled),
            "shipped units are not back on the shelf"
        );
        assert!(!Paid.can_become(Delivered), "ship first");
        assert!(!Delivered.can_become(Cancelled));
        assert!(!Cancelled.can_become(Cancelled), "cancelled once");
        assert!(!Cancelled.can_become(Paid));
        assert!(!AwaitingPayment.can_become(Paid), "only a charge pays an order");
        assert!(!AwaitingPayment.can_become(Cancelled));
        assert!(!PaymentFailed.can_become(Paid));
        assert_eq!(OrderStatus::parse("awaiting_payment"), Ok(AwaitingPayment));
        assert_eq!(OrderStatus::parse("shipped"), Ok(Shipped));
        assert!(OrderStatus::parse("refunded").is_err());
    }
}
