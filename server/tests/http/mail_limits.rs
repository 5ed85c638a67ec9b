#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! What a stranger can make the shop write to an address, tried as an
//! attacker would: many addresses from one client, alerts nobody
//! confirmed, resets for strangers' addresses, a borrowed session moving
//! the account's address, and sign-up used to learn who has an account.
//! The mail is read from the outbox (no SMTP server: the local mailbox).

use sqlx::PgPool;

use crate::common::shop::{product_id, set_stock};
use crate::common::{sign_up_form, spawn_app, spawn_app_configured, TestApp, PASSWORD};

/// The recipients of the outbox's mails of `kind`, oldest first.
async fn mailed(app: &TestApp, kind: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT recipient FROM mail_outbox WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(&app.pool)
        .await
        .expect("mail")
}

/// The token of the newest mail of `kind` to `recipient`.
async fn token_mailed(app: &TestApp, kind: &str, recipient: &str) -> String {
    sqlx::query_scalar(
        "SELECT payload->>'token' FROM mail_outbox WHERE kind = $1 AND recipient = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(kind)
    .bind(recipient)
    .fetch_one(&app.pool)
    .await
    .expect("a mailed token")
}

async fn subscribe(app: &TestApp, client: &reqwest::Client, product: i64, email: &str) -> reqwest::Response {
    app.call_as(
        client,
        "products/alert",
        &[("product_id", &product.to_string()), ("email", email)],
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn one_guest_cannot_make_the_shop_mail_many_addresses(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.mail.mails_per_client_per_hour = 5).await;
    let book = product_id(&app, "le-petit-prince").await;
    set_stock(&app, book, 0).await;

    let guest = app.new_client();
    let mut statuses = Vec::new();
    for n in 0..12 {
        let answer = subscribe(&app, &guest, book, &format!("victim{n}@example.com")).await;
        statuses.push(answer.status().as_u16());
        if answer.status() == 429 {
            let error: serde_json::Value = answer.json().await.expect("json");
            assert_eq!(error, "TooManyMails");
        }
    }
    assert_eq!(statuses, [[200; 5].as_slice(), &[429; 7]].concat());
    // A fresh cookie jar is the same client address.
    let again = subscribe(&app, &app.new_client(), book, "victim99@example.com").await;
    assert_eq!(again.status(), 429);

    // Each address that got through got one confirmation link, nothing else,
    // and nothing once the product is back, as nobody confirmed.
    let confirmations = mailed(&app, "alert_confirmation").await;
    assert_eq!(
        confirmations,
        (0..5)
            .map(|n| format!("victim{n}@example.com"))
            .collect::<Vec<_>>()
    );
    set_stock(&app, book, 3).await;
    assert!(mailed(&app, "back_in_stock").await.is_empty());
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(total, 5, "the five confirmation links, at most the limit");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_confirmed_alerts_are_mailed_when_the_product_is_back(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let book = product_id(&app, "le-petit-prince").await;
    set_stock(&app, book, 0).await;

    // Two guests type addresses; one follows the link, the other does not.
    let (ann, bea) = (app.new_client(), app.new_client());
    assert_eq!(subscribe(&app, &ann, book, "ann@example.com").await.status(), 200);
    assert_eq!(subscribe(&app, &bea, book, "bea@example.com").await.status(), 200);
    let made_up = app
        .call_as(&ann, "products/alert-confirm", &[("token", &"a".repeat(64))])
        .await;
    assert_eq!(made_up.status(), 400);
    let token = token_mailed(&app, "alert_confirmation", "ann@example.com").await;
    let confirmed = app
        .call_as(&ann, "products/alert-confirm", &[("token", &token)])
        .await;
    assert_eq!(confirmed.status(), 200);
    let twice = app
        .call_as(&ann, "products/alert-confirm", &[("token", &token)])
        .await;
    assert_eq!(twice.status(), 400, "a link confirms once");

    // A shopper whose address is verified needs no link; one whose address
    // is not gets one, like a guest.
    let (cid, dan) = (app.new_client(), app.new_client());
    let cid_id = app.register(&cid, "cid").await;
    app.register(&dan, "dan").await;
    sqlx::query("UPDATE users SET email_verified_at = now() WHERE id = $1")
        .bind(cid_id)
        .execute(&pool)
        .await
        .expect("verified");
    for shopper in [&cid, &dan] {
        let answer = app
            .call_as(shopper, "products/alert", &[("product_id", &book.to_string())])
            .await;
        assert_eq!(answer.status(), 200);
    }
    assert_eq!(
        mailed(&app, "alert_confirmation").await,
        ["ann@example.com", "bea@example.com", "dan@example.com"]
    );

    // One address is asked for at most five times an hour, whoever asks.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            subscribe(&app, &app.new_client(), book, "bea@example.com")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429]);

    set_stock(&app, book, 2).await;
    let mut back = mailed(&app, "back_in_stock").await;
    back.sort();
    assert_eq!(back, ["ann@example.com", "cid@example.com"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_client_cannot_ask_resets_for_many_addresses(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.mail.mails_per_client_per_hour = 5).await;
    let form = app::auth::service::Registration {
        username: "owner".into(),
        email: "owner@example.com".into(),
        password: PASSWORD.into(),
        password_confirmation: PASSWORD.into(),
        first_name: "Olga".into(),
        last_name: "Owner".into(),
    };
    app::auth::service::register(&app.pool, form, app::auth::model::Role::Customer)
        .await
        .expect("account");

    let stranger = app.new_client();
    let mut statuses = Vec::new();
    for n in 0..10 {
        let answer = app
            .call_as(
                &stranger,
                "auth/forgot-password",
                &[("email", &format!("someone{n}@example.com"))],
            )
            .await;
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [[200; 5].as_slice(), &[429; 5]].concat());
    // Past the limit, a real account's address is refused the same way
    // (from any cookie jar) and gets nothing.
    let known = app
        .call_as(
            &app.new_client(),
            "auth/forgot-password",
            &[("email", "owner@example.com")],
        )
        .await;
    assert_eq!(known.status(), 429);
    assert_eq!(
        known.json::<serde_json::Value>().await.expect("json"),
        "TooManyMails"
    );
    assert!(mailed(&app, "password_reset").await.is_empty());
}

/// Changes the caller's profile to `email`, with `password` if given.
async fn change_email(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![("first_name", "Ada"), ("last_name", "Lovelace"), ("email", email)];
    form.extend(password.map(|password| ("current_password", password)));
    app.call_as(client, "users/update-profile", &form).await
}

async fn email_of(app: &TestApp, username: &str) -> String {
    sqlx::query_scalar("SELECT email FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.pool)
        .await
        .expect("email")
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_address_needs_the_password_tells_the_old_one_and_is_limited(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = app.new_client();
    app.register(&owner, "ada").await;
    // Whoever holds the session for a moment.
    let thief = owner.clone();

    for password in [None, Some(""), Some("not the password")] {
        let answer = change_email(&app, &thief, "thief@example.com", password).await;
        assert_eq!(answer.status(), 400, "{password:?}");
        let error: serde_json::Value = answer.json().await.expect("json");
        assert_eq!(error["Validation"]["field"], "current_password", "{error}");
        assert_eq!(error["Validation"]["rule"], "WrongPassword", "{error}");
    }
    assert_eq!(email_of(&app, "ada").await, "ada@example.com");
    assert!(mailed(&app, "email_changed").await.is_empty());
    assert!(!mailed(&app, "email_verification")
        .await
        .contains(&"thief@example.com".to_owned()));
    // The names alone change without it.
    let names = app
        .call_as(
            &owner,
            "users/update-profile",
            &[
                ("first_name", "Augusta"),
                ("last_name", "King"),
                ("email", "ada@example.com"),
            ],
        )
        .await;
    assert_eq!(names.status(), 200);

    // With the password: changed, the new address gets a link, the old a note.
    let moved = change_email(&app, &owner, "ada@example.org", Some(PASSWORD)).await;
    assert_eq!(moved.status(), 200);
    assert_eq!(email_of(&app, "ada").await, "ada@example.org");
    assert_eq!(mailed(&app, "email_changed").await, ["ada@example.com"]);
    assert!(mailed(&app, "email_verification")
        .await
        .contains(&"ada@example.org".to_owned()));
    let way_back = token_mailed(&app, "email_changed", "ada@example.com").await;

    // A few changes an hour, then 429 and nothing changes.
    for email in ["ada@example.net", "ada@example.fr"] {
        assert_eq!(
            change_email(&app, &owner, email, Some(PASSWORD)).await.status(),
            200
        );
    }
    let fourth = change_email(&app, &owner, "ada@example.de", Some(PASSWORD)).await;
    assert_eq!(fourth.status(), 429);
    assert_eq!(email_of(&app, "ada").await, "ada@example.fr");
    assert_eq!(mailed(&app, "email_changed").await.len(), 3);

    // The note's link lets the first address's owner take the account back:
    // a new password, and every session ends.
    let new_password = "the owner's new passphrase";
    let reset = app
        .call_as(
            &app.new_client(),
            "auth/reset-password",
            &[
                ("token", way_back.as_str()),
                ("password", new_password),
                ("password_confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(reset.status(), 200);
    assert_eq!(app.whoami(&thief).await, None);
    assert_eq!(
        app.login(&app.new_client(), "ada", new_password).await.status(),
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_up_with_a_taken_address_answers_like_a_new_one_and_mails_its_owner(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&app.new_client(), "ada").await;

    // As a script sends it, then as a browser's form does.
    let new = app
        .call_as(
            &app.new_client(),
            "auth/register",
            &sign_up_form("bob", "bob@example.com"),
        )
        .await;
    let taken = app
        .call_as(
            &app.new_client(),
            "auth/register",
            &sign_up_form("eve", "Ada@Example.com"),
        )
        .await;
    assert_eq!(new.status(), 200);
    assert_eq!(taken.status(), new.status());
    assert_eq!(
        taken.headers().get("serverfnredirect"),
        new.headers().get("serverfnredirect")
    );
    assert_eq!(taken.text().await.expect("body"), new.text().await.expect("body"));
    let as_form = |username: &'static str, email: &'static str| {
        let app = &app;
        async move {
            app.new_client()
                .post(app.url("/api/auth/register"))
                .header("Origin", &app.address)
                .header("Accept", "text/html")
                .form(&sign_up_form(username, email))
                .send()
                .await
                .expect("POST")
        }
    };
    let (new, taken) = (
        as_form("cat", "cat@example.com").await,
        as_form("dom", "ada@example.com").await,
    );
    assert_eq!(taken.status(), new.status());
    assert_eq!(taken.headers().get("location"), new.headers().get("location"));

    // No second account; the owner heard of both attempts, instead of the visitor.
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(email) = 'ada@example.com'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(accounts, 1);
    assert_eq!(
        mailed(&app, "sign_up_attempt").await,
        ["ada@example.com", "ada@example.com"]
    );
    let verifications = mailed(&app, "email_verification").await;
    assert_eq!(
        verifications,
        ["ada@example.com", "bob@example.com", "cat@example.com"]
    );

    // A taken username is still said: usernames are public.
    let username = app
        .call_as(
            &app.new_client(),
            "auth/register",
            &sign_up_form("ADA", "new@example.com"),
        )
        .await;
    assert_eq!(username.status(), 400);
    let error: serde_json::Value = username.json().await.expect("json");
    assert_eq!(error["Validation"]["field"], "username");
}
