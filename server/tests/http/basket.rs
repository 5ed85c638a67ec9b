#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Baskets through the real HTTP endpoints: a guest's lives in the session,
//! quantities are capped by stock and the per-order limit, and logging in
//! merges the guest basket into the account's with a notice.

use crate::common::shop::{
    add, basket_lines, checkout, count, json, product_id, set_quantity, set_stock, sql, stock_of,
    CARD_DECLINED, CARD_OK,
};
use crate::common::{sign_up_form, spawn_app, PASSWORD};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_fills_changes_and_empties_a_basket_kept_in_the_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    let guest = app.new_client();
    let book = product_id(&app, "le-petit-prince").await;
    let ps4 = product_id(&app, "playstation-4-pro").await;

    assert_eq!(add(&app, &guest, book, 2).await.status(), 200);
    assert_eq!(add(&app, &guest, ps4, 1).await.status(), 200);
    assert_eq!(basket_lines(&app, &guest).await, vec![(ps4, 1), (book, 2)]);
    assert_eq!(
        count(&app, "basket_lines").await,
        0,
        "a guest basket is not an account's"
    );
    assert!(
        basket_lines(&app, &app.new_client()).await.is_empty(),
        "another browser has its own basket"
    );

    let outcome = json(set_quantity(&app, &guest, book, 5).await).await;
    assert_eq!(
        (outcome["requested"].as_i64(), outcome["in_basket"].as_i64()),
        (Some(5), Some(5))
    );
    let capped = json(set_quantity(&app, &guest, ps4, 4).await).await;
    assert_eq!(capped["in_basket"], 1, "only one PS4 is left");
    assert_eq!(set_quantity(&app, &guest, book, 0).await.status(), 400);
    assert_eq!(set_quantity(&app, &guest, book, 101).await.status(), 400);
    let not_in_basket = product_id(&app, "playstation-5-slim").await;
    assert_eq!(set_quantity(&app, &guest, not_in_basket, 1).await.status(), 404);
    assert_eq!(
        basket_lines(&app, &guest).await,
        vec![(ps4, 1), (book, 5)],
        "bad input changed nothing"
    );

    let removed = app
        .call_as(&guest, "basket/remove", &[("product_id", &ps4.to_string())])
        .await;
    assert_eq!(removed.status(), 200);
    assert_eq!(basket_lines(&app, &guest).await, vec![(book, 5)]);
    assert_eq!(app.call_as(&guest, "basket/clear", &[]).await.status(), 200);
    assert!(basket_lines(&app, &guest).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_logged_in_basket_follows_the_account_and_honours_the_per_order_limit(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (laptop, phone) = (app.new_client(), app.new_client());
    app.register(&laptop, "ada").await;
    app.login(&phone, "ada", PASSWORD).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    sql(
        &app,
        "UPDATE products SET max_per_order = 1 WHERE slug = 'playstation-5-slim'",
    )
    .await;

    let outcome = json(add(&app, &laptop, ps5, 2).await).await;
    assert_eq!(
        (outcome["added"].as_i64(), outcome["in_basket"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        basket_lines(&app, &phone).await,
        vec![(ps5, 1)],
        "same basket on the phone"
    );
    let capped = json(set_quantity(&app, &phone, ps5, 3).await).await;
    assert_eq!(capped["in_basket"], 1, "one per customer");

    sql(
        &app,
        "UPDATE products SET stock = 0 WHERE slug = 'playstation-5-slim'",
    )
    .await;
    let sold_out = set_quantity(&app, &phone, ps5, 1).await;
    assert_eq!(sold_out.status(), 409, "a sold-out line can only be removed");
    let basket = json(app.call_as(&laptop, "basket/get", &[]).await).await;
    assert_eq!(basket["lines"][0]["stock"], 0, "the page can flag the line");
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_in_merges_the_guest_basket_capped_and_says_what_changed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let account = app.new_client();
    app.register(&account, "ada").await;
    let ps5 = product_id(&app, "playstation-5-slim").await; // 3 left
    let ps4 = product_id(&app, "playstation-4-pro").await; // 1 left
    let book = product_id(&app, "le-petit-prince").await;
    sql(
        &app,
        "UPDATE products SET max_per_order = 2 WHERE slug = 'playstation-5-slim'",
    )
    .await;
    assert_eq!(add(&app, &account, ps5, 1).await.status(), 200);

    let guest = app.new_client();
    add(&app, &guest, ps5, 2).await;
    add(&app, &guest, ps4, 1).await;
    add(&app, &guest, book, 3).await;
    // Someone else buys the last PS4 while the guest hesitates.
    sql(
        &app,
        "UPDATE products SET stock = 0 WHERE slug = 'playstation-4-pro'",
    )
    .await;

    let login = app.login(&guest, "ada", PASSWORD).await;
    assert_eq!(login.status(), 200);
    assert_eq!(
        login.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/basket"),
        "a shopper with a merged basket lands on it"
    );
    assert_eq!(
        basket_lines(&app, &guest).await,
        vec![(ps5, 2), (book, 3)],
        "quantities add up to the per-order limit; the sold-out PS4 is left out"
    );
    assert_eq!(
        basket_lines(&app, &account).await,
        vec![(ps5, 2), (book, 3)],
        "it is the account's basket"
    );

    let notice = json(app.call_as(&guest, "basket/merge-notice", &[]).await).await;
    assert_eq!(notice["added"], 4, "one PS5 and three books came over");
    let changes = notice["changes"].as_array().expect("changes");
    let summary: Vec<(String, i64, i64)> = changes
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("name").to_owned(),
                c["wanted"].as_i64().expect("wanted"),
                c["kept"].as_i64().expect("kept"),
            )
        })
        .collect();
    assert_eq!(summary.len(), 2, "{summary:?}");
    assert!(summary
        .iter()
        .any(|(name, wanted, kept)| name.contains("PlayStation 5") && (*wanted, *kept) == (3, 2)));
    assert!(summary
        .iter()
        .any(|(name, wanted, kept)| name.contains("PlayStation 4") && (*wanted, *kept) == (1, 0)));
    let again = json(app.call_as(&guest, "basket/merge-notice", &[]).await).await;
    assert!(again.is_null(), "the notice is shown once");

    // A later login without a guest basket changes nothing and goes home.
    let other = app.new_client();
    let login = app.login(&other, "ada", PASSWORD).await;
    assert_eq!(
        login.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/")
    );
    assert_eq!(basket_lines(&app, &other).await, vec![(ps5, 2), (book, 3)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn registering_keeps_the_guest_basket_and_flags_price_changes(pool: PgPool) {
    let app = spawn_app(pool).await;
    let guest = app.new_client();
    let book = product_id(&app, "le-petit-prince").await;
    add(&app, &guest, book, 1).await;
    sql(
        &app,
        "UPDATE products SET price_cents = price_cents + 100 WHERE slug = 'le-petit-prince'",
    )
    .await;
    // The registration form sends an empty return_to when the shopper came
    // straight to it: a merged basket is where they land.
    let registered = app
        .call_as(
            &guest,
            "auth/register",
            &[
                &sign_up_form("newcomer", "newcomer@example.com")[..],
                &[("return_to", "")],
            ]
            .concat(),
        )
        .await;
    assert_eq!(registered.status(), 200);
    assert_eq!(
        registered.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/basket")
    );
    let basket = json(app.call_as(&guest, "basket/get", &[]).await).await;
    let line = &basket["lines"][0];
    assert_eq!(line["product_id"], book);
    assert_eq!(
        line["unit_price_cents"].as_i64().expect("price") - line["price_seen_cents"].as_i64().expect("seen"),
        100,
        "the price seen as a guest is kept, so the change is flagged"
    );
    let (status, html) = {
        let response = guest.get(app.url("/basket")).send().await.expect("GET");
        (response.status().as_u16(), response.text().await.expect("body"))
    };
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"data-testid="merge-notice""#),
        "the basket page shows the merge"
    );
    assert!(html.contains("Le prix a changé"), "and flags the new price");
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_adds_all_count_for_guests_and_accounts(pool: PgPool) {
    let app = spawn_app(pool).await;
    let products: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM products WHERE stock > 20 ORDER BY id LIMIT 8")
            .fetch_all(&app.pool)
            .await
            .expect("products");
    let guest = app.new_client();
    // The first add gives the guest a basket; then clicks come in together.
    assert_eq!(add(&app, &guest, products[0], 1).await.status(), 200);
    let answers = futures::future::join_all(products[1..].iter().map(|&id| add(&app, &guest, id, 1))).await;
    assert!(answers.iter().all(|r| r.status() == 200));
    assert_eq!(
        basket_lines(&app, &guest).await.len(),
        products.len(),
        "no add is lost"
    );

    let account = app.new_client();
    app.register(&account, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    let answers = futures::future::join_all((0..6).map(|_| add(&app, &account, book, 1))).await;
    assert!(answers.iter().all(|r| r.status() == 200));
    assert_eq!(
        basket_lines(&app, &account).await,
        vec![(book, 6)],
        "six clicks, six books"
    );
    let answers = futures::future::join_all((0..6).map(|_| add(&app, &account, book, 3))).await;
    assert!(answers.iter().all(|r| r.status() == 200));
    assert_eq!(
        basket_lines(&app, &account).await,
        vec![(book, 10)],
        "never past the per-order limit"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn abandoned_guest_baskets_are_forgotten_with_the_guest_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    let book = product_id(&app, "le-petit-prince").await;
    let (fresh, old) = (app.new_client(), app.new_client());
    add(&app, &fresh, book, 1).await;
    add(&app, &old, book, 2).await;
    sql(
        &app,
        "UPDATE guest_basket_lines SET added_at = now() - interval '49 hours' WHERE quantity = 2",
    )
    .await;
    let guest_life = chrono::Duration::hours(48);
    let deleted = app::basket::db::delete_abandoned_guest_lines(&app.pool, guest_life)
        .await
        .expect("cleanup");
    assert_eq!(deleted, 1);
    assert_eq!(basket_lines(&app, &fresh).await, vec![(book, 1)]);
    assert!(basket_lines(&app, &old).await.is_empty());
}

/// A drop that holds its units in baskets for 10 minutes: the unit Ada put
/// in her basket is hers alone until the hold ends, then anyone's again,
/// with nothing sweeping it. A declined card gives the hold back.
#[sqlx::test(migrations = "../migrations")]
async fn a_held_unit_is_its_holders_until_the_hold_ends(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ps5 = product_id(&app, "playstation-5-slim").await;
    set_stock(&app, ps5, 1).await;
    sql(
        &app,
        "UPDATE products SET hold_minutes = 10 WHERE slug = 'playstation-5-slim'",
    )
    .await;
    let (ada, grace, guest) = (app.new_client(), app.new_client(), app.new_client());
    app.register(&ada, "ada").await;
    app.register(&grace, "grace").await;
    assert_eq!(json(add(&app, &ada, ps5, 1).await).await["added"], 1);

    let basket = json(app.call_as(&ada, "basket/get", &[]).await).await;
    let line = &basket["lines"][0];
    assert_eq!(line["stock"], 1, "Ada can still have her unit");
    let until_ms = line["hold"]["until_ms"].as_i64().expect("a hold");
    let now_ms = chrono::Utc::now().timestamp_millis();
    assert!(
        (9 * 60_000..=10 * 60_000 + 5_000).contains(&(until_ms - now_ms)),
        "held for 10 minutes: {line}"
    );
    let clock = line["hold"]["clock"].as_str().expect("clock");
    let page = app.page_as(&ada, "/basket").await;
    assert!(
        page.contains(&format!(
            "Réservé pour vous jusqu'à {}.",
            clock.replace(':', " h ")
        )),
        "the basket page says until when, without JavaScript"
    );

    assert_eq!(
        json(add(&app, &grace, ps5, 1).await).await["added"],
        0,
        "nothing left for Grace"
    );
    assert_eq!(
        json(add(&app, &guest, ps5, 1).await).await["added"],
        0,
        "nor for a guest"
    );
    let (_, product_page) = app.get_html("/p/playstation-5-slim").await;
    assert!(product_page.contains(r#""availability":"https://schema.org/OutOfStock""#));
    assert!(
        product_page.contains("Connecté, vous l&#x27;avez réservé 10 min dès l&#x27;ajout au panier")
            || product_page.contains("Connecté, vous l'avez réservé 10 min dès l'ajout au panier"),
        "the product page states the hold"
    );
    let (_, search) = app.get_html("/search?q=playstation+5").await;
    assert!(search.contains("Épuisé"), "the search card shows it sold out");
    assert_eq!(stock_of(&app, ps5).await, 1, "the unit is still on the shelf");

    // A declined card: the unit comes back to Ada's hold, not to the shop.
    let declined = checkout(&app, &ada, "ada-declined-01", CARD_DECLINED).await;
    assert_eq!(declined.status(), 400);
    let basket = json(app.call_as(&ada, "basket/get", &[]).await).await;
    assert_eq!(
        basket["lines"][0]["hold"]["until_ms"], until_ms,
        "the same hold: {basket}"
    );
    assert_eq!(
        json(add(&app, &grace, ps5, 1).await).await["added"],
        0,
        "still Ada's"
    );

    // Ten minutes pass (in the database): nothing sweeps, yet the unit is free.
    sql(
        &app,
        "UPDATE basket_lines SET held_until = now() - interval '1 second'",
    )
    .await;
    let (_, product_page) = app.get_html("/p/playstation-5-slim").await;
    assert!(product_page.contains(r#""availability":"https://schema.org/InStock""#));
    let basket = json(app.call_as(&ada, "basket/get", &[]).await).await;
    assert!(basket["lines"][0]["hold"].is_null(), "Ada's hold has ended");
    assert_eq!(
        json(add(&app, &guest, ps5, 1).await).await["added"],
        1,
        "a guest may add it"
    );
    let basket = json(app.call_as(&guest, "basket/get", &[]).await).await;
    assert!(basket["lines"][0]["hold"].is_null(), "but holds nothing");
    assert_eq!(json(add(&app, &grace, ps5, 1).await).await["added"], 1);
    let basket = json(app.call_as(&grace, "basket/get", &[]).await).await;
    assert!(
        basket["lines"][0]["hold"]["until_ms"].is_i64(),
        "Grace holds it now: {basket}"
    );
    let refused = checkout(&app, &ada, "ada-late-key-01", CARD_OK).await;
    assert_eq!(refused.status(), 409, "Grace holds it now");
    assert_eq!(
        checkout(&app, &grace, "grace-key-0001", CARD_OK).await.status(),
        200
    );
    assert_eq!(stock_of(&app, ps5).await, 0);
    assert_eq!(
        app::inventory::ledger::unbalanced_products(&app.pool)
            .await
            .expect("ledger"),
        Vec::<i64>::new()
    );
}
