#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Promo codes through HTTP: never used more often than allowed under a
//! crowd, a use given back when a payment fails or an order is cancelled,
//! each refusal named and changing nothing, the discount on the basket,
//! checkout and order pages, and the back office's codes.

use futures::future::join_all;
use futures::stream::{self, StreamExt};
use sqlx::PgPool;

use crate::common::shop::{
    add, checkout_form, count, json, product_id, set_stock, stock_of, CARD_DECLINED, CARD_OK,
};
use crate::common::{spawn_app, TestApp};

/// Writes a code as the back office would, through its endpoint.
async fn create_code(app: &TestApp, admin: &reqwest::Client, fields: &[(&str, &str)]) -> reqwest::Response {
    app.call_as(admin, "promotions/admin/create", fields).await
}

async fn admin(app: &TestApp) -> reqwest::Client {
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    admin
}

/// Checks out with `code` (and the standard form), paying with `card`.
async fn checkout_with_code(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    card: &str,
    code: &str,
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = checkout_form(key, card, "12 rue de la Paix").to_vec();
    form.push(("promo_code", code));
    app.call_as(client, "payment/checkout", &form).await
}

async fn uses_left(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT coalesce(sum(s.uses_left), 0)::BIGINT FROM promo_code_slots s
         JOIN promo_codes c ON c.id = s.code_id WHERE c.code = $1",
    )
    .bind(code)
    .fetch_one(&app.pool)
    .await
    .expect("uses left")
}

