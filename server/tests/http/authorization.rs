#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The authorization matrix: every server function that needs a login or
//! the admin role, called by each kind of caller; exactly the allowed cells
//! succeed. A new protected server function joins by adding one `Case`, a
//! function open to everyone by a line on the `PUBLIC` list; the registry
//! test fails for a server function on neither.

use std::collections::BTreeSet;

use crate::common::{sign_up_form, spawn_app, spawn_app_configured, TestApp, PASSWORD};
use sqlx::PgPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Customer,
    /// Another customer: must never reach the first customer's things.
    OtherCustomer,
    Admin,
}

use Caller::*;

const EVERYONE: &[Caller] = &[Anonymous, Customer, OtherCustomer, Admin];
const EVERYONE_LOGGED_IN: &[Caller] = &[Customer, OtherCustomer, Admin];
const ADMIN_ONLY: &[Caller] = &[Admin];

/// The people of one cell: the customer whose things are at stake, another
/// customer, and an administrator.
struct People {
    customer: i64,
    cell: usize,
    /// A product in stock, already in the caller's basket.
    book: i64,
    /// An order of `customer`.
    order: i64,
    /// A product and an empty category of this cell only, to delete.
    spare_product: i64,
    spare_category: i64,
    /// A failed mail of this cell, to read and resend.
    mail: i64,
    /// A checked catalogue import (a file of no rows), to read and apply.
    import: i64,
    /// A photo of the spare product, to retitle, move and delete.
    photo: i64,
    /// A drop of this cell, to report on.
    drop: i64,
    /// A saved address of `customer`.
    address: i64,
    /// A live API token of `customer`.
    token: i64,
    /// A webhook endpoint of this cell, and a failed delivery to it.
    webhook: i64,
    delivery: i64,
}

/// A valid product form for `slug`.
fn product_form(p: &People, slug: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", format!("Produit {}", p.cell)),
        ("slug", slug.to_owned()),
        ("description", "Un produit.".into()),
        ("category_id", p.spare_category.to_string()),
        ("price", "12,90".into()),
        ("stock", "3".into()),
        ("max_per_order", "2".into()),
    ]
}

