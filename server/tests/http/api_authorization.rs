#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The API's authorization matrix, built from its OpenAPI document: every
//! operation the document lists (so none can be left out) is called by
//! every kind of caller, and each gets what the operation's `security`
//! promises: a public one answers anyone (but a dead token), a scope needs
//! a live token with it, of an administrator for `admin`; another
//! customer never reaches the first one's order or address; a browser's
//! session cookie is no token.

use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::common::shop::{add, checkout, product_id, CARD_OK};
use crate::common::{spawn_app, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    NoToken,
    /// The customer's read-and-write token.
    Customer,
    /// Another customer's read-and-write token.
    OtherCustomer,
    /// An administrator's token with every scope.
    Admin,
    /// An administrator's token without the admin scope: a customer's
    /// reach (not anyone's order).
    AdminReadOnly,
    Revoked,
    Expired,
    /// The customer's token with the read scope only.
    ReadOnly,
    /// The customer's logged-in session cookie, and no token.
    SessionCookie,
}

use Caller::*;

/// The customer last: their own calls delete their address, which the
/// others must find untouched (and unknown to them) first.
const CALLERS: [Caller; 9] = [
    NoToken,
    SessionCookie,
    Revoked,
    Expired,
    ReadOnly,
    OtherCustomer,
    AdminReadOnly,
    Admin,
    Customer,
];

/// What an operation's `security` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Needs {
    /// Anyone (a token may be sent, and must then be live).
    Public,
    /// A live token with this scope ("" for any).
    Scope(String),
}

fn needs_of(operation: &Value) -> Needs {
    let requirements = operation["security"]
        .as_array()
        .expect("every operation states its security");
    if requirements
        .iter()
        .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
    {
        return Needs::Public;
    }
    let scopes: Vec<&str> = requirements
        .iter()
        .flat_map(|r| r["bearer"].as_array().expect("the bearer scheme").iter())
        .filter_map(Value::as_str)
        .collect();
    match scopes.as_slice() {
        [] => Needs::Scope(String::new()),
        [scope @ ("read" | "write" | "admin")] => Needs::Scope((*scope).to_owned()),
        other => panic!("an operation with unclassified scopes {other:?}: classify it here"),
    }
}

/// The paths whose `{id}` names one customer's thing.
const OWNED: [&str; 3] = [
    "/api/v1/orders/{id}",
    "/api/v1/account/addresses/{id}",
    "/api/v1/account/addresses/{id}/default",
];

struct World {
    customer: i64,
    other: i64,
    admin: i64,
    order: i64,
    address: i64,
    book: i64,
    cookie_client: reqwest::Client,
    minted: std::cell::Cell<u64>,
}

