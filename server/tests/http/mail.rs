#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Mail through the outbox to a real SMTP server (the tests' sink): order
//! mails in the customer's language, each mail sent once by several
//! workers, nothing for a rolled-back cause, retries then failure, the
//! password reset, the address check and "tell me when it is back".

use app::i18n::Locale;
use app::mail::{model::MailKind, outbox};
use serde_json::json;
use server::config::SmtpUrl;
use sqlx::PgPool;

use crate::common::shop::{add, checkout, product_id, set_stock, CARD_OK};
use crate::common::smtp::SmtpSink;
use crate::common::{spawn_another_configured, spawn_app_configured, TestApp, PASSWORD};

pub(crate) fn through(sink: &SmtpSink) -> impl FnOnce(&mut server::config::WebConfig) + '_ {
    move |config| {
        config.mail.smtp_url = Some(SmtpUrl(sink.url()));
        config.mail.mail_poll_ms = 50;
        config.mail.mail_retry_ms = 10;
        config.mail.mail_max_attempts = 3;
    }
}

async fn status_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM mail_outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("status")
}

/// Adds `quantity` of `product` and pays with checkout `key`: the new
/// order's id.
async fn buy(app: &TestApp, client: &reqwest::Client, product: i64, quantity: i32, key: &str) -> i64 {
    assert_eq!(add(app, client, product, quantity).await.status(), 200);
    assert_eq!(checkout(app, client, key, CARD_OK).await.status(), 200);
    sqlx::query_scalar("SELECT max(id) FROM orders")
        .fetch_one(&app.pool)
        .await
        .expect("order")
}

