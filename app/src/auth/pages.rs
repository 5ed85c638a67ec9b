//! /login and /register.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{Login, Register};
use super::components::NewPasswordFields;
use super::model::safe_return_path;
use crate::i18n::use_i18n;
use crate::ui::forms::{use_form_error, EmailField, FormAlert, FormCard, FormField};
use crate::ui::{seo::Seo, url::with_query};

/// Where to go after logging in, when the link said; empty otherwise (the
/// server then picks: the basket after a merge, else the home page).
fn return_to() -> String {
    use_query_map().with_untracked(|q| {
        q.get_str("return_to")
            .map(|path| safe_return_path(Some(path)))
            .unwrap_or_default()
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let error = use_form_error(login);
    let return_to = return_to();
    let register_href = with_query("/register", &[("return_to", return_to.clone())]);
    view! {
        <Seo
            title=move || i18n.t().login_title.to_owned()
            description=move || i18n.t().login_heading.to_owned()
            path="/login"
            noindex=true
        />
        <FormCard heading=move || i18n.t().login_heading>
            <ActionForm action=login attr:class="form" attr:novalidate="">
                <input type="hidden" name="return_to" value=return_to />
                <FormField
                    label=move || i18n.t().login_label
                    name="login"
                    autocomplete="username"
                    maxlength=254
                    error
                />
                <FormField
                    label=move || i18n.t().password_label
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <FormAlert error fields=&["login", "password"] />
                <button type="submit" class="button">
                    {move || i18n.t().login_button}
                </button>
            </ActionForm>
            <p class="form-card__switch">
                <A href="/password/forgot">{move || i18n.t().forgot_password_link}</A>
            </p>
            <p class="form-card__switch">
                {move || i18n.t().no_account} " "
                <A href=register_href>{move || i18n.t().create_account_link}</A>
            </p>
        </FormCard>
    }
}

const REGISTER_FIELDS: &[&str] = &[
    "username",
    "email",
    "password",
    "password_confirmation",
    "first_name",
    "last_name",
];

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<Register>::new();
    let error = use_form_error(register);
    let return_to = return_to();
    let login_href = with_query("/login", &[("return_to", return_to.clone())]);
    view! {
        <Seo
            title=move || i18n.t().register_title.to_owned()
            description=move || i18n.t().register_heading.to_owned()
            path="/register"
            noindex=true
        />
        <FormCard heading=move || i18n.t().register_heading>
            <ActionForm action=register attr:class="form" attr:novalidate="">
                <input type="hidden" name="return_to" value=return_to />
                <FormField
                    label=move || i18n.t().first_name_label
                    name="first_name"
                    autocomplete="given-name"
                    maxlength=100
                    error
                />
                <FormField
                    label=move || i18n.t().last_name_label
                    name="last_name"
                    autocomplete="family-name"
                    maxlength=100
                    error
                />
                <FormField
                    label=move || i18n.t().username_label
                    name="username"
                    autocomplete="username"
                    minlength=3
                    maxlength=32
                    error
                />
                <p class="field__hint">{move || i18n.t().username_hint}</p>
                <EmailField error />
                <NewPasswordFields label=move || i18n.t().password_label error />
                <FormAlert error fields=REGISTER_FIELDS />
                <button type="submit" class="button">
                    {move || i18n.t().register_button}
                </button>
            </ActionForm>
            <p class="form-card__switch">
                {move || i18n.t().have_account} " "
                <A href=login_href>{move || i18n.t().login_link}</A>
            </p>
        </FormCard>
    }
}
