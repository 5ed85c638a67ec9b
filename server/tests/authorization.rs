#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The authorization matrix: every server function that needs a login or
//! the admin role, called by each kind of caller; exactly the allowed cells
//! succeed. A new protected server function joins by adding one `Case`.

mod common;

use common::{spawn_app, TestApp, PASSWORD};
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
    /// A product in stock, for the basket.
    book: i64,
}

struct Case {
    endpoint: &'static str,
    args: fn(&People) -> Vec<(&'static str, String)>,
    allowed: &'static [Caller],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            endpoint: "users/profile",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
        },
        Case {
            endpoint: "users/update-profile",
            args: |p| {
                vec![
                    ("first_name", "New".into()),
                    ("last_name", "Name".into()),
                    ("email", format!("new-{}-{}@example.com", p.cell, p.customer)),
                ]
            },
            allowed: EVERYONE_LOGGED_IN,
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
        },
        Case {
            endpoint: "users/delete-account",
            args: |_| vec![("password", PASSWORD.into())],
            allowed: EVERYONE_LOGGED_IN,
        },
        Case {
            // A guest has an (empty) basket: nothing to hide, nothing of anyone else's.
            endpoint: "basket/get",
            args: |_| vec![],
            allowed: EVERYONE,
        },
        Case {
            endpoint: "basket/add",
            args: |p| vec![("product_id", p.book.to_string()), ("quantity", "1".into())],
            allowed: EVERYONE_LOGGED_IN,
        },
        Case {
            endpoint: "basket/clear",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
        },
        Case {
            endpoint: "payment/my-orders",
            args: |_| vec![],
            allowed: EVERYONE_LOGGED_IN,
        },
        Case {
            endpoint: "users/list",
            args: |_| vec![("query", String::new()), ("page", "1".into())],
            allowed: ADMIN_ONLY,
        },
        Case {
            endpoint: "users/get",
            args: |p| vec![("id", p.customer.to_string())],
            allowed: ADMIN_ONLY,
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
        },
        Case {
            endpoint: "users/delete",
            args: |p| vec![("id", p.customer.to_string())],
            allowed: ADMIN_ONLY,
        },
        Case {
            endpoint: "users/set-role",
            args: |p| vec![("id", p.customer.to_string()), ("role", "admin".into())],
            allowed: ADMIN_ONLY,
        },
    ]
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
    let book = sqlx::query_scalar("SELECT id FROM products WHERE slug = 'le-petit-prince'")
        .fetch_one(&app.pool)
        .await
        .expect("book");
    (People { customer, cell, book }, client)
}

#[sqlx::test(migrations = "../migrations")]
async fn exactly_the_allowed_callers_reach_each_protected_function(pool: PgPool) {
    let app = spawn_app(pool).await;
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
            let expected_denial = if caller == Anonymous { 401 } else { 403 };
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