async fn discounted_orders(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM orders WHERE promo_code = $1 AND status NOT IN ('payment_failed', 'cancelled')",
    )
    .bind(code)
    .fetch_one(&app.pool)
    .await
    .expect("orders")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_code_with_five_uses_is_used_five_times_by_a_hundred_checkouts_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;
    let response = create_code(
        &app,
        &admin,
        &[
            ("code", "race5"),
            ("kind", "percent"),
            ("value", "10"),
            ("max_uses", "5"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let book = product_id(&app, "le-petit-prince").await;
    set_stock(&app, book, 1000).await;
    let buyers: Vec<reqwest::Client> = (0..100).map(|_| app.new_client()).collect();
    // Set-up, not under test: a few sign-ups at a time (hashing is slow).
    stream::iter(buyers.iter().enumerate())
        .map(|(i, client)| {
            let app = &app;
            async move {
                app.register(client, &format!("buyer{i}")).await;
                assert_eq!(add(app, client, book, 2).await.status(), 200);
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;

    let keys: Vec<String> = (0..buyers.len()).map(|i| format!("race-key-{i:04}")).collect();
    let answers = join_all(
        buyers
            .iter()
            .zip(&keys)
            .map(|(client, key)| checkout_with_code(&app, client, key, CARD_OK, "RACE5")),
    )
    .await;
    let mut paid = 0;
    for answer in answers {
        match answer.status().as_u16() {
            200 => paid += 1,
            400 => {
                let body = json(answer).await;
                assert_eq!(body["Validation"]["rule"]["Promo"], "UsedUp", "{body}");
            }
            status => panic!("unexpected {status}"),
        }
    }
    assert_eq!(paid, 5, "five discounted orders");
    assert_eq!(discounted_orders(&app, "RACE5").await, 5);
    assert_eq!(uses_left(&app, "RACE5").await, 0);
    assert_eq!(count(&app, "promo_uses").await, 5);
    assert_eq!(count(&app, "orders").await, 5, "the refused wrote no order");
    assert_eq!(
        stock_of(&app, book).await,
        1000 - 5 * 2,
        "the refused took no unit"
    );
    // 10 % of 2 × 7,90 € = 1,58 €: each order paid 14,22 € of goods, and
    // 3,49 € by pick-up point (under 35 €).
    let totals: Vec<(i64, i64)> =
        sqlx::query_as("SELECT total_cents, discount_cents FROM orders WHERE promo_code = 'RACE5'")
            .fetch_all(&app.pool)
            .await
            .expect("orders");
    assert!(
        totals.iter().all(|row| *row == (1580 - 158 + 349, 158)),
        "{totals:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_payment_or_a_cancel_before_shipping_gives_the_use_back(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;
    assert_eq!(
        create_code(
            &app,
            &admin,
            &[
                ("code", "ONCE"),
                ("kind", "amount"),
                ("value", "2"),
                ("max_uses", "1")
            ]
        )
        .await
        .status(),
        200
    );
    let client = app.new_client();
    app.register(&client, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    add(&app, &client, book, 1).await;
    let declined = checkout_with_code(&app, &client, "declined-key", CARD_DECLINED, "once").await;
    assert_eq!(declined.status(), 400);
    assert_eq!(
        uses_left(&app, "ONCE").await,
        1,
        "the failed payment gave its use back"
    );

    let paid = checkout_with_code(&app, &client, "paid-key-01", CARD_OK, "once").await;
    assert_eq!(paid.status(), 200);
    let order = json(paid).await["id"].as_i64().expect("order");
    assert_eq!(uses_left(&app, "ONCE").await, 0);
    let (total, discount): (i64, i64) =
        sqlx::query_as("SELECT total_cents, discount_cents FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&app.pool)
            .await
            .expect("order");
    assert_eq!((total, discount), (790 - 200 + 349, 200));
    // Used up now: a second buyer is told so.
    let other = app.new_client();
    app.register(&other, "bob").await;
    add(&app, &other, book, 1).await;
    let refused = checkout_with_code(&app, &other, "bob-key-001", CARD_OK, "ONCE").await;
    assert_eq!(json(refused).await["Validation"]["rule"]["Promo"], "UsedUp");

    // Cancelled before shipping: the use goes back, once.
    for _ in 0..2 {
        app.call_as(
            &admin,
            "payment/admin/order-status",
            &[
                ("order_id", &order.to_string()),
                ("status", "cancelled"),
                ("confirm", "yes"),
            ],
        )
        .await;
    }
    assert_eq!(uses_left(&app, "ONCE").await, 1);
    let again = checkout_with_code(&app, &other, "bob-key-002", CARD_OK, "ONCE").await;
    assert_eq!(again.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_refusal_is_named_and_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;
    let codes: [&[(&str, &str)]; 6] = [
        &[
            ("code", "BIG"),
            ("kind", "percent"),
            ("value", "10"),
            ("min_basket", "100"),
        ],
        &[
            ("code", "CONSOLES"),
            ("kind", "percent"),
            ("value", "10"),
            ("categories", "consoles"),
        ],
        &[
            ("code", "LATER"),
            ("kind", "percent"),
            ("value", "10"),
            ("starts_at", "2099-01-01T00:00"),
        ],
        &[
            ("code", "PAST"),
            ("kind", "percent"),
            ("value", "10"),
            ("ends_at", "2020-01-01T00:00"),
        ],
        &[
            ("code", "ONEEACH"),
            ("kind", "amount"),
            ("value", "1"),
            ("max_per_customer", "1"),
        ],
        &[("code", "GONE"), ("kind", "percent"), ("value", "10")],
    ];
    for fields in codes {
        assert_eq!(
            create_code(&app, &admin, fields).await.status(),
            200,
            "{fields:?}"
        );
    }
    let gone: String = sqlx::query_scalar("SELECT id::text FROM promo_codes WHERE code = 'GONE'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let withdrawn = app
        .call_as(&admin, "promotions/admin/set-active", &[("id", gone.as_str())])
        .await;
    assert_eq!(withdrawn.status(), 200);

    let client = app.new_client();
    app.register(&client, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    add(&app, &client, book, 1).await;
    // Used once by Ada's address: Bob, shipping there, may not use it again.
    let first = checkout_with_code(&app, &client, "one-each-01", CARD_OK, "ONEEACH").await;
    assert_eq!(first.status(), 200);
    let bob = app.new_client();
    app.register(&bob, "bob").await;
    add(&app, &bob, book, 1).await;
    let orders = count(&app, "orders").await;
    let stock = stock_of(&app, book).await;
    let refusals = [
        ("NOPE", serde_json::json!("Unknown")),
        ("a b", serde_json::json!("Unknown")),
        ("GONE", serde_json::json!("Unknown")),
        ("LATER", serde_json::json!("NotYetValid")),
        ("PAST", serde_json::json!("Expired")),
        (
            "BIG",
            serde_json::json!({"MinimumNotReached": {"min_cents": 10000}}),
        ),
        ("CONSOLES", serde_json::json!("NotForTheseProducts")),
        ("oneeach", serde_json::json!("AlreadyUsed")),
    ];
    for (at, (code, rule)) in refusals.iter().enumerate() {
        let response = checkout_with_code(&app, &bob, &format!("refused-{at:04}"), CARD_OK, code).await;
        assert_eq!(response.status(), 400, "{code}");
        let body = json(response).await;
        assert_eq!(body["Validation"]["field"], "promo_code", "{code}: {body}");
        assert_eq!(body["Validation"]["rule"]["Promo"], *rule, "{code}: {body}");
        // The basket's form says the same, in words; it knows the account,
        // not yet the address: Ada is told there, Bob at checkout.
        let shopper = if *code == "oneeach" { &client } else { &bob };
        if *code == "oneeach" {
            add(&app, &client, book, 1).await;
        }
        let page = app
            .page_as(shopper, &format!("/basket?code={}", code.replace(' ', "+")))
            .await;
        let refusal = page
            .split(r#"data-testid="promo-refusal""#)
            .nth(1)
            .and_then(|rest| rest.split_once('>'))
            .map(|(_, rest)| rest)
            .expect("the basket has a promo form")
            .split("</p>")
            .next()
            .expect("refusal");
        assert!(refusal.contains("code promo"), "{code}: {refusal}");
    }
    assert_eq!(count(&app, "orders").await, orders, "no order written");
    assert_eq!(stock_of(&app, book).await, stock, "no unit taken");
    assert_eq!(count(&app, "promo_uses").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_discount_shows_on_basket_checkout_and_order_split_across_rates(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;
    assert_eq!(
        create_code(
            &app,
            &admin,
            &[("code", "NOEL"), ("kind", "percent"), ("value", "10")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        create_code(&app, &admin, &[("code", "PORTOFFERT"), ("kind", "free_delivery")])
            .await
            .status(),
        200
    );
    let client = app.new_client();
    app.register(&client, "ada").await;
    // A book (5,5 %, 7,90 €) and a game (20 %).
    let book = product_id(&app, "le-petit-prince").await;
    let game = sqlx::query_scalar::<_, i64>(
        "SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id
         WHERE c.slug = 'jeux-video' AND p.stock > 0 ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a game");
    add(&app, &client, book, 1).await;
    add(&app, &client, game, 1).await;
    let game_price: i64 = sqlx::query_scalar("SELECT price_cents FROM products WHERE id = $1")
        .bind(game)
        .fetch_one(&app.pool)
        .await
        .expect("price");
    let discount = ((790 + game_price) * 10 + 50) / 100;

    let basket = app.page_as(&client, "/basket?code=noel").await;
    assert!(
        basket.contains(r#"data-testid="discount""#),
        "the basket states the discount"
    );
    assert!(
        basket.contains(r#"href="/checkout?code=NOEL""#),
        "and carries it to the checkout"
    );
    let checkout = app.page_as(&client, "/checkout?code=NOEL").await;
    assert!(checkout.contains(r#"name="promo_code""#) && checkout.contains(r#"value="NOEL""#));
    assert!(checkout.contains(r#"data-testid="discount""#));

    let response = checkout_with_code(&app, &client, "noel-order-1", CARD_OK, " noel ").await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order");
    let lines: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT vat_rate_bp, discount_cents FROM order_lines WHERE order_id = $1 ORDER BY vat_rate_bp",
    )
    .bind(order)
    .fetch_all(&app.pool)
    .await
    .expect("lines");
    assert_eq!(
        lines.iter().map(|(_, cents)| cents).sum::<i64>(),
        discount,
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|(_, cents)| *cents > 0),
        "split across both rates: {lines:?}"
    );
    let page = app.page_as(&client, &format!("/orders/{order}")).await;
    assert!(page.contains(r#"data-testid="order-discount""#) && page.contains("NOEL"));

    // A free-delivery code: the delivery costs nothing, the goods are whole.
    add(&app, &client, book, 1).await;
    let response = checkout_with_code(&app, &client, "free-ship-01", CARD_OK, "PORTOFFERT").await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order");
    let (total, delivery, discount): (i64, i64, i64) =
        sqlx::query_as("SELECT total_cents, delivery_cents, discount_cents FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&app.pool)
            .await
            .expect("order");
    assert_eq!((total, delivery, discount), (790, 0, 0));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_lists_codes_with_their_uses_and_refuses_bad_ones(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;
    let bad: [&[(&str, &str)]; 9] = [
        &[("code", "x"), ("kind", "percent"), ("value", "10")],
        &[("code", "BAD-KIND"), ("kind", "gift"), ("value", "10")],
        &[("code", "BADVALUE"), ("kind", "percent"), ("value", "150")],
        &[("code", "BADAMOUNT"), ("kind", "amount"), ("value", "beaucoup")],
        &[
            ("code", "BADUSES"),
            ("kind", "percent"),
            ("value", "10"),
            ("max_uses", "0"),
        ],
        &[
            ("code", "BADWHEN"),
            ("kind", "percent"),
            ("value", "10"),
            ("starts_at", "demain"),
        ],
        &[
            ("code", "BACKWARDS"),
            ("kind", "percent"),
            ("value", "10"),
            ("starts_at", "2027-01-02T00:00"),
            ("ends_at", "2027-01-01T00:00"),
        ],
        &[
            ("code", "NOCAT"),
            ("kind", "percent"),
            ("value", "10"),
            ("categories", "nowhere"),
        ],
        &[
            ("code", "NOPROD"),
            ("kind", "percent"),
            ("value", "10"),
            ("products", "no-such-thing"),
        ],
    ];
    for fields in bad {
        let response = create_code(&app, &admin, fields).await;
        assert_eq!(response.status(), 400, "{fields:?}");
    }
    assert_eq!(count(&app, "promo_codes").await, 0, "nothing written");
    let good = [
        ("code", "Hiver-26"),
        ("kind", "percent"),
        ("value", "15"),
        ("max_uses", "100"),
    ];
    assert_eq!(create_code(&app, &admin, &good).await.status(), 200);
    let again = create_code(&app, &admin, &good).await;
    assert_eq!(again.status(), 400, "a code is written once");
    assert_eq!(json(again).await["Validation"]["rule"], "AlreadyUsed");
    let page = app.page_as(&admin, "/admin/promotions").await;
    let row = page
        .split(r#"data-testid="promo-code-row""#)
        .nth(1)
        .expect("listed")
        .split("</tr>")
        .next()
        .expect("row");
    assert!(row.contains("HIVER-26") && row.contains("0 / 100"), "{row}");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'promo.create'")
        .fetch_one(&app.pool)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
    // A customer cannot list or create codes.
    let customer = app.new_client();
    app.register(&customer, "ada").await;
    assert_eq!(create_code(&app, &customer, &good).await.status(), 403);
    assert_eq!(
        app.call_as(&customer, "promotions/admin/codes", &[])
            .await
            .status(),
        403
    );
}

/// What a visitor types in the basket's code field comes back in the
/// address bar and on the page: markup, quotes, control characters, huge,
/// duplicated or odd spellings stay text, are refused as unknown codes,
/// and change nothing; a lower-case code with spaces is the code.
#[sqlx::test(migrations = "../migrations")]
async fn a_code_in_the_address_is_only_ever_text(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;
    let created = create_code(
        &app,
        &admin,
        &[("code", "NOEL10"), ("kind", "percent"), ("value", "10")],
    )
    .await;
    assert_eq!(created.status(), 200);
    let client = app.new_client();
    app.register(&client, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    assert_eq!(add(&app, &client, book, 1).await.status(), 200);

    let huge = "A".repeat(5000);
    let hostile = [
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "NOEL10%00",
        "NOEL10%0D%0ASet-Cookie:%20x=1",
        "%EF%BC%AE%EF%BC%AF%EF%BC%A5%EF%BC%AC10", // ＮＯＥＬ10, full-width letters
        "NOEL10%3C%2Ftitle%3E",
        huge.as_str(),
        "%3Cb%3Ex%3C%2Fb%3E&code=NOEL10",
        "NOEL10&code=%3Cb%3Ex%3C%2Fb%3E",
    ];
    for path in ["/basket", "/checkout"] {
        for code in hostile {
            let response = client
                .get(app.url(&format!("{path}?code={code}")))
                .send()
                .await
                .expect("GET");
            let status = response.status().as_u16();
            assert!(status < 500, "{path}?code={code}: {status}");
            assert!(response
                .headers()
                .get("set-cookie")
                .is_none_or(|cookie| !cookie.to_str().unwrap_or_default().starts_with("x=")));
            let page = response.text().await.expect("page");
            // The page's own markup has no such text; only an echo could.
            for raw in ["<script>alert(1)", "<img src=x", "<b>x</b>", "NOEL10</title>"] {
                assert!(!page.contains(raw), "{path}?code={code} echoes {raw}");
            }
        }
    }
    // Trying changes nothing: no use taken, no order.
    assert_eq!(count(&app, "promo_uses").await, 0);
    assert_eq!(count(&app, "orders").await, 0);
    // Spaces and lower case are the code.
    let page = app.page_as(&client, "/basket?code=%20noel10%20").await;
    assert!(page.contains(r#"data-testid="discount""#), "the code applies");
    assert!(
        page.contains("/checkout?code=NOEL10"),
        "carried to checkout, normalized"
    );
}
