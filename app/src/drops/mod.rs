//! DROPS: variants that go on sale at a set time, sold through a fair
//! waiting room (issue #24).
//!
//! Before the opening nothing of a drop can be added or checked out. A
//! drop with a room takes a pre-queue from a set time before; at the
//! opening the pre-queue is shuffled (arriving first gives no advantage),
//! later arrivals queue behind it in arrival order, and the room admits so
//! many every so many seconds while anything is left. An admission is
//! signed, bound to the session and the account, and runs out; the basket
//! and the checkout ask [`service::gate`] before they touch a drop's
//! variants. The queue is PostgreSQL's (migration 0029): every instance
//! agrees on it and a restart loses no place.
//!
//! - `model`: drops, phases, a visitor's state in the room, form parsing.
//! - `admission` (server): the signed admission and the polling ticket.
//! - `db` (server): the SQL of drops, their variants and their queue.
//! - `friction` (server): how often a caller and an address may poll,
//!   add and check out a drop's variants.
//! - `service` (server): join, room, gate, and the tick.
//! - `report`: how a drop went (figures, timeline, CSV); `report_db`
//!   (server): its SQL, and the samples and refusals the tick writes.
//! - `api`: the server functions; `pages`: the room, the home page's cards.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod admission;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod friction;
pub mod report;
#[cfg(feature = "ssr")]
pub mod report_db;
#[cfg(feature = "ssr")]
pub mod service;
