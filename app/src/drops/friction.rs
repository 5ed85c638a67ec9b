//! Bot friction without a third party: how often one caller, and one
//! client address, may poll a room, add a drop's variants and check them
//! out, per minute. Counted in the instance's memory (`crate::throttle`),
//! so a poll stays free of queries; joining is limited in PostgreSQL
//! (`service::JOINS_PER_CLIENT`), exact across instances.
//!
//! A person refreshing the room every five seconds polls twelve times a
//! minute, adds a few times and checks out once or twice; a household or
//! an office shares an address. A script on one machine does a thousand
//! of each: it waits, with `Retry-After`.

use crate::error::AppError;
use crate::ids::UserId;
use crate::state::AppState;

/// What a caller does with a drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// Reads where they stand (the room's page, the ticket's poll).
    Poll,
    /// Adds a drop variant to the basket, or changes its quantity.
    Add,
    /// Checks out a basket holding a drop variant.
    Checkout,
}

impl Act {
    fn name(self) -> &'static str {
        match self {
            Self::Poll => "poll",
            Self::Add => "add",
            Self::Checkout => "checkout",
        }
    }

    /// Per minute: (per caller, per client address).
    pub fn limits(self) -> (u32, u32) {
        match self {
            Self::Poll => (60, 1200),
            Self::Add => (20, 200),
            Self::Checkout => (6, 60),
        }
    }
}

/// Who is acting: their place in a room (a polling ticket), their session's
/// key in the rooms, their account. Each one counts apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller<'a> {
    Place(i64),
    Visitor(&'a str),
    Account(UserId),
}

/// Counts one act of `callers` from `address`; 429 with the seconds to
/// wait once any of them, or the address, is over its limit.
pub fn check(state: &AppState, act: Act, callers: &[Caller<'_>], address: &str) -> Result<(), AppError> {
    let (per_caller, per_address) = act.limits();
    let act_name = act.name();
    let mut keys: Vec<(String, u32)> = callers
        .iter()
        .map(|caller| {
            let key = match caller {
                Caller::Place(id) => format!("drop {act_name} place {id}"),
                Caller::Visitor(visitor) => format!("drop {act_name} visitor {visitor}"),
                Caller::Account(user) => format!("drop {act_name} account {}", user.0),
            };
            (key, per_caller)
        })
        .collect();
    keys.push((format!("drop {act_name} address {address}"), per_address));
    state.throttle.take(&keys).map_err(|seconds| {
        tracing::info!(
            act = act_name,
            address,
            retry_after = seconds,
            "drop act throttled"
        );
        AppError::too_many(seconds)
    })
}
