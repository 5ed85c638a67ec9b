#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The drop report: a drop run through the real endpoints (a room, a
//! bot refused, a purchase, a declined card, a hold let go), then its
//! back-office page, its charts and its CSV, for administrators only.

use std::time::Duration;

use sqlx::PgPool;

use crate::common::shop::{add, checkout, set_stock, CARD_DECLINED, CARD_OK};
use crate::common::{spawn_app, TestApp};
use crate::drops::{console_drop, open_now, wait_for_state};

/// The value the report's page shows for figure `key`.
fn figure(page: &str, key: &str) -> i64 {
    let marker = format!(r#"data-figure="{key}""#);
    let after = page.split(&marker).nth(1).expect("the figure is shown");
    let dd = after.split("<dd>").nth(1).expect("its value");
    dd.split('<')
        .next()
        .expect("text")
        .trim()
        .parse()
        .expect("a number")
}

async fn report_page(app: &TestApp, admin: &reqwest::Client, drop: i64) -> String {
    app.page_as(admin, &format!("/admin/drops/{drop}")).await
}

#[sqlx::test(migrations = "../migrations")]
async fn the_report_tells_how_the_drop_went_as_a_page_charts_and_csv(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, ps5) = console_drop(&app.pool, 10).await;
    set_stock(&app, ps5, 5).await;
    sqlx::query("UPDATE products SET hold_minutes = 10 WHERE id = $1")
        .bind(ps5)
        .execute(&app.pool)
        .await
        .expect("holds");
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    let before = report_page(&app, &admin, drop.0).await;
    assert!(before.contains(r#"data-testid="drop-figures""#));
    assert_eq!(figure(&before, "units"), 0);

    // A bot's account knocks before the opening until it is throttled.
    let bot = app.new_client();
    app.register(&bot, "bot").await;
    let mut knocks = 0;
    while add(&app, &bot, ps5, 1).await.status() == 409 {
        knocks += 1;
        assert!(knocks <= 100, "the bot was never throttled");
    }
    // Three shoppers take places, the sale opens, the room admits them.
    let mut shoppers = Vec::new();
    for name in ["ada", "bob", "cyd"] {
        let client = app.new_client();
        app.register(&client, name).await;
        app.call_as(&client, "drops/join", &[("id", &drop.0.to_string())])
            .await;
        shoppers.push(client);
    }
    open_now(&app.pool, drop).await;
    for client in &shoppers {
        wait_for_state(&app, client, drop, "admitted").await;
        assert_eq!(add(&app, client, ps5, 1).await.status(), 200);
    }
    // Ada pays, Bob's card is declined, Cyd lets her hold run out.
    assert_eq!(
        checkout(&app, &shoppers[0], "ada-report-1", CARD_OK)
            .await
            .status(),
        200
    );
    assert_ne!(
        checkout(&app, &shoppers[1], "bob-report-1", CARD_DECLINED)
            .await
            .status(),
        200
    );
    sqlx::query("UPDATE basket_lines SET held_until = now() - interval '1 second' WHERE product_id = $1")
        .bind(ps5)
        .execute(&app.pool)
        .await
        .expect("hold run out");

    // The tick writes the refusals it counted within a second or two.
    let mut page = report_page(&app, &admin, drop.0).await;
    for _ in 0..50 {
        if figure(&page, "not-admitted") >= knocks && figure(&page, "throttled") >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        page = report_page(&app, &admin, drop.0).await;
    }
    assert_eq!(figure(&page, "joined"), 3);
    assert_eq!(figure(&page, "admitted"), 3);
    assert_eq!(figure(&page, "orders"), 1);
    assert_eq!(figure(&page, "units"), 1);
    assert_eq!(figure(&page, "failed"), 1);
    assert_eq!(figure(&page, "abandoned"), 2, "Bob's line and Cyd's, both let go");
    assert_eq!(figure(&page, "not-admitted"), knocks);
    assert_eq!(figure(&page, "throttled"), 1);
    assert!(page.contains("Pas épuisé") || page.contains("Not sold out"));
    // Charts drawn on the server, named, beside the table they draw.
    assert_eq!(page.matches("<svg").count(), 2);
    assert!(page.contains(r#"aria-describedby="timeline-table""#));
    assert!(page.contains(r#"id="timeline-table""#));

    // The timeline as CSV, its last row counting the unit sold.
    let csv = admin
        .get(app.url(&format!("/admin/drops/{}/report.csv", drop.0)))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let text = csv.text().await.expect("text");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("time,waiting,admitted,units_sold,units_sold_total")
    );
    let last = lines.last().expect("a row a minute");
    assert!(last.ends_with(",1"), "{last}");

    // Nobody else reads it.
    let customer = &shoppers[0];
    let path = format!("/admin/drops/{}/report.csv", drop.0);
    assert_eq!(
        customer.get(app.url(&path)).send().await.expect("csv").status(),
        404
    );
    let guest = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let refused = guest.get(app.url(&path)).send().await.expect("csv");
    assert!(refused.status().is_redirection());
    assert_eq!(
        admin
            .get(app.url("/admin/drops/999999/report.csv"))
            .send()
            .await
            .expect("csv")
            .status(),
        404
    );
    assert_eq!(
        admin
            .get(app.url("/admin/drops/abc/report.csv"))
            .send()
            .await
            .expect("csv")
            .status(),
        404
    );
    let unknown = admin
        .get(app.url("/admin/drops/999999"))
        .send()
        .await
        .expect("page");
    assert_eq!(unknown.status(), 404);
}
