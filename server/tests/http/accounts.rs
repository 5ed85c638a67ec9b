#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Accounts through HTTP: registration, login, sessions and their security rules.

use crate::common::{session_cookie, sign_up_form, spawn_app, spawn_app_configured, TestApp, PASSWORD};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn registering_logs_the_shopper_in_and_the_header_says_so(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    assert_eq!(app.whoami(&client).await, None);
    app.register(&client, "ada").await;
    assert_eq!(app.whoami(&client).await.as_deref(), Some("ada"));
    let html = app.page_as(&client, "/").await;
    assert!(
        html.contains("Bonjour, Ada"),
        "server-rendered header knows the user"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn registration_rejects_bad_and_duplicate_input_with_field_errors(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    // A taken address is not a field error: see mail_limits.rs.
    let cases: [(&str, &str, &str, &str); 4] = [
        ("ADA", "new@example.com", PASSWORD, "username"),
        ("ADA", "Ada@Example.com", PASSWORD, "username"),
        ("x", "x@example.com", PASSWORD, "username"),
        ("grace", "grace@example.com", "short", "password"),
    ];
    for (username, email, password, field) in cases {
        let response = app
            .call_as(
                &app.new_client(),
                "auth/register",
                &[
                    ("username", username),
                    ("email", email),
                    ("password", password),
                    ("password_confirmation", password),
                    ("first_name", "G"),
                    ("last_name", "H"),
                ],
            )
            .await;
        assert_eq!(response.status(), 400, "{username} {email}");
        let error: serde_json::Value = response.json().await.expect("json");
        assert_eq!(error["Validation"]["field"], field, "{error}");
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(users, 1, "nothing was created");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_user_and_wrong_password_get_the_same_answer(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    let client = app.new_client();
    let wrong = app.login(&client, "ada", "not the password").await;
    let (wrong_status, wrong_body) = (wrong.status(), wrong.text().await.expect("body"));
    let unknown = app.login(&client, "nobody", "not the password").await;
    assert_eq!(wrong_status, 401);
    assert_eq!(unknown.status(), 401);
    assert_eq!(unknown.text().await.expect("body"), wrong_body);
    assert_eq!(app.whoami(&client).await, None);
    let by_email = app.login(&client, "ADA@example.com", PASSWORD).await;
    assert_eq!(by_email.status(), 200);
    assert_eq!(app.whoami(&client).await.as_deref(), Some("ada"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_id_changes_at_login(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    app.register(&app.new_client(), "grace").await;
    let client = app.new_client();
    let first = app.login(&client, "ada", PASSWORD).await;
    let old_cookie = session_cookie(&first).expect("session cookie");
    let second = app.login(&client, "grace", PASSWORD).await;
    let new_cookie = session_cookie(&second).expect("session cookie");
    assert_ne!(old_cookie, new_cookie);
    // Someone holding the old id has nothing.
    let response = reqwest::Client::new()
        .post(app.url("/api/auth/me"))
        .header("Cookie", &old_cookie)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.text().await.expect("body"), "null");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sixth_failed_login_is_refused_with_429(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    let client = app.new_client();
    for attempt in 1..=5 {
        let response = app.login(&client, "ada", "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let response = app.login(&client, "ada", PASSWORD).await;
    assert_eq!(response.status(), 429, "even the right password waits");
    let response_retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let error: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        error["TooManyRequests"]["retry_after"], 900,
        "the attempts window"
    );
    assert_eq!(response_retry_after, Some("900".to_owned()));
    assert_eq!(app.whoami(&client).await, None);
}

/// A sign-up through a trusted proxy that sent these X-Forwarded-For lines; its status.
async fn sign_up_forwarded(app: &TestApp, forwarded: &[&str], username: &str) -> u16 {
    let email = format!("{username}@example.com");
    let mut request = app
        .new_client()
        .post(app.url("/api/auth/register"))
        .header("Origin", &app.address);
    for line in forwarded {
        request = request.header("X-Forwarded-For", *line);
    }
    request
        .form(&sign_up_form(username, &email))
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

/// A sign-up from `address`, the last entry its proxy forwarded; its status.
async fn sign_up_from(app: &TestApp, address: &str, username: &str) -> u16 {
    sign_up_forwarded(app, &[&format!("192.0.2.1, {address}")], username).await
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_ups_are_limited_per_address_before_any_work(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| {
        config.sign_ups_per_hour = 3;
        config.trust_forwarded_for = true;
    })
    .await;
    assert_eq!(sign_up_from(&app, "2001:db8:7:7::1", "first").await, 200);
    assert_eq!(sign_up_from(&app, "2001:db8:7:7::2", "second").await, 200);
    assert_eq!(
        sign_up_from(&app, "2001:db8:7:7::3", "x").await,
        400,
        "a refused sign-up counts too"
    );
    assert_eq!(
        sign_up_from(&app, "2001:db8:7:7:ffff::4", "fourth").await,
        429,
        "the same /64 is one address"
    );
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE username = 'fourth'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(users, 0, "nothing was created");
    let forged_first_line = sign_up_forwarded(&app, &["198.51.100.1", "2001:db8:7:7::5"], "forger").await;
    assert_eq!(
        forged_first_line, 429,
        "the proxy's own line counts, not one the client sent"
    );
    assert_eq!(
        sign_up_from(&app, "203.0.113.9", "fourth").await,
        200,
        "another address signs up"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_success_resets_the_failure_count(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    let client = app.new_client();
    for _ in 0..4 {
        app.login(&client, "ada", "wrong password").await;
    }
    assert_eq!(app.login(&client, "ada", PASSWORD).await.status(), 200);
    for attempt in 1..=4 {
        assert_eq!(
            app.login(&client, "ada", "wrong").await.status(),
            401,
            "attempt {attempt}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn logout_deletes_the_session_from_the_store(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    let sessions = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM tower_sessions.session")
            .fetch_one(&app.pool)
            .await
            .expect("count")
    };
    assert_eq!(sessions().await, 1);
    let response = app.call_as(&client, "auth/logout", &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(sessions().await, 0);
    assert_eq!(app.whoami(&client).await, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_login_attempts_are_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    let response = app
        .new_client()
        .post(app.url("/api/auth/login"))
        .header("Origin", "https://evil.example")
        .form(&[("login", "ada"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 403);
    assert!(session_cookie(&response).is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_ends_the_other_sessions_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (laptop, phone) = (app.new_client(), app.new_client());
    app.register(&laptop, "ada").await;
    assert_eq!(app.login(&phone, "ada", PASSWORD).await.status(), 200);
    let new_password = "an even better password";
    let response = app
        .call_as(
            &laptop,
            "users/change-password",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("password_confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.whoami(&laptop).await.as_deref(), Some("ada"));
    assert_eq!(app.whoami(&phone).await, None);
    assert_eq!(app.login(&phone, "ada", PASSWORD).await.status(), 401);
    assert_eq!(app.login(&phone, "ada", new_password).await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_current_password_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    let response = app
        .call_as(
            &client,
            "users/change-password",
            &[
                ("current_password", "guess"),
                ("password", "whatever long"),
                ("password_confirmation", "whatever long"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(app.login(&app.new_client(), "ada", PASSWORD).await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn profile_edits_are_validated_and_kept_unique(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&app.new_client(), "grace").await;
    app.register(&client, "ada").await;
    let update = |email: &'static str, first: &'static str| {
        let client = client.clone();
        let app = &app;
        async move {
            app.call_as(
                &client,
                "users/update-profile",
                &[
                    ("first_name", first),
                    ("last_name", "King"),
                    ("email", email),
                    ("current_password", PASSWORD),
                ],
            )
            .await
        }
    };
    assert_eq!(update("GRACE@example.com", "Ada").await.status(), 400);
    assert_eq!(update("not-an-email", "Ada").await.status(), 400);
    assert_eq!(update("ada@example.org", " ").await.status(), 400);
    let response = update("Ada.King@Example.org", "Augusta Ada").await;
    assert_eq!(response.status(), 200);
    let user: serde_json::Value = response.json().await.expect("json");
    assert_eq!(user["email"], "ada.king@example.org");
    assert_eq!(user["first_name"], "Augusta Ada");
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_the_account_erases_personal_data_and_logs_out(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    let id = app.register(&client, "ada").await;
    let wrong = app
        .call_as(&client, "users/delete-account", &[("password", "nope")])
        .await;
    assert_eq!(wrong.status(), 400);
    let response = app
        .call_as(&client, "users/delete-account", &[("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.whoami(&client).await, None);
    let (username, email, first_name, deleted): (String, String, String, bool) =
        sqlx::query_as("SELECT username, email, first_name, deleted_at IS NOT NULL FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("row kept for orders");
    assert!(deleted);
    assert!(!username.contains("ada") && !email.contains("ada") && first_name.is_empty());
    assert_eq!(app.login(&app.new_client(), "ada", PASSWORD).await.status(), 401);
    // The name is free again.
    app.register(&app.new_client(), "ada").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_old_hash_is_upgraded_at_login(pool: PgPool) {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let app = spawn_app(pool).await;
    let id = app.register(&app.new_client(), "ada").await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(4096, 1, 1, None).expect("params"),
    );
    let hash = weak
        .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
        .expect("hash")
        .to_string();
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(&hash)
        .execute(&app.pool)
        .await
        .expect("weaken");
    assert_eq!(app.login(&app.new_client(), "ada", PASSWORD).await.status(), 200);
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("hash");
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_server_instances_share_sessions(pool: PgPool) {
    let first = spawn_app(pool.clone()).await;
    let second = crate::common::spawn_app_without_seed(pool).await;
    let client = first.new_client();
    first.register(&client, "ada").await;
    // Same host, other port: the browser sends the same cookie.
    assert_eq!(second.whoami(&client).await.as_deref(), Some("ada"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_administrator_keeps_the_role(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    let admin = app.admin(&client, "root").await;
    let admin_id = admin.to_string();
    let response = app
        .call_as(
            &client,
            "users/set-role",
            &[("id", &admin_id), ("role", "customer")],
        )
        .await;
    assert_eq!(response.status(), 409);
    let customer = app.register(&app.new_client(), "ada").await.to_string();
    let response = app
        .call_as(&client, "users/set-role", &[("id", &customer), ("role", "admin")])
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .call_as(
            &client,
            "users/set-role",
            &[("id", &admin_id), ("role", "customer")],
        )
        .await;
    assert_eq!(response.status(), 200, "another admin exists now");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_survives_a_server_restart(pool: PgPool) {
    let before = spawn_app(pool.clone()).await;
    let client = before.new_client();
    before.register(&client, "ada").await;
    drop(before);
    let after = crate::common::spawn_app_without_seed(pool).await;
    assert_eq!(after.whoami(&client).await.as_deref(), Some("ada"));
}

#[sqlx::test(migrations = "../migrations")]
async fn one_address_cannot_guess_across_many_accounts(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;
    let client = app.new_client();
    for attempt in 1..=5 {
        let response = app
            .login(&client, &format!("guess{attempt}"), "wrong password")
            .await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // Same address, an account never tried before: the address is throttled.
    let response = app.login(&client, "ada", PASSWORD).await;
    assert_eq!(response.status(), 429);
}

/// A login from `address`, the last entry its trusted proxy forwarded.
async fn login_from(app: &TestApp, client: &reqwest::Client, address: &str, password: &str) -> u16 {
    client
        .post(app.url("/api/auth/login"))
        .header("Origin", &app.address)
        .header("X-Forwarded-For", address)
        .form(&[("login", "ada"), ("password", password)])
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

/// A wrong-password storm from three addresses: each address waits, the
/// owner logging in from elsewhere does not, and past the alert ceiling the
/// back office sees the account.
#[sqlx::test(migrations = "../migrations")]
async fn a_password_storm_slows_its_sources_not_the_owner(pool: PgPool) {
    let app = crate::common::spawn_app_configured(pool, |config| {
        config.trust_forwarded_for = true;
        config.login_alert_failures = 15;
    })
    .await;
    app.register(&app.new_client(), "ada").await;
    let attacker = app.new_client();
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        for attempt in 1..=5 {
            assert_eq!(
                login_from(&app, &attacker, address, "guess").await,
                401,
                "{address} #{attempt}"
            );
        }
        assert_eq!(
            login_from(&app, &attacker, address, "guess").await,
            429,
            "{address} waits"
        );
        assert_eq!(
            login_from(&app, &attacker, address, PASSWORD).await,
            429,
            "even with the right password, from the storm's address"
        );
    }
    let owner = app.new_client();
    assert_eq!(
        login_from(&app, &owner, "203.0.113.9", PASSWORD).await,
        200,
        "the owner gets in"
    );
    assert_eq!(app.whoami(&owner).await.as_deref(), Some("ada"));

    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let dashboard = app.page_as(&admin, "/admin").await;
    let alert = dashboard
        .split(r#"data-testid="accounts-under-attack""#)
        .nth(1)
        .expect("the dashboard shows the alert");
    assert!(
        alert.contains(">ada</a>") && alert.contains("15 mots de passe erronés"),
        "{alert}"
    );
}

/// A correct password in a loop is throttled per account (hashing is
/// deliberately slow: one account must not keep every slot busy); another
/// account from the same address is not.
#[sqlx::test(migrations = "../migrations")]
async fn correct_logins_are_limited_per_account(pool: PgPool) {
    let app = crate::common::spawn_app_configured(pool, |config| {
        config.trust_forwarded_for = true;
        config.login_max_successes = 3;
    })
    .await;
    app.register(&app.new_client(), "ada").await;
    app.register(&app.new_client(), "bob").await;
    let client = app.new_client();
    for attempt in 1..=3 {
        assert_eq!(
            login_from(&app, &client, "198.51.100.7", PASSWORD).await,
            200,
            "#{attempt}"
        );
    }
    assert_eq!(login_from(&app, &client, "198.51.100.7", PASSWORD).await, 429);
    assert_eq!(
        login_from(&app, &client, "198.51.100.8", PASSWORD).await,
        429,
        "from anywhere"
    );
    let bob = app
        .new_client()
        .post(app.url("/api/auth/login"))
        .header("Origin", &app.address)
        .header("X-Forwarded-For", "198.51.100.7")
        .form(&[("login", "bob"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(bob.status(), 200, "another account from the same address");
}
