//! The ids of accounts, orders and products, each its own type so that two
//! ids cannot be swapped: a function taking a [`UserId`] and an [`OrderId`]
//! refuses them in the wrong order at compile time. A leaf: it imports
//! nothing of the app, so every concern and shared module may name it.
//!
//! Each id is the row's BIGINT and nothing more: in JSON and in form fields
//! it reads and writes as the bare number (`serde(transparent)`), in SQL it
//! binds and decodes as BIGINT (`sqlx(transparent)`), and it prints as the
//! number (`Display`), so URLs and messages read as before.
//!
//! An order id is not accepted where an account id is expected:
//!
//! ```compile_fail,E0308
//! use app::ids::{OrderId, UserId};
//!
//! fn owner(user_id: UserId) -> i64 {
//!     user_id.0
//! }
//!
//! owner(OrderId(7));
//! ```
//!
//! while the same call with the right id compiles:
//!
//! ```
//! use app::ids::{OrderId, UserId};
//!
//! fn owner(user_id: UserId) -> i64 {
//!     user_id.0
//! }
//!
//! assert_eq!(owner(UserId(7)), 7);
//! assert_eq!(OrderId(7).to_string(), "7");
//! ```

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id! {
    /// An account (`users.id`): a shopper or an administrator.
    UserId
}

id! {
    /// An order (`orders.id`), also its number as the shopper sees it.
    OrderId
}

id! {
    /// A product (`products.id`).
    ProductId
}

id! {
    /// A drop (`drops.id`): variants that go on sale at a set time.
    DropId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_the_bare_number() {
        assert_eq!(serde_json::to_string(&OrderId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<UserId>("7").unwrap(), UserId(7));
        assert_eq!(
            serde_json::to_string(&Some(ProductId(3))).unwrap(),
            serde_json::to_string(&Some(3_i64)).unwrap()
        );
        assert_eq!(format!("/orders/{}", OrderId(42)), "/orders/42");
    }

    /// The types themselves differ: an `OrderId` is no `UserId` (the
    /// `compile_fail` example in the module's documentation shows that a
    /// call with the wrong one does not build).
    #[test]
    fn an_order_id_is_not_a_user_id() {
        use std::any::TypeId;
        assert_ne!(TypeId::of::<OrderId>(), TypeId::of::<UserId>());
        assert_ne!(TypeId::of::<OrderId>(), TypeId::of::<ProductId>());
        assert_ne!(TypeId::of::<UserId>(), TypeId::of::<i64>());
    }
}
