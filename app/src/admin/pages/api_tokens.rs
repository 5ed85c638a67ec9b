//! /admin/api-tokens: every live API token of the shop, whose it is, what
//! it may do and when it was last used, each with a revoke button.

use leptos::prelude::*;

use super::AdminGate;
use crate::api_tokens::api::{all_api_tokens, AdminRevokeApiToken};
use crate::api_tokens::components::TokenTable;
use crate::i18n::use_i18n;
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert};

const REVOKE_URL: &str = <AdminRevokeApiToken as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn AdminApiTokensPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_api_tokens.to_owned()>
            <AllTokens />
        </AdminGate>
    }
}

#[component]
fn AllTokens() -> impl IntoView {
    let i18n = use_i18n();
    let revoke = ServerAction::<AdminRevokeApiToken>::new();
    let revoke_error = use_form_error(revoke);
    let tokens = Resource::new(move || revoke.version().get(), |_| all_api_tokens());
    view! {
        <h1>{move || i18n.t().admin_api_tokens}</h1>
        <FormAlert error=revoke_error fields=&[] />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(tokens) if tokens.is_empty() => {
                        view! { <p class="empty-state">{move || i18n.t().api_tokens_empty}</p> }.into_any()
                    }
                    Ok(tokens) => view! { <TokenTable tokens revoke_url=REVOKE_URL show_owner=true /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
