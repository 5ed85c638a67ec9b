//! What the back-office dashboard shows.

use serde::{Deserialize, Serialize};

use crate::auth::model::User;
use crate::operator::audit::AuditEntry;
use crate::products::model::ProductSummary;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub orders_today: i64,
    pub revenue_today_cents: i64,
    /// In stock, 5 or fewer left.
    pub low_stock: Vec<ProductSummary>,
    pub sold_out: Vec<ProductSummary>,
    pub newest_users: Vec<User>,
    pub audit: Vec<AuditEntry>,
    /// Accounts many wrong passwords were tried on lately, from anywhere:
    /// `(user id, username, failures)`. Their owners can still log in.
    pub accounts_under_attack: Vec<(i64, String, i64)>,
}

/// At or below this stock a product is "low" on the dashboard.
pub const LOW_STOCK: i32 = 5;
