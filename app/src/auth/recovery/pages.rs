//! /password/forgot, /password/reset and /email/verify: the pages the
//! mailed links lead to. Opening a link changes nothing; its page's
//! button does (a mail scanner that follows links spends no token).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{RequestPasswordReset, ResetPassword, VerifyEmail};
use crate::auth::components::NewPasswordFields;
use crate::i18n::use_i18n;
use crate::ui::forms::{use_form_error, EmailField, FormAlert, FormCard};
use crate::ui::seo::Seo;

/// A query parameter of the link, read once (these pages render on the server).
fn query(name: &'static str) -> String {
    use_query_map().with_untracked(|q| q.get(name).unwrap_or_default())
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = use_form_error(request);
    let sent = !query("sent").is_empty();
    view! {
        <Seo
            title=move || i18n.t().forgot_title.to_owned()
            description=move || i18n.t().forgot_intro.to_owned()
            path="/password/forgot"
            noindex=true
        />
        <FormCard heading=move || i18n.t().forgot_title>
            {sent
                .then(|| {
                    view! {
                        <p class="alert alert--success" role="status" data-testid="reset-sent">
                            {move || i18n.t().forgot_sent}
                        </p>
                    }
                })}
            <p>{move || i18n.t().forgot_intro}</p>
            <ActionForm action=request attr:class="form" attr:novalidate="">
                <EmailField error />
                <FormAlert error fields=&["email"] />
                <button type="submit" class="button">
                    {move || i18n.t().forgot_button}
                </button>
            </ActionForm>
            <p class="form-card__switch">
                <A href="/login">{move || i18n.t().login_link}</A>
            </p>
        </FormCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let reset = ServerAction::<ResetPassword>::new();
    let error = use_form_error(reset);
    let token = query("token");
    let form = (!token.is_empty()).then(|| {
        view! {
            <ActionForm action=reset attr:class="form" attr:novalidate="">
                <input type="hidden" name="token" value=token />
                <NewPasswordFields label=move || i18n.t().new_password error />
                <FormAlert error fields=&["password", "password_confirmation"] />
                <button type="submit" class="button">
                    {move || i18n.t().reset_button}
                </button>
            </ActionForm>
        }
    });
    let missing = form.is_none();
    view! {
        <Seo
            title=move || i18n.t().reset_title.to_owned()
            description=move || i18n.t().reset_title.to_owned()
            path="/password/reset"
            noindex=true
        />
        <FormCard heading=move || i18n.t().reset_title>
            {missing
                .then(|| {
                    view! {
                        <p class="alert alert--error" role="alert">
                            {move || i18n.t().reset_no_token}
                        </p>
                    }
                })}
            {form}
            <p class="form-card__switch">
                <A href="/password/forgot">{move || i18n.t().reset_new_link}</A>
            </p>
        </FormCard>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifyEmail>::new();
    let error = use_form_error(verify);
    let done = !query("done").is_empty();
    let token = query("token");
    view! {
        <Seo
            title=move || i18n.t().verify_title.to_owned()
            description=move || i18n.t().verify_text.to_owned()
            path="/email/verify"
            noindex=true
        />
        <FormCard heading=move || i18n.t().verify_title>
            {if done {
                view! {
                    <p class="alert alert--success" role="status" data-testid="email-verified">
                        {move || i18n.t().verify_done}
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <p>{move || i18n.t().verify_text}</p>
                    <ActionForm action=verify attr:class="form">
                        <input type="hidden" name="token" value=token />
                        <FormAlert error fields=&[] />
                        <button type="submit" class="button">
                            {move || i18n.t().verify_button}
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }}
        </FormCard>
    }
}
