#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Delivery: the shopper picks a method at checkout; its cost, read on the
//! server for the basket's weight, goods and country, is in the order's
//! total and kept on the order; the basket shows the cheapest estimate;
//! every refusal changes nothing; the back office configures the methods.

use sqlx::PgPool;

use crate::common::shop::{add, checkout_form, count, json, product_id, sql, stock_of, CARD_OK};
use crate::common::{spawn_app, TestApp};

/// The seeded methods (migration 35), by id.
const COLISSIMO: &str = "1";
const POINT_RELAIS: &str = "2";
const CHRONOPOST: &str = "3";

/// A product of the shop's own for the test: `price_cents`, `weight_grams`.
async fn parcel(app: &TestApp, slug: &str, price_cents: i64, weight_grams: i32) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO products (slug, sku, name, description, category_id, price_cents, stock, weight_grams, image_path)
         SELECT $1, upper($1), $1, 'Un colis de test.', id, $2, 50, $3, '/images/products/generic-maison.svg'
         FROM categories WHERE slug = 'maison'
         RETURNING id",
    )
    .bind(slug)
    .bind(price_cents)
    .bind(weight_grams)
    .fetch_one(&app.pool)
    .await
    .expect("product")
}

/// Checks out with `changes` made to the standard form.
async fn checkout_with(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    changes: &[(&'static str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = checkout_form(key, CARD_OK, "12 rue de la Paix")
        .into_iter()
        .filter(|(name, _)| !changes.iter().any(|(changed, _)| changed == name))
        .collect();
    form.extend(changes.iter().filter(|(_, value)| !value.is_empty()).copied());
    app.call_as(client, "payment/checkout", &form).await
}

async fn order_delivery(app: &TestApp, order: i64) -> (i64, i64, String) {
    sqlx::query_as("SELECT total_cents, delivery_cents, delivery_name_fr FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .expect("order")
}

#[sqlx::test(migrations = "../migrations")]
async fn the_method_picked_is_charged_kept_on_the_order_and_shown(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    // 20,00 € of goods weighing 1,2 kg.
    let lamp = parcel(&app, "lampe-test", 2000, 1200).await;
    assert_eq!(add(&app, &client, lamp, 1).await.status(), 200);

    // The basket's estimate: the cheapest to France, Point relais at 3,49 €.
    let basket = app.page_as(&client, "/basket").await;
    let estimate = basket
        .split(r#"data-testid="delivery-estimate""#)
        .nth(1)
        .expect("the basket shows an estimate");
    let estimate = estimate.split("</p>").next().expect("estimate");
    assert!(
        estimate.contains("3,49") && estimate.contains("Point relais"),
        "{estimate}"
    );

    // The checkout offers the three, Point relais picked, Colissimo priced
    // by its 2 kg band.
    let page = app.page_as(&client, "/checkout").await;
    let options = page
        .split(r#"data-testid="delivery-options""#)
        .nth(1)
        .expect("the checkout lists the methods")
        .split("</fieldset>")
        .next()
        .expect("options");
    for name in ["Colissimo domicile", "Point relais", "Chronopost express"] {
        assert!(options.contains(name), "{name} offered");
    }
    assert!(options.contains("6,99") && options.contains("12,90"), "{options}");
    assert!(
        options.contains(&format!(r#"value="{POINT_RELAIS}" checked"#)),
        "the cheapest is picked: {options}"
    );

    // Colissimo it is: 20,00 € + 6,99 € (1 to 2 kg).
    let response = checkout_with(
        &app,
        &client,
        "delivery-order-1",
        &[("delivery_method", COLISSIMO)],
    )
    .await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order");
    assert_eq!(
        order_delivery(&app, order).await,
        (2699, 699, "Colissimo domicile".to_owned())
    );
    let page = app.page_as(&client, &format!("/orders/{order}")).await;
    let row = page
        .split(r#"data-testid="order-delivery""#)
        .nth(1)
        .expect("the order states its delivery")
        .split("</tr>")
        .next()
        .expect("row");
    assert!(
        row.contains("Colissimo domicile") && row.contains("6,99"),
        "{row}"
    );
    // 26,99 € TTC at 20 %: HT 2 699 / 1,2 = 2 249,17 → 22,49 €.
    assert!(page.contains("22,49"), "delivery VAT in the breakdown");

    // The method's price changes; the order keeps what it was sold at.
    sql(
        &app,
        "UPDATE delivery_weight_bands SET price_cents = 899 WHERE up_to_grams = 2000",
    )
    .await;
    sql(
        &app,
        "UPDATE delivery_methods SET name_fr = 'Colissimo' WHERE id = 1",
    )
    .await;
    assert_eq!(
        order_delivery(&app, order).await,
        (2699, 699, "Colissimo domicile".to_owned())
    );
    let page = app.page_as(&client, &format!("/orders/{order}")).await;
    assert!(page.contains("Colissimo domicile"));
}

#[sqlx::test(migrations = "../migrations")]
async fn delivery_is_free_from_the_threshold_not_a_cent_under(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    // Point relais is free from 35,00 € of goods.
    let under = parcel(&app, "sous-le-seuil", 3499, 300).await;
    let at = parcel(&app, "au-seuil", 3500, 300).await;
    add(&app, &client, under, 1).await;
    let response = checkout_with(&app, &client, "threshold-under", &[]).await;
    let order = json(response).await["id"].as_i64().expect("order");
    assert_eq!(order_delivery(&app, order).await.0, 3499 + 349);
    add(&app, &client, at, 1).await;
    let basket = app.page_as(&client, "/basket").await;
    assert!(basket.contains("Offerte"), "the estimate says free");
    let response = checkout_with(&app, &client, "threshold-at-1", &[]).await;
    let order = json(response).await["id"].as_i64().expect("order");
    assert_eq!(order_delivery(&app, order).await.0, 3500, "free at the threshold");
}

/// The form's changes, the field refused and the rule it broke.
type Refusal = (
    &'static [(&'static str, &'static str)],
    &'static str,
    serde_json::Value,
);

#[sqlx::test(migrations = "../migrations")]
async fn every_refusal_is_named_and_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    // 32 kg: beyond Colissimo's last band (30 kg).
    let heavy = parcel(&app, "armoire-test", 20_000, 32_000).await;
    add(&app, &client, heavy, 1).await;
    sql(&app, "INSERT INTO delivery_methods (id, name_fr, name_en, price_cents, days_min, days_max, countries, active)
               VALUES (9, 'Ancien', 'Old', 100, 1, 2, '{FR}', false)")
    .await;
    let refusals: [Refusal; 7] = [
        (
            &[("delivery_method", "")],
            "delivery_method",
            serde_json::json!("Required"),
        ),
        (
            &[("delivery_method", "abc")],
            "delivery_method",
            serde_json::json!("UnknownChoice"),
        ),
        (
            &[("delivery_method", "999")],
            "delivery_method",
            serde_json::json!("UnknownChoice"),
        ),
        (
            &[("delivery_method", "9")],
            "delivery_method",
            serde_json::json!("UnknownChoice"),
        ),
        (
            &[("delivery_method", COLISSIMO)],
            "delivery_method",
            serde_json::json!({"Delivery": "Weight"}),
        ),
        (
            &[("delivery_method", CHRONOPOST), ("ship_country", "BE")],
            "delivery_method",
            serde_json::json!({"Delivery": "Country"}),
        ),
        (
            &[("ship_country", "Atlantis")],
            "ship_country",
            serde_json::json!("UnknownChoice"),
        ),
    ];
    for (at, (changes, field, rule)) in refusals.iter().enumerate() {
        let response = checkout_with(&app, &client, &format!("refused-key-{at}"), changes).await;
        assert_eq!(response.status(), 400, "{changes:?}");
        let body = json(response).await;
        assert_eq!(body["Validation"]["field"], *field, "{changes:?}: {body}");
        assert_eq!(body["Validation"]["rule"], *rule, "{changes:?}: {body}");
    }
    assert_eq!(count(&app, "orders").await, 0, "no order written");
    assert_eq!(stock_of(&app, heavy).await, 50, "no unit taken");
    // Point relais carries any weight, to Belgium too ("belgique" spelt as typed).
    let response = checkout_with(&app, &client, "heavy-by-relay", &[("ship_country", " belgique ")]).await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order");
    let country: String = sqlx::query_scalar("SELECT ship_country FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .expect("country");
    assert_eq!(country, "BE", "kept as its code");
    let page = app.page_as(&client, &format!("/orders/{order}")).await;
    assert!(page.contains("Belgique"), "shown by its name");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_configures_methods_and_refuses_bad_ones(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    let save = |form: Vec<(&'static str, &'static str)>| {
        let admin = admin.clone();
        let app = &app;
        async move { app.call_as(&admin, "delivery/admin/save-method", &form).await }
    };
    let valid = vec![
        ("name_fr", "Coursier"),
        ("name_en", "Courier"),
        ("price", "9,90"),
        ("free_from", "100"),
        ("days_min", "1"),
        ("days_max", "2"),
        ("countries", "FR"),
        ("bands", "1000=7,90; 5000=9,90"),
        ("active", "yes"),
    ];
    let methods_before = count(&app, "delivery_methods").await;
    for (field, bad) in [
        ("name_fr", ""),
        ("price", "gratuit"),
        ("days_max", "0"),
        ("countries", "XX"),
        ("bands", "lourd"),
    ] {
        let mut form = valid.clone();
        form.retain(|(name, _)| *name != field);
        form.push((field, bad));
        let response = save(form).await;
        assert_eq!(response.status(), 400, "{field}={bad:?}");
        assert_eq!(json(response).await["Validation"]["field"], field);
    }
    assert_eq!(
        count(&app, "delivery_methods").await,
        methods_before,
        "nothing written"
    );

    assert_eq!(save(valid.clone()).await.status(), 200);
    let page = app.page_as(&admin, "/admin/delivery").await;
    assert!(
        page.contains("Coursier") && page.contains("1000=7,90; 5000=9,90"),
        "listed"
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM delivery_methods WHERE name_fr = 'Coursier'")
        .fetch_one(&app.pool)
        .await
        .expect("saved");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'delivery.save'")
        .fetch_one(&app.pool)
        .await
        .expect("audit");
    assert_eq!(audited, 1);

    // A shopper sees it; withdrawn, they no longer do and cannot pick it.
    let shopper = app.new_client();
    app.register(&shopper, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    add(&app, &shopper, book, 1).await;
    assert!(app.page_as(&shopper, "/checkout").await.contains("Coursier"));
    let id_text = id.to_string();
    let mut withdrawn: Vec<(&str, &str)> = valid
        .iter()
        .filter(|(name, _)| *name != "active")
        .copied()
        .collect();
    withdrawn.push(("id", &id_text));
    assert_eq!(
        app.call_as(&admin, "delivery/admin/save-method", &withdrawn)
            .await
            .status(),
        200
    );
    assert!(!app.page_as(&shopper, "/checkout").await.contains("Coursier"));
    let response = checkout_with(&app, &shopper, "withdrawn-key", &[("delivery_method", &id_text)]).await;
    assert_eq!(response.status(), 400);
    // An id that is no method is not found, and writes nothing.
    let mut unknown: Vec<(&str, &str)> = valid.clone();
    unknown.push(("id", "987654"));
    assert_eq!(
        app.call_as(&admin, "delivery/admin/save-method", &unknown)
            .await
            .status(),
        404
    );
    assert_eq!(count(&app, "delivery_methods").await, methods_before + 1);
}
