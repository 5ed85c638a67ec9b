//! /admin: today's orders and revenue, stock to watch, newest users, and
//! what administrators did lately.

use leptos::prelude::*;
use leptos_router::components::A;

use super::AdminGate;
use crate::admin::api::get_dashboard;
use crate::admin::model::Dashboard;
use crate::i18n::use_i18n;
use crate::products::model::ProductSummary;
use crate::ui::{error::ErrorMessage, price::Price};

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_dashboard.to_owned()>
            <DashboardView />
        </AdminGate>
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let i18n = use_i18n();
    let dashboard = Resource::new(|| (), |_| get_dashboard());
    view! {
        <h1>{move || i18n.t().admin_dashboard}</h1>
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <DashboardPanels dashboard /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardPanels(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="admin__cards">
            <section class="panel stat">
                <h2>{move || i18n.t().admin_orders_today}</h2>
                <p class="stat__value" data-testid="orders-today">{dashboard.orders_today}</p>
            </section>
            <section class="panel stat">
                <h2>{move || i18n.t().admin_revenue_today}</h2>
                <p class="stat__value"><Price cents=dashboard.revenue_today_cents /></p>
            </section>
        </div>
        <div class="admin__cards">
            <StockPanel title=move || i18n.t().admin_low_stock.to_owned() products=dashboard.low_stock />
            <StockPanel title=move || i18n.t().admin_sold_out.to_owned() products=dashboard.sold_out />
        </div>
        {(!dashboard.accounts_under_attack.is_empty()).then(|| view! {
            <section class="panel alert alert--error" data-testid="accounts-under-attack">
                <h2>{move || i18n.t().admin_accounts_under_attack}</h2>
                <ul class="plain-list">
                    {dashboard
                        .accounts_under_attack
                        .into_iter()
                        .map(|(id, username, failures)| view! {
                            <li>
                                <A href=format!("/admin/users/{id}")>{username}</A>
                                " — " {move || (i18n.t().admin_failed_passwords)(failures)}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        })}
        <section class="panel">
            <h2>{move || i18n.t().admin_newest_users}</h2>
            <ul class="plain-list">
                {dashboard
                    .newest_users
                    .into_iter()
                    .map(|user| view! { <li><A href=format!("/admin/users/{}", user.id)>{user.username}</A> " — " {user.email}</li> })
                    .collect_view()}
            </ul>
        </section>
        <section class="panel">
            <h2>{move || i18n.t().admin_audit}</h2>
            <table class="table" data-testid="audit-log">
                <tbody>
                    {dashboard
                        .audit
                        .into_iter()
                        .map(|entry| {
                            view! {
                                <tr>
                                    <td>{entry.created_at}</td>
                                    <td>{entry.actor}</td>
                                    <td><code>{entry.action}</code></td>
                                    <td>{entry.target}</td>
                                    <td>{entry.detail}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn StockPanel(#[prop(into)] title: TextProp, products: Vec<ProductSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = products.is_empty();
    view! {
        <section class="panel">
            <h2>{move || title.get()}</h2>
            {empty.then(|| view! { <p class="empty-state">{move || i18n.t().admin_nothing_to_watch}</p> })}
            <ul class="plain-list">
                {products
                    .into_iter()
                    .map(|product| {
                        view! {
                            <li>
                                <A href=format!("/admin/products/{}", product.id)>{product.name}</A>
                                " — " {product.stock}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
