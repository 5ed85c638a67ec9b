//! Who is logged in, for every page: the context and the header's menu.

use leptos::prelude::*;

use super::api::{current_user, Logout};
use super::model::User;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::url::{is_current, with_query};

/// The logged-in user, loaded once per page the server renders.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<User>, AppError>>,
}

pub fn provide_auth() {
    let user = Resource::new(|| (), |_| current_user());
    provide_context(Auth { user });
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// "Log in" (back to `here`, the page's path and query, afterwards), or
/// the user's name (to their account) and "Log out". It takes what it
/// shows: the server renders it alone too (`frame::personal_corner_html`).
#[component]
pub fn AccountMenu(user: Option<User>, here: String) -> impl IntoView {
    let t = use_i18n().t();
    let current = |href: &str| is_current(&here, href).then_some("page");
    match user {
        Some(user) => {
            let logout = ServerAction::<Logout>::new();
            view! {
                <div class="account-menu">
                    {user
                        .is_admin()
                        .then(|| {
                            view! {
                                <a href="/admin" class="topbar__link" data-testid="admin-link">
                                    {t.admin_link}
                                </a>
                            }
                        })}
                    <a
                        href="/account"
                        class="topbar__link"
                        data-testid="account-link"
                        aria-current=current("/account")
                    >
                        {(t.hello)(&user.first_name)}
                    </a>
                    <ActionForm action=logout attr:class="inline-form">
                        <button type="submit" class="topbar__button">
                            {t.logout_button}
                        </button>
                    </ActionForm>
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="account-menu">
                <a href=with_query("/login", &[("return_to", here.clone())]) class="topbar__link">
                    {t.login_link}
                </a>
            </div>
        }
        .into_any(),
    }
}

/// A new password and its confirmation, with the rule under the first
/// field: the sign-up, the password change and the reset all ask this way.
#[component]
pub fn NewPasswordFields(
    #[prop(into)] label: TextProp,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <crate::ui::forms::FormField
            label=label
            name="password"
            kind="password"
            autocomplete="new-password"
            minlength=10
            maxlength=128
            error
        />
        <p class="field__hint">{move || i18n.t().password_hint}</p>
        <crate::ui::forms::FormField
            label=move || i18n.t().password_confirmation_label
            name="password_confirmation"
            kind="password"
            autocomplete="new-password"
            error
        />
    }
}
