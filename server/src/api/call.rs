//! Who calls an API operation, read once per request: the bearer token of
//! the one `Authorization` header (none: an anonymous caller), counted
//! against the per-address and per-token limits; and the context the
//! shop's services run in (the request, the state, the mark of an API
//! call, so that nothing looks for a session).

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
use leptos::prelude::provide_context;
use leptos::reactive::{computed::ScopedFuture, owner::Owner};

use app::api_tokens::model::Scope;
use app::api_tokens::service::{self as tokens, TokenCaller};
use app::auth::audience::Audience;
use app::auth::guard::{client_address, ApiCall};
use app::auth::model::{Role, User};
use app::error::AppError;
use app::state::AppState;

use super::problem::ApiError;
use crate::state::ServerState;

/// A request to an API operation: its caller, if it named one.
pub struct Call {
    pub caller: Option<TokenCaller>,
    pub client: String,
    parts: Parts,
}

/// The token of the request's `Authorization` header: none without one;
/// refused for two headers, another scheme or a malformed value (one
/// reading for every operation).
pub fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (value, None) = (values.next(), values.next()) else {
        return Err(AppError::Unauthorized);
    };
    let Some(value) = value else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
    let (scheme, token) = value.split_once(' ').ok_or(AppError::Unauthorized)?;
    let token = token.trim_start_matches(' ');
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(AppError::Unauthorized);
    }
    Ok(Some(token))
}

impl FromRequestParts<ServerState> for Call {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ServerState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr);
        let client = client_address(state.app.auth.trust_forwarded_for, &parts.headers, peer);
        let limits = state.api_limits;
        // Every request counts for its address, a token's or not, so
        // guessing tokens costs as much as any other call.
        state
            .app
            .throttle
            .take(&[(format!("api-address:{client}"), limits.per_address)])
            .map_err(AppError::too_many)?;
        let caller = match bearer(&parts.headers)? {
            None => None,
            Some(secret) => {
                let caller = tokens::authenticate(&state.app, secret).await?;
                state
                    .app
                    .throttle
                    .take(&[(format!("api-token:{}", caller.token_id), limits.per_token)])
                    .map_err(AppError::too_many)?;
                Some(caller)
            }
        };
        Ok(Self {
            caller,
            client,
            parts: parts.clone(),
        })
    }
}

impl Call {
    /// The caller's account if the token allows `scope`: 401 without a
    /// token, 403 for a customer where an administrator is needed, or for
    /// a token without the scope.
    pub fn require(&self, scope: Scope) -> Result<User, ApiError> {
        let audience = match scope {
            Scope::Read | Scope::Write => Audience::Customer,
            Scope::Admin => Audience::Admin,
        };
        let user = audience.admit(self.caller.as_ref().map(|caller| caller.user.clone()))?;
        match &self.caller {
            Some(caller) if caller.allows(scope) => Ok(user),
            _ => Err(ApiError::Scope(scope.as_str())),
        }
    }

    /// The caller's account when the token may read, for the public
    /// operations that say more to a customer (none for anonymous callers;
    /// a token that may not read is refused).
    pub fn reader(&self) -> Result<Option<User>, ApiError> {
        match &self.caller {
            None => Ok(None),
            Some(_) => self.require(Scope::Read).map(Some),
        }
    }

    /// Runs the shop's server functions as the pages do, in the context
    /// they read: the request, the state, and the API call with its
    /// caller (so their audiences admit the token's account, and they look
    /// for no session). What they would say to a browser (a redirect, a
    /// status) goes to a response nobody reads: the API answers itself.
    pub async fn run<T, Fut>(&self, state: &AppState, work: impl FnOnce() -> Fut) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, AppError>>,
    {
        let owner = Owner::new();
        let mut parts = self.parts.clone();
        // The API answers for itself, whatever its caller accepts: no
        // server function may take it for a form post (and redirect).
        parts
            .headers
            .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let app = state.clone();
        // A token without the admin scope is a customer's to the server
        // functions, even an administrator's (which may widen what they
        // show an administrator: anyone's order, say).
        let caller = self.caller.as_ref().map(|caller| {
            let mut user = caller.user.clone();
            if !caller.allows(Scope::Admin) {
                user.role = Role::Customer;
            }
            user
        });
        owner
            .with(|| {
                ScopedFuture::new(async move {
                    provide_context(parts);
                    provide_context(app);
                    provide_context(ApiCall(caller));
                    provide_context(leptos_axum::ResponseOptions::default());
                    work().await
                })
            })
            .await
            .map_err(ApiError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::AUTHORIZATION, value.parse().expect("header"));
        }
        headers
    }

    #[test]
    fn one_bearer_header_is_read_and_anything_else_refused() {
        assert_eq!(bearer(&headers(&[])), Ok(None));
        assert_eq!(bearer(&headers(&["Bearer wm_abc"])), Ok(Some("wm_abc")));
        assert_eq!(bearer(&headers(&["bearer wm_abc"])), Ok(Some("wm_abc")));
        assert_eq!(bearer(&headers(&["BEARER  wm_abc"])), Ok(Some("wm_abc")));
        for refused in [
            &["Bearer wm_a", "Bearer wm_b"][..],
            &["Basic dXNlcjpwYXNz"],
            &["Bearer"],
            &["Bearer "],
            &["Bearer wm_a wm_b"],
            &["Token wm_abc"],
        ] {
            assert_eq!(
                bearer(&headers(refused)),
                Err(AppError::Unauthorized),
                "{refused:?}"
            );
        }
    }
}