impl World {
    /// A fresh token of `user` (so an operation that revokes its caller's
    /// token spoils no other cell): its secret.
    async fn mint(&self, app: &TestApp, user: i64, scopes: &[&str], state: &str) -> String {
        let n = self.minted.get() + 1;
        self.minted.set(n);
        let secret = format!("wm_{n:043}");
        let hash = Sha256::digest(secret.as_bytes()).to_vec();
        let (created, expires, revoked) = match state {
            "expired" => ("now() - interval '2 days'", "now() - interval '1 day'", "NULL"),
            "revoked" => ("now()", "now() + interval '1 day'", "now()"),
            _ => ("now()", "now() + interval '1 day'", "NULL"),
        };
        sqlx::query(&format!(
            "INSERT INTO api_tokens (user_id, name, secret_hash, prefix, scopes, created_at, expires_at, revoked_at)
             VALUES ($1, 'matrix', $2, 'wm_', $3, {created}, {expires}, {revoked})"
        ))
        .bind(user)
        .bind(hash)
        .bind(scopes.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        .execute(&app.pool)
        .await
        .expect("token");
        secret
    }

    async fn token_of(&self, app: &TestApp, caller: Caller) -> Option<String> {
        Some(match caller {
            NoToken | SessionCookie => return None,
            Customer => self.mint(app, self.customer, &["read", "write"], "live").await,
            OtherCustomer => self.mint(app, self.other, &["read", "write"], "live").await,
            Admin => {
                self.mint(app, self.admin, &["read", "write", "admin"], "live")
                    .await
            }
            Revoked => self.mint(app, self.customer, &["read", "write"], "revoked").await,
            Expired => self.mint(app, self.customer, &["read", "write"], "expired").await,
            ReadOnly => self.mint(app, self.customer, &["read"], "live").await,
            AdminReadOnly => self.mint(app, self.admin, &["read", "write"], "live").await,
        })
    }

    /// The path with its parameters named: the customer's things.
    fn fill(&self, path: &str) -> String {
        let mut filled = path.to_owned();
        while let Some(start) = filled.find('{') {
            let end = filled[start..].find('}').expect("closing brace") + start;
            let name = &filled[start + 1..end];
            let value = match (name, path) {
                ("slug", _) => "le-petit-prince".to_owned(),
                ("product_id", _) => self.book.to_string(),
                ("id", p) if p.contains("/orders/") => self.order.to_string(),
                ("id", p) if p.contains("/addresses/") => self.address.to_string(),
                ("id", p) if p.contains("/products/") => self.book.to_string(),
                (name, path) => panic!("{path}: what should `{name}` name? Say it here"),
            };
            filled.replace_range(start..=end, &value);
        }
        filled
    }
}

async fn set_up(app: &TestApp) -> World {
    let cookie_client = app.new_client();
    let customer = app.register(&cookie_client, "matrix_ada").await;
    let book = product_id(app, "le-petit-prince").await;
    assert_eq!(add(app, &cookie_client, book, 1).await.status(), 200);
    assert_eq!(
        checkout(app, &cookie_client, "matrix-order-key-1", CARD_OK)
            .await
            .status(),
        200
    );
    let order: i64 = sqlx::query_scalar("SELECT id FROM orders WHERE user_id = $1")
        .bind(customer)
        .fetch_one(&app.pool)
        .await
        .expect("order");
    let address: i64 = sqlx::query_scalar(
        "INSERT INTO addresses (user_id, name, street, postcode, city, country, is_default)
         VALUES ($1, 'Ada', '1 rue', '75002', 'Paris', 'FR', true) RETURNING id",
    )
    .bind(customer)
    .fetch_one(&app.pool)
    .await
    .expect("address");
    let other = app.register(&app.new_client(), "matrix_bob").await;
    let admin = app.admin(&app.new_client(), "matrix_root").await;
    World {
        customer,
        other,
        admin,
        order,
        address,
        book,
        cookie_client,
        minted: std::cell::Cell::new(0),
    }
}

/// Whether the operation let the caller through: neither refused (401,
/// 403) nor failing (5xx) nor throttled.
fn let_through(status: u16) -> bool {
    !matches!(status, 401 | 403 | 429) && status < 500
}

#[sqlx::test]
async fn every_operation_of_the_document_admits_exactly_its_callers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let world = set_up(&app).await;
    let document: Value = app
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("document");
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(operation) = item.get(method) {
                operations.push((method.to_owned(), path.clone(), needs_of(operation)));
            }
        }
    }
    assert!(
        operations.len() >= 18,
        "the document lists the API: {}",
        operations.len()
    );
    let mut failures = Vec::new();
    // Every cell mints its own tokens: DELETE /api/v1/auth/token revokes
    // the one it is called with, and spoils no other cell.
    for (method, path, needs) in &operations {
        // The customer's address as it was (their own DELETE took it).
        sqlx::query(
            "INSERT INTO addresses (id, user_id, name, street, postcode, city, country, is_default)
             VALUES ($1, $2, 'Ada', '1 rue', '75002', 'Paris', 'FR', true) ON CONFLICT (id) DO NOTHING",
        )
        .bind(world.address)
        .bind(world.customer)
        .execute(&app.pool)
        .await
        .expect("address");
        for caller in CALLERS {
            let token = world.token_of(&app, caller).await;
            let url = app.url(&world.fill(path));
            let client = if caller == SessionCookie {
                world.cookie_client.clone()
            } else {
                reqwest::Client::new()
            };
            let mut request = client.request(method.to_uppercase().parse().expect("method"), url);
            if let Some(token) = &token {
                request = request.bearer_auth(token);
            }
            if method != "get" && method != "delete" {
                request = request
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", format!("matrix-{caller:?}-{path}"))
                    .body("{}");
            }
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let owned = OWNED.contains(&path.as_str()) && !path.starts_with("/api/v1/admin");
            let expected: &str = match (needs, caller) {
                (_, Revoked | Expired) => "401",
                (Needs::Public, _) => "through",
                (_, NoToken | SessionCookie) => "401",
                (Needs::Scope(scope), _) if scope == "admin" => {
                    if caller == Admin {
                        "through"
                    } else {
                        "403"
                    }
                }
                (Needs::Scope(scope), ReadOnly) if scope == "write" => "403",
                (_, OtherCustomer | AdminReadOnly) if owned => "404",
                _ => "through",
            };
            let ok = match expected {
                "through" => let_through(status),
                code => status.to_string() == code,
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} by {caller:?}: {status}, expected {expected}"
                ));
            } else if !let_through(status) {
                assert_eq!(
                    response
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok()),
                    Some("application/problem+json"),
                    "{method} {path} by {caller:?}: a refusal is a problem"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
