#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Checkout through the real HTTP endpoints: no overselling under a crowd,
//! one order per idempotency key, nothing taken when a card is declined.

use crate::common::shop::{
    add, basket_lines, checkout, checkout_to, count, orders_in, product_id, set_stock, sql, stock_of,
    CARD_CHARGED_THEN_LOST, CARD_CHARGED_THEN_TIMEOUT, CARD_DECLINED, CARD_OK,
};
use crate::common::sign_up_form;
use crate::common::TestApp;
use crate::common::{spawn_app, spawn_app_configured};
use app::payment::service::settle_expired_orders;
use app::state::{AppState, AuthSettings};
use futures::future::join_all;
use futures::stream::{self, StreamExt};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn two_hundred_buyers_for_ten_consoles_make_exactly_ten_orders(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    let buyers: Vec<reqwest::Client> = (0..200).map(|_| app.new_client()).collect();
    let names: Vec<String> = (0..buyers.len()).map(|i| format!("buyer{i}")).collect();
    // Set-up, not under test: a few sign-ups at a time, as password hashing
    // is deliberately slow and runs a bounded number at once.
    stream::iter(buyers.iter().zip(&names))
        .map(|(client, name)| app.register(client, name))
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;

    for round in 1..=3 {
        set_stock(&app, ps5, 10).await;
        let orders_before = count(&app, "orders").await;
        // Everyone starts the round with exactly one console in the basket.
        join_all(
            buyers
                .iter()
                .map(|client| app.call_as(client, "basket/clear", &[])),
        )
        .await;
        for response in join_all(buyers.iter().map(|client| add(&app, client, ps5, 1))).await {
            assert_eq!(response.status(), 200, "round {round}: add to basket");
        }
        let answers = all_check_out(&app, &buyers, &format!("round{round}-buyer")).await;
        let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        let paid = statuses.iter().filter(|&&s| s == 200).count();
        let sold_out = statuses.iter().filter(|&&s| s == 409).count();
        assert_eq!(paid, 10, "round {round}: {statuses:?}");
        assert_eq!(sold_out, 190, "round {round}: everyone else hears it is sold out");
        assert_eq!(stock_of(&app, ps5).await, 0, "round {round}");
        assert_eq!(count(&app, "orders").await - orders_before, 10, "round {round}");
    }
    assert_eq!(count(&app, "payments").await, 30);
}

/// Every buyer checks out at once, each with a key of their own.
async fn all_check_out(
    app: &TestApp,
    buyers: &[reqwest::Client],
    key_prefix: &str,
) -> Vec<reqwest::Response> {
    let keys: Vec<String> = (0..buyers.len()).map(|i| format!("{key_prefix}{i:04}")).collect();
    join_all(
        buyers
            .iter()
            .zip(&keys)
            .map(|(client, key)| checkout(app, client, key, CARD_OK)),
    )
    .await
}

/// Signs up `count` shoppers, each with their own cookies and one unit of
/// `product` in the basket.
async fn buyers_with_one_in_the_basket(app: &TestApp, count: usize, product: i64) -> Vec<reqwest::Client> {
    let buyers: Vec<reqwest::Client> = (0..count).map(|_| app.new_client()).collect();
    // Set-up, not under test: a few sign-ups at a time, as password hashing
    // is deliberately slow and runs a bounded number at once.
    stream::iter(buyers.iter().enumerate())
        .map(|(i, client)| async move {
            app.register(client, &format!("buyer{i}")).await;
            assert_eq!(add(app, client, product, 1).await.status(), 200);
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    buyers
}

/// A drop as it happens with a real provider: every charge takes 300 ms,
/// so hundreds of checkouts are in flight at once.
#[sqlx::test(migrations = "../migrations")]
async fn five_hundred_buyers_for_twenty_units_with_a_slow_provider(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.test_payment_latency_ms = 300).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 20).await;
    let buyers = buyers_with_one_in_the_basket(&app, 500, ps5).await;
    let answers = all_check_out(&app, &buyers, "drop-buyer-").await;
    let mut statuses = Vec::new();
    for answer in answers {
        let status = answer.status().as_u16();
        let body: serde_json::Value = answer.json().await.expect("every answer is JSON");
        if status == 409 {
            assert!(
                body["Conflict"]["NotEnoughStock"].is_object() || body["Conflict"]["SoldOut"].is_object(),
                "a clear answer: {body}"
            );
        }
        statuses.push(status);
    }
    let paid = statuses.iter().filter(|&&s| s == 200).count();
    let sold_out = statuses.iter().filter(|&&s| s == 409).count();
    assert_eq!(
        (paid, sold_out),
        (20, 480),
        "no other answer, no 5xx: {statuses:?}"
    );
    assert_eq!(stock_of(&app, ps5).await, 0);
    assert_eq!(orders_in(&app, "paid").await, 20);
    assert_eq!(
        count(&app, "orders").await,
        20,
        "nobody else got as far as an order"
    );
    assert_eq!(count(&app, "payments").await, 20);
    assert_eq!(
        count(&app, "test_provider.charges").await,
        20,
        "twenty charges, no more"
    );
    assert_eq!(
        app::inventory::ledger::unbalanced_products(&app.pool)
            .await
            .expect("ledger"),
        Vec::<i64>::new(),
        "the stock ledger balances"
    );
}

