//! The back-office pages under /admin. Each is behind [`AdminGate`]: a
//! guest is sent to log in, a customer gets the 404 page, never the data
//! (the server functions check the role again).

mod api_tokens;
mod catalogue;
mod categories;
mod dashboard;
mod delivery;
mod drop_report;
mod drops;
mod mail;
mod orders;
mod photos;
mod products;
mod promotions;
mod sales;
mod users;
mod webhooks;

pub use api_tokens::AdminApiTokensPage;
pub use catalogue::{AdminCataloguePage, AdminImportPage};
pub use categories::AdminCategoriesPage;
pub use dashboard::AdminDashboardPage;
pub use delivery::AdminDeliveryPage;
pub use drop_report::AdminDropReportPage;
pub use drops::AdminDropsPage;
pub use mail::{AdminMailDetailPage, AdminMailPage};
pub use orders::{AdminOrderPage, AdminOrdersPage};
pub use products::{AdminNewProductPage, AdminProductPage, AdminProductsPage};
pub use promotions::AdminPromotionsPage;
pub use sales::AdminSalesPage;
pub use users::{AdminUserPage, AdminUsersPage};
pub use webhooks::AdminWebhooksPage;

use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

use crate::auth::components::use_auth;
use crate::i18n::use_i18n;
use crate::ui::url::with_query;
use crate::ui::{error::ErrorMessage, not_found::NotFound, seo::Seo};

/// Shows `children` to administrators only.
#[component]
pub fn AdminGate(#[prop(into)] title: TextProp, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || {
                let title = title.clone();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) if user.is_admin() => {
                            view! {
                                <Seo title=move || title.get().to_string() description=String::new() path="/admin" noindex=true />
                                <div class="admin">
                                    <AdminNav />
                                    <div class="admin__main">{children.with_value(|children| children())}</div>
                                </div>
                            }
                                .into_any()
                        }
                        Ok(Some(_)) => view! { <NotFound /> }.into_any(),
                        Ok(None) => {
                            let back = with_query("/login", &[("return_to", location.pathname.get_untracked())]);
                            view! { <Redirect path=back /> }.into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AdminNav() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="admin__nav" aria-label=move || i18n.t().admin_nav_label>
            <A href="/admin" exact=true>{move || i18n.t().admin_dashboard}</A>
            <A href="/admin/products">{move || i18n.t().admin_products}</A>
            <A href="/admin/categories">{move || i18n.t().admin_categories}</A>
            <A href="/admin/catalogue">{move || i18n.t().admin_catalogue}</A>
            <A href="/admin/orders">{move || i18n.t().admin_orders}</A>
            <A href="/admin/delivery">{move || i18n.t().admin_delivery}</A>
            <A href="/admin/promotions">{move || i18n.t().admin_promotions}</A>
            <A href="/admin/reports/sales">{move || i18n.t().sales_title}</A>
            <A href="/admin/drops">{move || i18n.t().drop.admin_heading}</A>
            <A href="/admin/users">{move || i18n.t().admin_users}</A>
            <A href="/admin/mail">{move || i18n.t().admin_mail}</A>
            <A href="/admin/api-tokens">{move || i18n.t().admin_api_tokens}</A>
            <A href="/admin/webhooks">{move || i18n.t().admin_webhooks}</A>
        </nav>
    }
}

/// "Page n of m" with previous / next links for back-office tables.
#[component]
pub fn AdminPager(page: u32, page_count: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let i18n = use_i18n();
    if page_count <= 1 {
        return ().into_any();
    }
    view! {
        <nav class="pagination" aria-label=move || i18n.t().pagination_label>
            {(page > 1).then(|| view! { <A href=href(page - 1) attr:rel="prev" attr:class="button button--secondary">{move || i18n.t().previous_page}</A> })}
            <span class="pagination__current" aria-current="page">{move || (i18n.t().page_n_of)(page, page_count)}</span>
            {(page < page_count).then(|| view! { <A href=href(page + 1) attr:rel="next" attr:class="button button--secondary">{move || i18n.t().next_page}</A> })}
        </nav>
    }
    .into_any()
}

/// A required "I confirm" box: destructive forms cannot be sent without it,
/// with or without JavaScript.
#[component]
pub fn ConfirmBox(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let label_for = id.clone();
    view! {
        <label class="confirm" for=label_for>
            <input type="checkbox" id=id name="confirm" value="yes" required />
            {move || i18n.t().admin_confirm}
        </label>
    }
}

/// A query parameter of the current URL, as typed.
pub fn query_param(name: &'static str) -> Memo<String> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| query.with_untracked(|q| q.get(name).unwrap_or_default()))
}
