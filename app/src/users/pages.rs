//! /account: the shopper's information, password, orders and deletion.

use leptos::prelude::*;
use leptos_router::components::{Redirect, A};

use super::api::{ChangePassword, DeleteAccount, UpdateProfile};
use crate::addresses::components::AddressBook;
use crate::api_tokens::components::ApiTokens;
use crate::auth::components::{use_auth, NewPasswordFields};
use crate::auth::model::User;
use crate::auth::recovery::api::ResendVerification;
use crate::i18n::use_i18n;
use crate::payment::api::list_my_orders;
use crate::ui::forms::{use_form_error, EmailField, FormAlert, FormField};
use crate::ui::{error::ErrorMessage, price::Price, seo::Seo};

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <Seo
            title=move || i18n.t().account_title.to_owned()
            description=move || i18n.t().account_heading.to_owned()
            path="/account"
            noindex=true
        />
        // The account of the logged-in user; a guest is sent to log in.
        <Transition fallback=|| view! { <div class="form-card" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => view! { <Account user /> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login?return_to=%2Faccount" /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Account(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let member_since = user.member_since.get(..10).unwrap_or_default().to_owned();
    view! {
        <h1>{move || i18n.t().account_heading}</h1>
        <div class="account">
            <section class="panel">
                <h2>{move || i18n.t().personal_info}</h2>
                <dl class="facts">
                    <dt>{move || i18n.t().username_label}</dt>
                    <dd data-testid="account-username">{user.username.clone()}</dd>
                    <dt>{move || i18n.t().email_label}</dt>
                    <dd data-testid="account-email">{user.email.clone()}</dd>
                    <dd>
                        <EmailState verified=user.email_verified />
                    </dd>
                    <dt>{move || i18n.t().first_name_label}</dt>
                    <dd>{user.first_name.clone()}</dd>
                    <dt>{move || i18n.t().last_name_label}</dt>
                    <dd>{user.last_name.clone()}</dd>
                    <dt>{move || i18n.t().member_since}</dt>
                    <dd>
                        <time datetime=member_since.clone()>{member_since.clone()}</time>
                    </dd>
                </dl>
            </section>
            <EditProfile user=user.clone() />
            <ChangePasswordForm />
            <AddressBook />
            <ApiTokens is_admin=user.is_admin() />
            <OrderHistory />
            <DeleteAccountForm />
        </div>
    }
}

/// Whether the address is verified, with a new link on offer when not.
#[component]
fn EmailState(verified: bool) -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendVerification>::new();
    let error = use_form_error(resend);
    if verified {
        return view! { <span class="status status--delivered" data-testid="email-state">{move || i18n.t().email_verified}</span> }
            .into_any();
    }
    view! {
        <span data-testid="email-state">{move || i18n.t().email_unverified}</span>
        <ActionForm action=resend attr:class="inline-form">
            <button type="submit" class="button button--secondary">{move || i18n.t().resend_verification}</button>
        </ActionForm>
        <FormAlert error fields=&[] />
    }
    .into_any()
}

#[component]
fn EditProfile(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateProfile>::new();
    let error = use_form_error(update);
    view! {
        <section class="panel">
            <h2>{move || i18n.t().edit_profile}</h2>
            <ActionForm action=update attr:class="form" attr:novalidate="">
                <FormField
                    label=move || i18n.t().first_name_label
                    name="first_name"
                    value=user.first_name
                    autocomplete="given-name"
                    maxlength=100
                    error
                />
                <FormField
                    label=move || i18n.t().last_name_label
                    name="last_name"
                    value=user.last_name
                    autocomplete="family-name"
                    maxlength=100
                    error
                />
                <EmailField value=user.email error />
                <FormField
                    label=move || i18n.t().current_password
                    name="current_password"
                    id="field-profile-current-password"
                    kind="password"
                    autocomplete="current-password"
                    required=false
                    error
                />
                <p class="field__hint">{move || i18n.t().email_change_hint}</p>
                <FormAlert error fields=&["first_name", "last_name", "email", "current_password"] />
                <button type="submit" class="button">
                    {move || i18n.t().save}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangePassword>::new();
    let error = use_form_error(change);
    view! {
        <section class="panel">
            <h2>{move || i18n.t().change_password}</h2>
            <ActionForm action=change attr:class="form" attr:novalidate="">
                <FormField
                    label=move || i18n.t().current_password
                    name="current_password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <NewPasswordFields label=move || i18n.t().new_password error />
                <FormAlert error fields=&["current_password", "password", "password_confirmation"] />
                <button type="submit" class="button">
                    {move || i18n.t().change_password}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteAccountForm() -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteAccount>::new();
    let error = use_form_error(delete);
    view! {
        <section class="panel panel--danger">
            <h2>{move || i18n.t().delete_heading}</h2>
            <p>{move || i18n.t().delete_text}</p>
            <ActionForm action=delete attr:class="form" attr:novalidate="">
                <FormField
                    label=move || i18n.t().password_label
                    name="password"
                    id="field-delete-password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <FormAlert error fields=&["password"] />
                <button type="submit" class="button button--danger">
                    {move || i18n.t().delete_button}
                </button>
            </ActionForm>
        </section>
    }
}

/// The user's orders, newest first, each linking to its page.
#[component]
fn OrderHistory() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="orders">
            <h2>{move || i18n.t().orders_heading}</h2>
            // Read while the page renders, under its owner: a resource made
            // here, inside the account's own suspense, ran after the
            // request's context was gone.
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list_my_orders().await {
                        Ok(orders) if orders.is_empty() => {
                            view! { <p class="empty-state">{move || i18n.t().no_orders}</p> }.into_any()
                        }
                        Ok(orders) => {
                            view! {
                                <ul class="orders">
                                    {orders
                                        .into_iter()
                                        .map(|order| {
                                            let date = order.created_at.get(..10).unwrap_or_default().to_owned();
                                            view! {
                                                <li data-testid="order">
                                                    {move || i18n.t().order_number} " " {order.id} " — " {date}
                                                    " — " <Price cents=order.total_cents /> " — "
                                                    {move || i18n.t().status(order.status)} " — "
                                                    <A href=format!("/orders/{}", order.id)>
                                                        {move || i18n.t().order_view}
                                                    </A>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
