//! Where an order is in its life. A leaf: it imports nothing of the app,
//! so the error type (`Conflict::StatusChange`), the translations and the
//! orders can all name it without importing each other.

use serde::{Deserialize, Serialize};

/// Where an order is: awaiting payment → paid → shipped → delivered, or
/// cancelled before it ships (cancelling gives the stock back: the units
/// never left); an order whose payment failed gave its units back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Units reserved, the card being charged.
    AwaitingPayment,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
    /// The charge was refused or never made: the units went back on sale.
    PaymentFailed,
}

impl OrderStatus {
    pub const ALL: [Self; 6] = [
        Self::AwaitingPayment,
        Self::Paid,
        Self::Shipped,
        Self::Delivered,
        Self::Cancelled,
        Self::PaymentFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingPayment => "awaiting_payment",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::PaymentFailed => "payment_failed",
        }
    }

    /// The statuses an operator may move an order to from this one. The
    /// checkout alone settles an order awaiting payment.
    pub fn next(self) -> &'static [Self] {
        match self {
            Self::Paid => &[Self::Shipped, Self::Cancelled],
            Self::Shipped => &[Self::Delivered],
            Self::AwaitingPayment | Self::Delivered | Self::Cancelled | Self::PaymentFailed => &[],
        }
    }

    pub fn can_become(self, next: Self) -> bool {
        self.next().contains(&next)
    }
}