/// A checkout is still being charged when its payment window closes (time
/// moved on in the database): the sweeper asks the provider, which has no
/// charge yet and voids the key; the unit goes back on sale, the late
/// charge is refused and the shopper hears nothing was charged.
#[sqlx::test(migrations = "../migrations")]
async fn an_expired_reservation_is_released_and_its_late_charge_refused(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.test_payment_latency_ms = 2_000).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 1).await;
    let ada = app.new_client();
    app.register(&ada, "ada").await;
    assert_eq!(add(&app, &ada, ps5, 1).await.status(), 200);
    let paying = crate::common::shop::checkout_in_background(&app, &ada, "expiring-key-1").await;
    assert_eq!(stock_of(&app, ps5).await, 0, "the unit is reserved for ada");
    sql(&app, "UPDATE orders SET expires_at = now() - interval '1 second'").await;
    let state = AppState::new(app.pool.clone(), "https://shop.example", AuthSettings::default());
    assert_eq!(settle_expired_orders(&state).await.expect("sweep"), 1);
    assert_eq!(orders_in(&app, "payment_failed").await, 1);
    assert_eq!(stock_of(&app, ps5).await, 1, "back on sale");

    let answer = paying.await.expect("checkout");
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(body["Validation"]["rule"]["Card"], "NotCharged", "{body}");
    assert_eq!(count(&app, "payments").await, 0);
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM test_provider.charges")
        .fetch_one(&app.pool)
        .await
        .expect("the provider's record");
    assert_eq!(outcome, "voided", "nothing was charged");

    let grace = app.new_client();
    app.register(&grace, "grace").await;
    assert_eq!(add(&app, &grace, ps5, 1).await.status(), 200);
    assert_eq!(
        checkout(&app, &grace, "grace-key-0001", CARD_OK).await.status(),
        200
    );
    assert_eq!(
        settle_expired_orders(&state).await.expect("sweep"),
        0,
        "nothing left to settle"
    );
    assert_eq!(
        app::inventory::ledger::unbalanced_products(&app.pool)
            .await
            .expect("ledger"),
        Vec::<i64>::new()
    );
}

/// The provider charges, then its answer never comes: the checkout stops
/// waiting, asks the provider, and the order is paid, once.
#[sqlx::test(migrations = "../migrations")]
async fn a_charge_whose_answer_is_lost_is_found_and_paid_once(pool: PgPool) {
    let app = spawn_app_configured(pool, |config| config.charge_timeout_seconds = 1).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    let stock = stock_of(&app, ps5).await;
    for (name, card) in [
        ("ada", CARD_CHARGED_THEN_TIMEOUT),
        ("grace", CARD_CHARGED_THEN_LOST),
    ] {
        let client = app.new_client();
        app.register(&client, name).await;
        assert_eq!(add(&app, &client, ps5, 1).await.status(), 200);
        let answer = checkout(&app, &client, &format!("{name}-lost-answer"), card).await;
        assert_eq!(answer.status(), 200, "{name}");
        let order: serde_json::Value = answer.json().await.expect("json");
        assert_eq!(order["status"], "paid", "{name}");
        assert!(
            basket_lines(&app, &client).await.is_empty(),
            "{name}: the basket is emptied"
        );
    }
    assert_eq!(orders_in(&app, "paid").await, 2);
    assert_eq!(count(&app, "payments").await, 2);
    assert_eq!(count(&app, "test_provider.charges").await, 2);
    assert_eq!(stock_of(&app, ps5).await, stock - 2);
}

