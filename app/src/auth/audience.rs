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
pub use super::model::Audience;
use super::model::User;
use crate::error::{with_status, AppError};
use crate::state::AppState;

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
