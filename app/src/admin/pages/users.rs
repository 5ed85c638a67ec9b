//! /admin/users: the user list with search, account creation, and one
//! user's page with their orders, role and deletion.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_params_map;

use super::orders::OrderTable;
use super::{query_param, AdminGate, ConfirmBox};
use crate::auth::model::{Role, User};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ids::UserId;
use crate::payment::api::list_orders;
use crate::products::components::Pagination;
use crate::ui::forms::{use_form_error, FormAlert, FormField};
use crate::ui::url::with_query;
use crate::ui::{error::ErrorMessage, not_found::NotFound};
use crate::users::api::{get_user, list_users, CreateUser, DeleteUser, SetRole};

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_users.to_owned()>
            <Users />
        </AdminGate>
    }
}

#[component]
fn Users() -> impl IntoView {
    let i18n = use_i18n();
    let query = query_param("q");
    let page = query_param("page");
    let create = ServerAction::<CreateUser>::new();
    let create_error = use_form_error(create);
    // The back office is not hydrated: outcomes come back in the URL.
    let created = query_param("created");
    let deleted = query_param("deleted");
    let users = Resource::new(
        move || (query.get(), page.get(), create.version().get()),
        |(query, page, _)| list_users(query, page.parse().unwrap_or(1)),
    );
    view! {
        <h1>{move || i18n.t().admin_users}</h1>
        <p class="alert alert--success" role="status" hidden=move || deleted.get().is_empty()>{move || i18n.t().admin_deleted}</p>
        <Form method="GET" action="" attr:class="admin__search">
            <label for="admin-user-search" class="visually-hidden">{move || i18n.t().admin_search}</label>
            <input id="admin-user-search" type="search" name="q" value=move || query.get() />
            <button type="submit" class="button button--secondary">{move || i18n.t().admin_search}</button>
        </Form>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(found) if found.items.is_empty() => view! { <p class="empty-state">{move || i18n.t().admin_no_results}</p> }.into_any(),
                    Ok(found) => {
                        let q = query.get_untracked();
                        view! {
                            <table class="table panel" data-testid="admin-users">
                                <tbody>
                                    {found.items.into_iter().map(|user| view! {
                                        <tr>
                                            <td><A href=format!("/admin/users/{}", user.id)>{user.username}</A></td>
                                            <td>{user.email}</td>
                                            <td>{format!("{} {}", user.first_name, user.last_name)}</td>
                                            <td>{user.role.as_str()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pagination page=found.page has_next=found.has_next href=move |n| with_query("/admin/users", &[("q", q.clone()), ("page", n.to_string())]) />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=create attr:class="form panel" attr:novalidate="">
            <h2>{move || i18n.t().admin_new_user}</h2>
            <FormField label=move || i18n.t().username_label name="username" error=create_error />
            <FormField label=move || i18n.t().email_label name="email" kind="email" error=create_error />
            <FormField label=move || i18n.t().password_label name="password" kind="password" error=create_error />
            <FormField label=move || i18n.t().first_name_label name="first_name" error=create_error />
            <FormField label=move || i18n.t().last_name_label name="last_name" error=create_error />
            <div class="field">
                <label for="field-role">{move || i18n.t().admin_role}</label>
                <select id="field-role" name="role">
                    <option value="customer">{move || i18n.t().admin_role_customer}</option>
                    <option value="admin">{move || i18n.t().admin_role_admin}</option>
                </select>
            </div>
            <FormAlert error=create_error fields=&["username", "email", "password", "first_name", "last_name", "role"] />
            <p class="toast" role="status" hidden=move || created.get().is_empty()>{move || i18n.t().admin_saved}</p>
            <button type="submit" class="button">{move || i18n.t().admin_create}</button>
        </ActionForm>
    }
}

#[component]
pub fn AdminUserPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_users.to_owned()>
            <UserDetail />
        </AdminGate>
    }
}

#[component]
fn UserDetail() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let set_role = ServerAction::<SetRole>::new();
    let user = Resource::new(
        move || (id.get(), set_role.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_user(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let orders = Resource::new(move || id.get(), |id| list_orders(None, id.map(UserId), Some(1)));
    view! {
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match (user.await, orders.await) {
                    (Ok(user), Ok(orders)) => view! { <UserAdmin user set_role /> <OrderTable orders=orders.orders /> }.into_any(),
                    (Err(AppError::NotFound), _) => view! { <NotFound /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserAdmin(user: User, set_role: ServerAction<SetRole>) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteUser>::new();
    let role_error = use_form_error(set_role);
    let delete_error = use_form_error(delete);
    let other_role = if user.is_admin() {
        Role::Customer
    } else {
        Role::Admin
    };
    let id = user.id;
    view! {
        <div class="admin__header">
            <h1>{user.username.clone()}</h1>
            <span class="status status--shipped">{user.role.as_str()}</span>
        </div>
        <section class="panel">
            <p>{user.email.clone()} " — " {format!("{} {}", user.first_name, user.last_name)}</p>
            <p class="muted">{move || i18n.t().admin_member_since} " " {user.member_since.get(..10).unwrap_or_default().to_owned()}</p>
            <ActionForm action=set_role attr:class="inline-form">
                <input type="hidden" name="id" value=id.0 />
                <input type="hidden" name="role" value=other_role.as_str() />
                <button type="submit" class="button button--secondary">
                    {move || if other_role == Role::Admin { i18n.t().admin_make_admin } else { i18n.t().admin_make_customer }}
                </button>
            </ActionForm>
            <FormAlert error=role_error fields=&[] />
        </section>
        <section class="panel panel--danger">
            <h2>{move || i18n.t().admin_delete_user}</h2>
            <p>{move || i18n.t().delete_text}</p>
            <ActionForm action=delete attr:class="form">
                <input type="hidden" name="id" value=id.0 />
                <ConfirmBox id=format!("confirm-user-{id}") />
                <button type="submit" class="button button--danger">{move || i18n.t().admin_delete}</button>
            </ActionForm>
            <FormAlert error=delete_error fields=&[] />
        </section>
    }
}
