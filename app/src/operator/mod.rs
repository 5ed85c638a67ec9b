//! What the back-office code of every concern shares: the audit log of
//! what administrators did, the "I confirm" check of destructive actions,
//! and the search and paging of back-office lists. Concerns import it; it
//! imports no concern.

pub mod audit;
pub mod forms;
