//! The back office under /admin: dashboard and management pages. The
//! server functions live with their concern (products, users, payment);
//! this module holds the dashboard, the audit log and the pages.
//!
//! The back-office pages are rendered on the server only: plain HTML forms
//! that work without JavaScript, with no island. The browser build gets the
//! stand-ins below so that the app's route table compiles there; in islands
//! mode the browser never renders a page, and they are never called.

pub mod api;
#[cfg(feature = "ssr")]
mod db;
pub mod model;
#[cfg(feature = "ssr")]
pub mod pages;

#[cfg(not(feature = "ssr"))]
pub mod pages {
    use leptos::prelude::*;

    macro_rules! server_rendered {
        ($($page:ident),* $(,)?) => {$(
            #[component]
            pub fn $page() -> impl IntoView {
                load_from_server();
            }
        )*};
    }

    server_rendered!(
        AdminApiTokensPage,
        AdminCataloguePage,
        AdminCategoriesPage,
        AdminDashboardPage,
        AdminDeliveryPage,
        AdminDropReportPage,
        AdminDropsPage,
        AdminImportPage,
        AdminMailDetailPage,
        AdminMailPage,
        AdminNewProductPage,
        AdminOrderPage,
        AdminOrdersPage,
        AdminProductPage,
        AdminProductsPage,
        AdminPromotionsPage,
        AdminSalesPage,
        AdminUserPage,
        AdminUsersPage,
        AdminWebhooksPage,
    );

    /// Loads the page the router was asked for from the server.
    fn load_from_server() {
        let location = leptos_router::hooks::use_location();
        let search = location.search.get_untracked();
        let path = location.pathname.get_untracked();
        let href = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        if let Err(error) = window().location().set_href(&href) {
            leptos::logging::error!("could not load the back office: {error:?}");
        }
    }
}

/// Whether a path belongs to the back office: plain server pages, with no
/// script at all (see the shell in `lib.rs`).
pub fn is_back_office(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_admin_paths_are_back_office() {
        assert!(super::is_back_office("/admin"));
        assert!(super::is_back_office("/admin/products/3"));
        assert!(!super::is_back_office("/administration-tips"));
        assert!(!super::is_back_office("/p/admin"));
    }
}
