#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Invoices and credit notes: a paid order's invoice as a PDF that states
//! its number, the seller, the lines, HT / VAT per rate / TTC (read back
//! with poppler's `pdftotext`), for its owner and the back office only; a
//! cancelled paid order's credit note; one unbroken sequence under 200
//! concurrent payments on two instances; the accountant's monthly report.

use futures::future::join_all;
use futures::stream::{self, StreamExt};
use sqlx::PgPool;

use app::i18n::{format_price, Locale};

use crate::common::shop::{add, checkout, json, product_id, CARD_DECLINED, CARD_OK};
use crate::common::{spawn_another_configured, spawn_app, spawn_app_configured, TestApp};

/// The text of a PDF, as poppler's extractor reads it (layout kept, no-break
/// spaces as spaces).
fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let dir = std::env::temp_dir().join(format!("wm-pdf-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("document.pdf");
    std::fs::write(&file, bytes).expect("write the PDF");
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "pdftotext reads it: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8 text")
        .replace(['\u{a0}', '\u{202f}'], " ")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn price(cents: i64) -> String {
    format_price(cents, Locale::Fr).replace(['\u{a0}', '\u{202f}'], " ")
}

/// HT of `incl` at `rate` percent, in floating point (a second computation
/// beside the shop's integer one).
fn excl(incl: i64, rate: f64) -> i64 {
    (incl as f64 / (1.0 + rate / 100.0)).round() as i64
}

async fn get_pdf(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.expect("GET")
}

async fn scalar(app: &TestApp, query: &str, order: i64) -> i64 {
    sqlx::query_scalar(query)
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .expect("scalar")
}

/// Waits until every document written is numbered (the numbering after a
/// commit may leave some to the next periodic run, two seconds later).
async fn all_numbered(app: &TestApp) {
    for _ in 0..100 {
        let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices WHERE number IS NULL")
            .fetch_one(&app.pool)
            .await
            .expect("count");
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("documents still waiting for a number after 10 s");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_paid_order_s_invoice_states_what_the_law_asks_for_its_owner_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.new_client();
    app.register(&ada, "ada").await;
    // One book (5,5 %) by Point relais, 3,49 € under 35 €: the delivery is
    // at the book's rate.
    let book = product_id(&app, "le-petit-prince").await;
    assert_eq!(add(&app, &ada, book, 1).await.status(), 200);
    let response = checkout(&app, &ada, "invoice-1", CARD_OK).await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order id");
    all_numbered(&app).await;

    let book_incl = scalar(
        &app,
        "SELECT unit_price_cents FROM order_lines WHERE order_id = $1",
        order,
    )
    .await;
    let total = scalar(&app, "SELECT total_cents FROM orders WHERE id = $1", order).await;
    assert_eq!(total, book_incl + 349, "the book and Point relais");
    let total_excl = excl(total, 5.5);

    let page = app.page_as(&ada, &format!("/orders/{order}")).await;
    assert!(
        page.contains("FA-000001"),
        "the order page links the invoice by its number"
    );
    assert!(page.contains(&format!("/orders/{order}/invoice.pdf")));

    let response = get_pdf(&app, &ada, &format!("/orders/{order}/invoice.pdf")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.headers()["cache-control"]
        .to_str()
        .expect("header")
        .contains("no-store"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .contains("facture-FA-000001.pdf"));
    let text = pdf_text(&response.bytes().await.expect("body"));
    for expected in [
        "FACTURE".to_owned(),
        "N° FA-000001".to_owned(),
        format!("Commande n° {order}"),
        "WonderMarket SAS".to_owned(),
        "SIRET".to_owned(),
        "N° TVA intracommunautaire".to_owned(),
        "Ada Lovelace".to_owned(),
        "12 rue de la Paix".to_owned(),
        "Le Petit Prince".to_owned(),
        "Point relais".to_owned(),
        "TVA 5,5 %".to_owned(),
        format!("Total HT {}", price(total_excl)),
        format!("Total TVA {}", price(total - total_excl)),
        format!("Total TTC {}", price(total)),
    ] {
        let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squeezed.contains(&expected),
            "the invoice states {expected:?}:\n{text}"
        );
    }

    // Nobody else's: another customer and a guest learn nothing.
    let eve = app.new_client();
    app.register(&eve, "eve").await;
    assert_eq!(
        get_pdf(&app, &eve, &format!("/orders/{order}/invoice.pdf"))
            .await
            .status(),
        404
    );
    let guest = app.new_client();
    let response = get_pdf(&app, &guest, &format!("/orders/{order}/invoice.pdf")).await;
    assert!(response.status().is_redirection(), "a guest logs in first");
    assert!(response.headers()["location"]
        .to_str()
        .expect("location")
        .starts_with("/login"));
    assert_eq!(
        get_pdf(&app, &guest, "/orders/abc/invoice.pdf").await.status(),
        404,
        "a path that names no order is no page, for a guest too"
    );
    for path in [
        format!("/orders/{order}/credit-note.pdf"),
        "/orders/999999/invoice.pdf".to_owned(),
        "/orders/abc/invoice.pdf".to_owned(),
        "/orders/-1/invoice.pdf".to_owned(),
    ] {
        assert_eq!(get_pdf(&app, &ada, &path).await.status(), 404, "{path}");
    }

    // The back office cancels it: the invoice stays, a credit note takes it back.
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    assert_eq!(
        get_pdf(&app, &admin, &format!("/orders/{order}/invoice.pdf"))
            .await
            .status(),
        200
    );
    let cancel = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[
                ("order_id", &order.to_string()),
                ("status", "cancelled"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(cancel.status(), 200);
    all_numbered(&app).await;
    let response = get_pdf(&app, &ada, &format!("/orders/{order}/credit-note.pdf")).await;
    assert_eq!(response.status(), 200);
    let text = pdf_text(&response.bytes().await.expect("body"));
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "AVOIR".to_owned(),
        "N° AV-000001".to_owned(),
        "Annule la facture FA-000001".to_owned(),
        format!("Total TTC {}", price(total)),
    ] {
        assert!(
            squeezed.contains(&expected),
            "the credit note states {expected:?}:\n{text}"
        );
    }
    let page = app.page_as(&ada, &format!("/orders/{order}")).await;
    assert!(page.contains("FA-000001") && page.contains("AV-000001"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_english_customer_gets_an_english_invoice_over_several_pages(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    app.register(&client, "grace").await;
    // Forty different goods: more lines than one page holds.
    let products: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM products WHERE variant_of IS NULL AND stock > 5 AND archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM products v WHERE v.variant_of = products.id)
         ORDER BY id LIMIT 40",
    )
    .fetch_all(&app.pool)
    .await
    .expect("products");
    assert_eq!(products.len(), 40, "the demo has forty simple products in stock");
    for product in &products {
        assert_eq!(add(&app, &client, *product, 1).await.status(), 200);
    }
    let response = client
        .post(app.url("/api/payment/checkout"))
        .header("Origin", &app.address)
        .header("Accept-Language", "en")
        .form(&crate::common::shop::checkout_form(
            "invoice-en",
            CARD_OK,
            "1 Main Street",
        ))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order id");
    let response = get_pdf(&app, &client, &format!("/orders/{order}/invoice.pdf")).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("body");
    let text = pdf_text(&bytes);
    assert!(
        text.contains("INVOICE") && text.contains("Billed to") && text.contains("Total incl. VAT"),
        "{text}"
    );
    assert!(
        text.matches('\u{c}').count() >= 2,
        "more than one page (form feeds between pages)"
    );
    let names: Vec<String> = sqlx::query_scalar("SELECT product_name FROM order_lines WHERE order_id = $1")
        .bind(order)
        .fetch_all(&app.pool)
        .await
        .expect("names");
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = names
        .iter()
        .filter(|name| squeezed.contains(name.split_whitespace().next().unwrap_or_default()))
        .count();
    assert_eq!(shown, names.len(), "every line is on a page");
}

/// 200 payments at once, half on each of two instances, with a provider
/// slow enough that they overlap, and some declined cards among them: the
/// invoices are numbered 1 to the number of paid orders, each once; a
/// declined payment takes no number.
#[sqlx::test(migrations = "../migrations")]
async fn two_hundred_payments_on_two_instances_number_invoices_without_gap(pool: PgPool) {
    let first = spawn_app_configured(pool.clone(), |config| config.test_payment_latency_ms = 100).await;
    let second = spawn_another_configured(pool, |config| config.test_payment_latency_ms = 100).await;
    let product = product_id(&first, "le-petit-prince").await;
    sqlx::query("UPDATE products SET stock = 10000, max_per_order = 5 WHERE id = $1")
        .bind(product)
        .execute(&first.pool)
        .await
        .expect("stock");
    let buyers: Vec<reqwest::Client> = (0..200).map(|_| first.new_client()).collect();
    // Set-up, not under test: sign-ups hash passwords, a few at a time.
    stream::iter(buyers.iter().enumerate())
        .map(|(n, client)| {
            let first = &first;
            async move {
                first.register(client, &format!("payer{n}")).await;
                assert_eq!(add(first, client, product, 1).await.status(), 200);
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;

    let answers = join_all(buyers.iter().enumerate().map(|(n, client)| {
        let instance = if n % 2 == 0 { &first } else { &second };
        let card = if n % 10 == 3 { CARD_DECLINED } else { CARD_OK };
        let key = format!("gapless-{n:03}");
        async move { checkout(instance, client, &key, card).await.status().as_u16() }
    }))
    .await;
    let paid = answers.iter().filter(|status| **status == 200).count();
    assert_eq!(paid, 180, "{answers:?}");
    all_numbered(&first).await;

    let numbers: Vec<i64> =
        sqlx::query_scalar("SELECT number FROM invoices WHERE kind = 'invoice' ORDER BY number")
            .fetch_all(&first.pool)
            .await
            .expect("numbers");
    assert_eq!(
        numbers,
        (1..=180).collect::<Vec<i64>>(),
        "1 to 180, no gap, no duplicate"
    );
    let unpaid_with_invoice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.status <> 'paid'",
    )
    .fetch_one(&first.pool)
    .await
    .expect("count");
    assert_eq!(unpaid_with_invoice, 0, "a declined payment has no invoice");
    let counter: i64 = sqlx::query_scalar("SELECT last_number FROM document_counters WHERE kind = 'invoice'")
        .fetch_one(&first.pool)
        .await
        .expect("counter");
    assert_eq!(counter, 180);
    // Numbers follow the order they were issued in.
    let out_of_order: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invoices a JOIN invoices b ON a.kind = b.kind
         WHERE a.number < b.number AND a.issued_at > b.issued_at",
    )
    .fetch_one(&first.pool)
    .await
    .expect("count");
    assert_eq!(out_of_order, 0, "a later number is never dated earlier");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_accountant_s_report_adds_invoices_and_takes_back_credit_notes(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let book = product_id(&app, "le-petit-prince").await;
    let console = product_id(&app, "nintendo-switch-oled").await;
    let mut orders = Vec::new();
    for (n, name) in ["ada", "alan", "grace"].into_iter().enumerate() {
        let client = app.new_client();
        app.register(&client, name).await;
        assert_eq!(add(&app, &client, book, 1).await.status(), 200);
        assert_eq!(add(&app, &client, console, 1).await.status(), 200);
        let response = checkout(&app, &client, &format!("report-{n}"), CARD_OK).await;
        assert_eq!(response.status(), 200);
        orders.push(json(response).await["id"].as_i64().expect("order"));
    }
    // One of the three is cancelled: its credit note takes it back.
    let cancel = app
        .call_as(
            &admin,
            "payment/admin/order-status",
            &[
                ("order_id", &orders[2].to_string()),
                ("status", "cancelled"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(cancel.status(), 200);
    all_numbered(&app).await;

    let book_incl = scalar(&app, "SELECT price_cents FROM products WHERE id = $1", book).await;
    let console_incl = scalar(&app, "SELECT price_cents FROM products WHERE id = $1", console).await;
    let month = app::invoices::report::Month::of(app::i18n::shop_today()).to_string();
    let response = admin
        .get(app.url(&format!("/admin/reports/sales.csv?from={month}&to={month}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/csv"));
    let csv = response.text().await.expect("csv");
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    let euros = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    // Two orders stand: per rate, twice the goods (delivery free above 35 €).
    assert_eq!(rows.len(), 2, "{csv}");
    assert_eq!(rows[0][..2], [month.clone(), "20.00".to_owned()]);
    assert_eq!(rows[0][4], euros(2 * console_incl), "{csv}");
    assert_eq!(
        rows[0][3],
        euros(2 * console_incl - 2 * excl(console_incl, 20.0)),
        "{csv}"
    );
    assert_eq!(
        rows[0][7..],
        ["3".to_owned(), "1".to_owned()],
        "three invoices, one credit note"
    );
    assert_eq!(rows[1][..2], [month.clone(), "5.50".to_owned()]);
    assert_eq!(rows[1][4], euros(2 * book_incl), "{csv}");

    // The page: the table and the chart, and a bad range refused.
    let (status, page) = (
        200,
        app.page_as(&admin, &format!("/admin/reports/sales?from={month}&to={month}"))
            .await,
    );
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"data-testid="sales-chart""#) && page.contains("<rect"),
        "a chart drawn on the server"
    );
    assert!(page.contains(&format_price(2 * console_incl, Locale::Fr)));
    for bad in [
        "from=2026-13&to=2026-12",
        "from=2027-01&to=2026-12",
        "from=2020-01&to=2026-12",
        "from=%3Cscript%3E&to=x",
    ] {
        let response = admin
            .get(app.url(&format!("/admin/reports/sales.csv?{bad}")))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 400, "{bad}");
        let response = admin
            .get(app.url(&format!("/admin/reports/sales?{bad}")))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 400, "{bad}");
        let body = response.text().await.expect("page");
        assert!(!body.contains("<script>"), "what was typed comes back escaped");
    }
    // Customers learn nothing of it.
    let customer = app.new_client();
    app.register(&customer, "mallory").await;
    let response = customer
        .get(app.url("/admin/reports/sales.csv"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 404);
}
