//! The account page's API tokens: the list, the secret of the one just
//! made (shown once), a form to make one and a button to revoke each; and
//! the table the back office lists every live token in. Plain forms: they
//! work without JavaScript.

use leptos::prelude::*;

use super::api::{my_tokens, CreateApiToken, RevokeApiToken};
use super::model::{Scope, TokenSummary, LIFETIMES_DAYS};
use crate::i18n::{shop_date_time_of as at, use_i18n};
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert, FormField, IdButton};

const REVOKE_URL: &str = <RevokeApiToken as leptos::server_fn::ServerFn>::PATH;
const TOKEN_FIELDS: &[&str] = &["name", "scopes", "expires_in_days", "current_password"];

/// The account page's section (`is_admin`: the admin scope is offered).
#[component]
pub fn ApiTokens(is_admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let create_error = use_form_error(create);
    let revoke_error = use_form_error(revoke);
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| my_tokens(),
    );
    let scopes = Scope::ALL
        .into_iter()
        .filter(|scope| is_admin || *scope != Scope::Admin)
        .map(|scope| {
            let id = format!("field-scope-{}", scope.as_str());
            view! {
                <label class="confirm" for=id.clone()>
                    <input
                        type="checkbox"
                        id=id.clone()
                        name=format!("scope_{}", scope.as_str())
                        value="on"
                        checked=scope == Scope::Read
                    />
                    " "
                    {move || scope_words(i18n.t(), scope)}
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="panel" id="api-tokens" aria-labelledby="api-tokens-heading">
            <h2 id="api-tokens-heading">{move || i18n.t().api_tokens_heading}</h2>
            <p>
                {move || i18n.t().api_tokens_intro} " " <a href="/api/docs">{move || i18n.t().api_reference_link}</a>
            </p>
            <Suspense fallback=|| view! { <p aria-busy="true"></p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(mine) => view! {
                            {mine.fresh_secret.map(|secret| view! {
                                <div class="notice notice--success" role="status" data-testid="fresh-token">
                                    <p>{move || i18n.t().api_token_fresh}</p>
                                    <p><code class="token-secret">{secret}</code></p>
                                </div>
                            })}
                            {if mine.tokens.is_empty() {
                                view! { <p class="empty-state" data-testid="tokens-empty">{move || i18n.t().api_tokens_empty}</p> }.into_any()
                            } else {
                                view! { <TokenTable tokens=mine.tokens revoke_url=REVOKE_URL /> }.into_any()
                            }}
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <FormAlert error=revoke_error fields=&[] />
            <h3>{move || i18n.t().api_token_new}</h3>
            <ActionForm action=create attr:class="form" attr:novalidate="">
                <FormField label=move || i18n.t().api_token_name_label name="name" id="field-token-name" maxlength=60 error=create_error />
                <fieldset class="field">
                    <legend>{move || i18n.t().api_token_scopes_legend}</legend>
                    {scopes}
                </fieldset>
                <div class="field">
                    <label for="field-token-lifetime">{move || i18n.t().api_token_lifetime_label}</label>
                    <select id="field-token-lifetime" name="expires_in_days">
                        {LIFETIMES_DAYS
                            .into_iter()
                            .map(|days| view! {
                                <option value=days selected=days == 30>{move || format!("{days} {}", i18n.t().api_token_days)}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <FormField
                    label=move || i18n.t().current_password
                    name="current_password"
                    id="field-token-current-password"
                    kind="password"
                    autocomplete="current-password"
                    error=create_error
                />
                <FormAlert error=create_error fields=TOKEN_FIELDS />
                <button type="submit" class="button">{move || i18n.t().api_token_create}</button>
            </ActionForm>
        </section>
    }
}

fn scope_words(t: &crate::i18n::Messages, scope: Scope) -> &'static str {
    match scope {
        Scope::Read => t.api_scope_read,
        Scope::Write => t.api_scope_write,
        Scope::Admin => t.api_scope_admin,
    }
}

/// Tokens in a table, each live one with a revoke button posting its id
/// to the server function at `revoke_url`, with their owner when
/// `show_owner` (the back office).
#[component]
pub fn TokenTable(
    tokens: Vec<TokenSummary>,
    revoke_url: &'static str,
    #[prop(optional)] show_owner: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table" data-testid="api-tokens">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().api_token_name_label}</th>
                    {show_owner.then(|| view! { <th scope="col">{move || i18n.t().api_token_owner}</th> })}
                    <th scope="col">{move || i18n.t().api_token_scopes_legend}</th>
                    <th scope="col">{move || i18n.t().api_token_created}</th>
                    <th scope="col">{move || i18n.t().api_token_expires}</th>
                    <th scope="col">{move || i18n.t().api_token_last_used}</th>
                    <th scope="col"><span class="visually-hidden">{move || i18n.t().api_token_revoke}</span></th>
                </tr>
            </thead>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|token| {
                        let live = token.live();
                        let state = if token.revoked {
                            Some(i18n.t().api_token_revoked)
                        } else if token.expired {
                            Some(i18n.t().api_token_expired)
                        } else {
                            None
                        };
                        let scopes = token.scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(", ");
                        view! {
                            <tr data-testid="api-token-row" data-live=live.to_string()>
                                <td>
                                    <strong>{token.name}</strong> <br />
                                    <code class="muted">{format!("{}…", token.prefix)}</code>
                                </td>
                                {show_owner.then(|| view! { <td>{token.owner.clone()}</td> })}
                                <td>{scopes}</td>
                                <td>{at(&token.created_at)}</td>
                                <td>{at(&token.expires_at)}</td>
                                <td>{token.last_used_at.as_deref().map_or_else(|| i18n.t().api_token_never_used.to_owned(), at)}</td>
                                <td>
                                    {match state {
                                        Some(state) => view! { <span class="muted">{state}</span> }.into_any(),
                                        None => view! {
                                            <IdButton
                                                action=revoke_url
                                                id=token.id
                                                label=move || i18n.t().api_token_revoke
                                                class="button button--danger button--small"
                                            />
                                        }
                                        .into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
