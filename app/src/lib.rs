//! WonderMarket's application: everything the browser can reach.
//!
//! Each business concern lives in its own module (`auth`, `users`,
//! `products`, `basket`, `payment`, `mail`, `admin`) with its model, server
//! functions, SQL and pages; `inventory` owns every statement on stock, which
//! basket, checkout and the back office call. The page frame that assembles them into every
//! page (header, layout, language switch) lives in `frame`; pieces every
//! concern may use live in `ui` (components), `operator` (back-office
//! helpers), `error`, `i18n`, `ids`, `order_status`, `state` and `sql`.
//!
//! Imports point down: concerns may import the shared modules; a shared
//! module (`error`, `i18n`, `ids`, `ui`, `state`, `sql`) imports no concern (a
//! test in `tests/floors.rs` checks it).
#![recursion_limit = "256"]

pub mod addresses;
pub mod admin;
pub mod api_tokens;
pub mod auth;
pub mod basket;
pub mod country;
pub mod delivery;
pub mod drops;
pub mod error;
pub mod frame;
pub mod i18n;
pub mod ids;
pub mod inventory;
pub mod invoices;
pub mod mail;
pub mod operator;
pub mod order_status;
pub mod paging;
pub mod payment;
pub mod pricing;
pub mod products;
pub mod promotions;
#[cfg(feature = "ssr")]
pub mod sql;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod tally;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod ttl_cache;
pub mod ui;
pub mod users;
pub mod webhooks;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::admin::pages::{
    AdminApiTokensPage, AdminCataloguePage, AdminCategoriesPage, AdminDashboardPage, AdminDeliveryPage,
    AdminDropReportPage, AdminDropsPage, AdminImportPage, AdminMailDetailPage, AdminMailPage,
    AdminNewProductPage, AdminOrderPage, AdminOrdersPage, AdminProductPage, AdminProductsPage,
    AdminPromotionsPage, AdminSalesPage, AdminUserPage, AdminUsersPage, AdminWebhooksPage,
};
use crate::auth::{
    components::provide_auth,
    pages::{LoginPage, RegisterPage},
    recovery::pages::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage},
};
use crate::basket::pages::BasketPage;
use crate::drops::pages::DropRoomPage;
use crate::frame::Layout;
use crate::i18n::{provide_i18n, Locale};
use crate::payment::pages::{CheckoutPage, OrderPage};
use crate::products::alerts::{ConfirmAlertPage, UnsubscribePage};
use crate::products::pages::{CategoryPage, HomePage, ProductPage, SearchPage};
use crate::ui::not_found::NotFound;
use crate::users::pages::AccountPage;

/// Readies the browser for the islands, which the islands loader then
/// hydrates one by one (each is exported by `#[island]`).
#[cfg(feature = "hydrate")]
pub fn start_islands() {
    leptos::mount::hydrate_islands();
    // Lets tests (and curious operators) see that the islands' code runs.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = Locale::from_request();
    #[cfg(feature = "ssr")]
    let site_url = use_context::<state::AppState>()
        .map(|state| state.public_url)
        .unwrap_or_default();
    // The back office is plain server pages: no island, no script.
    #[cfg(feature = "ssr")]
    let back_office =
        use_context::<http::request::Parts>().is_some_and(|parts| admin::is_back_office(parts.uri.path()));
    // A drop's waiting room refreshes itself without JavaScript (with it,
    // `live.js` follows the position instead).
    #[cfg(feature = "ssr")]
    let waiting_room =
        use_context::<http::request::Parts>().is_some_and(|parts| is_room_path(parts.uri.path()));
    // The shell only ever renders on the server.
    #[cfg(not(feature = "ssr"))]
    let (site_url, back_office, waiting_room) = (String::new(), false, false);
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // The public address, read back by the browser for absolute URLs.
                <meta name="wm-site-url" content=site_url />
                <AutoReload options=options.clone() />
                {(!back_office)
                    .then(|| {
                        view! {
                            <HydrationScripts options islands=true />
                            // Links and forms swap pages in place (see the file).
                            <script src="/navigation.js" defer nonce=leptos::nonce::use_nonce()></script>
                            // Live stock, drop countdowns and the waiting room's position.
                            <script src="/live.js" defer nonce=leptos::nonce::use_nonce()></script>
                        }
                    })}
                {waiting_room.then(|| view! {
                    <noscript>
                        <meta http-equiv="refresh" content=drops::model::REFRESH_SECONDS.to_string() />
                    </noscript>
                })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether a path is a drop's waiting room (`/drops/{id}`).
pub fn is_room_path(path: &str) -> bool {
    path.strip_prefix("/drops/")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_i18n();
    ui::seo::provide_site_url();
    provide_auth();
    basket::components::provide_basket();

    view! {
        <Stylesheet id="leptos" href="/pkg/wondermarket.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/c/:slug") view=CategoryPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/password/forgot") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/password/reset") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/email/verify") view=VerifyEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/alerts/unsubscribe") view=UnsubscribePage ssr=SsrMode::Async />
                    <Route path=path!("/alerts/confirm") view=ConfirmAlertPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/mail") view=AdminMailPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/mail/:id") view=AdminMailDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/basket") view=BasketPage ssr=SsrMode::Async />
                    <Route path=path!("/drops/:id") view=DropRoomPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/drops") view=AdminDropsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/drops/:id") view=AdminDropReportPage ssr=SsrMode::Async />
                    <Route path=path!("/checkout") view=CheckoutPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminDashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products") view=AdminProductsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products/new") view=AdminNewProductPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products/:id") view=AdminProductPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/categories") view=AdminCategoriesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/delivery") view=AdminDeliveryPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/promotions") view=AdminPromotionsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/reports/sales") view=AdminSalesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/api-tokens") view=AdminApiTokensPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/webhooks") view=AdminWebhooksPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/catalogue") view=AdminCataloguePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/catalogue/imports/:id") view=AdminImportPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/orders") view=AdminOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/orders/:id") view=AdminOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id") view=AdminUserPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
