//! Who is logged in, for every page: the context and the header's menu.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use super::api::{current_user, Logout};
use super::model::User;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::url::with_query;

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

/// "Log in", or the user's name (to their account) and "Log out".
#[component]
pub fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let location = use_location();
    let logout = ServerAction::<Logout>::new();
    let login_href = move || {
        // The router's `search` has no leading "?".
        let search = location.search.get();
        let here = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        };
        with_query("/login", &[("return_to", here)])
    };
    view! {
        <div class="account-menu">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => {
                            let admin = user.is_admin();
                            view! {
                                {admin
                                    .then(|| {
                                        view! {
                                            <A href="/admin" attr:class="topbar__link" attr:data-testid="admin-link">
                                                {move || i18n.t().admin_link}
                                            </A>
                                        }
                                    })}
                                <A href="/account" attr:class="topbar__link" attr:data-testid="account-link">
                                    {move || (i18n.t().hello)(&user.first_name)}
                                </A>
                                <ActionForm action=logout attr:class="inline-form">
                                    <button type="submit" class="topbar__button">
                                        {move || i18n.t().logout_button}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <a href=login_href class="topbar__link">
                                    {move || i18n.t().login_link}
                                </a>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </div>
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
