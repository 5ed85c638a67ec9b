#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! VAT as the law asks it shown: the basket, the checkout and the order
//! state HT, the VAT at each rate and TTC; an order keeps the rates it was
//! sold at when a rate changes later. The arithmetic is checked by hand in
//! `app::pricing`; here, that each page says it, through HTTP.

use app::i18n::{format_price, Locale};
use sqlx::PgPool;

use crate::common::shop::{add, checkout, json, product_id, sql, CARD_OK};
use crate::common::{spawn_app, TestApp};

/// The VAT row at `basis_points` on `page`, if it has one: its amount.
fn vat_row(page: &str, basis_points: i32) -> Option<String> {
    let row = page.split(&format!(r#"data-vat-rate="{basis_points}""#)).nth(1)?;
    let cell = row.split("<td>").nth(1)?.split("</td>").next()?;
    Some(cell.split('>').nth(1)?.split('<').next()?.to_owned())
}

/// HT of `incl` at `rate` (20.0 for 20 %), by the formula, in floating
/// point: a second computation beside the shop's integer one.
fn excl(incl: i64, rate: f64) -> i64 {
    (incl as f64 / (1.0 + rate / 100.0)).round() as i64
}

async fn price_of(app: &TestApp, product: i64) -> i64 {
    sqlx::query_scalar("SELECT price_cents FROM products WHERE id = $1")
        .bind(product)
        .fetch_one(&app.pool)
        .await
        .expect("price")
}

#[sqlx::test(migrations = "../migrations")]
async fn basket_checkout_and_order_state_vat_per_rate_and_keep_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "ada").await;
    // A book (5,5 %, its category's rate) and a console (20 %).
    let book = product_id(&app, "le-petit-prince").await;
    let console = product_id(&app, "nintendo-switch-oled").await;
    assert_eq!(add(&app, &client, book, 2).await.status(), 200);
    assert_eq!(add(&app, &client, console, 1).await.status(), 200);
    let book_incl = 2 * price_of(&app, book).await;
    let console_incl = price_of(&app, console).await;
    let book_vat = format_price(book_incl - excl(book_incl, 5.5), Locale::Fr);
    let console_vat = format_price(console_incl - excl(console_incl, 20.0), Locale::Fr);
    let total_excl = format_price(excl(book_incl, 5.5) + excl(console_incl, 20.0), Locale::Fr);

    for path in ["/basket", "/checkout"] {
        let page = app.page_as(&client, path).await;
        assert!(
            page.contains(r#"data-testid="vat-breakdown""#),
            "{path} states the VAT"
        );
        assert_eq!(
            vat_row(&page, 550).as_deref(),
            Some(book_vat.as_str()),
            "{path}: 5,5 %"
        );
        assert_eq!(
            vat_row(&page, 2000).as_deref(),
            Some(console_vat.as_str()),
            "{path}: 20 %"
        );
        assert!(page.contains("TVA 5,5\u{a0}%") && page.contains("Total HT") && page.contains("Total TTC"));
        assert!(page.contains(&total_excl), "{path}: total HT {total_excl}");
    }

    let response = checkout(&app, &client, "vat-order-1", CARD_OK).await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order id");
    let rates: Vec<i32> =
        sqlx::query_scalar("SELECT vat_rate_bp FROM order_lines WHERE order_id = $1 ORDER BY vat_rate_bp")
            .bind(order)
            .fetch_all(&app.pool)
            .await
            .expect("lines");
    assert_eq!(rates, vec![550, 2000], "each line keeps its rate");

    // Books go to 20 % and the console to 2,1 %: the past order is unchanged.
    sql(
        &app,
        "UPDATE categories SET vat_rate_bp = 2000 WHERE slug = 'livres'",
    )
    .await;
    sql(
        &app,
        &format!("UPDATE products SET vat_rate_bp = 210 WHERE id = {console}"),
    )
    .await;
    let page = app.page_as(&client, &format!("/orders/{order}")).await;
    assert_eq!(vat_row(&page, 550).as_deref(), Some(book_vat.as_str()));
    assert_eq!(vat_row(&page, 2000).as_deref(), Some(console_vat.as_str()));
    assert!(page.contains(&total_excl));
    // English (no language chosen; the browser asks for English).
    let english_page = client
        .get(app.url(&format!("/orders/{order}")))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(english_page.contains("Total excl. VAT") && english_page.contains("VAT 5.5%"));
    assert_eq!(
        vat_row(&english_page, 550).as_deref(),
        Some(format_price(book_incl - excl(book_incl, 5.5), Locale::En).as_str())
    );

    // A new basket follows today's rates: both books and console change row.
    assert_eq!(add(&app, &client, book, 1).await.status(), 200);
    assert_eq!(add(&app, &client, console, 1).await.status(), 200);
    let page = app.page_as(&client, "/basket").await;
    assert!(vat_row(&page, 550).is_none(), "no book at 5,5 % any more");
    assert!(vat_row(&page, 210).is_some(), "the console at 2,1 %");
    assert!(vat_row(&page, 2000).is_some(), "the book at 20 %");
}
