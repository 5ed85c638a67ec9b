//! SQL of the products service, one file a job: the catalogue's listings,
//! categories and product pages (`catalogue`), and search (`search`).

mod catalogue;
mod search;

pub use catalogue::*;
pub use search::*;