/// Ada puts two books in her basket and sends one checkout per key, all at
/// once, to a provider that takes `latency_ms` to charge. Whatever the
/// keys, that makes one order, one charge, and the stock is taken once;
/// returns the answers.
async fn checkouts_at_once(pool: PgPool, keys: &[&str], latency_ms: u64) -> Vec<(u16, serde_json::Value)> {
    let app = spawn_app_configured(pool, |config| config.test_payment_latency_ms = latency_ms).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    let stock_before = stock_of(&app, book).await;
    assert_eq!(add(&app, &client, book, 2).await.status(), 200);
    let answers = join_all(keys.iter().map(|key| checkout(&app, &client, key, CARD_OK))).await;
    let mut read = Vec::new();
    for answer in answers {
        let status = answer.status().as_u16();
        read.push((status, answer.json().await.expect("json")));
    }
    assert_eq!(count(&app, "orders").await, 1, "{read:?}");
    assert_eq!(count(&app, "payments").await, 1);
    assert_eq!(count(&app, "test_provider.charges").await, 1, "one charge");
    assert_eq!(orders_in(&app, "paid").await, 1);
    assert_eq!(stock_of(&app, book).await, stock_before - 2, "stock taken once");
    read
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_key_five_times_at_once_is_one_order_and_one_payment(pool: PgPool) {
    let answers = checkouts_at_once(pool, &["double-click-key"; 5], 0).await;
    let mut ids: Vec<i64> = answers
        .iter()
        .map(|(status, order)| {
            assert_eq!(*status, 200);
            order["id"].as_i64().expect("id")
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer is the same order");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_tabs_with_two_keys_make_one_order_and_one_payment(pool: PgPool) {
    // The provider takes 300 ms: the other tabs arrive while the first
    // tab's order is being paid.
    let keys = ["first-tab-key-0001", "second-tab-key-002", "third-tab-key-0003"];
    let answers = checkouts_at_once(pool, &keys, 300).await;
    let orders: Vec<i64> = answers
        .iter()
        .filter(|(status, _)| *status == 200)
        .map(|(_, order)| order["id"].as_i64().expect("id"))
        .collect();
    assert!(!orders.is_empty(), "{answers:?}");
    assert!(
        orders.iter().all(|id| *id == orders[0]),
        "every tab that got an order got the same one: {answers:?}"
    );
    for (status, answer) in &answers {
        if *status != 200 {
            assert_eq!(
                (*status, &answer["Validation"]["field"]),
                (400, &serde_json::json!("basket")),
                "a tab that came after the payment hears the basket is empty"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn two_customers_sending_one_key_get_two_charges_of_their_own(pool: PgPool) {
    let app = spawn_app(pool).await;
    let book = product_id(&app, "le-petit-prince").await;
    for name in ["ada", "grace"] {
        let client = app.new_client();
        app.register(&client, name).await;
        assert_eq!(add(&app, &client, book, 1).await.status(), 200);
        let answer = checkout(&app, &client, "the-same-key-0001", CARD_OK).await;
        assert_eq!(answer.status(), 200, "{name}");
    }
    let references: Vec<String> = sqlx::query_scalar("SELECT provider_reference FROM payments ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .expect("payments");
    assert_eq!(references.len(), 2);
    assert_ne!(
        references[0], references[1],
        "each customer has a charge of their own"
    );
    assert!(
        references.iter().all(|r| !r.starts_with("test_the-same-key")),
        "the provider never sees the client's raw key: {references:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_limit_per_customer_counts_the_account_the_address_and_the_e_mail(pool: PgPool) {
    let app = spawn_app(pool).await;
    let console = product_id(&app, "le-petit-prince").await;
    sqlx::query("UPDATE products SET max_per_customer = 1 WHERE id = $1")
        .bind(console)
        .execute(&app.pool)
        .await
        .expect("limit");
    let buy = |client: reqwest::Client, key: &'static str, street: &'static str| {
        let app = &app;
        async move {
            assert_eq!(add(app, &client, console, 1).await.status(), 200);
            let answer = checkout_to(app, &client, key, CARD_OK, street).await;
            let status = answer.status().as_u16();
            let body: serde_json::Value = answer.json().await.expect("json");
            (status, body)
        }
    };
    let accounts: Vec<reqwest::Client> = (0..7).map(|_| app.new_client()).collect();
    for (client, name) in accounts
        .iter()
        .zip(["ada", "bob", "eve", "joe", "", "kim", "lea"])
    {
        if name.is_empty() {
            continue;
        }
        app.register(client, name).await;
    }
    let same_mail = &accounts[4];
    let form = sign_up_form("ada-again", "Ada+drop@example.com");
    assert_eq!(app.call_as(same_mail, "auth/register", &form).await.status(), 200);

    // Ada's other account fills its basket before Ada buys: its checkout
    // is what finds the limit reached.
    assert_eq!(add(&app, same_mail, console, 1).await.status(), 200);
    let (status, _) = buy(accounts[0].clone(), "limit-key-0001", "12 rue de la Paix").await;
    assert_eq!(status, 200, "the first one is sold");
    // The same account again: its basket takes nothing, and says why.
    let outcome = crate::common::shop::json(add(&app, &accounts[0], console, 1).await).await;
    assert_eq!(outcome["added"], 0, "{outcome}");
    assert_eq!(outcome["per_customer"], 1, "{outcome}");
    let answer = checkout_to(&app, &accounts[0], "limit-key-0002", CARD_OK, "3 avenue Foch").await;
    assert_ne!(answer.status(), 200, "nothing to buy");
    let (status, body) = buy(accounts[1].clone(), "limit-key-0003", "12, Rue de la PAIX").await;
    assert_eq!(status, 409, "another account, the same flat");
    assert_eq!(body["Conflict"]["CustomerLimit"]["limit"], 1, "{body}");
    let answer = checkout_to(&app, same_mail, "limit-key-0004", CARD_OK, "9 quai Voltaire").await;
    assert_eq!(
        answer.status(),
        409,
        "another account, the same e-mail (+tag and case aside)"
    );
    let (status, _) = buy(accounts[2].clone(), "limit-key-0005", "9 quai Voltaire").await;
    assert_eq!(status, 200, "someone else, elsewhere");

    // Two fresh accounts, one address, at once: the product row orders them.
    let racers = [&accounts[5], &accounts[6]];
    let answers = join_all(
        racers
            .iter()
            .zip(["limit-key-0006", "limit-key-0007"])
            .map(|(client, key)| buy((*client).clone(), key, "1 place du Tertre")),
    )
    .await;
    let sold = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(sold, 1, "{answers:?}");
    let refused = answers
        .iter()
        .find(|(status, _)| *status == 409)
        .expect("one refused");
    assert_eq!(refused.1["Conflict"]["CustomerLimit"]["limit"], 1, "{answers:?}");
    assert_eq!(count(&app, "orders").await, 3);
    let ordered: i64 =
        sqlx::query_scalar("SELECT SUM(quantity)::BIGINT FROM order_lines WHERE product_id = $1")
            .bind(console)
            .fetch_one(&app.pool)
            .await
            .expect("lines");
    assert_eq!(ordered, 3, "one each for three customers");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_declined_card_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    assert_eq!(add(&app, &client, ps5, 1).await.status(), 200);
    let response = checkout(&app, &client, "declined-card-1", CARD_DECLINED).await;
    assert_eq!(response.status(), 400);
    let error: serde_json::Value = response.json().await.expect("json");
    assert_eq!(error["Validation"]["field"], "card_number");
    assert_eq!(stock_of(&app, ps5).await, 3, "the reserved unit is back");
    assert_eq!(orders_in(&app, "payment_failed").await, 1, "the attempt is kept");
    assert_eq!(count(&app, "orders").await, 1, "and is no order");
    assert_eq!(count(&app, "payments").await, 0);
    let listed: serde_json::Value = app
        .call_as(&client, "payment/my-orders", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(0),
        "the shopper has no order"
    );
    let basket: serde_json::Value = app
        .call_as(&client, "basket/get", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        basket["lines"].as_array().map(Vec::len),
        Some(1),
        "the basket stays"
    );
    // The same form, another card: a new attempt, a new charge.
    let response = checkout(&app, &client, "declined-card-1", CARD_OK).await;
    assert_eq!(response.status(), 200);
    assert_eq!(orders_in(&app, "paid").await, 1);
    assert_eq!(stock_of(&app, ps5).await, 2);
    let outcomes: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM test_provider.charges ORDER BY created_at")
            .fetch_all(&app.pool)
            .await
            .expect("charges");
    assert_eq!(outcomes, ["declined", "succeeded"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn adding_more_than_is_left_adds_what_is_allowed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    let ps4 = product_id(&app, "playstation-4-pro").await;
    let response = add(&app, &client, ps4, 5).await;
    assert_eq!(response.status(), 200);
    let outcome: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        (outcome["requested"].as_i64(), outcome["added"].as_i64()),
        (Some(5), Some(1))
    );
    let again: serde_json::Value = add(&app, &client, ps4, 1).await.json().await.expect("json");
    assert_eq!(again["added"], 0, "nothing more is left");
    let sold_out = product_id(&app, "nintendo-switch-2").await;
    let outcome: serde_json::Value = add(&app, &client, sold_out, 1).await.json().await.expect("json");
    assert_eq!(outcome["added"], 0, "a sold-out product cannot be added");
    assert_eq!(add(&app, &client, ps4, 0).await.status(), 400);
    assert_eq!(add(&app, &client, 999_999, 1).await.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn guests_cannot_check_out_and_bad_addresses_are_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    let guest = app.new_client();
    assert_eq!(checkout(&app, &guest, "guest-key-1", CARD_OK).await.status(), 401);
    let client = app.new_client();
    app.register(&client, "ada").await;
    assert_eq!(
        checkout(&app, &client, "empty-basket", CARD_OK).await.status(),
        400,
        "empty basket"
    );
    let book = product_id(&app, "le-petit-prince").await;
    add(&app, &client, book, 1).await;
    assert_eq!(
        checkout(&app, &client, "bad", CARD_OK).await.status(),
        400,
        "key too short"
    );
    assert_eq!(
        checkout(&app, &client, "bad-card-1", "1234 5678 9012 3456")
            .await
            .status(),
        400
    );
    assert_eq!(count(&app, "orders").await, 0);
}