#[sqlx::test(migrations = "../migrations")]
async fn an_order_is_confirmed_by_mail_in_the_customers_language(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_configured(pool, through(&sink)).await;
    let client = app.new_client();
    assert_eq!(
        app.call_as(&client, "i18n/set-locale", &[("locale", "en")])
            .await
            .status(),
        200
    );
    app.register(&client, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    let order = buy(&app, &client, book, 2, "mail-order-key-1").await;

    sink.wait_for("the confirmation", |sink| sink.to("ada@example.com").len() >= 2)
        .await;
    let mails = sink.to("ada@example.com");
    let confirmation = mails
        .iter()
        .find(|mail| mail.subject() == format!("Order {order} confirmed"))
        .expect("an English confirmation");
    let text = confirmation.text();
    assert!(text.contains("2 × Le Petit Prince"), "{text}");
    assert!(text.contains("12 rue de la Paix"), "{text}");
    // 2 × 7,90 € of books and 3,49 € by pick-up point, the delivery at
    // the goods' rate, 5,5 %: HT 1 929 / 1,055 = 1 828,4 → 18,28 €.
    assert!(text.contains("Delivery — Pick-up point — €3.49"), "{text}");
    assert!(text.contains("Total excl. VAT — €18.28"), "{text}");
    assert!(text.contains("VAT 5.5% — €1.01"), "{text}");
    assert!(text.contains("Total incl. VAT : €19.29"), "{text}");
    assert_eq!(
        confirmation.link("https://shop.example/orders/"),
        Some(format!("https://shop.example/orders/{order}"))
    );
    assert!(confirmation.html().contains("Le Petit Prince"));
    assert!(!confirmation.html().contains("<img"));
    assert_eq!(confirmation.header("Content-Language").as_deref(), Some("en"));

    // The sign-up's address check came too, and its link verifies the address.
    let check = mails
        .iter()
        .find(|mail| mail.subject() == "Confirm your WonderMarket e-mail address")
        .expect("a verification mail");
    let link = check
        .link("https://shop.example/email/verify?token=")
        .expect("link");
    let token = link.split("token=").nth(1).expect("token");
    assert_eq!(
        app.call_as(&client, "auth/verify-email", &[("token", token)])
            .await
            .status(),
        200
    );
    let profile: serde_json::Value = app
        .call_as(&client, "users/profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile["email_verified"], true);
    // Once: the link is spent.
    assert_eq!(
        app.call_as(&client, "auth/verify-email", &[("token", token)])
            .await
            .status(),
        400
    );

    // A new address is unverified until the link sent to it is opened.
    let changed = app
        .call_as(
            &client,
            "users/update-profile",
            &[
                ("first_name", "Ada"),
                ("last_name", "King"),
                ("email", "ada@example.org"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200);
    let profile: serde_json::Value = app
        .call_as(&client, "users/profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile["email_verified"], false);
    sink.wait_for("a link to the new address", |sink| {
        !sink.to("ada@example.org").is_empty()
    })
    .await;
    assert_eq!(
        sink.to("ada@example.org")[0].subject(),
        "Confirm your WonderMarket e-mail address"
    );

    // Shipping and cancelling write to the customer too.
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    let order_id = order.to_string();
    let shipped = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[("order_id", &order_id), ("status", "shipped")],
        )
        .await;
    assert_eq!(shipped.status(), 200);
    sink.wait_for("the shipping mail", |sink| {
        sink.to("ada@example.org")
            .iter()
            .any(|mail| mail.subject() == format!("Your order {order} is on its way"))
    })
    .await;

    // A second order, cancelled: the customer hears of the cancellation, then of the refund.
    let second = buy(&app, &client, book, 1, "mail-order-key-2").await;
    let second_id = second.to_string();
    let cancelled = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[
                ("order_id", &second_id),
                ("status", "cancelled"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    let subjects = [
        format!("Order {second} cancelled"),
        format!("Order {second} refunded"),
    ];
    sink.wait_for("the cancellation and the refund", |sink| {
        subjects.iter().all(|subject| {
            sink.to("ada@example.org")
                .iter()
                .any(|mail| &mail.subject() == subject)
        })
    })
    .await;
    let refunded = sink
        .to("ada@example.org")
        .into_iter()
        .find(|mail| mail.subject() == subjects[1])
        .expect("refund mail");
    assert!(refunded.text().contains("ending in 4242"), "{}", refunded.text());
    assert!(refunded.text().contains('€'), "{}", refunded.text());
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_send_each_mail_once_and_a_rolled_back_cause_sends_none(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let first = spawn_app_configured(pool.clone(), through(&sink)).await;
    let _second = spawn_another_configured(pool.clone(), through(&sink)).await;

    let mut tx = pool.begin().await.expect("tx");
    outbox::enqueue(
        &mut *tx,
        MailKind::PasswordReset,
        "ghost@example.com",
        Locale::Fr,
        json!({ "token": "t" }),
    )
    .await
    .expect("enqueue");
    drop(tx); // rolled back

    for n in 0..40 {
        outbox::enqueue(
            &pool,
            MailKind::PasswordReset,
            &format!("user{n}@example.com"),
            Locale::Fr,
            json!({ "token": format!("token{n}") }),
        )
        .await
        .expect("enqueue");
    }
    sink.wait_for("40 mails", |sink| sink.received().len() >= 40)
        .await;
    let marker = outbox::enqueue(
        &pool,
        MailKind::PasswordReset,
        "last@example.com",
        Locale::Fr,
        json!({ "token": "z" }),
    )
    .await
    .expect("enqueue");
    sink.wait_for("the last mail", |sink| !sink.to("last@example.com").is_empty())
        .await;

    let received = sink.received();
    assert_eq!(received.len(), 41, "each mail once, none for the rolled-back one");
    let mut ids: Vec<String> = received
        .iter()
        .filter_map(|mail| mail.header("Message-ID"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 41);
    assert!(sink.to("ghost@example.com").is_empty());
    assert_eq!(status_of(&first, marker).await, "sent");
    let unsent: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE status <> 'sent'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(unsent, 0);
    // Delivered to a real mailbox, a reset link's text is not kept.
    let kept: i64 =
        sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE text_body IS NOT NULL OR payload <> '{}'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(kept, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refusing_server_is_retried_then_the_mail_fails_until_resent(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_configured(pool.clone(), through(&sink)).await;
    // The administrator's own verification mail goes out before the server
    // refuses anything: the failed mail counted below is this test's alone,
    // however slow the machine.
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    sink.wait_for("the administrator's verification", |sink| {
        !sink.to("grace@example.com").is_empty()
    })
    .await;
    sink.refuse(true);
    let id = outbox::enqueue(
        &pool,
        MailKind::PasswordReset,
        "bob@example.com",
        Locale::Fr,
        json!({ "token": "t" }),
    )
    .await
    .expect("enqueue");
    for _ in 0..400 {
        if status_of(&app, id).await == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status_of(&app, id).await, "failed");
    assert_eq!(sink.refused(), 3, "three attempts, then failed");
    let error: String = sqlx::query_scalar("SELECT last_error FROM mail_outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("error");
    assert!(error.contains("451") || error.contains("try again"), "{error}");

    // The back office lists it and resends it.
    let page = app.page_as(&admin, "/admin/mail?status=failed").await;
    assert!(page.contains("bob@example.com"), "the failed mail is listed");
    assert!(page.contains(r#"data-testid="mail-failed-count">1<"#), "{page}");
    sink.refuse(false);
    let resend = app
        .call_as(&admin, "mail/admin/resend", &[("id", &id.to_string())])
        .await;
    assert_eq!(resend.status(), 200);
    sink.wait_for("the resent mail", |sink| sink.to("bob@example.com").len() == 1)
        .await;
    // A mail that is not failed cannot be resent.
    let again = app
        .call_as(&admin, "mail/admin/resend", &[("id", &id.to_string())])
        .await;
    assert_eq!(again.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_is_reset_once_by_mail_and_every_session_ends(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_configured(pool.clone(), through(&sink)).await;
    let owner = app.new_client();
    app.register(&owner, "carol").await;
    assert_eq!(app.whoami(&owner).await.as_deref(), Some("carol"));

    // An unknown address gets the same answer as a known one.
    let stranger = app.new_client();
    let unknown = app
        .call_as(
            &stranger,
            "auth/forgot-password",
            &[("email", "nobody@example.com")],
        )
        .await;
    let known = app
        .call_as(
            &stranger,
            "auth/forgot-password",
            &[("email", "Carol@Example.com")],
        )
        .await;
    assert_eq!(unknown.status(), known.status());
    assert_eq!(unknown.status(), 200);
    assert_eq!(
        unknown.text().await.expect("body"),
        known.text().await.expect("body")
    );
    sink.wait_for("the reset mail", |sink| {
        sink.to("carol@example.com")
            .iter()
            .any(|mail| mail.subject().contains("mot de passe"))
    })
    .await;
    assert!(sink.to("nobody@example.com").is_empty());
    let mail = sink
        .to("carol@example.com")
        .into_iter()
        .find(|mail| mail.subject() == "Réinitialisez votre mot de passe WonderMarket")
        .expect("a French reset mail");
    let link = mail
        .link("https://shop.example/password/reset?token=")
        .expect("link");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM password_resets WHERE token_hash = sha256($1::bytea)")
            .bind(token.as_bytes())
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(stored, 1, "only the token's hash is stored");

    // The page of the link offers the form; a weak password is refused and spends nothing.
    let page = app
        .page_as(&stranger, &format!("/password/reset?token={token}"))
        .await;
    assert!(page.contains(r#"name="password_confirmation""#));
    let weak = app
        .call_as(
            &stranger,
            "auth/reset-password",
            &[
                ("token", &token),
                ("password", "short"),
                ("password_confirmation", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status(), 400);
    let new_password = "a brand new passphrase";
    let form = [
        ("token", token.as_str()),
        ("password", new_password),
        ("password_confirmation", new_password),
    ];
    assert_eq!(
        app.call_as(&stranger, "auth/reset-password", &form)
            .await
            .status(),
        200
    );
    // Once only.
    assert_eq!(
        app.call_as(&stranger, "auth/reset-password", &form)
            .await
            .status(),
        400
    );
    // The owner's other session ended; the new password works, the old does not.
    assert_eq!(app.whoami(&owner).await, None);
    assert_eq!(
        app.login(&app.new_client(), "carol", PASSWORD).await.status(),
        401
    );
    assert_eq!(
        app.login(&app.new_client(), "carol", new_password).await.status(),
        200
    );

    // An expired link does not work.
    assert_eq!(
        app.call_as(
            &stranger,
            "auth/forgot-password",
            &[("email", "carol@example.com")]
        )
        .await
        .status(),
        200
    );
    sink.wait_for("a second reset mail", |sink| {
        sink.to("carol@example.com")
            .iter()
            .filter(|mail| mail.subject().contains("mot de passe"))
            .count()
            == 2
    })
    .await;
    let second = sink
        .to("carol@example.com")
        .into_iter()
        .filter(|mail| mail.subject().contains("mot de passe"))
        .nth(1)
        .and_then(|mail| mail.link("https://shop.example/password/reset?token="))
        .expect("second link");
    let second = second.split("token=").nth(1).expect("token").to_owned();
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
        .execute(&pool)
        .await
        .expect("expire");
    let late = [
        ("token", second.as_str()),
        ("password", "yet another passphrase"),
        ("password_confirmation", "yet another passphrase"),
    ];
    assert_eq!(
        app.call_as(&stranger, "auth/reset-password", &late)
            .await
            .status(),
        400
    );

    // Requests for one address are limited, whether it has an account or not.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            app.call_as(
                &stranger,
                "auth/forgot-password",
                &[("email", "nobody@example.com")],
            )
            .await
            .status()
            .as_u16(),
        );
    }
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 2, "{statuses:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_restock_mails_each_subscriber_once_by_any_path(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_configured(pool.clone(), through(&sink)).await;
    let book = product_id(&app, "le-petit-prince").await;
    set_stock(&app, book, 0).await;

    // A guest leaves an address (twice: one subscription) and confirms it
    // with the last link mailed; a shopper whose address is verified
    // clicks once.
    let guest = app.new_client();
    let form = [
        ("product_id", book.to_string()),
        ("email", "fan@example.com".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.call_as(&guest, "products/alert", &form).await.status(), 200);
    assert_eq!(app.call_as(&guest, "products/alert", &form).await.status(), 200);
    confirm_alert(&app, &sink, &guest, "fan@example.com", 2).await;
    let shopper = app.new_client();
    let dave = app.register(&shopper, "dave").await;
    sqlx::query("UPDATE users SET email_verified_at = now() WHERE id = $1")
        .bind(dave)
        .execute(&pool)
        .await
        .expect("verified");
    assert_eq!(
        app.call_as(&shopper, "products/alert", &[("product_id", &book.to_string())])
            .await
            .status(),
        200
    );
    let bad = app
        .call_as(
            &guest,
            "products/alert",
            &[("product_id", &book.to_string()), ("email", "not an address")],
        )
        .await;
    assert_eq!(bad.status(), 400);
    let waiting = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM stock_alerts WHERE notified_at IS NULL")
            .fetch_one(&pool)
            .await
            .expect("count")
    };
    assert_eq!(waiting().await, 2);
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    let listed = app.page_as(&admin, &format!("/admin/products/{book}")).await;
    assert!(
        listed.contains("data-testid=\"alerts-waiting\""),
        "the back office shows who waits"
    );

    // Restocked in the back office: one mail each, the subscriptions end.
    let restock = app
        .call_as(
            &admin,
            "products/admin/adjust-stock",
            &[("id", &book.to_string()), ("delta", "3"), ("reason", "delivery")],
        )
        .await;
    assert_eq!(restock.status(), 200);
    sink.wait_for("two alerts", |sink| {
        back_in_stock(sink, "fan@example.com").len() == 1
            && back_in_stock(sink, "dave@example.com").len() == 1
    })
    .await;
    assert_eq!(waiting().await, 0);
    let alert = &back_in_stock(&sink, "fan@example.com")[0];
    assert_eq!(
        alert.subject(),
        "Le Petit Prince — Antoine de Saint-Exupéry est de retour en stock"
    );
    assert!(alert.link("https://shop.example/p/le-petit-prince").is_some());
    let unsubscribe = alert
        .link("https://shop.example/alerts/unsubscribe?token=")
        .expect("unsubscribe link");
    assert_eq!(alert.header("List-Unsubscribe"), Some(format!("<{unsubscribe}>")));

    // Sold out again, a new subscription, restocked by plain SQL: one more mail.
    set_stock(&app, book, 0).await;
    assert_eq!(app.call_as(&guest, "products/alert", &form).await.status(), 200);
    confirm_alert(&app, &sink, &guest, "fan@example.com", 3).await;
    sqlx::query("UPDATE products SET stock = 5 WHERE id = $1")
        .bind(book)
        .execute(&pool)
        .await
        .expect("restock");
    sink.wait_for("the second alert", |sink| {
        back_in_stock(sink, "fan@example.com").len() == 2
    })
    .await;
    sqlx::query("UPDATE products SET stock = 6 WHERE id = $1")
        .bind(book)
        .execute(&pool)
        .await
        .expect("more stock");

    // The unsubscribe link stops every alert of the address.
    set_stock(&app, book, 0).await;
    assert_eq!(app.call_as(&guest, "products/alert", &form).await.status(), 200);
    let token = unsubscribe.split("token=").nth(1).expect("token");
    assert_eq!(
        app.call_as(&guest, "products/alert-unsubscribe", &[("token", token)])
            .await
            .status(),
        200
    );
    sqlx::query("UPDATE products SET stock = 2 WHERE id = $1")
        .bind(book)
        .execute(&pool)
        .await
        .expect("restock");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM stock_alerts WHERE email = 'fan@example.com'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
    let marker = outbox::enqueue(
        &pool,
        MailKind::PasswordReset,
        "marker@example.com",
        Locale::Fr,
        json!({ "token": "m" }),
    )
    .await
    .expect("marker");
    sink.wait_for("the marker", |sink| !sink.to("marker@example.com").is_empty())
        .await;
    assert_eq!(status_of(&app, marker).await, "sent");
    assert_eq!(
        back_in_stock(&sink, "fan@example.com").len(),
        2,
        "one mail per restock, none after the stock merely grew"
    );
}

/// The back-in-stock mails `address` received.
fn back_in_stock(sink: &SmtpSink, address: &str) -> Vec<crate::common::smtp::Received> {
    sink.to(address)
        .into_iter()
        .filter(|mail| mail.subject().contains("de retour"))
        .collect()
}

/// Waits for the `nth` alert confirmation mail to `address` and follows its link.
pub(crate) async fn confirm_alert(
    app: &TestApp,
    sink: &SmtpSink,
    client: &reqwest::Client,
    address: &str,
    nth: usize,
) {
    let confirmations = |sink: &SmtpSink| {
        sink.to(address)
            .into_iter()
            .filter(|mail| mail.subject().starts_with("Confirmez votre alerte"))
            .collect::<Vec<_>>()
    };
    sink.wait_for("an alert's confirmation", |sink| confirmations(sink).len() >= nth)
        .await;
    let link = confirmations(sink)[nth - 1]
        .link("https://shop.example/alerts/confirm?token=")
        .expect("a confirmation link");
    let token = link.split("token=").nth(1).expect("token");
    let confirmed = app
        .call_as(client, "products/alert-confirm", &[("token", token)])
        .await;
    assert_eq!(confirmed.status(), 200);
}
