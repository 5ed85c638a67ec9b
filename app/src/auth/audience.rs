//! Who may call a server function, said once where it starts.
//!
//! Every `#[server]` function opens with exactly one of these, which hands
//! it the shop's state (and the caller, where there must be one) and gives
//! the HTTP response the status matching its error:
//!
//! ```ignore
//! audience::public(|state| async move { ... }).await
//! audience::customer(|state, user| async move { ... }).await
//! audience::admin(|state, admin| async move { ... }).await
//! ```
//!
//! The registry test in `server/tests/http/authorization.rs` fails for a
//! server function that is neither in the authorization matrix nor on its
//! public list.

use std::future::Future;

use super::guard;
use super::model::User;
use crate::error::{with_status, AppError};
use crate::state::AppState;

/// Whom an operation needs as its caller (a public one needs nobody): the
/// pages' server functions say it with the functions below, the public
/// API's operations with their scope (see `server::api`); both let a
/// caller in by [`Audience::admit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Any logged-in account, administrators included.
    Customer,
    Admin,
}

impl Audience {
    /// The caller, if this audience lets them in: 401 for nobody where an
    /// account is needed, 403 for a customer where an administrator is.
    pub fn admit(self, caller: Option<User>) -> Result<User, AppError> {
        match (self, caller) {
            (_, None) => Err(AppError::Unauthorized),
            (Audience::Admin, Some(user)) if !user.is_admin() => Err(AppError::Forbidden),
            (_, Some(user)) => Ok(user),
        }
    }
}

/// Anyone, logged in or not (a guest's basket, the catalogue, logging in).
/// The body may still look up the optional user itself.
pub async fn public<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    with_status(
        async move {
            let state = AppState::from_context()?;
            body(state).await
        }
        .await,
    )
}

/// Any logged-in account, administrators included; 401 for a guest.
pub async fn customer<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, User) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    for_caller(guard::require_user(), body).await
}

/// Administrators only; 401 for a guest, 403 for a customer.
pub async fn admin<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, User) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    for_caller(guard::require_admin(), body).await
}

/// Runs `body` for the caller `check` lets through; its refusal (401,
/// 403) comes before anything the body would check.
async fn for_caller<T, F, Fut>(
    check: impl Future<Output = Result<User, AppError>>,
    body: F,
) -> Result<T, AppError>
where
    F: FnOnce(AppState, User) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    with_status(
        async move {
            let caller = check.await?;
            let state = AppState::from_context()?;
            body(state, caller).await
        }
        .await,
    )
}