struct Case {
    endpoint: &'static str,
    args: fn(&People) -> Vec<(&'static str, String)>,
    allowed: &'static [Caller],
    /// Logged-in callers who are not allowed get 404 (the thing is not
    /// theirs to know about) instead of 403.
    hidden: bool,
}

impl Default for Case {
    fn default() -> Self {
        Self {
            endpoint: "",
            args: |_| vec![],
            allowed: &[],
            hidden: false,
        }
    }
}

/// The form of a successful checkout with a fresh key.
fn checkout_form(p: &People) -> Vec<(&'static str, String)> {
    vec![
        ("ship_name", "Ada Lovelace".into()),
        ("ship_street", "1 rue de la Paix".into()),
        ("ship_postcode", "75002".into()),
        ("ship_city", "Paris".into()),
        ("ship_country", "France".into()),
        ("card_number", "4242 4242 4242 4242".into()),
        ("card_expiry", "12/39".into()),
        ("card_cvc", "123".into()),
        ("idempotency_key", format!("matrix-key-{}", p.cell)),
        ("delivery_method", "2".into()),
    ]
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            endpoint: "auth/resend-verification",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "mail/admin/list",
            args: |_| vec![("status", "failed".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "mail/admin/get",
            args: |p| vec![("id", p.mail.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "mail/admin/resend",
            args: |p| vec![("id", p.mail.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "users/profile",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "users/update-profile",
            args: |p| {
                vec![
                    ("first_name", "New".into()),
                    ("last_name", "Name".into()),
                    ("email", format!("new-{}-{}@example.com", p.cell, p.customer)),
                    ("current_password", PASSWORD.into()),
                ]
            },
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "users/change-password",
            args: |_| {
                vec![
                    ("current_password", PASSWORD.into()),
                    ("password", "another long password".into()),
                    ("password_confirmation", "another long password".into()),
                ]
            },
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "users/delete-account",
            args: |_| vec![("password", PASSWORD.into())],
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            // A guest has an (empty) basket: nothing to hide, nothing of anyone else's.
            endpoint: "basket/get",
            args: |_| vec![],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            // The delivery estimate and a code tried on one's own basket
            // (empty for a guest); nothing is taken.
            endpoint: "basket/extras",
            args: |_| vec![("code", "NOEL".into())],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            // Guests have a basket in their session.
            endpoint: "basket/add",
            args: |p| vec![("product_id", p.book.to_string()), ("quantity", "1".into())],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            endpoint: "basket/set-quantity",
            args: |p| vec![("product_id", p.book.to_string()), ("quantity", "2".into())],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            endpoint: "basket/remove",
            args: |p| vec![("product_id", p.book.to_string())],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            endpoint: "basket/clear",
            args: |_| vec![],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            endpoint: "basket/own-hold",
            args: |p| vec![("product_id", p.book.to_string())],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            endpoint: "basket/merge-notice",
            args: |_| vec![],
            allowed: EVERYONE,
            ..Case::default()
        },
        Case {
            endpoint: "payment/checkout",
            args: checkout_form,
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "payment/order",
            args: |p| vec![("order_id", p.order.to_string())],
            allowed: &[Customer, Admin],
            hidden: true,
        },
        Case {
            endpoint: "payment/admin/orders",
            args: |_| vec![("status", "paid".into()), ("page", "1".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "payment/admin/order-status",
            args: |p| vec![("order_id", p.order.to_string()), ("status", "shipped".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "payment/my-orders",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "admin/dashboard",
            args: |_| vec![],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/list",
            args: |_| vec![("query", "prince".into()), ("page", "1".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/get",
            args: |p| vec![("id", p.book.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "drops/admin/list",
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "drops/admin/report",
            args: |p| vec![("id", p.drop.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "drops/admin/create",
            args: |p| {
                vec![
                    ("name", format!("Drop {}", p.cell)),
                    ("opens_at", "2030-01-01T20:00".into()),
                    ("skus", format!("SPARE-PRODUCT-{}", p.cell)),
                    ("room_minutes", "30".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/create",
            args: |p| product_form(p, &format!("matrix-product-{}", p.cell)),
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/update",
            args: |p| {
                let mut form = product_form(p, "le-petit-prince");
                form.push(("id", p.book.to_string()));
                form.retain(|(name, _)| *name != "stock");
                form
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/adjust-stock",
            args: |p| {
                vec![
                    ("id", p.book.to_string()),
                    ("delta", "1".into()),
                    ("reason", "recount".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/delete",
            args: |p| vec![("id", p.spare_product.to_string()), ("confirm", "yes".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/photos",
            args: |p| vec![("id", p.spare_product.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/photos/update",
            args: |p| vec![("id", p.photo.to_string()), ("alt", "Vue de face".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/photos/move",
            args: |p| vec![("id", p.photo.to_string()), ("earlier", "true".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/photos/delete",
            args: |p| vec![("id", p.photo.to_string()), ("confirm", "yes".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/import",
            args: |p| vec![("id", p.import.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/import/apply",
            args: |p| vec![("id", p.import.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/categories",
            args: |_| vec![],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/create-category",
            args: |p| {
                vec![
                    ("slug", format!("matrix-category-{}", p.cell)),
                    ("name_fr", "Catégorie".into()),
                    ("name_en", "Category".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/rename-category",
            args: |p| {
                vec![
                    ("id", p.spare_category.to_string()),
                    ("name_fr", "Nouveau".into()),
                    ("name_en", "New".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/category-vat",
            args: |p| vec![("id", p.spare_category.to_string()), ("vat_rate", "550".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "delivery/admin/methods",
            args: |_| vec![],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "delivery/admin/save-method",
            args: |p| {
                vec![
                    ("id", "3".into()),
                    ("name_fr", format!("Chronopost {}", p.cell)),
                    ("name_en", "Chronopost express".into()),
                    ("price", "12,90".into()),
                    ("days_min", "1".into()),
                    ("days_max", "1".into()),
                    ("countries", "FR".into()),
                    ("active", "yes".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "addresses/mine",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "addresses/add",
            args: |p| {
                vec![
                    ("ship_name", format!("Ada {}", p.cell)),
                    ("ship_street", "2 rue".into()),
                    ("ship_postcode", "75002".into()),
                    ("ship_city", "Paris".into()),
                    ("ship_country", "FR".into()),
                ]
            },
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        // Another's address is nobody else's to know about, an
        // administrator's included: the book is the customer's own.
        Case {
            endpoint: "addresses/set-default",
            args: |p| vec![("id", p.address.to_string())],
            allowed: &[Customer],
            hidden: true,
        },
        Case {
            endpoint: "addresses/delete",
            args: |p| vec![("id", p.address.to_string())],
            allowed: &[Customer],
            hidden: true,
        },
        Case {
            endpoint: "api-tokens/mine",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            endpoint: "api-tokens/create",
            args: |p| {
                vec![
                    ("current_password", PASSWORD.into()),
                    ("name", format!("cell {}", p.cell)),
                    ("scope_read", "on".into()),
                    ("expires_in_days", "7".into()),
                ]
            },
            allowed: EVERYONE_LOGGED_IN,
            ..Case::default()
        },
        Case {
            // Another's token is nobody else's to know about.
            endpoint: "api-tokens/revoke",
            args: |p| vec![("id", p.token.to_string())],
            allowed: &[Customer],
            hidden: true,
        },
        Case {
            endpoint: "api-tokens/all",
            args: |_| vec![],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "api-tokens/admin-revoke",
            args: |p| vec![("id", p.token.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "webhooks/board",
            args: |_| vec![],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            // A literal public address: no name to resolve offline.
            endpoint: "webhooks/create",
            args: |_| {
                vec![
                    ("url", "https://93.184.216.34/in".into()),
                    ("order_paid", "on".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "webhooks/resend",
            args: |p| vec![("id", p.delivery.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "webhooks/delete",
            args: |p| vec![("id", p.webhook.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "invoices/admin/sales",
            args: |_| vec![("from", "2026-01".into()), ("to", "2026-12".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "promotions/admin/codes",
            args: |_| vec![],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "promotions/admin/create",
            args: |p| {
                vec![
                    ("code", format!("MATRIX-{}", p.cell)),
                    ("kind", "percent".into()),
                    ("value", "10".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "promotions/admin/set-active",
            args: |_| vec![("id", "1".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "products/admin/delete-category",
            args: |p| vec![("id", p.spare_category.to_string()), ("confirm", "yes".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "users/list",
            args: |_| vec![("query", String::new()), ("page", "1".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "users/get",
            args: |p| vec![("id", p.customer.to_string())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "users/create",
            args: |p| {
                vec![
                    ("username", format!("created{}", p.cell)),
                    ("email", format!("created{}@example.com", p.cell)),
                    ("password", PASSWORD.into()),
                    ("first_name", "New".into()),
                    ("last_name", "User".into()),
                    ("role", "customer".into()),
                ]
            },
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "users/delete",
            args: |p| vec![("id", p.customer.to_string()), ("confirm", "yes".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
        Case {
            endpoint: "users/set-role",
            args: |p| vec![("id", p.customer.to_string()), ("role", "admin".into())],
            allowed: ADMIN_ONLY,
            ..Case::default()
        },
    ]
}

/// A server function anyone may call, logged in or not, with why it is
/// open and arguments that make an anonymous call succeed.
struct Public {
    endpoint: &'static str,
    reason: &'static str,
    args: fn(&People) -> Vec<(&'static str, String)>,
    /// What a guest gets: 200, or the refusal of its bad input (never 401/403).
    status: u16,
}

const PUBLIC: &[Public] = &[
    Public {
        endpoint: "auth/register",
        reason: "signing up is how a visitor gets an account",
        status: 200,
        args: |p| {
            let username = format!("newcomer{}", p.cell);
            let email = format!("{username}@example.com");
            sign_up_form(&username, &email)
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned()))
                .collect()
        },
    },
    Public {
        endpoint: "auth/login",
        reason: "logging in is how a visitor proves who they are",
        status: 200,
        args: |p| {
            vec![
                ("login", format!("customer{}", p.cell)),
                ("password", PASSWORD.into()),
            ]
        },
    },
    Public {
        endpoint: "auth/logout",
        reason: "ends whatever session there is; a guest's is harmless to end",
        status: 200,
        args: |_| vec![],
    },
    Public {
        endpoint: "auth/me",
        reason: "says whether anyone is logged in: nothing for a guest",
        status: 200,
        args: |_| vec![],
    },
    Public {
        endpoint: "i18n/set-locale",
        reason: "the language cookie is the visitor's own choice",
        status: 200,
        args: |_| vec![("locale", "en".into())],
    },
    Public {
        endpoint: "payment/checkout-key",
        reason: "a random key for a checkout form; paying itself needs a login",
        status: 200,
        args: |_| vec![],
    },
    Public {
        endpoint: "products/list",
        reason: "the catalogue is public",
        status: 200,
        args: |_| vec![("page", "1".into()), ("sort", "newest".into())],
    },
    Public {
        endpoint: "products/get",
        reason: "the catalogue is public (archived products are hidden inside)",
        status: 200,
        args: |_| vec![("slug", "le-petit-prince".into())],
    },
    Public {
        endpoint: "products/categories",
        reason: "the catalogue's menu is public",
        status: 200,
        args: |_| vec![],
    },
    Public {
        endpoint: "products/by-category",
        reason: "the catalogue is public",
        status: 200,
        args: |_| {
            vec![
                ("slug", "livres".into()),
                ("page", "1".into()),
                ("sort", "newest".into()),
            ]
        },
    },
    Public {
        endpoint: "products/search",
        reason: "the catalogue is public",
        status: 200,
        args: |_| {
            vec![
                ("q", "prince".into()),
                ("sort", "relevance".into()),
                ("page", "1".into()),
            ]
        },
    },
    Public {
        endpoint: "products/suggest",
        reason: "the search box's suggestions come from the public catalogue",
        status: 200,
        args: |_| vec![("prefix", "prin".into())],
    },
    Public {
        endpoint: "drops/current",
        reason: "the home page's drops are public",
        status: 200,
        args: |_| vec![],
    },
    Public {
        endpoint: "drops/of-product",
        reason: "a product page names the drop that sells it",
        status: 200,
        args: |p| vec![("product_id", p.book.to_string())],
    },
    Public {
        endpoint: "drops/room",
        reason: "a waiting room is open to guests (each sees only their own place)",
        status: 404,
        args: |_| vec![("id", "999999".into())],
    },
    Public {
        endpoint: "drops/join",
        reason: "guests may queue for a drop open to anyone; the drop's audience decides",
        status: 404,
        args: |_| vec![("id", "999999".into())],
    },
    Public {
        endpoint: "products/drops",
        reason: "the home page's products are public",
        status: 200,
        args: |_| vec![],
    },
    Public {
        endpoint: "auth/forgot-password",
        reason: "a forgotten password is asked for while logged out; one answer for every address",
        args: |_| vec![("email", "someone@example.com".into())],
        status: 200,
    },
    Public {
        endpoint: "auth/reset-password",
        reason: "the mailed token is the proof, not a session (a made-up one is refused)",
        args: |_| {
            vec![
                ("token", "0".repeat(64)),
                ("password", "a long new password".into()),
                ("password_confirmation", "a long new password".into()),
            ]
        },
        status: 400,
    },
    Public {
        endpoint: "auth/verify-email",
        reason: "the mailed token is the proof, not a session (a made-up one is refused)",
        args: |_| vec![("token", "0".repeat(64))],
        status: 400,
    },
    Public {
        endpoint: "products/alert",
        reason: "a guest may ask to be told when a product is back",
        args: |_| vec![("product_id", "1".into()), ("email", "fan@example.com".into())],
        status: 200,
    },
    Public {
        endpoint: "products/alert-confirm",
        reason: "the mailed token confirms its alert, not a session (a made-up one is refused)",
        args: |_| vec![("token", "0".repeat(64))],
        status: 400,
    },
    Public {
        endpoint: "products/alert-unsubscribe",
        reason: "the mailed token stops the alerts of its address; any other changes nothing",
        args: |_| vec![("token", "0".repeat(64))],
        status: 200,
    },
];

/// Every server function the app registers, as its endpoint under /api/.
fn registered_endpoints() -> BTreeSet<String> {
    // Naming an app function keeps the crate, and with it the registrations
    // of all its server functions, linked into this test binary.
    let _ = app::auth::api::current_user;
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| {
            let endpoint = path.strip_prefix("/api/").unwrap_or(path);
            assert_eq!(
                method,
                http::Method::POST,
                "{endpoint}: the matrix calls with POST"
            );
            endpoint.to_owned()
        })
        .collect()
}

#[test]
fn every_registered_server_function_is_classified() {
    let registered = registered_endpoints();
    let in_matrix: Vec<&str> = cases().iter().map(|case| case.endpoint).collect();
    let public: Vec<&str> = PUBLIC.iter().map(|public| public.endpoint).collect();
    let mut listed = BTreeSet::new();
    let twice: Vec<&str> = in_matrix
        .iter()
        .chain(&public)
        .copied()
        .filter(|endpoint| !listed.insert(*endpoint))
        .collect();
    assert!(twice.is_empty(), "listed more than once: {twice:?}");
    let unlisted: Vec<&str> = registered
        .iter()
        .map(String::as_str)
        .filter(|endpoint| !listed.contains(endpoint))
        .collect();
    let stale: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|endpoint| !registered.contains(*endpoint))
        .collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "server functions nobody classified: {unlisted:?} (add each to the matrix, `cases()`, if it \
         needs a login, or to `PUBLIC` with the reason it is open); listed but no longer \
         registered: {stale:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_reaches_every_public_function(pool: PgPool) {
    let app = spawn_app(pool).await;
    let mut failures = Vec::new();
    for (index, public) in PUBLIC.iter().enumerate() {
        let (people, client) = cell(&app, Anonymous, index + 1).await;
        let args = (public.args)(&people);
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let status = app
            .call_as(&client, public.endpoint, &form)
            .await
            .status()
            .as_u16();
        if status != public.status {
            failures.push(format!("{} ({}): {status}", public.endpoint, public.reason));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Fresh people for one cell, and a client logged in as `caller`.
async fn cell(app: &TestApp, caller: Caller, cell: usize) -> (People, reqwest::Client) {
    let customer = app.register(&app.new_client(), &format!("customer{cell}")).await;
    let client = app.new_client();
    match caller {
        Anonymous => {}
        Customer => {
            app.login(&client, &format!("customer{cell}"), PASSWORD).await;
        }
        OtherCustomer => {
            app.register(&client, &format!("other{cell}")).await;
        }
        Admin => {
            app.admin(&client, &format!("admin{cell}")).await;
        }
    }
    let book: i64 = sqlx::query_scalar("SELECT id FROM products WHERE slug = 'le-petit-prince'")
        .fetch_one(&app.pool)
        .await
        .expect("book");
    let response = app
        .call_as(
            &client,
            "basket/add",
            &[("product_id", &book.to_string()), ("quantity", "1")],
        )
        .await;
    assert_eq!(response.status(), 200, "every caller can fill a basket");
    let order = sqlx::query_scalar(
        "INSERT INTO orders (user_id, idempotency_key, total_cents, ship_name, ship_street, ship_postcode,
                             ship_city, ship_country, card_brand, card_last4)
         VALUES ($1, 'matrix-order-' || $2, 790, 'Ada', '1 rue', '75002', 'Paris', 'France', 'Visa', '4242')
         RETURNING id",
    )
    .bind(customer)
    .bind(cell.to_string())
    .fetch_one(&app.pool)
    .await
    .expect("order");
    sqlx::query(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity)
         VALUES ($1, $2, 'Le Petit Prince', 790, 1)",
    )
    .bind(order)
    .bind(book)
    .execute(&app.pool)
    .await
    .expect("order line");
    let spare_category: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name_fr, name_en) VALUES ('spare-' || $1, 'Spare', 'Spare') RETURNING id",
    )
    .bind(cell.to_string())
    .fetch_one(&app.pool)
    .await
    .expect("category");
    let spare_product: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, category_id, price_cents, stock, image_path)
         SELECT 'spare-product-' || $1, 'Spare', id, 100, 1, '/x.svg' FROM categories WHERE slug = 'livres'
         RETURNING id",
    )
    .bind(cell.to_string())
    .fetch_one(&app.pool)
    .await
    .expect("product");
    let mail: i64 = sqlx::query_scalar(
        "INSERT INTO mail_outbox (kind, recipient, payload, status)
         VALUES ('password_reset', 'matrix@example.com', '{\"token\": \"t\"}', 'failed') RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .expect("mail");
    let header = "sku,product,name,name_en,description,description_en,category,options,options_en,values,values_en,price,stock,max_per_order,max_per_customer,hold_minutes,image";
    let import: i64 = sqlx::query_scalar(
        "INSERT INTO catalogue_imports (admin_id, file_name, file, report)
         VALUES ($1, 'matrix.csv', convert_to($2, 'UTF8'),
                 '{\"id\": 0, \"file_name\": \"matrix.csv\", \"rows\": [], \"errors\": [], \"applied\": false}')
         RETURNING id",
    )
    .bind(customer)
    .bind(header)
    .fetch_one(&app.pool)
    .await
    .expect("import");
    let photo: i64 = sqlx::query_scalar(
        "WITH photo AS (
             INSERT INTO product_photos (product_id, position, hash) VALUES ($1, 1, md5($1::text)) RETURNING id
         )
         INSERT INTO photo_renditions (photo_id, width, height, bytes) SELECT id, 640, 640, '\\xffd8ff' FROM photo
         RETURNING photo_id",
    )
    .bind(spare_product)
    .fetch_one(&app.pool)
    .await
    .expect("photo");
    let drop: i64 = sqlx::query_scalar(
        "INSERT INTO drops (name, opens_at) VALUES ('Matrix drop', now() + interval '1 day') RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .expect("drop");
    let address: i64 = sqlx::query_scalar(
        "INSERT INTO addresses (user_id, name, street, postcode, city, country, is_default)
         VALUES ($1, 'Ada', '1 rue', '75002', 'Paris', 'FR', true) RETURNING id",
    )
    .bind(customer)
    .fetch_one(&app.pool)
    .await
    .expect("address");
    let token: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, secret_hash, prefix, scopes, expires_at)
         VALUES ($1, 'matrix', sha256(convert_to('matrix-' || $2::text, 'UTF8')), 'wm_matrix', '{read}',
                 now() + interval '1 day')
         RETURNING id",
    )
    .bind(customer)
    .bind(cell as i64)
    .fetch_one(&app.pool)
    .await
    .expect("token");
    let webhook: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (url, events, secret, active)
         VALUES ('https://93.184.216.34/hook', '{order.paid}', 'whsec_0123456789abcdef0123456789abcdef', false)
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .expect("webhook");
    let delivery: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (endpoint_id, event, payload, status) VALUES ($1, 'order.paid', '{}', 'failed')
         RETURNING id",
    )
    .bind(webhook)
    .fetch_one(&app.pool)
    .await
    .expect("delivery");
    (
        People {
            address,
            token,
            webhook,
            delivery,
            drop,
            customer,
            cell,
            book,
            order,
            spare_product,
            spare_category,
            mail,
            import,
            photo,
        },
        client,
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn exactly_the_allowed_callers_reach_each_protected_function(pool: PgPool) {
    // Two logins a case, all from 127.0.0.1: more than the successes one
    // address is allowed in a window by default.
    let app = spawn_app_configured(pool, |config| config.login_max_successes = 1_000).await;
    let mut failures = Vec::new();
    let mut index = 0;
    for case in cases() {
        for caller in [Anonymous, Customer, OtherCustomer, Admin] {
            index += 1;
            let (people, client) = cell(&app, caller, index).await;
            let args = (case.args)(&people);
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = app.call_as(&client, case.endpoint, &form).await.status().as_u16();
            let allowed = case.allowed.contains(&caller);
            let expected_denial = match caller {
                Anonymous => 401,
                _ if case.hidden => 404,
                _ => 403,
            };
            let ok = if allowed {
                status == 200
            } else {
                status == expected_denial
            };
            if !ok {
                failures.push(format!(
                    "{} as {caller:?}: {status} (allowed: {allowed})",
                    case.endpoint
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_cannot_touch_another_customers_account(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (victim, attacker) = (app.new_client(), app.new_client());
    let victim_id = app.register(&victim, "victim").await;
    app.register(&attacker, "attacker").await;
    // The profile functions act on the caller only: there is no id to forge.
    let response = app
        .call_as(
            &attacker,
            "users/update-profile",
            &[
                ("id", &victim_id.to_string()),
                ("first_name", "X"),
                ("last_name", "Y"),
                ("email", "x@example.com"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "it edits the attacker's own profile");
    let attacker_email: String = sqlx::query_scalar("SELECT email FROM users WHERE username = 'attacker'")
        .fetch_one(&app.pool)
        .await
        .expect("attacker");
    assert_eq!(attacker_email, "x@example.com");
    let victim_name: String = sqlx::query_scalar("SELECT first_name FROM users WHERE id = $1")
        .bind(victim_id)
        .fetch_one(&app.pool)
        .await
        .expect("victim");
    assert_eq!(victim_name, "Ada", "the victim's profile is untouched");
    let response = app
        .call_as(&attacker, "users/get", &[("id", &victim_id.to_string())])
        .await;
    assert_eq!(response.status(), 403);
}
