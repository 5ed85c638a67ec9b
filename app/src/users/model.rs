//! User listings for the back office.

use serde::{Deserialize, Serialize};

use crate::auth::model::User;

/// Users per page of the back office's list.
pub const USERS_PAGE_SIZE: u32 = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub items: Vec<User>,
    pub page: u32,
    pub has_next: bool,
}
